#!/usr/bin/env python3
"""Benchmark collop against the NumPy/SciPy peer (bench/peer.py); run by scripts/bench.sh.

For each case: check that both give the same eigenvalues, then time, alternately and with
repeats, `collop spectrum --values-only` against the peer's scipy.linalg.eigvals and
`collop spectrum` (with vectors) against scipy.linalg.eig. Reports medians and spreads,
their ratio, the share of collop's time inside LAPACK/BLAS and the peak memory of both.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from markdown_output import write_page

HERE = os.path.dirname(os.path.abspath(__file__))

# Correlated disorder: r_c = 1 with W = 5 (C(0) = 1 leaves a local variance 0.17 U0).
CORRELATED = ["--correlation", "1", "--disorder", "5"]
CASES = [
    # (label, dim, size, q, extra model options)
    ("d=3 L=16 q=0 correlated", 3, 16, "0,0,0", CORRELATED),
    ("d=3 L=16 q=0", 3, 16, "0,0,0", []),
    ("d=3 L=16 q along x correlated", 3, 16, "0.1,0,0", CORRELATED),
    ("d=3 L=16 q along x", 3, 16, "0.1,0,0", []),
    ("d=2 L=64 q=0 correlated", 2, 64, "0,0", CORRELATED),
    ("d=2 L=64 q along x", 2, 64, "0.1,0", []),
    ("d=3 L=12 generic q", 3, 12, "0.1,0.07,0.05", []),
]
QUICK = [("d=2 L=12 q=0", 2, 12, "0,0", []), ("d=2 L=12 q=0 correlated", 2, 12, "0,0", CORRELATED),
         ("d=2 L=12 q along x", 2, 12, "0.1,0", []), ("d=2 L=12 generic q", 2, 12, "0.1,0.07", [])]
# collop alone (the peer cannot hold the N × N matrix): `spectrum --values-only`, one run.
LARGE = [("d=3 L=32 q=0 correlated", 3, 32, "0,0,0", CORRELATED),
         ("d=2 L=128 q=0 correlated", 2, 128, "0,0", CORRELATED)]


def run_wait4(command):
    """Runs `command`, returning (wall s, peak RSS MiB, stdout, stderr) using os.wait4."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        pid = os.posix_spawnp(command[0], command, os.environ, file_actions=[
            (os.POSIX_SPAWN_DUP2, out.fileno(), 1), (os.POSIX_SPAWN_DUP2, err.fileno(), 2)])
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"bench: {' '.join(command)} failed ({code}): {stderr[-500:]}")
    return wall, usage.ru_maxrss / 1024, stdout, stderr


def eigenvalues_from_tsv(text):
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    header, data = rows[0], rows[1:]
    re_i, im_i = header.index("re"), header.index("im")
    return np.array([float(r[re_i]) + 1j * float(r[im_i]) for r in data])


def matched_distance(a, b):
    """Largest distance of a greedy nearest matching (bounds the optimal one from above)."""
    used = np.zeros(len(b), bool)
    worst = 0.0
    for value in a[np.argsort(np.abs(a))]:
        d = np.abs(b - value)
        d[used] = np.inf
        j = int(np.argmin(d))
        used[j] = True
        worst = max(worst, d[j])
    return worst


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--collop", required=True)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="small cases only (to check the script)")
    parser.add_argument("--cases", help="comma-separated case indices to run")
    parser.add_argument("--markdown", help="write the table to this Markdown file")
    parser.add_argument("--large", action="store_true", help="also time the LARGE cases (collop alone, once)")
    args = parser.parse_args()
    cases = QUICK if args.quick else CASES
    if args.cases:
        cases = [cases[int(i)] for i in args.cases.split(",")]
    peer = [sys.executable, os.path.join(HERE, "peer.py")]
    results = []
    for label, dim, size, q, extra in cases:
        model = ["--dim", str(dim), "--size", str(size), "--q", q, *extra]
        # Same eigenvalues first.
        with tempfile.NamedTemporaryFile(suffix=".txt") as file:
            run_wait4(peer + model + ["--output", file.name])
            peer_values = np.loadtxt(file.name)
        peer_values = peer_values[:, 0] + 1j * peer_values[:, 1]
        _, _, table, _ = run_wait4([args.collop, "spectrum", *model, "--values-only", "--quiet"])
        ours = eigenvalues_from_tsv(table)
        scale = np.abs(ours).max()
        distance = matched_distance(ours, peer_values) / scale
        sectors = re.search(r"^# symmetry_sectors = (.*)$", table, re.M).group(1)
        if distance > 1e-9:
            sys.exit(f"bench: {label}: collop and the peer disagree (max matched |Δλ|/max|λ| = {distance:.2e})")
        print(f"bench: {label}: N = {len(ours)}, same eigenvalues (max |Δλ|/max|λ| = {distance:.1e}); timing ×{args.repeats}",
              file=sys.stderr, flush=True)
        samples = {key: [] for key in ["cv", "pv", "cw", "pw", "cv_mem", "pv_mem", "cw_mem", "pw_mem",
                                       "cv_lapack", "cw_lapack", "pv_solve", "pw_solve"]}
        for _ in range(args.repeats):
            for kind, collop_extra, peer_extra in [("v", ["--values-only"], []), ("w", [], ["--vectors"])]:
                wall, memory, _, stderr = run_wait4([args.collop, "spectrum", *model, *collop_extra, "--quiet", "--timing"])
                lapack = float(re.search(r"LAPACK/BLAS ([0-9.]+) s", stderr).group(1))
                samples[f"c{kind}"].append(wall)
                samples[f"c{kind}_mem"].append(memory)
                samples[f"c{kind}_lapack"].append(lapack / wall)
                wall, memory, stdout, _ = run_wait4(peer + model + peer_extra)
                samples[f"p{kind}"].append(wall)
                samples[f"p{kind}_mem"].append(memory)
                samples[f"p{kind}_solve"].append(json.loads(stdout)["eigensolve"])
        results.append((label, len(ours), sectors, samples))
        print(f"bench: {label}: collop {statistics.median(samples['cv']):.2f} s / peer {statistics.median(samples['pv']):.2f} s (values); "
              f"collop {statistics.median(samples['cw']):.2f} s / peer {statistics.median(samples['pw']):.2f} s (vectors)",
              file=sys.stderr, flush=True)

    def cell(values):
        return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"

    lines = ["| case | N | sectors | collop values | peer eigvals (run / call) | ratio | collop vectors | peer eig (run / call) | ratio "
             "| LAPACK share values / vectors | peak MiB values: collop / peer | vectors: collop / peer |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    median = statistics.median
    for label, n, sectors, s in results:
        blocks = "dense" if sectors.startswith("none") else str(sectors.count(":"))
        lines.append(f"| {label} | {n} | {blocks} | {cell(s['cv'])} | {cell(s['pv'])} / {median(s['pv_solve']):.2f} "
                     f"| {median(s['pv']) / median(s['cv']):.1f}× ({median(s['pv_solve']) / median(s['cv']):.1f}×) "
                     f"| {cell(s['cw'])} | {cell(s['pw'])} / {median(s['pw_solve']):.2f} "
                     f"| {median(s['pw']) / median(s['cw']):.1f}× ({median(s['pw_solve']) / median(s['cw']):.1f}×) "
                     f"| {100 * median(s['cv_lapack']):.0f}% / {100 * median(s['cw_lapack']):.0f}% "
                     f"| {median(s['cv_mem']):.0f} / {median(s['pv_mem']):.0f} | {median(s['cw_mem']):.0f} / {median(s['pw_mem']):.0f} |")
    if args.large:
        lines += ["", "Large grids, collop alone (`spectrum --values-only`, one run; the dense matrix would need 16 N² bytes):", "",
                  "| case | N | blocks (largest m) | wall s | LAPACK/BLAS s (summed over threads) | peak MiB |", "|---|---|---|---|---|---|"]
        for label, dim, size, q, extra in LARGE:
            model = ["--dim", str(dim), "--size", str(size), "--q", q, *extra]
            wall, memory, table, stderr = run_wait4([args.collop, "spectrum", *model, "--values-only", "--quiet", "--timing"])
            lapack = float(re.search(r"LAPACK/BLAS ([0-9.]+) s", stderr).group(1))
            blocks = re.search(r"^# symmetry_blocks = (.*)$", table, re.M).group(1)
            largest = max(int(b.split(":")[1].split("x")[0]) for b in blocks.split(","))
            lines.append(f"| {label} | {size ** dim} | {blocks.count(':')} ({largest}) | {wall:.1f} | {lapack:.1f} | {memory:.0f} |")
            print(f"bench: {label}: {wall:.1f} s, {memory:.0f} MiB", file=sys.stderr, flush=True)
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        import platform
        numpy_blas = ""
        try:
            config = np.show_config(mode="dicts")
            numpy_blas = config["Build Dependencies"]["blas"].get("openblas configuration", "")
        except Exception:
            pass
        probe = run_wait4([args.collop, "spectrum", "--size", "8", "--values-only", "--quiet", "--dry-run"])[2]
        collop_backend = re.search(r"^# lapack_backend = (.*)$", probe, re.M)
        header = f"""# Benchmarks

Generated by `scripts/bench.sh` on {time.strftime('%Y-%m-%d')} ({platform.machine()}, {os.cpu_count()} cores).
Each cell: median wall time in seconds of the whole process over {args.repeats} alternating runs (min–max);
for the peer also the time of the `eigvals`/`eig` call alone ("call"). Ratio = peer run / collop run
(in parentheses: peer call alone / collop run — the stricter comparison).
model = the defaults (E = 0.3, W = 2, white noise, `localized` ξ = 1.5, R = 2, ω = 1e-3) at the
given d, L, q; "correlated": r_c = 1, W = 5 (momentum-dependent SCBA, U0·C(k − k') in 𝕃reg). Before timing, both programs' eigenvalues were checked to agree (max matched
|Δλ|/max|λ| ≤ 1e-9). LAPACK share = time inside LAPACK/BLAS calls over collop's wall time
(`--timing`). Peak memory = max RSS.

- collop: {collop_backend.group(1) if collop_backend else 'OpenBLAS'}, all cores; one block per irrep of the signed axis
  permutations that fix q (`sectors`: the number of blocks; 48 group elements and 10 irreps in d = 3 at q = 0),
  each assembled from the kernels without the N × N matrix.
- peer: `bench/peer.py`, NumPy {np.__version__} / SciPy {__import__('scipy').__version__} ({numpy_blas}), vectorized assembly,
  `scipy.linalg.eigvals` / `scipy.linalg.eig` on the dense matrix.

"""
        write_page(args.markdown, header + table + "\n")


if __name__ == "__main__":
    main()
