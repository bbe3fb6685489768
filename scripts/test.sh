#!/usr/bin/env bash
# Installs what is missing, builds in release mode (the numerical tests need optimized
# code) and runs every test target with Swift Testing.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /opt/swift/usr/bin/swift ] && export PATH="$PATH:/opt/swift/usr/bin"
scripts/setup.sh
swift build -c release --build-tests
swift test -c release --skip-build "$@"
