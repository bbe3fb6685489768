#!/usr/bin/env bash
# Benchmark collop against NumPy/SciPy implementations of the same operator (bench/).
# Installs what is missing (LAPACKE, FFTW, NumPy and SciPy from PyPI) and builds in release
# mode. A benchmark, never a test: run it on a quiet machine.
#
#   scripts/bench.sh [--repeats R] [--quick] [--large] [--cases 0,2,...]
#       spectra: checks that collop and bench/peer.py (dense SciPy) give the same eigenvalues,
#       times them alternately and writes docs/benchmarks.md
#   scripts/bench.sh --krylov [--sizes 64,128] [--repeats R]
#       the matrix-free λ0 (--method krylov) against bench/krylov_peer.py (scipy.fft and
#       gmres on a LinearOperator, same algorithm); writes docs/benchmarks-krylov.md
#   scripts/bench.sh --growth [--dim3 32,64,128,256] [--dim2 256,...,4096] [--threads 2]
#       time and peak memory of the matrix-free λ0 against N, with fitted exponents;
#       writes docs/benchmarks-growth.md
#   scripts/bench.sh --exact [--repeats R]
#       collop exact (d = 3 transfer matrix, d = 1 diagonalization) against bench/exact_peer.py
#       (dense NumPy products and numpy.linalg.qr; scipy's dstemr); writes docs/benchmarks-exact.md
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
if [ "${1:-}" = "--exact" ]; then
    shift
    exec python3 bench/exact_bench.py --collop "$collop" --markdown docs/benchmarks-exact.md "$@"
fi
if [ "${1:-}" = "--growth" ]; then
    shift
    exec python3 bench/growth_bench.py --collop "$collop" --markdown docs/benchmarks-growth.md "$@"
fi
if [ "${1:-}" = "--krylov" ]; then
    shift
    exec python3 bench/krylov_bench.py --collop "$collop" --markdown docs/benchmarks-krylov.md "$@"
fi
markdown=docs/benchmarks.md
for argument in "$@"; do [ "$argument" = "--quick" ] && markdown=/dev/null; done
if [ "$markdown" = /dev/null ]; then
    exec python3 bench/bench.py --collop "$collop" "$@"
fi
exec python3 bench/bench.py --collop "$collop" --markdown "$markdown" "$@"
