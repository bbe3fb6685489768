#!/usr/bin/env bash
# Runs one point of a sweep; called by GNU parallel from scripts/sweep.sh (locally or on
# an --sshlogin host that sees OUTDIR and COLLOP at the same paths).
#
#   run-point.sh OUTDIR RUN_ID THREADS COLLOP NAME COLLOP-ARGUMENT…
#
# collop writes OUTDIR/points/NAME.tsv itself, atomically (temp file + rename), so the
# table either exists complete or not at all. On failure the point leaves no table: its
# exit status and stderr go to OUTDIR/failed/NAME.err (written atomically); a success
# removes that record. A point is computed under a lock (OUTDIR/locks/NAME.lock, flock),
# so two runners never compute it at the same time. Prints one status line on stdout for the progress reader:
#   ok|fail|skip|interrupted <TAB> NAME <TAB> status <TAB> seconds <TAB> host [<TAB> message]
# and appends start/ok/fail/interrupted events to OUTDIR/runs.log.
set -uo pipefail

if [ "$#" -lt 6 ]; then
    echo "run-point.sh: usage: run-point.sh OUTDIR RUN_ID THREADS COLLOP NAME COLLOP-ARGUMENT…" >&2
    exit 2
fi
outdir=$1 run=$2 threads=$3 collop=$4 name=$5
shift 5

table="$outdir/points/$name.tsv"
record="$outdir/failed/$name.err"
log="$outdir/runs.log"
host=$(hostname 2>/dev/null || echo unknown)

# One point is one process; parallelism comes from running points side by side.
if [ "$threads" != "auto" ]; then
    export OPENBLAS_NUM_THREADS="$threads"
fi

# Lines shorter than PIPE_BUF appended with O_APPEND do not interleave.
log_event() {
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$run" "$1" "$name" "$2" "$3" "$host" >>"$log"
}

# Bash builtins only: a signal to the job's process group cannot kill the check itself.
complete() {
    local line
    [ -f "$1" ] || return 1
    while IFS= read -r line; do
        case $line in
            '#'*) ;;
            *[![:space:]]*) return 0 ;;
        esac
    done <"$1"
    return 1
}

# One computation per point at a time, whoever runs it (another shard, a job of a killed
# sweep that is still finishing): wait for the lock, then look whether the table is done.
# The lock is released when this script and collop (which inherits the descriptor) exit.
mkdir -p "$outdir/locks"
exec 9>"$outdir/locks/$name.lock"
# A stopped sweep (GNU parallel sends SIGTERM to the job's process group, collop included)
# is noted here and handled after the foreground command returns, so the log tells an
# interrupted point from a table that was finished just before the signal.
stopped=0
trap 'stopped=1' INT TERM HUP
flock 9 || stopped=1
if [ "$stopped" -eq 1 ]; then exit 143; fi

# Another shard or an earlier job may have finished this point in the meantime.
if complete "$table"; then
    rm -f "$record"
    printf 'skip\t%s\t0\t0\t%s\n' "$name" "$host"
    exit 0
fi

# Temporary files of a run killed with SIGKILL are garbage (we hold the point's lock).
rm -f "$outdir/points/.$name.tsv.collop-"*.tmp "$outdir/failed/.$name.stderr."* "$outdir/failed/.$name.err."*

stderr_file=$(mktemp "$outdir/failed/.$name.stderr.XXXXXX")
trap 'rm -f "$stderr_file"' EXIT
if [ "$stopped" -eq 1 ]; then exit 143; fi
log_event start - -
start=$(date +%s.%N)
# collop dies with this script (SIGKILL on parent death), so killing a sweep stops its work.
guard=()
if setpriv --pdeathsig KILL true 2>/dev/null; then guard=(setpriv --pdeathsig KILL); fi
"${guard[@]}" "$collop" "$@" --output "$table" --quiet 2>"$stderr_file"
status=$?
seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')

if [ "$status" -eq 0 ] && complete "$table"; then
    rm -f "$record"
    log_event ok 0 "$seconds"
    printf 'ok\t%s\t0\t%s\t%s\n' "$name" "$seconds" "$host"
    exit 0
fi

case $status in
    129 | 130 | 143)
        # SIGHUP / SIGINT / SIGTERM: the sweep was stopped, the point did not fail.
        log_event interrupted "$status" "$seconds"
        printf 'interrupted\t%s\t%s\t%s\t%s\n' "$name" "$status" "$seconds" "$host"
        exit "$status"
        ;;
esac

if [ "$status" -eq 0 ]; then
    status=3
    echo "collop exited 0 but $table is missing or has no header row" >>"$stderr_file"
fi
# `collop check` writes its table and exits 1 when an identity fails: keep that table for
# inspection next to the record, but not under points/, so a rerun retries the point.
if [ -f "$table" ]; then
    mv -f "$table" "$outdir/failed/$name.tsv"
fi
message=$(grep -m1 -v '^[[:space:]]*$' "$stderr_file" | tr '\t' ' ')
tmp_record=$(mktemp "$outdir/failed/.$name.err.XXXXXX")
{
    echo "status=$status"
    echo "host=$host"
    echo "command=$collop $* --output $table --quiet"
    echo "--- stderr ---"
    cat "$stderr_file"
} >"$tmp_record"
mv -f "$tmp_record" "$record"
log_event fail "$status" "$seconds"
printf 'fail\t%s\t%s\t%s\t%s\t%s\n' "$name" "$status" "$seconds" "$host" "${message:-(no message on stderr)}"
exit "$status"
