#!/usr/bin/env bash
# Builds collop in release mode and runs the default analysis: the eigenvalue table of
# the default model (d = 2, L = 16, E = 0.3, W = 2, localized vertex, q = 0).
# Arguments are passed to collop instead, e.g. `scripts/run.sh check --dim 3 --size 8`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /opt/swift/usr/bin/swift ] && export PATH="$PATH:/opt/swift/usr/bin"
scripts/setup.sh
swift build -c release --product collop >&2
bin="$(swift build -c release --show-bin-path)/collop"
if [ "$#" -eq 0 ]; then
    exec "$bin" spectrum
else
    exec "$bin" "$@"
fi
