#!/usr/bin/env bash
# Benchmark the matrix-free λ0 (`--method krylov`) against a NumPy/SciPy matrix-free peer
# (bench/krylov_peer.py): installs what is missing (LAPACKE, FFTW, NumPy and SciPy), builds
# in release mode and writes docs/benchmarks-krylov.md. A benchmark, never a test.
#
#   scripts/bench-krylov.sh [--sizes 64,128] [--repeats R]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /opt/swift/usr/bin/swift ] && export PATH="$PATH:/opt/swift/usr/bin"
scripts/setup.sh
if ! python3 -c "import numpy, scipy" 2>/dev/null; then
    echo "bench: installing numpy and scipy from PyPI" >&2
    python3 -m pip install --quiet numpy scipy
fi
swift build -c release --product collop >&2
collop="$(swift build -c release --show-bin-path)/collop"
exec python3 bench/krylov_bench.py --collop "$collop" --markdown docs/benchmarks-krylov.md "$@"
