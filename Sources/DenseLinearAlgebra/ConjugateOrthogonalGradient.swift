import Numerics

/// The outcome of an iterative solve: the solution, the number of operator products, and
/// the true residual r = b − A x (recomputed from A, not the recurrence's) measured two ways.
public struct IterativeSolution: Sendable {
    public var solution: [Complex<Double>]
    public var iterations: Int
    /// The relative residual ‖r‖/‖b‖.
    public var residual: Double
    /// The normwise backward error ‖r‖/(‖A‖‖x‖ + ‖b‖) (Rigal & Gaches 1967): the smallest
    /// relative perturbation of A and b of which x is the exact solution; what convergence
    /// is judged on.
    public var backwardError: Double
    /// The ‖A‖ the backward error was measured with (given, or estimated by
    /// `ConjugateOrthogonalGradient.estimateNorm`).
    public var operatorNorm: Double
}

/// The conjugate orthogonal conjugate gradient method (COCG, van der Vorst & Melissen 1990)
/// for A x = b with A complex symmetric (Aᵀ = A, not Hermitian): CG with the bilinear form
/// xᵀy in place of xᴴy, a short recurrence, one product with A per step. The
/// preconditioner, applied as z = M⁻¹r, must be complex symmetric as well.
///
/// Convergence is declared on the normwise backward error of the true residual,
/// ‖b − A x‖ ≤ tolerance·(‖A‖‖x‖ + ‖b‖), recomputed from A when the recurrence claims it
/// (the recurrence can drift below the attainable accuracy). Unlike ‖r‖/‖b‖, this target is
/// attainable in floating point whatever the condition of A: the residual of a computed
/// product is about ε‖A‖‖x‖, so a relative-residual target of 1e-12 lies below the
/// arithmetic when ‖A‖‖x‖/‖b‖ > 1e4 (an ill-conditioned A), while the backward error
/// reaches a small multiple of ε. A stalled recurrence (no new lowest residual in 50 steps,
/// or a breakdown) restarts from the current x up to `restarts` times, as long as restarts
/// still improve the true backward error.
public enum ConjugateOrthogonalGradient {
    /// Steps without a new lowest recurrence residual after which the sweep stops and the
    /// true residual decides (restart or give up).
    static let stagnationWindow = 50

    /// Residual replacement (van der Vorst & Ye 2000, "reliable updates"): r is recomputed as
    /// b − Ax (one product) when the recurrence residual has fallen this factor below the last
    /// true one, and at least `replacementSpacing` steps have passed since it: the recurrence's
    /// gap to the true residual grows with the largest residuals it has carried, which in the
    /// long, erratic solves at small ω (d = 1, W = 2.4, ω = 1e-7) stopped COCG above its
    /// tolerance. A fast solve (fewer steps than the spacing) keeps its few-step gap, which
    /// the true residual computed at the end verifies; a replacement at every second step of
    /// it was a third of its products. (A gap bound accumulated as ε(‖A‖‖x‖ + ‖r‖) per step,
    /// replacing when it exceeds √ε‖r‖, replaced at the wrong steps of the erratic solves:
    /// LU from ω = 1e-6 on in that case, against 1e-8.)
    static let replacementDrop = 1e-2
    static let replacementSpacing = 10

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

    /// A solve stopped above its tolerance is accepted when its backward error is within this
    /// multiple of the product's own rounding floor (`productFloor`): nothing better exists
    /// in the arithmetic.
    public static let floorMultiple = 10.0

    /// The rounding floor of the product at x: ‖A(x + y) − Ax − Ay‖/(‖A‖(‖x‖ + ‖y‖)) for a
    /// fixed spread-out y with ‖y‖ = ‖x‖ (3 products). A linear A in exact arithmetic gives 0;
    /// what remains is the rounding of the product (e.g. of an FFT, ε log N relative to the
    /// largest kernel value), below which no residual can be certified.
    static func productFloor(_ x: [Complex<Double>], norm: Double,
                             apply: ([Complex<Double>], inout [Complex<Double>]) throws -> Void,
                             scratch ax: inout [Complex<Double>], _ ay: inout [Complex<Double>],
                             _ sum: inout [Complex<Double>]) throws -> Double {
        let n = x.count
        let xNorm = euclideanNorm(x)
        guard xNorm > 0, norm > 0 else { return 0 }
        var y = spreadVector(order: n)
        let scale = xNorm / euclideanNorm(y)
        for i in 0..<n { y[i] = y[i] * Complex(scale) }
        try apply(x, &ax)
        try apply(y, &ay)
        for i in 0..<n { y[i] += x[i] }
        try apply(y, &sum)
        var defect = 0.0
        for i in 0..<n { defect += (sum[i] - ax[i] - ay[i]).magnitudeSquared }
        return defect.squareRoot() / (norm * 2 * xNorm)
    }

    /// A fixed vector with every component nonzero and no structure of the grid.
    static func spreadVector(order n: Int) -> [Complex<Double>] {
        (0..<n).map { Complex(Double.cos(0.7 * Double($0) + 0.3), Double.sin(1.3 * Double($0) + 0.1)) }
    }

    /// Products with A of `estimateNorm`.
    public static let normEstimateProducts = 3

    /// A lower estimate of ‖A‖₂ for a complex symmetric A (Aᴴ = conj A, so AᴴA v =
    /// conj(A conj(A v))) by two steps of the power method on AᴴA from a fixed spread-out
    /// start: max ‖A v‖ over the unit iterates, `normEstimateProducts` products. A lower
    /// estimate only makes the backward-error test stricter; the power method on AᴴA comes
    /// within a few percent of ‖A‖₂ in a few steps unless the start misses the top singular
    /// vector, which a start with every component nonzero does not.
    public static func estimateNorm(order n: Int,
                                    apply: ([Complex<Double>], inout [Complex<Double>]) throws -> Void) throws -> Double {
        guard n > 0 else { return 0 }
        var v = spreadVector(order: n)
        var w = v
        var estimate = 0.0
        for step in 0..<2 {
            let norm = euclideanNorm(v)
            guard norm > 0 else { break }
            for i in 0..<n { v[i] = v[i] / Complex(norm) }
            try apply(v, &w)
            estimate = max(estimate, euclideanNorm(w))
            guard step == 0 else { break }
            for i in 0..<n { w[i] = w[i].conjugate }
            try apply(w, &v)
            for i in 0..<n { v[i] = v[i].conjugate }
        }
        return estimate
    }

    /// Solves A x = b.
    /// - Parameters:
    ///   - apply: y = A x (y has the length of x).
    ///   - precondition: z = M⁻¹ r; nil for none.
    ///   - tolerance: normwise backward error ‖b − Ax‖/(‖A‖‖x‖ + ‖b‖) to reach.
    ///   - maximumIterations: products with A allowed in all (restarts included).
    ///   - operatorNorm: ‖A‖ (e.g. from the kernels, or a previous solve's estimate); nil:
    ///     `estimateNorm`, whose products are counted in `iterations`.
    ///   - initialGuess: x₀ (e.g. the solution of a nearby system; its residual costs one
    ///     product); nil starts from 0.
    ///   - workspace: the five work vectors, kept between solves of the same order so a
    ///     sequence of solves allocates only its solutions; nil allocates them here.
    ///   A solve that stalls above `tolerance` returns its best iterate when that is within
    ///   `floorMultiple` of the product's rounding floor (the reported backward error says so).
    /// - Throws: `.iterationLimit` with the backward error reached and the floor (also after a
    ///   breakdown, rᵀz or pᵀAp = 0, that restarts cannot cure),
    ///   `.nonFiniteInput` for a NaN or infinite b.
    public static func solve(_ b: [Complex<Double>],
                             apply: ([Complex<Double>], inout [Complex<Double>]) throws -> Void,
                             precondition: (([Complex<Double>], inout [Complex<Double>]) throws -> Void)? = nil,
                             tolerance: Double = 1e-12, maximumIterations: Int = 2000,
                             restarts: Int = 3, operatorNorm: Double? = nil,
                             initialGuess: [Complex<Double>]? = nil, workspace: Workspace? = nil) throws -> IterativeSolution {
        let n = b.count
        if let bad = b.firstIndex(where: { !$0.isFinite }) {
            throw LinearAlgebraError.nonFiniteInput(routine: "COCG", row: bad, column: 0)
        }
        let bNorm = euclideanNorm(b)
        guard bNorm > 0 else {
            return IterativeSolution(solution: b, iterations: 0, residual: 0, backwardError: 0, operatorNorm: operatorNorm ?? 0)
        }
        var products = 0
        let norm: Double
        if let operatorNorm {
            norm = operatorNorm
        } else {
            norm = try estimateNorm(order: n, apply: apply)
            products += normEstimateProducts
        }
        // The vectors come from the workspace (swapped in, so each stays uniquely owned and
        // no write copies it) and go back on every exit.
        let space = workspace ?? Workspace()
        space.resize(to: n)
        var x: [Complex<Double>] = [], r: [Complex<Double>] = [], z: [Complex<Double>] = []
        var p: [Complex<Double>] = [], w: [Complex<Double>] = []
        swap(&x, &space.x); swap(&r, &space.r); swap(&z, &space.z); swap(&p, &space.p); swap(&w, &space.w)
        defer { swap(&x, &space.x); swap(&r, &space.r); swap(&z, &space.z); swap(&p, &space.p); swap(&w, &space.w) }
        /// ‖r‖/(‖A‖‖x‖ + ‖b‖) of the current x and r.
        func backwardError() -> Double { euclideanNorm(r) / (norm * euclideanNorm(x) + bNorm) }
        func converged() -> IterativeSolution {
            IterativeSolution(solution: x, iterations: products, residual: euclideanNorm(r) / bNorm,
                              backwardError: backwardError(), operatorNorm: norm)
        }
        var fromGuess = false
        if let initialGuess, initialGuess.count == n, initialGuess.allSatisfy({ $0.isFinite }) {
            for i in 0..<n { x[i] = initialGuess[i] }
            fromGuess = true
        } else {
            for i in 0..<n { x[i] = .zero; r[i] = b[i] }
        }
        var error = 1.0
        var best: (x: [Complex<Double>], error: Double, residual: Double)? = nil
        if fromGuess {
            try apply(x, &w)
            products += 1
            for i in 0..<n { r[i] = b[i] - w[i] }
        }
        for _ in 0...restarts {
            // r = b − A x here: b, the guess's residual, or the one recomputed after a sweep.
            error = backwardError()
            if error <= tolerance { return converged() }
            if fromGuess, let initialGuess {
                // A sweep must improve on the guess; x equals it here, and the caller's array
                // serves as the copy (no N-length copy of x while the sweep runs).
                best = (initialGuess, error, euclideanNorm(r) / bNorm)
                fromGuess = false
            }
            if let precondition { try precondition(r, &z) } else { for i in 0..<n { z[i] = r[i] } }
            for i in 0..<n { p[i] = z[i] }
            var rho = bilinearSum(r, z)
            var lowest = Double.infinity, sinceLowest = 0
            var replaced = euclideanNorm(r), sinceReplaced = 0     // ‖r‖ at the last true residual
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
                let rNorm = euclideanNorm(r)
                var recurrence = rNorm / (norm * euclideanNorm(x) + bNorm)
                if recurrence <= 0.5 * tolerance { break }                  // verified below
                sinceReplaced += 1
                if sinceReplaced >= replacementSpacing, rNorm < replacementDrop * replaced, products < maximumIterations {
                    // Reliable update: the recurrence's r may have drifted from b − Ax by the
                    // rounding of the larger residuals before it; replace it by the true one
                    // and go on along the same p.
                    try apply(x, &w)
                    products += 1
                    for i in 0..<n { r[i] = b[i] - w[i] }
                    replaced = euclideanNorm(r)
                    sinceReplaced = 0
                    recurrence = backwardError()
                }
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
            error = backwardError()
            if error <= tolerance { return converged() }
            // A restart that did not improve on the best iterate cannot help: noise has won.
            if let best, error >= best.error { break }
            best = (x, error, euclideanNorm(r) / bNorm)
            if products >= maximumIterations { break }
        }
        guard let best else {
            throw LinearAlgebraError.iterationLimit(solver: "COCG (normwise backward error ‖b − Ax‖/(‖A‖‖x‖ + ‖b‖), ‖A‖ ≈ \(norm), backward error reached ≈ \(error))",
                                                    iterations: products, lastChange: error)
        }
        // Stopped above the tolerance: accept the best iterate if it is at the floor of the
        // arithmetic of the product itself (`productFloor`), else report both.
        for i in 0..<n { x[i] = best.x[i] }
        let floor = try productFloor(x, norm: norm, apply: apply, scratch: &w, &z, &p)
        products += 3
        if best.error <= floorMultiple * floor {
            return IterativeSolution(solution: best.x, iterations: products, residual: best.residual,
                                     backwardError: best.error, operatorNorm: norm)
        }
        throw LinearAlgebraError.iterationLimit(solver: "COCG (normwise backward error ‖b − Ax‖/(‖A‖‖x‖ + ‖b‖), ‖A‖ ≈ \(norm), backward error reached ≈ \(best.error), floor of the product ≈ \(floor))",
                                                iterations: products, lastChange: best.error)
    }
}
