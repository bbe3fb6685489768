#!/usr/bin/env bash
# Installs what collop needs on a Debian machine, only when it is missing: LAPACKE over OpenBLAS
# (liblapacke-dev, libopenblas-dev), FFTW (libfftw3-dev), HDF5 (libhdf5-dev: --format hdf5),
# pkg-config, for the sweep driver and its figures GNU parallel and gnuplot-nox, and GNU time
# (the tests measure peak memory with it).
# Safe to run repeatedly; uses sudo when not root.
set -euo pipefail

packages=(liblapacke-dev libopenblas-dev libfftw3-dev libhdf5-dev pkg-config parallel gnuplot-nox time)
missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if ((${#missing[@]} > 0)); then
    echo "setup: installing ${missing[*]}" >&2
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The Python side (python/collop_io.py, the sweep merge, the figures' data, the reader's tests)
# needs numpy, pandas and h5py: installed with pip into the python3 on PATH when missing
# (with Debian's packages when there is no python3 at all).
if ! command -v python3 >/dev/null 2>&1; then
    echo "setup: no python3 on PATH: installing Debian's python3 with numpy, pandas and h5py" >&2
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3 python3-numpy python3-pandas python3-h5py >/dev/null
fi
python_missing=()
for module in numpy pandas h5py; do
    python3 -c "import $module" >/dev/null 2>&1 || python_missing+=("$module")
done
if ((${#python_missing[@]} > 0)); then
    echo "setup: pip installing ${python_missing[*]} for $(command -v python3)" >&2
    python3 -m pip install -q --disable-pip-version-check "${python_missing[@]}" 2>/dev/null \
        || python3 -m pip install -q --disable-pip-version-check --user "${python_missing[@]}"
fi

if ! command -v swift >/dev/null 2>&1; then
    if [ -x /opt/swift/usr/bin/swift ]; then
        echo "setup: swift is at /opt/swift/usr/bin; add it to PATH" >&2
    else
        echo "setup: no swift toolchain on PATH (Swift 6.x is required: https://www.swift.org/install/linux/)" >&2
    fi
    exit 1
fi
