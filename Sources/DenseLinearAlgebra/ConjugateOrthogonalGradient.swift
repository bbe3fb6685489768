import Numerics

/// The outcome of an iterative solve: the solution, the number of operator products and
/// the true relative residual ‖b − A x‖/‖b‖ (recomputed from A, not the recurrence's).
public struct IterativeSolution: Sendable {
    public var solution: [Complex<Double>]
    public var iterations: Int
    public var residual: Double
}

/// The conjugate orthogonal conjugate gradient method (COCG, van der Vorst & Melissen 1990)
/// for A x = b with A complex symmetric (Aᵀ = A, not Hermitian): CG with the bilinear form
/// xᵀy in place of xᴴy, a short recurrence, one product with A per step. The
/// preconditioner, applied as z = M⁻¹r, must be complex symmetric as well.
///
/// Convergence is declared on the true residual ‖b − A x‖ ≤ tolerance·‖b‖, recomputed
/// from A when the recurrence claims it (the recurrence can drift below the attainable
/// accuracy); a stalled recurrence (no new lowest residual in 50 steps, or a breakdown)
/// restarts from the current x up to `restarts` times, as long as restarts still improve
/// the true residual.
public enum ConjugateOrthogonalGradient {
    /// Steps without a new lowest recurrence residual after which the sweep stops and the
    /// true residual decides (restart or give up).
    static let stagnationWindow = 50

    /// The work vectors of a solve (x, r, z = M⁻¹r, p, Ap), reusable by later solves.
    /// Not for concurrent solves.
    public final class Workspace {
        var x: [Complex<Double>] = [], r: [Complex<Double>] = [], z: [Complex<Double>] = []
        var p: [Complex<Double>] = [], w: [Complex<Double>] = []
        public init() {}

        func resize(to n: Int) {
            guard x.count != n || r.count != n || z.count != n || p.count != n || w.count != n else { return }
            x = [Complex<Double>](repeating: .zero, count: n)
            (r, z, p, w) = (x, x, x, x)
        }
    }

    /// Solves A x = b.
    /// - Parameters:
    ///   - apply: y = A x (y has the length of x).
    ///   - precondition: z = M⁻¹ r; nil for none.
    ///   - tolerance: relative true residual to reach.
    ///   - maximumIterations: products with A allowed in all (restarts included).
    ///   - acceptable: a looser true residual that is returned (with its value) instead of
    ///     an error when `tolerance` lies below the attainable accuracy; nil: none.
    ///   - initialGuess: x₀ (e.g. the solution of a nearby system; its residual costs one
    ///     product); nil starts from 0.
    ///   - workspace: the five work vectors, kept between solves of the same order so a
    ///     sequence of solves allocates only its solutions; nil allocates them here.
    /// - Throws: `.iterationLimit` with the true residual reached (also after a breakdown,
    ///   rᵀz or pᵀAp = 0, that restarts cannot cure), `.nonFiniteInput` for a NaN or
    ///   infinite b.
    public static func solve(_ b: [Complex<Double>],
                             apply: ([Complex<Double>], inout [Complex<Double>]) throws -> Void,
                             precondition: (([Complex<Double>], inout [Complex<Double>]) throws -> Void)? = nil,
                             tolerance: Double = 1e-12, maximumIterations: Int = 2000,
                             restarts: Int = 3, acceptable: Double? = nil,
                             initialGuess: [Complex<Double>]? = nil, workspace: Workspace? = nil) throws -> IterativeSolution {
        let n = b.count
        if let bad = b.firstIndex(where: { !$0.isFinite }) {
            throw LinearAlgebraError.nonFiniteInput(routine: "COCG", row: bad, column: 0)
        }
        let bNorm = euclideanNorm(b)
        guard bNorm > 0 else { return IterativeSolution(solution: b, iterations: 0, residual: 0) }
        // The vectors come from the workspace (swapped in, so each stays uniquely owned and
        // no write copies it) and go back on every exit.
        let space = workspace ?? Workspace()
        space.resize(to: n)
        var x: [Complex<Double>] = [], r: [Complex<Double>] = [], z: [Complex<Double>] = []
        var p: [Complex<Double>] = [], w: [Complex<Double>] = []
        swap(&x, &space.x); swap(&r, &space.r); swap(&z, &space.z); swap(&p, &space.p); swap(&w, &space.w)
        defer { swap(&x, &space.x); swap(&r, &space.r); swap(&z, &space.z); swap(&p, &space.p); swap(&w, &space.w) }
        var products = 0
        var fromGuess = false
        if let initialGuess, initialGuess.count == n, initialGuess.allSatisfy({ $0.isFinite }) {
            for i in 0..<n { x[i] = initialGuess[i] }
            fromGuess = true
        } else {
            for i in 0..<n { x[i] = .zero; r[i] = b[i] }
        }
        var trueResidual = 1.0
        var best: (x: [Complex<Double>]?, residual: Double) = (nil, .infinity)
        if fromGuess {
            try apply(x, &w)
            products += 1
            for i in 0..<n { r[i] = b[i] - w[i] }
        }
        for _ in 0...restarts {
            // r = b − A x here: b, the guess's residual, or the one recomputed after a sweep.
            trueResidual = euclideanNorm(r) / bNorm
            if trueResidual <= tolerance { return IterativeSolution(solution: x, iterations: products, residual: trueResidual) }
            if fromGuess {
                best = (x, trueResidual)                // a sweep must improve on the guess
                fromGuess = false
            }
            if let precondition { try precondition(r, &z) } else { for i in 0..<n { z[i] = r[i] } }
            for i in 0..<n { p[i] = z[i] }
            var rho = bilinearSum(r, z)
            var lowest = Double.infinity, sinceLowest = 0
            while products < maximumIterations {
                try apply(p, &w)
                products += 1
                let pw = bilinearSum(p, w)
                guard pw != .zero, rho != .zero else { break }      // breakdown: restart from x
                let alpha = rho / pw
                for i in 0..<n {
                    x[i] += alpha * p[i]
                    r[i] -= alpha * w[i]
                }
                let recurrence = euclideanNorm(r) / bNorm
                if recurrence <= 0.5 * tolerance { break }                  // verified below
                if recurrence < lowest {
                    lowest = recurrence
                    sinceLowest = 0
                } else {
                    sinceLowest += 1
                    if sinceLowest > stagnationWindow { break }              // at the attainable accuracy
                }
                if let precondition { try precondition(r, &z) } else { for i in 0..<n { z[i] = r[i] } }
                let next = bilinearSum(r, z)
                let beta = next / rho
                rho = next
                for i in 0..<n { p[i] = z[i] + beta * p[i] }
            }
            try apply(x, &w)
            products += 1
            for i in 0..<n { r[i] = b[i] - w[i] }
            trueResidual = euclideanNorm(r) / bNorm
            if trueResidual <= tolerance { return IterativeSolution(solution: x, iterations: products, residual: trueResidual) }
            // A restart that did not improve on the best iterate cannot help: noise has won.
            guard trueResidual < best.residual else { trueResidual = best.residual; break }
            best = (x, trueResidual)
            if products >= maximumIterations { break }
        }
        if let acceptable, let bestX = best.x, best.residual <= acceptable {
            return IterativeSolution(solution: bestX, iterations: products, residual: best.residual)
        }
        throw LinearAlgebraError.iterationLimit(solver: "COCG (true relative residual ‖b − Ax‖/‖b‖)",
                                                iterations: products, lastChange: trueResidual)
    }
}
