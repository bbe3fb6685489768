#!/usr/bin/env python3
"""Times one λ0 by `collop dispersion --method krylov --nq 1` against the NumPy/SciPy
matrix-free peer (bench/krylov_peer.py, same algorithm, scipy.fft with workers = 2,
gmres on a LinearOperator), alternately, end to end (process start to exit, peak memory
from /usr/bin/time), after checking that both give the same λ0; then the whole default
`collop diffusion --method krylov` ladder. A benchmark, never a test.

    krylov_bench.py --collop PATH [--sizes 64,128] [--repeats 1] [--markdown FILE]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from markdown_output import write_page

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(command):
    """Wall seconds, peak RSS in MiB and stdout of a command, through /usr/bin/time."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        result = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", report.name] + command,
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {result.stderr.strip()[-400:]}")
        seconds, kilobytes = report.read().split()[-2:]
    return float(seconds), float(kilobytes) / 1024, result.stdout


def header(stdout, key):
    match = re.search(rf"^# {re.escape(key)} = (.*)$", stdout, re.M)
    return match.group(1) if match else None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--collop", required=True)
    parser.add_argument("--sizes", default="64,128")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--markdown")
    args = parser.parse_args()
    rows = []
    for size in [int(x) for x in args.sizes.split(",")]:
        for singular in ["none", "cooperon"]:
            for radius, width in [(0.0, 2.0), (1.0, 5.0)]:
                model = ["--dim", "3", "--size", str(size), "--singular", singular, "--disorder", str(width)]
                if radius > 0:
                    model += ["--correlation", str(radius)]
                q = 0.01
                collop = [args.collop, "dispersion", "--method", "krylov", "--nq", "1", "--qmax", str(q), "--quiet"] + model
                peer = [sys.executable, os.path.join(HERE, "krylov_peer.py"), "--dim", "3", "--size", str(size),
                        "--singular", singular, "--disorder", str(width), "--correlation", str(radius), "--q", str(q)]
                collop_times, peer_times, collop_memory, peer_memory = [], [], 0.0, 0.0
                for _ in range(args.repeats):
                    seconds, memory, out = timed(collop)
                    collop_times.append(seconds)
                    collop_memory = max(collop_memory, memory)
                    row = [line for line in out.splitlines() if line and not line.startswith("#")][-1].split("\t")
                    collop_lambda = complex(float(row[1]), float(row[2]))
                    products = header(out, "krylov_operator_products")
                    seconds, memory, out = timed(peer)
                    peer_times.append(seconds)
                    peer_memory = max(peer_memory, memory)
                    result = json.loads(out)
                    peer_lambda = complex(*result["lambda0"])
                difference = abs(collop_lambda - peer_lambda) / abs(peer_lambda)
                label = f"d = 3, L = {size}, {singular}, " + ("white" if radius == 0 else f"r_c = {radius:g} (W = {width:g})")
                c, p = statistics.median(collop_times), statistics.median(peer_times)
                rows.append((label, c, collop_memory, products, p, peer_memory, result["products"], p / c, difference))
                print(f"{label}: collop {c:.2f} s {collop_memory:.0f} MiB ({products} products), "
                      f"peer {p:.2f} s {peer_memory:.0f} MiB ({result['products']} products), "
                      f"{p / c:.1f}×, |Δλ0|/|λ0| = {difference:.1e}", file=sys.stderr)
    ladder = []
    for size in [int(x) for x in args.sizes.split(",")]:
        command = [args.collop, "diffusion", "--method", "krylov", "--dim", "3", "--size", str(size),
                   "--singular", "cooperon", "--quiet"]
        seconds, memory, out = timed(command)
        ladder.append((size, seconds, memory, header(out, "krylov_solves"), header(out, "krylov_operator_products"),
                       header(out, "D_fit_re"), header(out, "D_fit_im")))
        print(f"diffusion ladder L = {size}: {seconds:.1f} s, {memory:.0f} MiB", file=sys.stderr)
    lines = ["# Matrix-free λ0: collop against a NumPy/SciPy peer", "",
             "Written by `bench/krylov_bench.py` (via `scripts/bench.sh --krylov`) on this machine (2 cores).",
             "One λ0 at |q| = 0.01 along x, ω = 1e-3, end to end (process start to exit: SCBA on the",
             "shifted grids, operator, Newton–Krylov solve); the peer (`bench/krylov_peer.py`) runs the",
             "same algorithm with scipy.fft (workers = 2) and scipy.sparse.linalg.gmres on a",
             "LinearOperator. Peak memory from /usr/bin/time. Both give the same λ0 (last column).", "",
             "| case | collop | collop memory | products | peer | peer memory | peer products | peer/collop | \\|Δλ0\\|/\\|λ0\\| |",
             "|---|---|---|---|---|---|---|---|---|"]
    for label, c, cm, cp, p, pm, pp, ratio, difference in rows:
        lines.append(f"| {label} | {c:.2f} s | {cm:.0f} MiB | {cp} | {p:.2f} s | {pm:.0f} MiB | {pp} | {ratio:.1f}× | {difference:.1e} |")
    lines += ["", "The whole default ladder, `collop diffusion --method krylov --dim 3 --size L --singular cooperon`",
              "(5 values of q, one λ0 each):", "",
              "| L | N | wall | peak memory | solves | products | D_fit |", "|---|---|---|---|---|---|---|"]
    for size, seconds, memory, solves, products, re_d, im_d in ladder:
        lines.append(f"| {size} | {size ** 3} | {seconds:.1f} s | {memory:.0f} MiB | {solves} | {products} | "
                     f"{float(re_d):.6f} {float(im_d):+.6f}i |")
    text = "\n".join(lines) + "\n"
    if args.markdown:
        write_page(args.markdown, text)
    print(text)


if __name__ == "__main__":
    main()
