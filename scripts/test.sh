#!/usr/bin/env bash
# Installs what is missing, builds in release mode (the numerical tests need optimized
# code) and runs every test target with Swift Testing, then the Python reader's tests
# (python/test_collop_io.py: every command's TSV, JSON and HDF5 read alike, sweeps read
# and plotted; scripts/setup.sh installs numpy, pandas and h5py with pip when they are missing).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /opt/swift/usr/bin/swift ] && export PATH="$PATH:/opt/swift/usr/bin"
scripts/setup.sh
swift build -c release --build-tests
swift test -c release --skip-build "$@"
COLLOP="$(swift build -c release --show-bin-path)/collop" python3 python/test_collop_io.py
