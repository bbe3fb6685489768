#!/usr/bin/env python3
"""Turns the merged table of a user's sweep into the gnuplot data of its figure (scripts/figures.sh --sweep).

    prepare_sweep.py SWEEPDIR DATADIR [X]

Reads SWEEPDIR/merged.tsv (and merged-fit.tsv of a `diffusion --omegas` sweep) with
python/collop_io.py and writes DATADIR/sweep.gp (gnuplot variables: panels, their axis
labels with the units of the points' `units` header, log scales, series titles) and one
DATADIR/p<panel>-<series>.dat per curve (columns: x, y[, error]). X is the swept parameter
on the horizontal axis (default: the first swept key); the other swept parameters give one
curve each combination of their values. The figure of each command:

    diffusion        Re and Im of D_fit against X (a --omegas sweep: one curve per ω too)
    closure, vw      |D(ω)| against ω, one curve per point; ξ against X, where
                     ξ = localization_length of the header (vw), else √(−Im D/ω) at the
                     smallest ω (D = −iωξ², nan where Im D ≥ 0)
    exact            Λ_M against W, one curve per width M (d = 2, 3);
                     d = 1: the Lyapunov length against W
    hierarchy        the family sizes |M0|, |M1|, |M∞|, |X| (scaling classes) against X, a panel each
    dos              ρ(E), γ(E) and l(E), one curve per point (rows with scba = none are gaps)
"""

import math
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prepare import SWEPT_LABELS, first, first_point_meta, load, model_line, number, quote, short, swept_keys, write_blocks  # noqa: E402

FAMILIES = (("scaling_M0", "|M_0|"), ("scaling_M1", "|M_1|"), ("scaling_Minf", "|M_∞|"), ("scaling_X", "|X|"))


class Units:
    """The units of a collop header's `units` line: 't = 1, lattice spacing a = 1, hbar = 1
    (energies and rates in t, q in 1/a, D in a^2 t/hbar)' or the continuum's 'tau = 1,
    l = v_F tau = 1 (omega in 1/tau, lengths in l, D in D0 = v_F^2 tau/d)'."""

    def __init__(self, text):
        self.text = str(text)
        inside = re.search(r"\((.*)\)\s*$", self.text)
        self.parts = {}
        for part in (inside.group(1) if inside else "").split(","):
            match = re.match(r"\s*(.+?) in (.+?)\s*$", part)
            if match:
                self.parts[match.group(1)] = pretty(match.group(2).split(" = ")[0])

    def of(self, kind):
        """The unit of an energy, rate, length, D or density of states, '' if the line does not say."""
        energy = self.parts.get("energies and rates") or self.parts.get("omega")
        length = self.parts.get("lengths") or ("a" if "lattice spacing a" in self.text else "")
        return {"energy": energy or "", "length": length, "D": self.parts.get("D", ""),
                "rho": f"1/({energy} a^d)" if energy and length == "a" else ""}[kind]


def pretty(unit):
    return unit.replace("hbar", "ħ").replace("a^2", "a^2").replace("tau", "τ")


# The kind of each swept option's unit (SWEPT_LABELS gives the symbol).
UNIT_KINDS = {"xi": "length", "range": "length", "correlation": "length", "disorder": "energy", "energy": "energy",
              "omega": "energy", "gamma": "energy", "hopping": "energy", "d0": "D"}


def axis_label(key, units):
    symbol, fallback = SWEPT_LABELS.get(key, (key, None))
    unit = units.of(UNIT_KINDS[key]) if key in UNIT_KINDS else None
    unit = unit or (fallback.removeprefix("units of ") if fallback else None)
    if key == "size":
        unit = "sites per axis"
    return f"{symbol}  ({unit})" if unit else symbol


class Merged:
    """A merged table with access by swept key (sweep_K when renamed) and by header key
    (a column where it varies between points, else the merged table's header line)."""

    def __init__(self, path, x):
        output = load(path)
        self.path, self.meta, self.command = path, output.header, output.command
        self.frame = first(output.tables)
        self.swept = swept_keys(self.meta, path, x)
        self.x = x or self.swept[0]
        self.others = [k for k in self.swept if k != self.x]

    def column(self, key):
        for name in ("sweep_" + key, key, "header_" + key):
            if name in self.frame.columns:
                return self.frame[name].tolist()
        if key in self.meta:
            return [self.meta[key]] * len(self.frame)
        raise SystemExit(f"prepare_sweep: {self.path} has no column or header key {key!r}")

    def swept_column(self, key):
        name = "sweep_" + key if "sweep_" + key in self.frame.columns else key
        return self.frame[name].tolist()

    def group_names(self):
        """Per row: the label of its values of the other swept keys ('' if there are none)."""
        labels = [[f"{SWEPT_LABELS.get(k, (k,))[0]} = {short(v)}" for v in self.swept_column(k)] for k in self.others]
        return [", ".join(parts) for parts in zip(*labels)] if labels else [""] * len(self.frame)

    def point_names(self):
        """Per row: the label of all its swept values (one point)."""
        labels = [[f"{SWEPT_LABELS.get(k, (k,))[0]} = {short(v)}" for v in self.swept_column(k)] for k in self.swept]
        return [", ".join(parts) for parts in zip(*labels)]


class Figure:
    """Panels of curves, written as p<panel>-<series>.dat and the variables of sweep.gp."""

    def __init__(self, datadir):
        self.datadir, self.panels = datadir, []

    def panel(self, title, xlabel, ylabel, series, logx=False, logy=False, errors=False):
        """series: [(title, [(x, y[, error])…])] — each sorted by x; empty series are left out."""
        series = [(name, sorted(p for p in points if not math.isnan(p[0]))) for name, points in series]
        series = [(name, points) for name, points in series if points]
        self.panels.append((title, xlabel, ylabel, series, logx, logy, errors))

    def write(self, title, model):
        """sweep.gp and the .dat files; a panel without a finite point is left out."""
        self.panels = [panel for panel in self.panels if panel[3]]
        if not self.panels:
            raise SystemExit("prepare_sweep: the merged table has no finite value to plot")
        names = []
        lines = [f"panels = {len(self.panels)}", f"title = {quote(title)}", f"model = {quote(model)}"]
        for key in ("titles", "xlabels", "ylabels", "logx", "logy", "errors", "counts", "firsts"):
            lines.append(f"array {key}[{max(len(self.panels), 1)}]")
        for p, (panel_title, xlabel, ylabel, series, logx, logy, errors) in enumerate(self.panels, start=1):
            lines += [f"titles[{p}] = {quote(panel_title)}", f"xlabels[{p}] = {quote(xlabel)}",
                      f"ylabels[{p}] = {quote(ylabel)}", f"logx[{p}] = {int(logx)}", f"logy[{p}] = {int(logy)}",
                      f"errors[{p}] = {int(errors)}", f"counts[{p}] = {len(series)}", f"firsts[{p}] = {len(names)}"]
            for i, (name, points) in enumerate(series, start=1):
                names.append(name or "all points")
                write_blocks(os.path.join(self.datadir, f"p{p}-{i}.dat"), [points])
        lines.append(f"array names[{max(len(names), 1)}]")
        lines += [f"names[{i}] = {quote(name)}" for i, name in enumerate(names, start=1)]
        with open(os.path.join(self.datadir, "sweep.gp"), "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")


def grouped(keys, xs, ys, errors=None):
    """[(key, [(x, y[, e])…])] in order of first appearance of each key."""
    groups = {}
    for i, (key, x, y) in enumerate(zip(keys, xs, ys)):
        groups.setdefault(key, []).append((number(x), number(y)) + ((number(errors[i]),) if errors else ()))
    return list(groups.items())


def one_per_point(merged, *keys):
    """The values of `keys` at the first row of every point (header keys are constant within a point)."""
    seen, rows = set(), []
    points, groups = merged.point_names(), merged.group_names()
    columns = [merged.column(k) for k in keys]
    xs = merged.swept_column(merged.x)
    for i, point in enumerate(points):
        if point not in seen:
            seen.add(point)
            rows.append((groups[i], xs[i]) + tuple(c[i] for c in columns))
    return rows


def diffusion(merged, units, sweepdir, figure):
    xlabel, dunit = axis_label(merged.x, units), units.of("D")
    fit = os.path.join(sweepdir, "merged-fit.tsv")
    if os.path.exists(fit):  # diffusion --omegas: the fit table has one D_fit per ω
        table = Merged(fit, merged.x)
        omega = [f"ω = {short(w)}" for w in table.frame["omega"].tolist()]
        keys = [", ".join(p for p in (g, o) if p) for g, o in zip(table.group_names(), omega)]
        xs = table.swept_column(table.x)
        re_, im = table.frame["D_fit_re"].tolist(), table.frame["D_fit_im"].tolist()
    else:
        rows = one_per_point(merged, "D_fit_re", "D_fit_im")
        keys, xs, re_, im = (list(c) for c in zip(*rows))
    figure.panel("Re D_{fit}", xlabel, f"Re D_{{fit}}  ({dunit})", grouped(keys, xs, re_))
    figure.panel("Im D_{fit}", xlabel, f"Im D_{{fit}}  ({dunit})", grouped(keys, xs, im))


def theory(merged, units, figure):
    """closure and vw: D(ω) per point, ξ against the swept parameter."""
    frame = merged.frame
    prefix = "D_total" if "D_total_re" in frame.columns else "D"
    omega, d_re, d_im = (frame[c].tolist() for c in ("omega", prefix + "_re", prefix + "_im"))
    points = merged.point_names()
    curves = grouped(points, omega, [math.hypot(r, i) for r, i in zip(d_re, d_im)])
    dunit, eunit = units.of("D"), units.of("energy")
    figure.panel("|D(ω)|, one curve per point", f"ω  ({eunit})", f"|D(ω)|  ({dunit})", curves, logx=True, logy=True)
    header_xi = "localization_length" in frame.columns or "localization_length" in merged.meta
    given = merged.column("localization_length") if header_xi else [math.nan] * len(frame)
    xs = merged.swept_column(merged.x)
    smallest = {}
    for i, point in enumerate(points):
        if point not in smallest or omega[i] < omega[smallest[point]]:
            smallest[point] = i
    keys, x_values, xis = [], [], []
    groups = merged.group_names()
    for point, i in smallest.items():
        value = -d_im[i] / omega[i]
        computed = math.sqrt(value) if value > 0 else math.nan
        keys.append(groups[i])
        x_values.append(xs[i])
        xis.append(number(given[i]) if header_xi and not math.isnan(number(given[i])) else computed)
    source = "the header's localization\\_length, else √(−Im D/ω) at the smallest ω" if header_xi else "√(−Im D/ω) at the smallest ω"
    figure.panel(f"ξ: {source}", axis_label(merged.x, units), f"ξ  ({units.of('length')})", grouped(keys, x_values, xis),
                 logy=True)


def exact(merged, units, figure):
    frame = merged.frame
    groups = merged.point_names()  # W is the horizontal axis: every swept key makes its own curves
    wlabel = axis_label("disorder", units)
    if "Lambda" in frame.columns:
        keys = [", ".join(p for p in (f"M = {w}", g) if p) for w, g in zip(frame["width"].tolist(), groups)]
        figure.panel("Λ_M = ξ_M/M against W", wlabel, "Λ_M", grouped(keys, frame["disorder"].tolist(), frame["Lambda"].tolist(),
                                                                       frame["Lambda_error"].tolist()), errors=True)
    else:
        figure.panel("Lyapunov length against W", wlabel, f"ξ_L  ({units.of('length')})",
                     grouped(groups, frame["disorder"].tolist(), frame["lyapunov_length"].tolist(),
                             frame["lyapunov_length_error"].tolist()), errors=True)


def hierarchy(merged, units, figure):
    """One panel per scaling family, one curve per value of the other swept keys."""
    rows = one_per_point(merged, *(key for key, _ in FAMILIES))
    for f, (_, label) in enumerate(FAMILIES):
        figure.panel(label, axis_label(merged.x, units), "number of eigenvalues",
                     grouped([r[0] for r in rows], [r[1] for r in rows], [r[2 + f] for r in rows]))


def dos(merged, units, figure):
    frame = merged.frame
    points = merged.point_names()
    energy = frame["energy"].tolist()
    elabel = f"E  ({units.of('energy')})"
    for column, title, unit in (("rho", "ρ(E)", units.of("rho")), ("gamma", "γ(E)", units.of("energy")),
                                ("l", "l(E)", units.of("length"))):
        figure.panel(title, elabel, f"{title}  ({unit})" if unit else title, grouped(points, energy, frame[column].tolist()),
                     logy=column == "l")


FIGURES = {"diffusion": "D_{{fit}} against {x}", "closure": "D(ω) and ξ against {x}", "vw": "D(ω) and ξ against {x}",
           "exact": "Λ_M against W", "hierarchy": "family sizes against {x}", "dos": "ρ, γ and l against E"}


def main(argv):
    if len(argv) not in (3, 4) or argv[1] in ("-h", "--help"):
        sys.stdout.write(__doc__)
        return 0 if len(argv) > 1 and argv[1] in ("-h", "--help") else 2
    sweepdir, datadir = argv[1], argv[2]
    merged = Merged(os.path.join(sweepdir, "merged.tsv"), argv[3] if len(argv) == 4 else None)
    if merged.command not in FIGURES:
        sys.stderr.write(f"figures: a {merged.command} sweep has no figure (--sweep draws {', '.join(FIGURES)} sweeps; "
                         "read its merged tables with python/collop_io.py)\n")
        return 2
    meta = first_point_meta(sweepdir, merged.path)
    units = Units(meta.get("units", ""))
    os.makedirs(datadir, exist_ok=True)
    figure = Figure(datadir)
    if merged.command == "diffusion":
        diffusion(merged, units, sweepdir, figure)
    elif merged.command in ("closure", "vw"):
        theory(merged, units, figure)
    else:
        {"exact": exact, "hierarchy": hierarchy, "dos": dos}[merged.command](merged, units, figure)
    model = model_line({k: v for k, v in meta.items() if k not in merged.swept})
    figure.write(f"collop {merged.command} sweep: {FIGURES[merged.command].format(x=SWEPT_LABELS.get(merged.x, (merged.x,))[0])}",
                 model)
    print(merged.command)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
