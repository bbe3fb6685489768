#!/usr/bin/env python3
"""Turns collop tables into gnuplot data files (read with python/collop_io.py).

    prepare.py flow       FLOW.tsv              DATADIR   → fig1-<class>.dat, fig1.gp
    prepare.py ladder     HIERARCHY.tsv         DATADIR   → fig2-<class>.dat, fig2.gp
    prepare.py plane      HIERARCHY.tsv OMEGA   DATADIR   → fig3-<class>.dat, fig3.gp
    prepare.py dispersion METALLIC.tsv LOCALIZED.tsv DATADIR → fig4-{metallic,localized}.dat, fig4.gp
    prepare.py sweep      SUMMARY.tsv SWEEPDIR X DATADIR  → fig5-<group>.dat, fig5.gp

Columns are found by name in the collop (or merged) tables; the positions in the .dat
files written here are fixed and documented next to each writer. Each figN.gp holds
gnuplot variables derived from the tables (class list, model description, anchors of
guide lines, D_KG …), so the plot scripts contain no numbers taken from a run.
"""

import math
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the checkout
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from collop_io import read  # noqa: E402

CLASS_ORDER = ["M0", "M1", "Minf", "X", "-"]


def class_file(name):
    return "none" if name == "-" else name


def load(path):
    """The header and tables of a collop (or merged) table; a clear exit if it is not one."""
    try:
        return read(path)
    except ValueError as error:
        raise SystemExit(f"prepare: {error}")


def table(tables, name, path):
    if name not in tables:
        raise SystemExit(f"prepare: {path} has no table {name!r} (it has: {', '.join(tables)})")
    return tables[name]


def first(tables):
    """The first table (the main one) of a collop output."""
    return next(iter(tables.values()))


def rows(frame, *names):
    """The rows of `names` (by name, never by position) as tuples of Python values."""
    missing = [n for n in names if n not in frame.columns]
    if missing:
        raise SystemExit(f"prepare: a table lacks column(s) {', '.join(missing)} (has: {' '.join(frame.columns)})")
    return list(zip(*(frame[n].tolist() for n in names)))


def number(value):
    """A header or table value as a float (nan if it is text)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def model_line(meta):
    """A one-line description of the model, from the table's `# key = value` header."""
    parts = []
    for key, label in (("dim", "d"), ("size", "L"), ("energy", "E"), ("disorder", "W"),
                       ("correlation", "r_c"), ("omega", "ω")):
        if key in meta:
            parts.append(f"{label} = {short(meta[key])}")
    singular = meta.get("singular")
    if singular:
        detail = "metallic ladder (U^{sing} = 0)" if singular == "none" else singular
        if singular in ("localized", "lorentzian") and "xi" in meta:
            detail += f" ξ = {short(meta['xi'])}"
        if singular == "localized" and "range" in meta:
            detail += f", R = {short(meta['range'])}"
        parts.append(detail)
    q = meta.get("q")
    if isinstance(q, list) and any(x != 0 for x in q):
        parts.append(f"q = ({','.join(repr(x) for x in q)})")
    return ", ".join(parts)


def short(value):
    """A number for a gnuplot enhanced-text label: 0.3, 12, 10^{-4}, 3·10^{-5}."""
    value_text = value
    value = number(value)
    if math.isnan(value):
        return str(value_text)
    if value != 0 and (abs(value) < 0.1 or abs(value) >= 1e5):
        mantissa, exponent = f"{value:.3e}".split("e")
        mantissa = f"{float(mantissa):g}"
        power = f"10^{{{int(exponent)}}}"
        return power if mantissa == "1" else f"{mantissa}·{power}"
    return f"{value:g}"


def ladder_text(values):
    """[0.01, 0.003, …, 1e-05] → '10^{-2} … 10^{-5} (7 values)'."""
    if not isinstance(values, list):
        values = [values]
    if len(values) <= 3:
        return ", ".join(short(v) for v in values)
    return f"{short(values[0])} … {short(values[-1])} ({len(values)} values)"


def write_vars(path, variables):
    with open(path, "w", encoding="utf-8") as handle:
        for key, value in variables.items():
            if isinstance(value, str):
                handle.write(f"{key} = {quote(value)}\n")
            else:
                handle.write(f"{key} = {value!r}\n")


def write_blocks(path, blocks):
    """blocks: list of row lists; a blank line separates blocks (one gnuplot line each)."""
    with open(path, "w", encoding="utf-8") as handle:
        for rows in blocks:
            for row in rows:
                handle.write(" ".join(f"{x!r}" if isinstance(x, float) else str(x) for x in row) + "\n")
            handle.write("\n")


def zero_factor(meta, key):
    """The factor f of collop's exact-zero rule '|lambda| <= f max|lambda|' in a header line."""
    match = re.search(r"<=\s*([0-9.eE+-]+)\s*max", str(meta.get(key, "")))
    return float(match.group(1)) if match else 1e-9


# ---------------------------------------------------------------- figure 1: flow

def flow(path, datadir):
    meta, tables = load(path)
    branches = {}
    for t, branch, a, cls in rows(first(tables), "t", "branch", "abs", "class"):
        branches.setdefault((cls, branch), []).append((number(t), number(a)))
    largest = max(a for values in branches.values() for _, a in values)
    floor = zero_factor(meta, "zero_threshold") * largest
    present = []
    for cls in CLASS_ORDER:
        blocks = [sorted(values) for (c, _), values in sorted(branches.items(), key=lambda kv: int(kv[0][1])) if c == cls]
        if not blocks:
            continue
        present.append(cls)
        # columns: t, |λ| (exact zeros, below the floor, are drawn on the floor)
        write_blocks(os.path.join(datadir, f"fig1-{class_file(cls)}.dat"),
                     [[(tt, max(a, floor)) for tt, a in values] for values in blocks])
    counts = {cls: sum(1 for (c, _) in branches if c == cls) for cls in present}
    write_vars(os.path.join(datadir, "fig1.gp"), {
        "classes": " ".join(class_file(c) for c in present),
        "counts": " ".join(str(counts[c]) for c in present),
        "model": model_line(meta),
        "floor": floor,
        "zeros_t0": str(meta.get("zero_modes_at_t0", "?")),
        "rank_L1": str(meta.get("rank_L1", "?")),
    })


# ---------------------------------------------------------------- figures 2 and 3: hierarchy

def hierarchy(path):
    """The header, the branches table and the modes that are exact zeros (p = nan)."""
    meta, tables = load(path)
    branches = table(tables, "branches", path)
    exact_zero = {s for s, p in rows(first(tables), "s", "p") if math.isnan(number(p))}
    return meta, branches, exact_zero


def ladder(path, datadir):
    meta, branches, exact_zero = hierarchy(path)
    series = {}
    for s, omega, a, cls in rows(branches, "s", "omega", "abs", "class"):
        if s in exact_zero:
            continue
        series.setdefault(s, (cls, []))[1].append((number(omega), number(a)))
    omegas = sorted({w for _, values in series.values() for w, _ in values})
    present, counts, anchors = [], [], {}
    middle = math.sqrt(omegas[0] * omegas[-1])
    nearest = min(omegas, key=lambda w: abs(math.log(w / middle)))
    for cls in CLASS_ORDER:
        blocks = [sorted(values) for s, (c, values) in sorted(series.items(), key=lambda kv: int(kv[0])) if c == cls]
        if not blocks:
            continue
        present.append(cls)
        counts.append(len(blocks))
        # columns: ω, |λ|
        write_blocks(os.path.join(datadir, f"fig2-{class_file(cls)}.dat"), blocks)
        at_middle = [a for values in blocks for w, a in values if w == nearest and a > 0]
        if at_middle:
            anchors[cls] = math.exp(sum(math.log(a) for a in at_middle) / len(at_middle))
    everything = [a for _, values in series.values() for _, a in values if a > 0]
    centre = math.sqrt(min(everything) * max(everything))
    # Guides |λ| = A (ω/ω_anchor)^p through the geometric mean of the family that should
    # follow them (M0: p = +1, M1: 0, M∞: −1) at the middle ω of the ladder.
    write_vars(os.path.join(datadir, "fig2.gp"), {
        "classes": " ".join(class_file(c) for c in present),
        "counts": " ".join(str(c) for c in counts),
        "model": model_line(meta),
        "ladder": ladder_text(meta.get("omegas", [])),
        "omega_anchor": nearest,
        "guide_plus": anchors.get("M0", centre),
        "guide_zero": anchors.get("M1", centre),
        "guide_minus": anchors.get("Minf", centre),
        "omega_min": omegas[0],
        "omega_max": omegas[-1],
        "exact_zeros": len(exact_zero),
    })


def plane(path, omega, datadir):
    meta, branches, _ = hierarchy(path)
    spectrum = [(number(w), number(re_), number(im), cls) for w, re_, im, cls in rows(branches, "omega", "re", "im", "class")]
    target = float(omega)
    omegas = sorted({w for w, _, _, _ in spectrum})
    chosen = min(omegas, key=lambda w: abs(math.log(w / target)))
    present, counts = [], []
    for cls in CLASS_ORDER:
        # columns: Re λ, Im λ
        points = [(re_, im) for w, re_, im, c in spectrum if c == cls and w == chosen]
        if not points:
            continue
        present.append(cls)
        counts.append(len(points))
        write_blocks(os.path.join(datadir, f"fig3-{class_file(cls)}.dat"), [points])
    write_vars(os.path.join(datadir, "fig3.gp"), {
        "classes": " ".join(class_file(c) for c in present),
        "counts": " ".join(str(c) for c in counts),
        "model": re.sub(r"ω = [^,]*, ", "", model_line(meta)),
        "omega": chosen,
        "omega_text": short(chosen),
        "ladder": ladder_text(meta.get("omegas", [])),
    })


# ---------------------------------------------------------------- figure 4: dispersion

def dispersion(metallic, localized, datadir):
    variables = {}
    for side, path in (("metallic", metallic), ("localized", localized)):
        meta, tables = load(path)
        # columns: q, Re λ0, Im λ0, Re D, Im D
        write_blocks(os.path.join(datadir, f"fig4-{side}.dat"),
                     [[[number(x) for x in row] for row in rows(first(tables), "q", "lambda0_re", "lambda0_im", "D_re", "D_im")]])
        variables[f"model_{side}"] = model_line(meta)
        variables[f"D_KG_{side}"] = number(meta.get("D_KG", "nan"))
    write_vars(os.path.join(datadir, "fig4.gp"), variables)


# ---------------------------------------------------------------- figure 5: sweep summary

# Axis labels of swept model options, with their units (hopping t = 1, lattice spacing
# a = 1, ħ = 1). Options not listed here are labelled by their name.
SWEPT_LABELS = {
    "xi": ("ξ", "units of a"), "range": ("R", "units of a"), "correlation": ("r_c", "units of a"),
    "size": ("L", "lattice sites per axis"), "dim": ("d", "dimensionless"),
    "disorder": ("W", "units of t"), "energy": ("E", "units of t"), "omega": ("ω", "units of t"),
    "gamma": ("γ", "units of t"), "hopping": ("t", "energy unit"), "u0": ("U_0", "units of t^2"),
    "amplitude": ("F", "units of t^3"), "zeta": ("ζ", "dimensionless"), "d0": ("D_0", "units of a^2t/ħ"),
    "lambda": ("λ", "dimensionless"), "tau": ("τ", "dimensionless"),
}


def first_point_meta(sweepdir, path):
    """The header of the first complete point table of a sweep directory."""
    try:
        with open(os.path.join(sweepdir, "points.tsv"), encoding="utf-8") as handle:
            names = [line.split("\t")[0] for line in handle.read().splitlines()[1:] if line.strip()]
    except OSError as error:
        raise SystemExit(f"prepare: {sweepdir} is not the sweep directory of {path} (no points.tsv: {error.strerror})")
    for name in names:
        point = os.path.join(sweepdir, "points", name + ".tsv")
        if os.path.exists(point):
            return load(point).header
    raise SystemExit(f"prepare: {sweepdir} has no point table")


def swept_keys(meta, path, x=None):
    """The swept parameters of a merged table (its `# swept` line); `x` must be one of them."""
    swept = [k for k in str(meta.get("swept", "")).split(",") if k]
    if x is not None and x not in swept:
        raise SystemExit(f"prepare: {x!r} is not a swept parameter of {path} (swept: {', '.join(swept)})")
    return swept


def sweep(path, sweepdir, x, datadir):
    meta, tables = load(path)
    swept = swept_keys(meta, path, x)
    others = [k for k in swept if k != x]
    labels = {k: symbol for k, (symbol, _) in SWEPT_LABELS.items()}
    summary = first(tables)
    has_rank = "rank_L1" in summary.columns
    groups = {}
    for row in rows(summary, x, "scaling_Minf", "scaling_M1", *(["rank_L1"] if has_rank else []), *others):
        values = row[4 if has_rank else 3:]
        key = ",".join(f"{labels.get(k, k)}={v}" for k, v in zip(others, values))
        groups.setdefault(key, []).append(tuple(number(v) for v in row[:3]) + ((number(row[3]),) if has_rank else (float("nan"),)))
    names = []
    for n, (key, members) in enumerate(sorted(groups.items(), key=lambda kv: [number(v.split("=")[-1]) for v in kv[0].split(",")] if kv[0] else [0])):
        names.append(key or "all")
        # columns: x, |M∞| (scaling), |M1| (scaling), rank L1 (structural |M∞|, nan if absent)
        write_blocks(os.path.join(datadir, f"fig5-{n}.dat"), [sorted(members)])
    # The subtitle: the model of the sweep's points, without the swept values (they vary).
    meta = {k: v for k, v in first_point_meta(sweepdir, path).items() if k not in swept}
    model = model_line(meta)
    if "omegas" in meta:
        model += f", classes from ω = {ladder_text(meta['omegas'])}"
    symbol, unit = SWEPT_LABELS.get(x, (x, None))
    write_vars(os.path.join(datadir, "fig5.gp"), {
        "groups": len(names),
        "group_names": " ".join(names),
        "xlabel": f"{symbol}  ({unit})" if unit else symbol,
        "xsymbol": symbol,
        "model": model,
        "has_rank": 1 if has_rank else 0,
    })


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        sys.stdout.write(__doc__)
        return 0
    kind, args = argv[1], argv[2:]
    handlers = {"flow": (flow, 2), "ladder": (ladder, 2), "plane": (plane, 3),
                "dispersion": (dispersion, 3), "sweep": (sweep, 4)}
    if kind not in handlers or len(args) != handlers[kind][1]:
        sys.stderr.write(__doc__)
        return 2
    os.makedirs(args[-1], exist_ok=True)
    handlers[kind][0](*args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
