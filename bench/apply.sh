#!/usr/bin/env bash
# Times one matrix-free product y = 𝕃x (OperatorAction: FFT, O(N log N)) at d = 3,
# L = 64 and 128, for the `none` and `cooperon` vertices, and prints ms per product and
# the peak memory (/usr/bin/time -v). A benchmark, never a test: run it on a quiet machine.
#
#   [BENCH_SCRATCH_PATH=.build-x] bench/apply.sh [--repeats R] [--planning estimate|measure] [--sizes "64 128"] [--singular "none cooperon"]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /opt/swift/usr/bin/swift ] && export PATH="$PATH:/opt/swift/usr/bin"
repeats=10 planning=estimate sizes="64 128" models="none cooperon"
while (($# > 0)); do
    case "$1" in
        --repeats) repeats="$2"; shift 2 ;;
        --planning) planning="$2"; shift 2 ;;
        --sizes) sizes="$2"; shift 2 ;;
        --singular) models="$2"; shift 2 ;;
        *) echo "apply.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
scripts/setup.sh
scratch="${BENCH_SCRATCH_PATH:-.build-bench}"   # its own build folder; override to reuse one
swift build -c release --product collop-bench --scratch-path "$scratch" >&2
bench="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/collop-bench"
timer=()
[ -x /usr/bin/time ] && timer=(/usr/bin/time -v)
for size in $sizes; do
    for model in $models; do
        log="$(mktemp)"
        "${timer[@]}" "$bench" --dim 3 --size "$size" --singular "$model" --repeats "$repeats" --planning "$planning" 2>"$log"
        if ((${#timer[@]} > 0)); then
            awk -F': ' '/Maximum resident set size/ { printf "    max RSS (time -v): %.0f MB\n", $2 / 1024 }
                        /Elapsed \(wall clock\)/ { print "    wall clock: " $2 }' "$log"
        else
            cat "$log" >&2
        fi
        rm -f "$log"
    done
done
