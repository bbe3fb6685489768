#!/usr/bin/env python3
"""NumPy/SciPy peers of `collop exact`, written as a physicist would (not part of collop).

  exact_peer.py tmm  --dim 3 --width 8 --energy 0 --disorder 16.5 --precision 0.01 [--seed 1]
      transfer matrix of a bar: the dense 2n x 2n T_k = [[(V_k - E + H_perp)/t, -1], [1, 0]]
      times the 2n x n frame each step, numpy.linalg.qr every 5 steps; after a burn-in of two
      blocks of max(100, 20 M) steps, the block means of ln|R_nn| until their standard error
      is below precision x the mean (>= 10 blocks) -- the same stopping rule as collop.
  exact_peer.py ed --length 4000 --samples 100 --energy -0.35 --disorder 2.4 --window 0.1
      <x^2> of the return profile from scipy.linalg.eigh_tridiagonal (MRRR, dstemr) on the window,
      origins in the middle half of each chain.
Prints one line `key = value` per result.
"""
import argparse, math, time
import numpy as np
import scipy.linalg as sl


def tmm(dim, width, energy, disorder, precision, seed, qr_every=5):
    n = width ** (dim - 1)
    h = np.zeros((n, n))
    for site in range(n):
        a, b = site % width, site // width
        nbrs = [(a + 1) % width + b * width, (a - 1) % width + b * width]
        if dim == 3:
            nbrs += [a + ((b + 1) % width) * width, a + ((b - 1) % width) * width]
        for j in nbrs:
            h[site, j] -= 1.0
    rng = np.random.default_rng(seed)
    t = np.zeros((2 * n, 2 * n))
    t[:n, n:] = -np.eye(n)
    t[n:, :n] = np.eye(n)
    frame = np.zeros((2 * n, n))
    frame[:n, :n] = np.eye(n)
    block = qr_every * math.ceil(max(100, 20 * width) / qr_every)

    def advance(steps):
        nonlocal frame
        growth = 0.0
        for k in range(steps):
            t[:n, :n] = h + np.diag(disorder * (rng.random(n) - 0.5) - energy)
            frame = t @ frame
            if (k + 1) % qr_every == 0:
                frame, r = np.linalg.qr(frame)
                growth += math.log(abs(r[n - 1, n - 1]))
        return growth

    advance(2 * block)
    blocks = []
    while True:
        blocks.append(advance(block) / block)
        mean = np.mean(blocks)
        err = np.std(blocks, ddof=1) / math.sqrt(len(blocks)) if len(blocks) > 1 else math.inf
        if len(blocks) >= 10 and err / mean <= precision:
            return mean, err, len(blocks) * block


def ed(length, samples, energy, disorder, window, seed):
    rng = np.random.default_rng(seed)
    margin = length // 4
    x = np.arange(length) - (length - 1) / 2
    bulk = slice(margin, length - margin)
    num = den = 0.0
    states = 0
    for _ in range(samples):
        d = disorder * (rng.random(length) - 0.5)
        e = -np.ones(length - 1)
        w, v = sl.eigh_tridiagonal(d, e, select='v', select_range=(energy - window / 2, energy + window / 2),
                                   lapack_driver='stemr')
        p = v * v
        m1, m2 = x @ p, (x * x) @ p
        w0, w1, w2 = p[bulk].sum(0), x[bulk] @ p[bulk], (x[bulk] ** 2) @ p[bulk]
        num += (w0 * m2 - 2 * w1 * m1 + w2).sum()
        den += w0.sum()
        states += len(w)
    return num / den, states


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["tmm", "ed"])
    ap.add_argument("--dim", type=int, default=3)
    ap.add_argument("--width", type=int, default=8)
    ap.add_argument("--energy", type=float, default=0.0)
    ap.add_argument("--disorder", type=float, default=16.5)
    ap.add_argument("--precision", type=float, default=0.01)
    ap.add_argument("--length", type=int, default=4000)
    ap.add_argument("--samples", type=int, default=100)
    ap.add_argument("--window", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    start = time.perf_counter()
    if a.mode == "tmm":
        gamma, err, steps = tmm(a.dim, a.width, a.energy, a.disorder, a.precision, a.seed)
        print(f"xi = {1 / gamma}\nxi_error = {err / gamma**2}\nLambda = {1 / gamma / a.width}\nsteps = {steps}")
    else:
        x2, states = ed(a.length, a.samples, a.energy, a.disorder, a.window, a.seed)
        print(f"localization_length = {math.sqrt(x2 / 2)}\nstates = {states}")
    print(f"seconds = {time.perf_counter() - start}")
