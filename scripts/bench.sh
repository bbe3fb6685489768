#!/usr/bin/env bash
# Benchmark collop against a NumPy/SciPy implementation of the same operator (bench/).
# Installs what is missing (LAPACKE, NumPy and SciPy from PyPI), builds in release mode,
# checks that both give the same eigenvalues, times them alternately with repeats and
# writes the table to docs/benchmarks.md. A benchmark, never a test: run it on a quiet machine.
#
#   scripts/bench.sh [--repeats R] [--quick] [--cases 0,2,...]
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
markdown=docs/benchmarks.md
for argument in "$@"; do [ "$argument" = "--quick" ] && markdown=/dev/null; done
if [ "$markdown" = /dev/null ]; then
    exec python3 bench/bench.py --collop "$collop" "$@"
fi
exec python3 bench/bench.py --collop "$collop" --markdown "$markdown" "$@"
