#!/usr/bin/env python3
"""Cost growth of the matrix-free λ0 with the grid: `collop diffusion --method krylov
--singular cooperon --nq 1` (white noise, defaults E = 0.3, W = 2, ω = 1e-3) on d = 3 and
d = 2 grids, end to end, with wall time, peak memory (/usr/bin/time), the products with 𝕃,
the dry-run memory estimate, and least-squares exponents of time and memory against N,
beside the O(N log N) of one product. A benchmark, never a test: run it on a quiet machine.

    growth_bench.py --collop PATH [--dim3 32,64,128,256] [--dim2 256,...,4096] [--threads 2]
                    [--markdown FILE]

A size whose estimate exceeds the memory available is refused by collop (exit 2); such a
row is reported as refused, with collop's message, and left out of the fits.
"""
import argparse
import math
import os
import subprocess
import sys
import tempfile
from krylov_bench import header
from markdown_output import write_page


def run(collop, dim, size, threads):
    """One end-to-end run: dict with wall, peak (MiB), products, estimate, or refused."""
    command = [collop, "diffusion", "--method", "krylov", "--singular", "cooperon", "--nq", "1",
               "--dim", str(dim), "--size", str(size), "--threads", str(threads), "--quiet"]
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        result = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", report.name] + command,
                                capture_output=True, text=True)
        seconds, kilobytes = report.read().split()[-2:]
    row = {"dim": dim, "size": size, "points": size ** dim}
    if result.returncode != 0:
        row["refused"] = result.stderr.strip().splitlines()[-1][:300]
        return row
    estimate = header(result.stdout, "memory_estimate") or ""
    row.update(wall=float(seconds), peak=float(kilobytes) / 1024,
               products=int(header(result.stdout, "krylov_operator_products") or 0),
               estimate=estimate.split(" (")[0])
    return row


def exponent(rows, key):
    """Least-squares slope of log(key) against log N."""
    xs = [math.log(r["points"]) for r in rows]
    ys = [math.log(r[key]) for r in rows]
    if len(xs) < 2:
        return float("nan")
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--collop", required=True)
    parser.add_argument("--dim3", default="32,64,128,256")
    parser.add_argument("--dim2", default="256,512,1024,2048,4096")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--markdown")
    args = parser.parse_args()
    rows = []
    for dim, sizes in [(3, args.dim3), (2, args.dim2)]:
        for size in [int(x) for x in sizes.split(",") if x]:
            row = run(args.collop, dim, size, args.threads)
            rows.append(row)
            if "refused" in row:
                print(f"d = {dim}, L = {size}: refused: {row['refused']}", file=sys.stderr)
            else:
                print(f"d = {dim}, L = {size}: {row['wall']:.1f} s, {row['peak']:.0f} MiB, "
                      f"{row['products']} products", file=sys.stderr)
    lines = ["# Cost growth of the matrix-free λ0 with N", "",
             "Written by `bench/growth_bench.py` (via `scripts/bench.sh --growth`) on this machine",
             f"(2 cores, `--threads {args.threads}`): `collop diffusion --method krylov --singular cooperon",
             "--nq 1 --dim d --size L` (white noise, E = 0.3, W = 2, ω = 1e-3: one λ0 at |q| = q_max,",
             "then the current solve at q = 0), end to end; peak memory from /usr/bin/time; time per",
             "product = wall / the λ0 products (`krylov_operator_products`; the setup and the current solve are in the wall), beside N log₂ N (one product is a few FFTs of N points).", "",
             "| d | L | N | wall | peak | estimate | λ0 products | wall per λ0 product | that / (N log₂ N) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if "refused" in r:
            lines.append(f"| {r['dim']} | {r['size']} | {r['points']} | refused | | | | | {r['refused']} |")
            continue
        per = r["wall"] / max(r["products"], 1)
        lines.append(f"| {r['dim']} | {r['size']} | {r['points']} | {r['wall']:.1f} s | {r['peak']:.0f} MiB | "
                     f"{r['estimate']} | {r['products']} | {per:.3g} s | {per / (r['points'] * math.log2(r['points'])):.3g} s |")
    lines += ["", "Least-squares exponents against N (time ∝ N^a, peak ∝ N^b; O(N log N) per product",
              "reads as a slightly above 1 at fixed products):", "",
              "| d | sizes | a (wall) | b (peak) | products |", "|---|---|---|---|---|"]
    for dim in (3, 2):
        done = [r for r in rows if r["dim"] == dim and "refused" not in r]
        if done:
            lines.append(f"| {dim} | {', '.join(str(r['size']) for r in done)} | {exponent(done, 'wall'):.2f} | "
                         f"{exponent(done, 'peak'):.2f} | {' '.join(str(r['products']) for r in done)} |")
    text = "\n".join(lines) + "\n"
    if args.markdown:
        write_page(args.markdown, text)
    print(text)


if __name__ == "__main__":
    main()
