#!/usr/bin/env python3
"""Turns `collop vw`, `scaling` and `closure` tables into gnuplot data (read with python/collop_io.py).

    prepare_theory.py vw      DATADIR VW-d<d>-l<λ>.tsv …   → fig6-d<d>-l<λ>.dat (ω, |D|/D0, Re D/D0), fig6.gp
    prepare_theory.py scaling DATADIR SCALING.tsv          → fig7.dat (x, |y|, one block per ω), fig7.gp
    prepare_theory.py closure DATADIR CLOSURE-L<L>.tsv …   → fig8-L<L>.dat (ωτ, |D*|/D_RA, |D_VW|/D_RA, ξ*/l, ξ_VW/l), fig8.gp

Columns are found by name; fig6.gp/fig7.gp/fig8.gp hold the λ lists, ν and the sizes as gnuplot
variables. ξ = √Re(iD/ω) is the length D = −iωξ² would give (nan where Re(iD/ω) ≤ 0).
"""

import math
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the checkout
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from collop_io import read  # noqa: E402


def load(path):
    """Header and tables of a collop output (python/collop_io.py); a clear exit if it is not one."""
    try:
        return read(path)
    except ValueError as error:
        raise SystemExit(f"prepare_theory: {error}")


def spelled(value):
    """A header number as written into file names and gnuplot strings (shortest round trip)."""
    return repr(value) if isinstance(value, float) else str(value)


def vw(datadir, paths):
    lambdas = {}
    for path in paths:
        header, tables = load(path)
        table = tables["vw"]
        d, lam = spelled(header["dim"]), spelled(header["lambda"])
        lambdas.setdefault(d, []).append(lam)
        with open(os.path.join(datadir, f"fig6-d{d}-l{lam}.dat"), "w") as out:
            out.write("# omega |D|/D0 ReD/D0\n")
            for omega, re_, im_ in zip(table["omega"].tolist(), table["D_re"].tolist(), table["D_im"].tolist()):
                out.write(f"{omega!r} {math.hypot(re_, im_):.17g} {re_:.17g}\n")
    with open(os.path.join(datadir, "fig6.gp"), "w") as out:
        for d, values in sorted(lambdas.items()):
            out.write(f'lambdas{d} = "{" ".join(values)}"\n')


def scaling(datadir, path):
    header, tables = load(path)
    collapse = tables["collapse"]
    blocks = {}
    for omega, x, y_re, y_im in zip(*(collapse[c].tolist() for c in ("omega", "x", "y_re", "y_im"))):
        blocks.setdefault(spelled(omega), []).append((float(x), math.hypot(y_re, y_im)))
    omegas = list(blocks)
    with open(os.path.join(datadir, "fig7.dat"), "w") as out:
        for omega in omegas:
            out.write(f"# omega = {omega}\n")
            for x, y in sorted(blocks[omega]):
                out.write(f"{x!r} {y:.17g}\n")
            out.write("\n\n")
    with open(os.path.join(datadir, "fig7.gp"), "w") as out:
        out.write(f'omegas = "{" ".join(omegas)}"\nnu = "{spelled(header["nu"])}"\ndim = "{spelled(header["dim"])}"\n')


def closure(datadir, paths):
    """`collop closure` tables (columns omega D_re D_im … vw_re vw_im) → one .dat per grid."""
    sizes, mfp = [], []
    for path in paths:
        header, tables = load(path)
        table = tables["closure"]
        tau = 1 / (2 * float(header["gamma"]))
        d_ra, l, size = float(header["D_RA"]), float(header["mean_free_path"]), spelled(header["size"])
        sizes.append(size)
        mfp.append(l)

        def length(re_, im_, omega):
            value = -im_ / omega  # Re(iD/ω)
            return math.sqrt(value) / l if value > 0 else float("nan")

        with open(os.path.join(datadir, f"fig8-L{size}.dat"), "w") as out:
            out.write("# omega*tau |D*|/D_RA |D_VW|/D_RA xi*/l xi_VW/l\n")
            for omega, d_re, d_im, v_re, v_im in zip(*(table[c].tolist() for c in ("omega", "D_re", "D_im", "vw_re", "vw_im"))):
                out.write(f"{omega * tau:.17g} {math.hypot(d_re, d_im) / d_ra:.17g} {math.hypot(v_re, v_im) / d_ra:.17g} "
                          f"{length(d_re, d_im, omega):.17g} {length(v_re, v_im, omega):.17g}\n")
    with open(os.path.join(datadir, "fig8.gp"), "w") as out:
        out.write(f'sizes = "{" ".join(sizes)}"\nmean_free_path = {mfp[0]:.6g}\n')


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "vw":
        vw(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) == 4 and sys.argv[1] == "scaling":
        scaling(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 4 and sys.argv[1] == "closure":
        closure(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(__doc__)
