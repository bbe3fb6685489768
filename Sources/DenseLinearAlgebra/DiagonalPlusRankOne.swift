import Numerics

/// Eigenpairs of a complex-symmetric diagonal-plus-rank-one matrix
/// A = diag(d) + ρ u uᵀ without forming A.
///
/// An eigenvalue λ (not equal to any d_k) solves the secular equation
/// f(λ) = 1 + ρ Σ_k u_k² / (d_k − λ) = 0, and its eigenvector is v_k = u_k / (d_k − λ).
/// Newton's method on f costs O(n) per step, so the eigenvalue near a given start is
/// found in O(n) time and memory — the way to reach grids far beyond dense LAPACK.
public enum DiagonalPlusRankOne {
    public struct Eigenpair: Sendable {
        public var value: Complex<Double>
        /// v_k = u_k / (d_k − λ), not normalized.
        public var vector: [Complex<Double>]
        public var iterations: Int
    }

    /// The eigenpair reached by damped Newton iteration on the secular equation from `start`.
    ///
    /// Converges when a step is below `relativeTolerance·|λ|` or below the round-off level
    /// of the step itself, 8ε(1 + |ρ| Σ|u_k²/(d_k − λ)|)/|f'(λ)| (the secular function
    /// cannot be evaluated more accurately). Throws `.iterationLimit` when
    /// `maximumIterations` steps do not converge, `.nonFiniteInput` for NaN/∞ input.
    public static func eigenpair(diagonal d: [Complex<Double>], vector u: [Complex<Double>],
                                 coefficient rho: Complex<Double>, start: Complex<Double>,
                                 relativeTolerance: Double = 1e-14,
                                 maximumIterations: Int = 200) throws(LinearAlgebraError) -> Eigenpair {
        let solver = "secular equation (diagonal + rank one)"
        guard d.count == u.count else {
            throw .shapeMismatch(operation: solver, expected: "diagonal and vector of equal length",
                                 found: "\(d.count) and \(u.count)")
        }
        if let bad = d.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteInput(routine: solver, row: bad, column: 0) }
        if let bad = u.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteInput(routine: solver, row: bad, column: 1) }
        guard rho.isFinite, start.isFinite else { throw .nonFiniteInput(routine: solver, row: -1, column: -1) }

        let squares = u.map { $0 * $0 }
        /// f(λ), f'(λ) and Σ|terms| (the round-off scale of f).
        func secular(_ lambda: Complex<Double>) -> (f: Complex<Double>, derivative: Complex<Double>, magnitude: Double) {
            var f = Complex<Double>.zero
            var derivative = Complex<Double>.zero
            var magnitude = 0.0
            for k in d.indices {
                let inverse = 1 / (d[k] - lambda)
                let term = squares[k] * inverse
                f += term
                magnitude += term.length
                derivative += term * inverse
            }
            return (1 + rho * f, rho * derivative, rho.length * magnitude)
        }

        // Newton with backtracking on |f|: |f| of an analytic function has no local
        // minima other than its zeros, so halving a step that does not decrease |f|
        // keeps the iteration away from the poles d_k and converges to a root.
        var lambda = start
        var current = secular(lambda)
        var lastStep = Double.infinity
        for iteration in 1...max(maximumIterations, 1) {
            var step = current.f / current.derivative
            guard step.isFinite else { break }
            lastStep = step.length
            let roundoff = 8 * Double.ulpOfOne * (1 + current.magnitude) / current.derivative.length
            if lastStep <= max(relativeTolerance * lambda.length, roundoff) {
                lambda -= step
                let vector = d.indices.map { u[$0] / (d[$0] - lambda) }
                return Eigenpair(value: lambda, vector: vector, iterations: iteration)
            }
            var trial = secular(lambda - step)
            var halvings = 0
            while !(trial.f.length < current.f.length) && halvings < 40 {
                step = step / Complex(2)
                trial = secular(lambda - step)
                halvings += 1
            }
            lambda -= step
            current = trial
        }
        throw .iterationLimit(solver: solver, iterations: maximumIterations, lastChange: lastStep)
    }
}
