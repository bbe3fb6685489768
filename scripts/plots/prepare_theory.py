#!/usr/bin/env python3
"""Turns `collop vw` and `collop scaling` tables into gnuplot data (standard library only).

    prepare_theory.py vw      DATADIR VW-d<d>-l<λ>.tsv …   → fig6-d<d>-l<λ>.dat (ω, |D|/D0, Re D/D0), fig6.gp
    prepare_theory.py scaling DATADIR SCALING.tsv          → fig7.dat (x, |y|, one block per ω), fig7.gp
    prepare_theory.py closure DATADIR CLOSURE-L<L>.tsv …   → fig8-L<L>.dat (ωτ, |D*|/D_RA, |D_VW|/D_RA, ξ*/l, ξ_VW/l), fig8.gp

Columns are found by name; fig6.gp/fig7.gp/fig8.gp hold the λ lists, ν and the sizes as gnuplot
variables. ξ = √Re(iD/ω) is the length D = −iωξ² would give (nan where Re(iD/ω) ≤ 0).
"""

import math
import os
import re
import sys

sys.dont_write_bytecode = True


def read(path):
    """Header dict and tables [(name, columns, rows)] of a collop TSV."""
    header, tables, name, columns, rows = {}, [], "first", None, []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("# table = "):
            if columns is not None:
                tables.append((name, columns, rows))
            name, columns, rows = line[len("# table = "):], None, []
        elif line.startswith("# ") and " = " in line and columns is None and not tables:
            key, value = line[2:].split(" = ", 1)
            header[key] = value
        elif line.startswith("#") or not line:
            continue
        elif columns is None:
            columns = line.split("\t")
        else:
            rows.append(line.split("\t"))
    if columns is not None:
        tables.append((name, columns, rows))
    return header, tables


def vw(datadir, paths):
    lambdas = {}
    for path in paths:
        header, tables = read(path)
        _, columns, rows = tables[0]
        i, r, m = columns.index("omega"), columns.index("D_re"), columns.index("D_im")
        d, lam = header["dim"], header["lambda"]
        lambdas.setdefault(d, []).append(lam)
        with open(os.path.join(datadir, f"fig6-d{d}-l{lam}.dat"), "w") as out:
            out.write("# omega |D|/D0 ReD/D0\n")
            for row in rows:
                re_, im_ = float(row[r]), float(row[m])
                out.write(f"{row[i]} {math.hypot(re_, im_):.17g} {re_:.17g}\n")
    with open(os.path.join(datadir, "fig6.gp"), "w") as out:
        for d, values in sorted(lambdas.items()):
            out.write(f'lambdas{d} = "{" ".join(values)}"\n')


def scaling(datadir, path):
    header, tables = read(path)
    name, columns, rows = [t for t in tables if t[0] == "collapse"][0]
    o, x, yr, yi = (columns.index(c) for c in ("omega", "x", "y_re", "y_im"))
    blocks = {}
    for row in rows:
        blocks.setdefault(row[o], []).append(row)
    omegas = list(blocks)
    with open(os.path.join(datadir, "fig7.dat"), "w") as out:
        for omega in omegas:
            out.write(f"# omega = {omega}\n")
            for row in sorted(blocks[omega], key=lambda r: float(r[x])):
                out.write(f"{row[x]} {math.hypot(float(row[yr]), float(row[yi])):.17g}\n")
            out.write("\n\n")
    with open(os.path.join(datadir, "fig7.gp"), "w") as out:
        out.write(f'omegas = "{" ".join(omegas)}"\nnu = "{header["nu"]}"\ndim = "{header["dim"]}"\n')


def closure(datadir, paths):
    """`collop closure` tables (columns omega D_re D_im … vw_re vw_im) → one .dat per grid."""
    sizes, mfp = [], []
    for path in paths:
        header, tables = read(path)
        _, columns, rows = tables[0]
        o, r, m, vr, vi = (columns.index(c) for c in ("omega", "D_re", "D_im", "vw_re", "vw_im"))
        tau = 1 / (2 * float(header["gamma"]))
        d_ra, l, size = float(header["D_RA"]), float(header["mean_free_path"]), header["size"]
        sizes.append(size)
        mfp.append(l)

        def length(re_, im_, omega):
            value = -im_ / omega  # Re(iD/ω)
            return math.sqrt(value) / l if value > 0 else float("nan")

        with open(os.path.join(datadir, f"fig8-L{size}.dat"), "w") as out:
            out.write("# omega*tau |D*|/D_RA |D_VW|/D_RA xi*/l xi_VW/l\n")
            for row in rows:
                omega = float(row[o])
                d_re, d_im, v_re, v_im = float(row[r]), float(row[m]), float(row[vr]), float(row[vi])
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
