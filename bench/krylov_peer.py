#!/usr/bin/env python3
"""λ0 of the collision operator without its matrix, the way a physicist would write it in
NumPy/SciPy: the peer of `collop diffusion --method krylov` (docs/model.md §2, §4).

Same model (SCBA on the shifted grids k ± q/2 by FFT convolution, white noise or the
Gaussian-autocorrelation disorder C = ĝ²/ĝ(0)², `none` or `cooperon` with the Ward
projection), the operator as a scipy.sparse.linalg.LinearOperator whose product uses
scipy.fft with workers=2, and the same algorithm as collop: Newton on the projected
secular equation, inner solves by scipy.sparse.linalg.gmres preconditioned by the exactly
projected inverse of the 2 × 2 blocks of 𝕃 on {k, −k}.

    krylov_peer.py --dim 3 --size 64 --singular cooperon [--correlation 1] [--q 0.01]

Prints one line of JSON: λ0, timings (model, operator, solve) and iteration counts.
"""
import argparse
import itertools
import json
import time

import numpy as np
import scipy.fft
import scipy.sparse.linalg as sla

WORKERS = 2


def fftn(x):
    return scipy.fft.fftn(x, workers=WORKERS)


def ifftn(x):
    return scipy.fft.ifftn(x, workers=WORKERS)


class Grid:
    def __init__(self, dim, size):
        self.dim, self.size, self.n = dim, size, size ** dim
        self.shape = (size,) * dim
        axes = np.meshgrid(*[np.arange(size)] * dim, indexing="ij")       # last axis fastest
        self.digits = [a.ravel() for a in axes]
        self.k = [2 * np.pi * d / size for d in self.digits]
        strides = size ** np.arange(dim - 1, -1, -1)
        self.negated = sum(((size - d) % size) * st for d, st in zip(self.digits, strides))
        self.doubled = sum(((2 * d) % size) * st for d, st in zip(self.digits, strides))

    def band(self, shift, hopping=1.0):
        return -2 * hopping * sum(np.cos(k + s) for k, s in zip(self.k, shift))

    def convolve(self, kernel_hat, f):
        """(1/N) Σ_k' K(k − k') f_k' with K̂ = fftn(K) given."""
        return ifftn(kernel_hat * fftn(f.reshape(self.shape))).ravel() / self.n


def correlation(grid, radius):
    """C(p) = ĝ(p)²/ĝ(0)², g_x = e^{−|x|²/r_c²} on |x| ≤ 3r_c/√2 (1 for white noise)."""
    if radius <= 0:
        return None
    reach = 3 * radius / np.sqrt(2)
    m = int(np.floor(reach))
    vectors = np.array([x for x in itertools.product(range(-m, m + 1), repeat=grid.dim)
                        if np.dot(x, x) <= reach * reach * (1 + 1e-12)])
    g = np.exp(-(vectors ** 2).sum(axis=1) / radius ** 2)
    ghat = sum(w * np.cos(sum(k * x for k, x in zip(grid.k, v))) for w, v in zip(g, vectors))
    return (ghat / g.sum()) ** 2


def scba(grid, eps, u0, c_hat, z, tol=1e-14, maxiter=10000):
    """Σ(z) on one (shifted) grid: Σ = (1/N) U0 C ⋆ G, damped fixed point (Newton for white noise)."""
    if c_hat is None:
        sigma = -0.5j * np.sqrt(u0)
        for _ in range(maxiter):
            g = 1.0 / (z - eps - sigma)
            f = u0 * g.mean() - sigma
            if abs(f) <= tol * max(1.0, abs(sigma)):
                return np.full(grid.n, u0 * g.mean())
            sigma -= f / (u0 * (g * g).mean() - 1.0)
        raise RuntimeError("SCBA did not converge")
    sigma = np.full(grid.n, -0.5j * np.sqrt(u0), dtype=complex)
    for _ in range(maxiter):
        mapped = u0 * grid.convolve(c_hat, 1.0 / (z - eps - sigma))
        change = np.abs(mapped - sigma).max()
        sigma = 0.5 * sigma + 0.5 * mapped
        if change <= tol * max(1.0, np.abs(mapped).max()):
            return mapped
    raise RuntimeError("SCBA did not converge")


def model(dim, size, singular, radius, energy=0.3, width=2.0, omega=1e-3):
    grid = Grid(dim, size)
    u0 = width * width / 12
    c = correlation(grid, radius)
    c_hat = None if c is None else fftn(c.reshape(grid.shape))
    eps = grid.band([0.0] * dim)
    sigma = scba(grid, eps, u0, c_hat, energy + 0j)
    gamma = -sigma.imag.mean()
    g = 1 / (energy - eps - sigma)
    v = 2 * np.sin(grid.k[0])
    rho = -g.imag.mean() / np.pi
    d_kg = (v * v * (np.abs(g) ** 2 - (g * g).real)).mean() / (2 * np.pi * rho)
    return dict(grid=grid, u0=u0, c=c, c_hat=c_hat, gamma=gamma, d0=d_kg, amplitude=2 * gamma * u0,
                singular=singular, energy=energy, omega=omega)


class Operator:
    """𝕃 at (q, ω) as a matrix-free product: diag(M + ΔΣ) − (1/N) s∘(U0 C ⋆ s∘x) − P𝕊P x."""

    def __init__(self, m, q):
        grid, u0 = m["grid"], m["u0"]
        self.grid, self.n = grid, grid.n
        half = np.asarray(q) / 2
        eps_plus, eps_minus = grid.band(half), grid.band(-half)
        sigma_r = scba(grid, eps_plus, u0, m["c_hat"], m["energy"] + m["omega"] + 0j)
        sigma_a = np.conj(scba(grid, eps_minus, u0, m["c_hat"], m["energy"] + 0j))
        g_r = 1 / (m["energy"] + m["omega"] - eps_plus - sigma_r)
        g_a = 1 / (m["energy"] - eps_minus - sigma_a)
        self.delta_g = g_r - g_a
        self.s = np.sqrt(self.delta_g)
        self.diagonal = eps_plus - eps_minus + sigma_r - sigma_a
        self.k_minus = u0 * (np.ones(grid.n) if m["c"] is None else m["c"])
        self.k_minus_hat = fftn(self.k_minus.reshape(grid.shape)) if m["c"] is not None else None
        self.k_plus = None
        if m["singular"] == "cooperon":
            qhat2 = sum(2 * (1 - np.cos(k)) for k in grid.k)
            kernel = m["amplitude"] / (m["d0"] * qhat2 - 1j * m["omega"])
            self.k_plus = kernel - kernel.mean()                  # the Q-constant part is projected out
            self.k_plus_hat = fftn(self.k_plus.reshape(grid.shape))
            self.u = self.singular(self.s)
            self.sigma = self.s @ self.s
            self.tau = self.s @ self.u

    def singular(self, x):
        """𝕊x = s∘(1/N) Σ_k' U(k + k') (s x)_k'."""
        t_hat = fftn((self.s * x).reshape(self.grid.shape)).ravel()
        return self.s * ifftn((self.k_plus_hat.ravel() * t_hat[self.grid.negated]).reshape(self.grid.shape)).ravel() / self.n

    def matvec(self, x):
        x = np.asarray(x).ravel()
        t = self.s * x
        if self.k_minus_hat is None:
            y = self.diagonal * x - self.k_minus[0] * self.s * t.mean()
        else:
            y = self.diagonal * x - self.s * self.grid.convolve(self.k_minus_hat, t)
        if self.k_plus is not None:
            sx, ux = self.s @ x, self.u @ x
            y -= self.singular(x) - self.s * (ux / self.sigma) - self.u * (sx / self.sigma) \
                + self.s * (self.tau * sx / self.sigma ** 2)
        return y

    def pair_blocks(self):
        neg, dbl, n = self.grid.negated, self.grid.doubled, self.n
        s = self.s
        plus = self.k_plus if self.k_plus is not None else np.zeros(n)
        d = self.diagonal - (self.k_minus[0] + plus[dbl]) * s * s / n
        o = -(self.k_minus[dbl] + plus[0]) * s * s[neg] / n
        o[neg == np.arange(n)] = 0
        return d, o


def diffusion_mode(op, start=0j, tol=1e-12):
    n, s, neg = op.n, op.s, op.grid.negated
    e = s / np.sqrt(s @ s)
    le = op.matvec(e)
    a = e @ le
    r = le - a * e
    d, o = op.pair_blocks()
    lam, steps, inner = start, 0, 0
    previous = np.inf
    while steps < 50:
        steps += 1
        dd, dn = d - lam, (d - lam)[neg]
        det = dd * dn - o * o
        self_paired = neg == np.arange(n)

        def block_solve(v):
            z = (dn * v - o * v[neg]) / det
            z[self_paired] = v[self_paired] / dd[self_paired]
            return z
        g = block_solve(e)
        eg = e @ g

        def precondition(v):
            z = block_solve(v)
            return z - g * ((e @ z) / eg)

        def projected(x):
            x = x - e * (e @ x)
            y = op.matvec(x)
            return y - e * (e @ y) - lam * x
        count = [0]

        def counted(x):
            count[0] += 1
            return projected(x)
        A = sla.LinearOperator((n, n), matvec=counted, dtype=complex)
        M = sla.LinearOperator((n, n), matvec=precondition, dtype=complex)
        y, info = sla.gmres(A, r, M=M, rtol=tol, atol=0, restart=50, maxiter=200)
        if info != 0:
            raise RuntimeError(f"gmres info {info}")
        inner += count[0]
        y = y - e * (e @ y)
        f = lam - a + r @ y
        step = f / (1 + y @ y)
        lam -= step
        ref = max(abs(lam), 1e-3 * np.abs(op.diagonal).max())
        if abs(step) <= 1e-13 * ref or (steps >= 3 and abs(step) > 0.5 * previous and abs(step) <= 1e-10 * ref):
            return lam, steps, inner
        previous = abs(step)
    raise RuntimeError("Newton did not converge")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dim", type=int, default=3)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--singular", choices=["none", "cooperon"], default="none")
    parser.add_argument("--correlation", type=float, default=0.0)
    parser.add_argument("--disorder", type=float, default=2.0)
    parser.add_argument("--q", type=float, default=None, help="|q| along axis 1 (default 0.1·γ)")
    args = parser.parse_args()
    start = time.perf_counter()
    m = model(args.dim, args.size, args.singular, args.correlation, width=args.disorder)
    built = time.perf_counter()
    q = args.q if args.q is not None else 0.1 * m["gamma"]
    op = Operator(m, [q] + [0.0] * (args.dim - 1))
    assembled = time.perf_counter()
    lam, steps, inner = diffusion_mode(op)
    solved = time.perf_counter()
    print(json.dumps({"n": op.n, "q": q, "lambda0": [lam.real, lam.imag], "newton": steps, "products": inner,
                      "model": built - start, "operator": assembled - built, "solve": solved - assembled,
                      "total": solved - start}))


if __name__ == "__main__":
    main()
