#!/usr/bin/env bash
# Runs a parameter sweep of collop: every point of the Cartesian product of a sweep
# description's [vary] table is one independent `collop` run, scheduled by GNU parallel.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: scripts/sweep.sh [options] SWEEP.toml

Expands the sweep description into points (the Cartesian product of [vary]) and runs each
point as one `collop COMMAND --config base.json ARGS --KEY VALUE… --output
OUTDIR/points/NAME.tsv` through GNU parallel. Rerunning the same command resumes: points
whose table is complete are skipped, the rest (interrupted or failed) are computed.

options:
  -o, --out DIR          output directory (default: out/<name of SWEEP without extension>)
  -j, --jobs N           points run at once per host (GNU parallel -j; default: one per core)
  -S, --sshlogin LOGIN   run points on LOGIN too (GNU parallel --sshlogin; repeatable, ':' is
                         this machine); OUTDIR, this checkout and COLLOP must be at the same
                         paths on every host (shared file system)
      --sshloginfile F   GNU parallel --sshloginfile
      --shard I/N        run only slice I of N (1 ≤ I ≤ N; points I, I+N, I+2N, … of the
                         product), e.g. one Slurm array task: --shard "$SLURM_ARRAY_TASK_ID/8"
      --threads T        OPENBLAS_NUM_THREADS of each point (default 1; 'auto' leaves it unset)
      --list             print each point of the shard (complete/todo) and its command; run nothing
  -q, --quiet            progress lines only for failures, plus the summary
  -h, --help             this text

sweep description (TOML, or JSON with the same structure):
  command = "hierarchy"                 # spectrum|check|diffusion|hierarchy|flow|dispersion|
                                        # closure|vw|scaling|exact|dos
  args = ["--omegas", "1e-3,1e-4"]      # fixed extra arguments (optional)
  [base]                                # model keys, as in a --config file (optional)
  size = 12
  [vary]                                # any collop option, without the dashes
  xi = [1.0, 1.5, 2.0]
  range = [1, 2]
  omega = { start = 1e-5, stop = 1e-2, num = 4, scale = "log" }   # or a range
  q = [[0, 0], [0.1, 0]]                # list-valued options: a list of lists

output in OUTDIR:
  points/NAME.tsv   one table per point, NAME = key=value,key=value (e.g. xi=1.5,range=2)
  points.tsv        the index: point name and its swept values
  failures.tsv      points whose latest attempt failed: point, exit status, first stderr line
  failed/NAME.err   the full stderr and command of each failed point (and failed/NAME.tsv
                    when collop wrote a table but exited nonzero, e.g. a failed `check`)
  runs.log          start/ok/fail/interrupted events of every attempt (time, run, point, host)
  locks/NAME.lock   a point is computed under this flock, so never twice at the same time
  base.json, sweep.json   the [base] config passed to collop and the resolved description

COLLOP: path of the collop binary (default: built with `swift build -c release`).
Before anything is created or run, the whole description is checked against collop: every
key of [vary] and [base] and every option in args must be a collop option (from collop's
own option list), args must not set --output, --config, --dry-run or a --format other than
tsv, and `collop … --dry-run` runs once per model class (swept keys, the types of their
values, and the swept text/boolean values such as singular) — a shape no point of which
collop accepts is refused, naming the key, and so is any option (swept, in [base] or in
args) that a point's header lists in ignored_options: the command or that model does not
read it, so its points would be identical.

exit status: 0 every point of the shard complete, 1 some point failed, 2 bad sweep file or
options (nothing run), 130 interrupted by SIGINT, 143 by SIGTERM, 129 by SIGHUP — sent to
the sweep's PID or to its process group, it stops at once, killing the running points
(rerun the same command to resume).
EOF
}

die() {
    echo "sweep: $*" >&2
    exit 2
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

# A launcher may start us with SIGINT/SIGTERM/SIGHUP blocked (some runtimes spawn children
# with their thread's signal mask); every process of the sweep would inherit that and
# neither Ctrl-C nor kill would stop it. And a non-interactive shell starts a background
# job (`scripts/sweep.sh … &`) with SIGINT ignored, which bash then cannot trap: a SIGINT
# still stops GNU parallel (Perl installs its own handler), but the sweep could not tell
# an interruption from a failure. Unblock those three and reset an ignored SIGINT or
# SIGTERM to the default once, by re-executing through Python (an ignored SIGHUP, as
# nohup leaves it, stays ignored). Python ignores SIGPIPE and SIGXFSZ itself: those are
# put back as they were.
signal_set() { awk -v k="$1:" '$1 == k { print $2 }' /proc/$$/status 2>/dev/null || true; }
blocked=$(signal_set SigBlk) ignored=$(signal_set SigIgn)
if [ -z "${COLLOP_SWEEP_UNBLOCKED:-}" ] && [ -n "$blocked" ] && [ -n "$ignored" ] &&
    (( (16#$blocked & 16#4003) != 0 || (16#$ignored & 16#4002) != 0 )); then
    export COLLOP_SWEEP_UNBLOCKED=1
    exec python3 -c 'import os, signal, sys
ignored = int(sys.argv[1], 16)
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGHUP, signal.SIGINT, signal.SIGTERM})
for s in (signal.SIGINT, signal.SIGTERM):
    signal.signal(s, signal.SIG_DFL)
for s in (signal.SIGPIPE, signal.SIGXFSZ):
    signal.signal(s, signal.SIG_IGN if ignored >> (s - 1) & 1 else signal.SIG_DFL)
os.execv(sys.argv[2], sys.argv[2:])' "$ignored" "$here/sweep.sh" "$@"
fi

outdir="" shard="1/1" threads=1 list=0 quiet=()
parallel_options=() sshlogin=()
while [ "$#" -gt 0 ]; do
    case $1 in
        -h | --help) usage; exit 0 ;;
        -o | --out) [ "$#" -ge 2 ] || die "$1 needs a directory"; outdir=$2; shift 2 ;;
        -j | --jobs) [ "$#" -ge 2 ] || die "$1 needs a number"; parallel_options+=(-j "$2"); shift 2 ;;
        -S | --sshlogin) [ "$#" -ge 2 ] || die "$1 needs a login"; sshlogin+=(--sshlogin "$2"); shift 2 ;;
        --sshloginfile) [ "$#" -ge 2 ] || die "$1 needs a file"; sshlogin+=(--sshloginfile "$2"); shift 2 ;;
        --shard) [ "$#" -ge 2 ] || die "$1 needs I/N"; shard=$2; shift 2 ;;
        --threads) [ "$#" -ge 2 ] || die "$1 needs a number or auto"; threads=$2; shift 2 ;;
        --list) list=1; shift ;;
        -q | --quiet) quiet=(--quiet); shift ;;
        --) shift; break ;;
        -*) die "unknown option $1 (see scripts/sweep.sh -h)" ;;
        *) break ;;
    esac
done
[ "$#" -eq 1 ] || { usage >&2; exit 2; }
sweep=$1
[ -f "$sweep" ] || die "no sweep description at $sweep"
[[ $threads == auto || $threads =~ ^[1-9][0-9]*$ ]] || die "--threads $threads: expected a positive integer or auto"
if [ -z "$outdir" ]; then
    stem=$(basename "$sweep")
    outdir="out/${stem%.*}"
fi
command -v python3 >/dev/null 2>&1 || die "python3 is required (Debian: apt-get install python3)"
helper="$here/sweep/sweep.py"

if [ "$list" -eq 1 ]; then
    exec python3 "$helper" plan "$sweep" "$outdir" --shard "$shard" --list
fi

command -v parallel >/dev/null 2>&1 || die "GNU parallel is not installed: run scripts/setup.sh (Debian package 'parallel')"
parallel --version 2>/dev/null | grep -q "GNU parallel" ||
    die "'parallel' on PATH is not GNU parallel (moreutils?): install the Debian package 'parallel'"

if [ -n "${COLLOP:-}" ]; then
    collop=$COLLOP
else
    [ -x /opt/swift/usr/bin/swift ] && export PATH="$PATH:/opt/swift/usr/bin"
    (cd "$root" && swift build -c release --product collop >&2)
    collop="$(cd "$root" && swift build -c release --show-bin-path)/collop"
fi
[ -x "$collop" ] || die "collop is not executable at $collop (set COLLOP)"
collop=$(cd "$(dirname "$collop")" && pwd)/$(basename "$collop")

# OUTDIR is created by the plan, and only once the whole description has passed collop's
# checks (its option list, one --dry-run per parameter shape): a refused sweep leaves nothing.
case $outdir in /*) ;; *) outdir=$PWD/$outdir ;; esac
todo=$(mktemp "${TMPDIR:-/tmp}/collop-sweep.XXXXXX")
trap 'rm -f "$todo"' EXIT

status=0
python3 "$helper" plan "$sweep" "$outdir" --shard "$shard" --collop "$collop" >"$todo" || status=$?
[ "$status" -eq 0 ] || exit "$status"
IFS=$'\t' read -r _ _ skipped <"$todo"
total=$(($(wc -l <"$todo") - 1))

if [ "$total" -eq 0 ]; then
    python3 "$helper" failures "$outdir"
    echo "sweep: nothing to compute; tables in $outdir/points" >&2
    exit 0
fi

# GNU parallel runs each job in its own process group, so a job would outlive a sweep
# killed with SIGKILL; locally each job gets SIGKILL when GNU parallel dies instead.
guard=()
if [ "${#sshlogin[@]}" -eq 0 ] && setpriv --pdeathsig KILL true 2>/dev/null; then
    guard=(setpriv --pdeathsig KILL)
fi

# The exit status of a stopped sweep is 128 + the signal: 130 SIGINT, 143 SIGTERM, 129 SIGHUP.
# GNU parallel and the progress reader run in the background and the shell waits for them
# with `wait`, which a trapped signal interrupts at once (a foreground pipeline would defer
# the trap until every point had finished). The trap passes the signal on to GNU parallel,
# which kills its running jobs (each collop removes its temporary table) and exits; the
# reader then sees the end of its input. A signal to the whole process group (Ctrl-C) does
# the same.
run_id="$(date -u +%Y%m%dT%H%M%SZ)-$$"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/collop-sweep.XXXXXX")
trap 'rm -f "$todo"; rm -rf "$scratch"' EXIT
tail -n +2 "$todo" >"$scratch/jobs"
mkfifo "$scratch/status"
interrupted=0 parallel_pid=""
stop() {
    interrupted=$1
    if [ -n "$parallel_pid" ]; then kill "-$2" "$parallel_pid" 2>/dev/null || true; fi
}
trap 'stop 130 INT' INT
trap 'stop 143 TERM' TERM
trap 'stop 129 TERM' HUP
set +e
parallel --will-cite --colsep '\t' --halt never "${parallel_options[@]}" "${sshlogin[@]}" \
    "${guard[@]}" "$here/sweep/run-point.sh" "$outdir" "$run_id" "$threads" "$collop" <"$scratch/jobs" >"$scratch/status" &
parallel_pid=$!
python3 "$helper" progress "$outdir" --total "$total" --skipped "$skipped" "${quiet[@]}" <"$scratch/status" &
reader_pid=$!
if [ "$interrupted" -ne 0 ]; then kill -TERM "$parallel_pid" 2>/dev/null; fi
# The exit status of `pid`; a `wait` cut short by a trapped signal is repeated.
wait_for() {
    while :; do
        wait "$1"
        waited=$?
        if [ "$waited" -le 128 ] || ! kill -0 "$1" 2>/dev/null; then return 0; fi
    done
}
wait_for "$parallel_pid"
parallel_status=$waited
wait_for "$reader_pid"
reader_status=$waited
set -e

if [ "$interrupted" -ne 0 ]; then
    echo "sweep: interrupted (SIG$(kill -l "$interrupted")); completed tables are kept — rerun the same command to resume" >&2
    exit "$interrupted"
fi
case $reader_status in
    0) echo "sweep: tables in $outdir/points" >&2; exit 0 ;;
    1) exit 1 ;;
    4) echo "sweep: GNU parallel stopped (exit $parallel_status) before every point reported; rerun to resume" >&2; exit 1 ;;
    *) echo "sweep: progress reader failed (exit $reader_status)" >&2; exit 1 ;;
esac
