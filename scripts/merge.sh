#!/usr/bin/env bash
# Joins the per-point tables of a sweep (scripts/sweep.sh) into one long table.
set -euo pipefail

usage() {
    cat <<'EOF_USAGE'
usage: scripts/merge.sh [--table NAME] [--keys K1,K2,…] [--summary] [--partial] [-o FILE] OUTDIR

Reads OUTDIR/points.tsv (the sweep's index) and OUTDIR/points/*.tsv (with python/collop_io.py,
which needs numpy and pandas) and writes one TSV table per table of the points: the swept
parameters as leading columns (in [vary] order), then the requested header keys, then every
other header key whose value differs between points (# varying_keys; NA where a point lacks
it), then the columns of that table, one row per row of every point's table. Written
atomically; comment lines record the sweep, the table, how many points went in, and the
header keys all points share (# key = value). Numbers are written in the shortest form that
reads back to the same double (0.1, not 0.10000000000000001).

Without --table every table is merged: the first (the command's main table: spectrum,
diffusion, hierarchy, identities of check, closure, vw, scaling, exact, dos …)
→ OUTDIR/merged.tsv, each further one NAME → OUTDIR/merged-NAME.tsv (hierarchy: branches,
structure, ward; spectrum --vectors: vectors; scaling: collapse; vw --dim 3: suslov112;
exact: profile; diffusion --omegas: fit). A further table that some points lack is merged
over the points that have it (# points_without_table lists the others).

  --table NAME    only this table (main is the first): the first → merged.tsv, another
                  → merged-NAME.tsv; a point without it is an error
  --keys K1,K2    also copy these `# key = value` header values as columns
                  (e.g. scaling_Minf,scaling_M1 of hierarchy)
  --summary       one row per point: swept parameters, --keys and the varying header keys
                  → OUTDIR/summary.tsv
  --partial       merge the complete points even if others are missing (listed in
                  `# missing_points`); without it a missing point is an error
  -o FILE         write FILE instead ('-' for stdout); one table only: --table's, else the first

A swept column whose name is also a column of the table (or a header key column) is
renamed sweep_NAME, a header key column whose name is a column of the table header_NAME. Exit status: 0 merged, 1 points missing (no --partial), 2 bad input — the
column headers differ between points (both files and headers are named), a key or table
is missing, a point file is not a readable collop table, or OUTDIR is not a sweep directory.
EOF_USAGE
}

for argument in "$@"; do
    case $argument in -h | --help) usage; exit 0 ;; esac
done
[ "$#" -ge 1 ] || { usage >&2; exit 2; }
command -v python3 >/dev/null 2>&1 || { echo "merge: python3 is required" >&2; exit 2; }
exec python3 "$(dirname "${BASH_SOURCE[0]}")/sweep/sweep.py" merge "$@"
