import CollisionOperator
import DenseLinearAlgebra
import Numerics

/// The diffusion mode λ0 of 𝕃 without its spectrum (docs/model.md §4): with e = s/√(sᵀs)
/// (so eᵀe = 1) and P = I − e eᵀ, write v = e − y, y ∈ range P. Projecting 𝕃v = λv on e
/// and on range P gives the scalar equation
///
///   f(λ) = λ − eᵀ𝕃e + rᵀy(λ) = 0,   r = P𝕃e,   (P𝕃P − λ) y = r,
///
/// solved by Newton's method, f′(λ) = 1 + yᵀy (𝕃ᵀ = 𝕃). P𝕃P has no eigenvalue near the
/// diffusion pole, so each inner solve is well conditioned; it runs COCG on the action of
/// 𝕃 (what the operator provides, `DiffusionModeOperator`: the matrix-free FFT product of
/// the collision operator), preconditioned by the exact inverse of a projected model of 𝕃
/// (the operator's `ShiftedPreconditioner`; for the collision operator `PairPreconditioner`:
/// `diagonal`, exact for white noise without a singular vertex, or `pairs`), and started from the previous Newton step's y (the system changes only by the
/// shift of λ, so the later solves take a few products).
///
/// The model B is projected exactly: z = B⁻¹v − B⁻¹e (eᵀB⁻¹v)/(eᵀB⁻¹e) solves
/// P(B − λ)z = v with eᵀz = 0, and is complex symmetric as COCG needs.
public enum KrylovDiffusion {
    /// λ0 with its eigenvector and the cost and accuracy of the solve.
    public struct Mode: Sendable {
        public var value: Complex<Double>
        /// v = e − y, c-normalized ((v, v) = 1 with the grid's 1/N).
        public var vector: [Complex<Double>]
        /// w0 = |sᴴv|/(‖s‖‖v‖).
        public var zeroModeOverlap: Double
        public var newtonSteps: Int
        /// Products with 𝕃 in all (inner solves and checks).
        public var products: Int
        /// The largest true relative residual of an inner solve.
        public var innerResidual: Double
        /// The largest normwise backward error ‖r − Ay‖/(‖A‖‖y‖ + ‖r‖) of an inner solve
        /// (A = P𝕃P − λ), what the inner solves are judged on.
        public var innerBackwardError: Double
        /// ‖𝕃v − λv‖ / (‖v‖ · max(|λ|, scale)), scale = max_k |M_k + ΔΣ_k|: recomputed from 𝕃.
        public var eigenResidual: Double
    }

    /// Normwise backward error of the inner solves; relative accuracy of the Newton step.
    public static let innerTolerance = 1e-12
    public static let newtonTolerance = 1e-13
    /// A Newton step that no longer shrinks (by half) but is below this relative size has
    /// reached the noise floor set by the inner tolerance: converged.
    public static let newtonNoiseFloor = 1e-10
    public static let maximumNewtonSteps = 50

    /// λ0 of the operator `op`, by Newton from `start`, on its matrix-free action.
    /// - Parameters:
    ///   - preconditioner: nil: the operator's `naturalPreconditioner`.
    ///   - progress: called after each Newton step with (step, λ, inner iterations).
    /// - Throws: `DiffusionSolverError.krylovFailure` when Newton or an inner solve does not
    ///   converge (the detail has the residual reached).
    public static func diffusionMode(of op: some DiffusionModeOperator, start: Complex<Double>,
                                     preconditioner choice: PreconditionerKind? = nil,
                                     innerIterations: Int = 3000,
                                     progress: ((Int, Complex<Double>, Int) -> Void)? = nil) throws -> Mode {
        let n = op.order
        let s = op.zeroMode
        let action = try op.makeAction()
        let root = Complex.sqrt(bilinearSum(s, s))
        let e = s.map { $0 / root }                                  // eᵀe = 1
        var products = 0
        func apply(_ x: [Complex<Double>], _ y: inout [Complex<Double>]) throws {
            try action.apply(x, into: &y)
            products += 1
        }
        func project(_ x: inout [Complex<Double>]) {
            let c = bilinearSum(e, x)
            for k in 0..<n { x[k] -= c * e[k] }
        }
        var r = [Complex<Double>](repeating: .zero, count: n)
        try apply(e, &r)                                            // 𝕃e
        let a = bilinearSum(e, r)
        for k in 0..<n { r[k] -= a * e[k] }                         // r = P𝕃e
        let scale = max(op.diagonalScale, .leastNormalMagnitude)
        let model = op.preconditioner(choice ?? op.naturalPreconditioner)

        var lambda = start
        var y = [Complex<Double>](repeating: .zero, count: n)
        var worstInner = 0.0, worstBackward = 0.0
        var operatorNorm: Double? = nil      // ‖P𝕃P − λ‖, estimated once: λ0 is small against ‖𝕃‖
        var steps = 0
        var converged = false
        var previousStep = Double.infinity
        var projected = y                    // Px in the inner products, reused
        let workspace = ConjugateOrthogonalGradient.Workspace()
        var shifted = ProjectedInverse(model: model, e: e)
        while steps < maximumNewtonSteps {
            steps += 1
            try shifted.shift(to: lambda)
            let solution: IterativeSolution
            do {
                solution = try ConjugateOrthogonalGradient.solve(r, apply: { x, out in
                    for k in 0..<n { projected[k] = x[k] }
                    project(&projected)
                    try apply(projected, &out)                     // 𝕃Px, projected in place below
                    let c = bilinearSum(e, out)
                    for k in 0..<n { out[k] = (out[k] - c * e[k]) - lambda * projected[k] }
                }, precondition: { v, z in shifted.apply(v, into: &z) },
                   tolerance: innerTolerance, maximumIterations: innerIterations, operatorNorm: operatorNorm,
                   initialGuess: steps > 1 ? y : nil, workspace: workspace)
            } catch let error as LinearAlgebraError {
                throw DiffusionSolverError.krylovFailure(detail: "λ0: inner solve at Newton step \(steps), λ = \(lambda): \(error.description)",
                                                         advice: [.denseOnSmallerGridOrLargerOmega])
            }
            worstInner = max(worstInner, solution.residual)
            worstBackward = max(worstBackward, solution.backwardError)
            operatorNorm = solution.operatorNorm
            for k in 0..<n { y[k] = solution.solution[k] }         // in y's own buffer: no copy per step
            project(&y)
            let f = lambda - a + bilinearSum(r, y)
            let derivative = Complex<Double>.one + bilinearSum(y, y)
            let step = f / derivative
            lambda -= step
            progress?(steps, lambda, solution.iterations)
            let reference = max(lambda.length, 1e-3 * scale)
            let stalled = steps >= 3 && step.length > 0.5 * previousStep && step.length <= newtonNoiseFloor * reference
            if step.length <= newtonTolerance * reference || stalled {
                converged = true
                break
            }
            previousStep = step.length
        }
        guard converged else {
            throw DiffusionSolverError.krylovFailure(detail: "λ0: Newton on the secular equation did not converge in \(maximumNewtonSteps) steps (last λ = \(lambda))",
                                                     advice: [.denseOnSmallerGridOrLargerOmega])
        }
        // The eigenvector v (in the inner products' buffer) and its true residual 𝕃v − λv
        // (in r's, no longer needed), recomputed from 𝕃.
        var v = projected, lv = r
        (projected, r) = ([], [])
        for k in 0..<n { v[k] = e[k] - y[k] }
        try apply(v, &lv)
        var defect = 0.0
        for k in 0..<n { defect += (lv[k] - lambda * v[k]).magnitudeSquared }
        let eigenResidual = defect.squareRoot() / (euclideanNorm(v) * max(lambda.length, scale))
        let overlap = hermitianSum(s, v).length / (euclideanNorm(s) * euclideanNorm(v))
        let norm = Complex.sqrt(bilinearSum(v, v) / Complex(Double(n)))
        for k in 0..<n { v[k] = v[k] / norm }
        return Mode(value: lambda, vector: v, zeroModeOverlap: min(overlap, 1), newtonSteps: steps,
                    products: products, innerResidual: worstInner, innerBackwardError: worstBackward,
                    eigenResidual: eigenResidual)
    }

    /// z = B⁻¹v − g (eᵀB⁻¹v)/(eᵀg), g = B⁻¹e.
    struct ProjectedInverse<Model: ShiftedPreconditioner> {
        let model: Model
        let e: [Complex<Double>]
        private(set) var shift = Complex<Double>.zero
        private var g: [Complex<Double>]
        private var eg = Complex<Double>.zero

        /// The projected inverse of `model`, its vector g made here once; `shift(to:)` sets λ.
        init(model: Model, e: [Complex<Double>]) {
            self.model = model
            self.e = e
            g = [Complex<Double>](repeating: .zero, count: e.count)
        }

        /// The exactly projected inverse at shift λ: g = (B − λ)⁻¹e in place (no allocation).
        mutating func shift(to shift: Complex<Double>) throws {
            model.solve(e, shift: shift, into: &g)
            eg = bilinearSum(e, g)
            guard eg.isFinite, eg != .zero, g.allSatisfy({ $0.isFinite }) else {
                throw DiffusionSolverError.krylovFailure(detail: "the preconditioner is singular at λ = \(shift)", advice: [])
            }
            self.shift = shift
        }

        func apply(_ v: [Complex<Double>], into z: inout [Complex<Double>]) {
            model.solve(v, shift: shift, into: &z)
            let c = bilinearSum(e, z) / eg
            for k in 0..<z.count { z[k] -= c * g[k] }
        }
    }
}
