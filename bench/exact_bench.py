#!/usr/bin/env python3
"""`collop exact` against bench/exact_peer.py (NumPy/SciPy), alternately, one thread each.

  exact_bench.py --collop PATH [--repeats R] [--markdown FILE]
Cases (issue 22): d = 3, E = 0, W = 16.5, M = 8 to 1 % (transfer matrix; the peer multiplies the
dense 2n x 2n matrix and calls numpy.linalg.qr every 5 steps), and d = 1 exact diagonalization of
100 chains of 4000 sites (E = -0.35, W = 2.4, window 0.1; both through LAPACK's dstemr).
The random numbers differ, so the step counts differ: the table gives both wall time and time
per transfer step. A benchmark, not a test: run it on a quiet machine.
"""
import argparse, os, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")


def run(cmd):
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=ENV, check=True).stdout
    return time.perf_counter() - start, out


def header(out, key):
    for line in out.splitlines():
        if line.startswith(f"# {key} = ") or line.startswith(f"{key} = "):
            return line.split(" = ", 1)[1]
    return None


def column(out, name):
    lines = [l for l in out.splitlines() if not l.startswith("#") and l]
    cols = lines[0].split("\t")
    return lines[1].split("\t")[cols.index(name)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--collop", required=True)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--markdown")
    a = ap.parse_args()
    peer = [sys.executable, os.path.join(HERE, "exact_peer.py")]
    cases = [
        ("d = 3 TMM, E = 0, W = 16.5, M = 8, 1 %",
         [a.collop, "exact", "--dim", "3", "--energy", "0", "--disorder", "16.5", "--widths", "8", "--precision", "0.01", "--threads", "1", "--quiet"],
         peer + ["tmm", "--dim", "3", "--width", "8", "--energy", "0", "--disorder", "16.5", "--precision", "0.01"],
         lambda out: (float(column(out, "Lambda")), int(column(out, "steps"))),
         lambda out: (float(header(out, "Lambda")), int(header(out, "steps")))),
        ("d = 1 ED, 100 chains x 4000 sites, E = -0.35, W = 2.4",
         [a.collop, "exact", "--dim", "1", "--energy", "-0.35", "--disorder", "2.4", "--length", "4000", "--samples", "100",
          "--window", "0.1", "--size", "256", "--threads", "1", "--quiet"],
         peer + ["ed", "--length", "4000", "--samples", "100", "--energy", "-0.35", "--disorder", "2.4", "--window", "0.1"],
         lambda out: (float(header(out, "localization_length")), None),
         lambda out: (float(header(out, "localization_length")), None)),
    ]
    rows = []
    for name, ours, theirs, read_ours, read_theirs in cases:
        times_ours, times_theirs = [], []
        for _ in range(a.repeats):
            t, out_ours = run(ours); times_ours.append(t)
            t, out_theirs = run(theirs); times_theirs.append(t)
        (v_ours, s_ours), (v_theirs, s_theirs) = read_ours(out_ours), read_theirs(out_theirs)
        best_ours, best_theirs = min(times_ours), min(times_theirs)
        per_step = ""
        if s_ours:
            per_step = f"{1e6 * best_ours / s_ours:.1f} / {1e6 * best_theirs / s_theirs:.1f} µs/step ({s_ours} / {s_theirs} steps)"
        rows.append((name, best_ours, best_theirs, best_theirs / best_ours, per_step, v_ours, v_theirs))
        print(f"{name}: collop {best_ours:.2f} s, peer {best_theirs:.2f} s, ratio {best_theirs / best_ours:.2f}; {per_step}; "
              f"result {v_ours:.4g} / {v_theirs:.4g}", flush=True)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write("# `collop exact` against a NumPy/SciPy peer\n\n")
            f.write("`scripts/bench.sh --exact` (bench/exact_bench.py, bench/exact_peer.py): best of "
                    f"{a.repeats} alternating runs, one thread each (OPENBLAS_NUM_THREADS=1, `--threads 1`). "
                    "The random numbers differ, so the d = 3 step counts differ; compare µs/step too.\n\n")
            f.write("| case | collop (s) | peer (s) | peer/collop | per step (collop / peer) | result (collop / peer) |\n|---|---|---|---|---|---|\n")
            for name, o, t, r, p, vo, vt in rows:
                f.write(f"| {name} | {o:.2f} | {t:.2f} | {r:.2f} | {p} | {vo:.4g} / {vt:.4g} |\n")


if __name__ == "__main__":
    main()
