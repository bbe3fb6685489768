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
    /// - Throws: `.iterationLimit` with the true residual reached (also after a breakdown,
    ///   rᵀz or pᵀAp = 0, that restarts cannot cure), `.nonFiniteInput` for a NaN or
    ///   infinite b.
    public static func solve(_ b: [Complex<Double>],
                             apply: ([Complex<Double>], inout [Complex<Double>]) throws -> Void,
                             precondition: (([Complex<Double>], inout [Complex<Double>]) throws -> Void)? = nil,
                             tolerance: Double = 1e-12, maximumIterations: Int = 2000,
                             restarts: Int = 3, acceptable: Double? = nil,
                             initialGuess: [Complex<Double>]? = nil) throws -> IterativeSolution {
        let n = b.count
        if let bad = b.firstIndex(where: { !$0.isFinite }) {
            throw LinearAlgebraError.nonFiniteInput(routine: "COCG", row: bad, column: 0)
        }
        let bNorm = euclideanNorm(b)
        guard bNorm > 0 else { return IterativeSolution(solution: b, iterations: 0, residual: 0) }
        var x = [Complex<Double>](repeating: .zero, count: n)
        var r = b, z = b, p = b, w = b
        var products = 0
        var fromGuess = false
        if let initialGuess, initialGuess.count == n, initialGuess.allSatisfy({ $0.isFinite }) {
            x = initialGuess
            fromGuess = true
        }
        var trueResidual = 1.0
        var best = (x: x, residual: Double.infinity)
        for _ in 0...restarts {
            // r = b − A x (true residual at every (re)start).
            if products > 0 || fromGuess {
                fromGuess = false
                try apply(x, &w)
                products += 1
                for i in 0..<n { r[i] = b[i] - w[i] }
            }
            trueResidual = euclideanNorm(r) / bNorm
            if trueResidual <= tolerance { return IterativeSolution(solution: x, iterations: products, residual: trueResidual) }
            if let precondition { try precondition(r, &z) } else { z = r }
            p = z
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
                if let precondition { try precondition(r, &z) } else { z = r }
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
        if let acceptable, best.residual <= acceptable {
            return IterativeSolution(solution: best.x, iterations: products, residual: best.residual)
        }
        throw LinearAlgebraError.iterationLimit(solver: "COCG (true relative residual ‖b − Ax‖/‖b‖)",
                                                iterations: products, lastChange: trueResidual)
    }
}
