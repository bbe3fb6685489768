#!/usr/bin/env python3
"""The collision operator of docs/model.md §2 the way a physicist would write it in NumPy/SciPy.

Same model as `collop spectrum` (white noise, or correlated disorder C(p) = ĝ(p)²/ĝ(0)² with
the Gaussian envelope g_x = e^{−|x|²/r_c²} on |x| ≤ 3r_c/√2 and a momentum-dependent SCBA
Σ_k = (U0/N) Σ_k' C(k − k') G_k' by FFT; SCBA on the shifted grids k ± q/2, the
`localized` vertex with the Ward projection), vectorized NumPy assembly and
scipy.linalg.eigvals / scipy.linalg.eig on the dense N × N matrix. Used by
scripts/bench.sh as the peer `collop` is timed against, after checking that both give
the same eigenvalues.

    peer.py --dim 3 --size 12 [--q 0.1,0,0] [--correlation 1 --disorder 5] [--vectors] [--output eigenvalues.txt]

Prints one line of JSON on stdout: timings of the stages (assembly, eigensolve) in seconds.
"""
import argparse
import itertools
import json
import time

import numpy as np
import scipy.linalg


def scba(eps, u0, z, tol=1e-14, maxiter=10000):
    """Σ(z) = U0 ⟨1/(z − ε − Σ)⟩ on one (shifted) grid, by Newton's method."""
    sigma = -0.5j * np.sqrt(u0)
    for _ in range(maxiter):
        g = 1.0 / (z - eps - sigma)
        f = u0 * g.mean() - sigma
        if abs(f) <= tol * max(1.0, abs(sigma)):
            return u0 * g.mean()
        sigma -= f / (u0 * (g * g).mean() - 1.0)
    raise RuntimeError("SCBA did not converge")


def correlated_scba(eps, u0, z, c_hat, tol=1e-14, maxiter=20000):
    """Σ_k(z) = (U0/N) Σ_k' C(k − k') G_k' (circular convolution by FFT), damped fixed point."""
    n = eps.size
    sigma = np.full(eps.shape, -0.5j * np.sqrt(u0))
    for _ in range(maxiter):
        g = 1.0 / (z - eps - sigma)
        mapped = (u0 / n) * np.fft.ifftn(c_hat * np.fft.fftn(g))
        change = np.abs(mapped - sigma).max()
        if change <= tol * max(1.0, np.abs(mapped).max()):
            return mapped
        sigma = 0.5 * sigma + 0.5 * mapped
    raise RuntimeError("SCBA did not converge")


def operator(dim, size, energy=0.3, omega=1e-3, q=None, width=2.0, xi=1.5, reach=2.0, hopping=1.0, correlation=0.0):
    n_axis = np.arange(size)
    digits = np.array(list(itertools.product(n_axis, repeat=dim)))           # last axis fastest
    k = 2 * np.pi * digits / size
    q = np.zeros(dim) if q is None else np.asarray(q, float)
    u0 = width * width / 12
    band = lambda p: -2 * hopping * np.cos(p).sum(axis=1)
    eps0, eps_plus, eps_minus = band(k), band(k + q / 2), band(k - q / 2)
    n = len(k)
    if correlation > 0:
        radius = 3 * correlation / np.sqrt(2)
        r = int(np.floor(radius))
        envelope = np.array([x for x in itertools.product(range(-r, r + 1), repeat=dim)
                             if np.dot(x, x) <= radius * radius * (1 + 1e-12)])
        g = np.exp(-(envelope ** 2).sum(axis=1) / correlation ** 2)
        c = ((g[None, :] * np.cos(k @ envelope.T)).sum(axis=1) / g.sum()) ** 2      # C(p) on the grid
        shape = (size,) * dim
        c_hat = np.fft.fftn(c.reshape(shape))
        solve = lambda e, z: correlated_scba(e.reshape(shape), u0, z, c_hat).reshape(n)
        regular_kernel = c[(((digits[:, None, :] - digits[None, :, :]) % size) * (size ** np.arange(dim - 1, -1, -1))).sum(axis=2)]
    else:
        solve = lambda e, z: scba(e, u0, z)
        regular_kernel = 1.0
    gamma = -np.mean(np.imag(solve(eps0, energy + 0j)))
    sigma_r = solve(eps_plus, energy + omega + 0j)
    sigma_a = np.conj(solve(eps_minus, energy + 0j))
    g_r = 1 / (energy + omega - eps_plus - sigma_r)
    g_a = 1 / (energy - eps_minus - sigma_a)
    s = np.sqrt(g_r - g_a)

    # Localized correlator A(Q) = b̂(Q)²/b̂(0)², the autocorrelation of the envelope
    # b_x = e^{−|x|/ξ} on |x| ≤ R/2, on the grid; Q = k + k' via integer index arithmetic.
    half = reach / 2
    vectors = np.array([x for x in itertools.product(range(-int(half), int(half) + 1), repeat=dim)
                        if np.dot(x, x) <= half * half * (1 + 1e-12)])
    b = np.exp(-np.sqrt((vectors ** 2).sum(axis=1)) / xi)
    correlator = ((b[None, :] * np.cos(k @ vectors.T)).sum(axis=1) / b.sum()) ** 2   # A at every grid momentum
    strides = size ** np.arange(dim - 1, -1, -1)
    sum_index = (((digits[:, None, :] + digits[None, :, :]) % size) * strides).sum(axis=2)
    amplitude = 2 * gamma * u0
    vertex = (1j * amplitude / omega) * correlator[sum_index]                  # U_sing(k + k')

    ss = np.outer(s, s)
    regular = np.diag(eps_plus - eps_minus + sigma_r - sigma_a) - (u0 / n) * regular_kernel * ss
    singular = vertex * ss / n
    projector = np.eye(n) - ss / (s @ s)
    return regular - projector @ singular @ projector


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dim", type=int, default=2)
    parser.add_argument("--size", type=int, default=16)
    parser.add_argument("--q", type=lambda t: [float(x) for x in t.split(",")], default=None)
    parser.add_argument("--correlation", type=float, default=0.0, help="disorder correlation radius r_c (0: white noise)")
    parser.add_argument("--disorder", type=float, default=2.0, help="box width W, U0 = W²/12")
    parser.add_argument("--vectors", action="store_true", help="scipy.linalg.eig (with right eigenvectors)")
    parser.add_argument("--output", help="write the eigenvalues (re im per line) for the cross-check")
    args = parser.parse_args()
    start = time.perf_counter()
    matrix = operator(args.dim, args.size, q=args.q, width=args.disorder, correlation=args.correlation)
    assembled = time.perf_counter()
    if args.vectors:
        values, _ = scipy.linalg.eig(matrix, overwrite_a=True, check_finite=False)
    else:
        values = scipy.linalg.eigvals(matrix, overwrite_a=True, check_finite=False)
    solved = time.perf_counter()
    if args.output:
        np.savetxt(args.output, np.column_stack([values.real, values.imag]), fmt="%.17g")
    print(json.dumps({"n": int(matrix.shape[0]), "assembly": assembled - start, "eigensolve": solved - assembled}))


if __name__ == "__main__":
    main()
