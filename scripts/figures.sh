#!/usr/bin/env bash
# Runs collop for the tables behind the figures and plots them with gnuplot.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: scripts/figures.sh [--docs] [-j N] [OUTDIR]
       scripts/figures.sh --sweep DIR [--x KEY]

Writes into OUTDIR (default out/figures):
  tables/     the collop tables the figures are drawn from (flow, hierarchy, dispersion ×2,
              and the sweep of examples/sweep-xi.toml with its merged summary)
  data/       the columns handed to gnuplot (extracted by name by scripts/plots/prepare.py)
  fig1-flow.png/.svg        Suslov's Fig. 4: |λ| of L_sing + t·L_reg against t, by final class
  fig2-ladder.png/.svg      |λ_s| against ω (log–log), by scaling class, slope guides +1, 0, −1
  fig3-plane.png/.svg       the spectrum in the complex plane at one ω, by class
  fig4-dispersion.png/.svg  λ0(q) and D(ω,q), metallic and localized side by side
  fig5-sweep.png/.svg       |M∞| and |M1| against ξ for each R, from the merged sweep
  fig6-vw.png/.svg          |D(ω)|/D0 of Vollhardt–Wölfle (42) for d = 1, 2, 3 at a few λ (collop vw)
  fig7-collapse.png/.svg    the scaling collapse of Suslov (112) (collop scaling)
  fig8-closure.png/.svg     d = 1: |D*(ω)| and ξ_eff of the closure (collop closure) against lattice VW, two L
Every number plotted comes from those tables; the model parameters are the arrays at the
top of this script. --docs also copies the PNGs of figures 1–3, 6 and 8 into docs/.
-j N is passed to scripts/sweep.sh for the sweep of figure 5.

--sweep DIR draws the figure of a user's sweep (scripts/sweep.sh -o DIR) from DIR/merged.tsv
(merged first by scripts/merge.sh if it is missing or older than a point table) into DIR/sweep-COMMAND.png and .svg and
prints the PNG's path; the data handed to gnuplot go to DIR/figure-data/. The figure belongs
to the swept command: diffusion — Re and Im D_fit against the swept parameter, one curve per
value of the other swept parameters; closure and vw — |D(ω)| per point and ξ against the
swept parameter; exact — Λ_M against W per width M; hierarchy — the family sizes against
the swept parameter; dos — ρ, γ and l against E. --x KEY puts that swept parameter on the
horizontal axis (default: the first key of [vary]). Axis units come from the points' `units`
header. Needs no collop, only python3 with numpy and pandas, and gnuplot.

Needs gnuplot (Debian gnuplot-nox) and GNU parallel (scripts/setup.sh installs both) and
COLLOP (path of the collop binary; default: built with `swift build -c release`).
EOF
}

# The runs behind the figures (small: the whole script takes a few seconds). With r_c = 1
# the local variance is U0·c_0 ≈ 0.17·U0 (C(0) = 1), so W = 5 gives γ ≈ 0.23, l ≈ 4.4,
# close to the white-noise default.
flow_args=(--size 10 --correlation 1 --disorder 5 --omega 1e-4 --steps 40)
ladder_args=(--size 10 --correlation 1 --disorder 5 --omegas "1e-2,3e-3,1e-3,3e-4,1e-4,3e-5,1e-5")
plane_omega=1e-2
dispersion_args=(--size 24 --disorder 3 --qmax 0.3 --nq 12)
sweep_file=examples/sweep-xi.toml
sweep_x=xi
# collop vw (continuum, τ = l = 1): the λ of each d, on one ω ladder; collop scaling.
vw_omegas="10,3,1,0.3,0.1,3e-2,1e-2,3e-3,1e-3,3e-4,1e-4,1e-5,1e-6,1e-7,1e-8,1e-9,1e-10,1e-11,1e-12"
vw_lambdas1="0.05 0.2 0.5"
vw_lambdas2="0.1 0.2 0.4"
vw_lambdas3="0.25 0.3333333333333333 0.4"
# collop closure (docs/closure.md): d = 1, E = −0.35, W = 1.6 (l ≈ 8.9), on two grids; about 2 s.
closure_args=(--singular cooperon --dim 1 --energy -0.35 --disorder 1.6 --omegas "3e-2,1e-2,3e-3,1e-3,3e-4,1e-4,3e-5,1e-5,3e-6,1e-6,1e-7")
closure_sizes="1024 2048"
scaling_args=(--dim 3 --omegas "1e-3,1e-5,1e-7,1e-9" --taus "-0.1,-0.05,-0.02,-0.01,-0.005,-0.002,-0.001,0,0.001,0.002,0.005,0.01,0.02,0.05,0.1")

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
docs=0 outdir="" jobs=() sweepdir="" x_key=()
while [ "$#" -gt 0 ]; do
    case $1 in
        -h | --help) usage; exit 0 ;;
        --docs) docs=1; shift ;;
        --sweep) [ "$#" -ge 2 ] || { echo "figures: $1 needs the directory of a sweep" >&2; exit 2; }; sweepdir=$2; shift 2 ;;
        --x) [ "$#" -ge 2 ] || { echo "figures: $1 needs a swept key" >&2; exit 2; }; x_key=("$2"); shift 2 ;;
        -j | --jobs) [ "$#" -ge 2 ] || { echo "figures: $1 needs a number" >&2; exit 2; }; jobs=(-j "$2"); shift 2 ;;
        -*) echo "figures: unknown option $1 (see scripts/figures.sh -h)" >&2; exit 2 ;;
        *) [ -z "$outdir" ] || { usage >&2; exit 2; }; outdir=$1; shift ;;
    esac
done
given_outdir=$outdir
outdir=${outdir:-out/figures}

command -v gnuplot >/dev/null 2>&1 || { echo "figures: gnuplot is not installed: run scripts/setup.sh (Debian package gnuplot-nox)" >&2; exit 2; }
command -v python3 >/dev/null 2>&1 || { echo "figures: python3 is required" >&2; exit 2; }

png=png
if gnuplot -e 'set terminal pngcairo' >/dev/null 2>&1; then png=pngcairo; fi

# Plots into a temporary name and renames, so a figure is never half written.
mode=$(printf '%o' $((0666 & ~8#$(umask))))
plot() {
    local script=$1 name=$2 format=$3 extension=$4
    local target="$outdir/$name.$extension" temporary
    temporary=$(mktemp "$outdir/.$name.XXXXXX")
    if ! gnuplot -e "datadir='$data'; out='$temporary'; fmt='$format'; common='$here/plots/common.gp'" \
        "$here/plots/$script" 2>"$temporary.log"; then
        cat "$temporary.log" >&2
        rm -f "$temporary" "$temporary.log"
        echo "figures: gnuplot failed on $script" >&2
        exit 3
    fi
    # gnuplot warnings (e.g. an empty data set) are worth seeing
    if [ -s "$temporary.log" ]; then sed "s|^|figures: $script: |" "$temporary.log" >&2; fi
    rm -f "$temporary.log"
    chmod "$mode" "$temporary"  # mktemp made it 0600; a figure gets 0666 & ~umask like any new file
    mv -f "$temporary" "$target"
}

if [ -n "$sweepdir" ]; then
    [ -z "$given_outdir" ] && [ "$docs" -eq 0 ] || { echo "figures: --sweep DIR takes no OUTDIR or --docs" >&2; exit 2; }
    [ -f "$sweepdir/points.tsv" ] || { echo "figures: $sweepdir is not a sweep directory (no points.tsv; run scripts/sweep.sh -o $sweepdir)" >&2; exit 2; }
    outdir=$(cd "$sweepdir" && pwd)
    # Merged again when a point table is newer than the merged table (the sweep went on).
    if [ ! -f "$outdir/merged.tsv" ] ||
        [ -n "$(find "$outdir/points" -name '*.tsv' -newer "$outdir/merged.tsv" -print -quit)" ]; then
        "$here/merge.sh" "$outdir"
    fi
    data=$outdir/figure-data
    rm -rf "$data"
    mkdir -p "$data"
    swept_command=$(python3 "$here/plots/prepare_sweep.py" "$outdir" "$data" "${x_key[@]}")
    plot sweep.gp "sweep-$swept_command" "$png" png
    plot sweep.gp "sweep-$swept_command" svg svg
    echo "$outdir/sweep-$swept_command.png"
    exit 0
fi
[ "${#x_key[@]}" -eq 0 ] || { echo "figures: --x goes with --sweep DIR" >&2; exit 2; }

if [ -z "${COLLOP:-}" ]; then
    [ -x /opt/swift/usr/bin/swift ] && export PATH="$PATH:/opt/swift/usr/bin"
    (cd "$root" && swift build -c release --product collop >&2)
    COLLOP="$(cd "$root" && swift build -c release --show-bin-path)/collop"
fi
[ -x "$COLLOP" ] || { echo "figures: collop is not executable at $COLLOP" >&2; exit 2; }
export COLLOP

mkdir -p "$outdir/tables" "$outdir/data"
outdir=$(cd "$outdir" && pwd)
tables=$outdir/tables data=$outdir/data
started=$(date +%s.%N)

step() { echo "figures: $*" >&2; }

step "collop flow ${flow_args[*]}"
"$COLLOP" flow "${flow_args[@]}" --quiet --output "$tables/flow.tsv"
step "collop hierarchy ${ladder_args[*]}"
"$COLLOP" hierarchy "${ladder_args[@]}" --quiet --output "$tables/hierarchy.tsv"
step "collop dispersion ${dispersion_args[*]} (metallic and localized)"
"$COLLOP" dispersion "${dispersion_args[@]}" --singular none --quiet --output "$tables/dispersion-metallic.tsv"
"$COLLOP" dispersion "${dispersion_args[@]}" --singular localized --quiet --output "$tables/dispersion-localized.tsv"
step "sweep $sweep_file"
rm -rf "$tables/sweep"  # a fresh sweep: every figure comes from this run
"$here/sweep.sh" --quiet "${jobs[@]}" -o "$tables/sweep" "$root/$sweep_file"
"$here/merge.sh" --summary --keys scaling_M0,scaling_M1,scaling_Minf,scaling_X,rank_L1 \
    -o "$tables/sweep-summary.tsv" "$tables/sweep"

step "collop vw (d = 1, 2, 3) and collop scaling ${scaling_args[*]}"
vw_tables=()
for d in 1 2 3; do
    lambdas_var=vw_lambdas$d
    for lam in ${!lambdas_var}; do
        "$COLLOP" vw --dim "$d" --lambda "$lam" --omegas "$vw_omegas" --quiet --output "$tables/vw-d$d-l$lam.tsv"
        vw_tables+=("$tables/vw-d$d-l$lam.tsv")
    done
done
"$COLLOP" scaling "${scaling_args[@]}" --quiet --output "$tables/scaling.tsv"
step "collop closure ${closure_args[*]} --size {${closure_sizes// /,}}"
closure_tables=()
for size in $closure_sizes; do
    "$COLLOP" closure "${closure_args[@]}" --size "$size" --quiet --output "$tables/closure-d1-L$size.tsv"
    closure_tables+=("$tables/closure-d1-L$size.tsv")
done

prepare=$here/plots/prepare.py
python3 "$here/plots/prepare_theory.py" vw "$data" "${vw_tables[@]}"
python3 "$here/plots/prepare_theory.py" scaling "$data" "$tables/scaling.tsv"
python3 "$here/plots/prepare_theory.py" closure "$data" "${closure_tables[@]}"
python3 "$prepare" flow "$tables/flow.tsv" "$data"
python3 "$prepare" ladder "$tables/hierarchy.tsv" "$data"
python3 "$prepare" plane "$tables/hierarchy.tsv" "$plane_omega" "$data"
python3 "$prepare" dispersion "$tables/dispersion-metallic.tsv" "$tables/dispersion-localized.tsv" "$data"
python3 "$prepare" sweep "$tables/sweep-summary.tsv" "$tables/sweep" "$sweep_x" "$data"

for figure in fig1-flow fig2-ladder fig3-plane fig4-dispersion fig5-sweep fig6-vw fig7-collapse fig8-closure; do
    plot "$figure.gp" "$figure" "$png" png
    plot "$figure.gp" "$figure" svg svg
done

if [ "$docs" -eq 1 ]; then
    mkdir -p "$root/docs"
    for figure in fig1-flow fig2-ladder fig3-plane fig6-vw fig8-closure; do
        cp "$outdir/$figure.png" "$root/docs/$figure.png"
    done
    step "copied figures 1–3, 6 and 8 to docs/"
fi
elapsed=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
step "wrote $outdir/fig{1..8}-*.png and .svg in ${elapsed}s"
