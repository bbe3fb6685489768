#!/usr/bin/env bash
# Runs a fixed set of collop commands covering every subcommand, every vertex, blocked and
# dense solves, Krylov, dry runs and error paths, and writes each command's stdout, stderr
# and exit status to DIR/NN.{out,err,status} (DIR/commands lists them). Run it before and
# after a refactor and compare with `diff -r before after`: a refactor that should not
# change numbers must leave the two folders identical.
#
#   scripts/reference-outputs.sh DIR [COLLOP]      (COLLOP defaults to the release build)
set -uo pipefail
cd "$(dirname "$0")/.."
dir=${1:?usage: scripts/reference-outputs.sh DIR [COLLOP]}
collop=${2:-$(swift build -c release --show-bin-path)/collop}
mkdir -p "$dir"
: >"$dir/commands"

commands=(
    "spectrum"
    "spectrum --format json --dim 1 --size 12"
    "spectrum --symmetry off --dim 2 --size 8 --singular lorentzian --q 0.1,0"
    "spectrum --dim 2 --size 8 --sector E"
    "spectrum --dim 2 --size 8 --vectors 3 --singular cooperon"
    "spectrum --dim 3 --size 10 --correlation 1 --disorder 4 --singular none --values-only"
    "spectrum --dim 2 --size 10 --profile power --range 3"
    "spectrum --dry-run --dim 3 --size 8"
    "check"
    "check --self-energy fixed --gamma 0.2 --dim 2 --size 8"
    "check --method krylov --dim 2 --size 16 --singular cooperon --q 0.05,0"
    "check --dim 1 --size 20 --ward-projection off"
    "diffusion --singular none --dim 2 --size 24"
    "diffusion --singular localized --dim 2 --size 12 --method dense"
    "diffusion --singular cooperon --dim 2 --size 32 --method krylov"
    "diffusion --singular lorentzian --dim 1 --size 64 --method secular"
    "diffusion --dry-run --singular cooperon --dim 3 --size 16"
    "hierarchy --dim 2 --size 10"
    "hierarchy --dim 2 --size 10 --correlation 1 --omegas 1e-2,1e-3,1e-4"
    "hierarchy --dry-run --dim 2 --size 10"
    "flow --dim 2 --size 8 --steps 4"
    "dispersion --dim 2 --size 16 --singular cooperon --nq 4"
    "dispersion --dim 1 --size 40 --singular none --nq 3 --method dense"
    "vw"
    "vw --dim 2 --lambda 0.1"
    "vw --lattice --dim 2 --size 32 --singular lorentzian"
    "vw --dry-run --lattice --dim 2 --size 32"
    "scaling"
    "scaling --tau -0.1 --omegas 1e-2,1e-3"
    "closure --singular cooperon --dim 2 --size 16 --omegas 1e-2,1e-3"
    "closure --dry-run --singular cooperon --dim 2 --size 16"
    "spectrum --xi vw --singular lorentzian --dim 2 --size 8 --disorder 4"
    "diffusion --d0 vw --singular cooperon --dim 2 --size 16 --disorder 3"
    "spectrum --size 1"
    "spectrum --energy nan"
    "spectrum --disorder 2 --u0 1"
    "diffusion --direction 1,0,0"
    "hierarchy --omegas 1e-3"
    "spectrum --q 0.1"
    "check --self-energy fixed"
    "bogus"
    "closure --singular localized"
)

i=0
for command in "${commands[@]}"; do
    n=$(printf '%02d' "$i")
    echo "$n collop $command" >>"$dir/commands"
    # shellcheck disable=SC2086
    "$collop" $command >"$dir/$n.out" 2>"$dir/$n.err"
    echo $? >"$dir/$n.status"
    i=$((i + 1))
done
echo "reference-outputs: $i commands written to $dir" >&2
