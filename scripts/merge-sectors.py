#!/usr/bin/env python3
"""Joins per-block spectra (`collop spectrum --sector LABEL`, TSV) into the full spectrum table.

    scripts/merge-sectors.py [-o FILE] BLOCK.tsv ...

Every block of the run's `symmetry_sectors` must be given once, all from the same model (the
header lines that describe the model must agree). The rows of all blocks are sorted as one
whole run sorts them — by |λ|, then re, then im, then the block's position in
`symmetry_sectors` (a block's own rows keep their order) — and renumbered s = 0…N−1, so the
table is byte for byte the table of the whole run. The header is the first block's, with
the per-block keys replaced: frobenius_norm = √Σ (block norms²), trace_re/trace_im = tr 𝕃,
trace_residual = |Σλ − tr 𝕃|/|tr 𝕃| over all rows (refused above 1e-10, exit status 3),
merged_sectors = the blocks joined. The per-block degenerate_clusters, lambda0_mode, etc. are
dropped (lambda0_mode is recomputed when the tables have w0). Exit status 2 for bad input.
"""
import argparse
import math
import sys

PER_BLOCK = {"sector_only", "operator_trace_re", "operator_trace_im", "trace_residual", "frobenius_norm",
             "lapack_routine", "memory_estimate", "max_condition", "near_exceptional_modes",
             "degenerate_clusters", "clusters_with_orthonormal_eigenspace_basis",
             "clusters_not_bilinear_orthogonalized", "lambda0_mode", "blas_threads"}


def fail(message, status=2):
    print(f"merge-sectors: {message}", file=sys.stderr)
    sys.exit(status)


def read(path):
    header, columns, rows = [], None, []
    with open(path) as file:
        for line in file:
            line = line.rstrip("\n")
            if line.startswith("# "):
                if rows or columns:
                    break                              # a second table (vectors) follows
                key, _, value = line[2:].partition(" = ")
                header.append((key, value, line))
            elif line.startswith("#") or not line:
                if columns is not None and rows:
                    break
            elif columns is None:
                columns = line.split("\t")
            else:
                rows.append(line.split("\t"))
    if columns is None:
        fail(f"{path}: no table")
    return header, columns, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+")
    parser.add_argument("-o", "--output", default="-")
    args = parser.parse_args()
    blocks = [read(path) for path in args.files]
    first_header, columns, _ = blocks[0]
    model = {k: v for k, v, _ in first_header if k not in PER_BLOCK}
    sectors = model.get("symmetry_sectors", "")
    order = [entry.split(":")[0] for entry in sectors.split(",")] if ":" in sectors else []
    if not order:
        fail(f"{args.files[0]}: no symmetry_sectors (was it run with --sector?)")
    seen = {}
    for path, (header, cols, rows) in zip(args.files, blocks):
        values = dict((k, v) for k, v, _ in header)
        label = values.get("sector_only")
        if label is None:
            fail(f"{path}: not a one-block run (no sector_only)")
        if label in seen:
            fail(f"{path}: block {label} given twice (also {seen[label]})")
        seen[label] = path
        if cols != columns:
            fail(f"{path}: columns {cols} differ from {args.files[0]}'s {columns}")
        for key, value in model.items():
            if values.get(key) != value:
                fail(f"{path}: header {key} = {values.get(key)} differs from {args.files[0]}'s {value}")
    missing = [label for label in order if label not in seen]
    if missing:
        fail(f"blocks missing: {', '.join(missing)}")
    rank = {label: i for i, label in enumerate(order)}
    s_i, re_i, im_i, sector_i = columns.index("s"), columns.index("re"), columns.index("im"), columns.index("sector")
    entries = []
    for header, _, rows in blocks:
        for position, row in enumerate(rows):
            re, im = float(row[re_i]), float(row[im_i])
            entries.append((math.hypot(re, im), re, im, rank[row[sector_i]], position, row))
    # |λ| exactly as collop computes it: the printed abs column (17 digits round-trip).
    abs_i = columns.index("abs")
    entries = [(float(e[5][abs_i]),) + e[1:] for e in entries]
    entries.sort(key=lambda e: e[:5])
    trace = complex(float(dict((k, v) for k, v, _ in blocks[0][0])["operator_trace_re"]),
                    float(dict((k, v) for k, v, _ in blocks[0][0])["operator_trace_im"]))
    total = complex(math.fsum(e[1] for e in entries), math.fsum(e[2] for e in entries))
    residual = abs(total - trace) / abs(trace) if abs(trace) > 0 else abs(total - trace)
    norm = math.sqrt(math.fsum(float(dict((k, v) for k, v, _ in h)["frobenius_norm"]) ** 2 for h, _, _ in blocks))
    out = sys.stdout if args.output == "-" else open(args.output + ".tmp", "w")
    for key, value, line in first_header:
        if key == "frobenius_norm":
            out.write(f"# frobenius_norm = {norm!r}\n")
            out.write(f"# trace_re = {trace.real!r}\n# trace_im = {trace.imag!r}\n# trace_residual = {residual!r}\n")
        elif key not in PER_BLOCK:
            out.write(line + "\n")
    out.write(f"# merged_sectors = {','.join(order)}\n")
    if "w0" in columns:
        w0_i = columns.index("w0")
        best = max(range(len(entries)), key=lambda i: float(entries[i][5][w0_i]))
        out.write(f"# lambda0_mode = {best}\n")
    out.write("\t".join(columns) + "\n")
    for s, entry in enumerate(entries):
        row = list(entry[5])
        row[s_i] = str(s)
        out.write("\t".join(row) + "\n")
    if out is not sys.stdout:
        out.close()
        import os
        os.replace(args.output + ".tmp", args.output)
    if residual > 1e-10:
        fail(f"trace check failed: |Σλ − tr 𝕃|/|tr 𝕃| = {residual:.3e} > 1e-10 (blocks from different runs?)", 3)


if __name__ == "__main__":
    main()
