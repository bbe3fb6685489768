import CollisionOperator
import DenseLinearAlgebra
import Foundation
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
        /// COCG, or LU on the fully symmetric block where COCG could not deliver (`directMode`).
        public var solver: SolvePath
    }

    /// Normwise backward error of the inner solves; relative accuracy of the Newton step.
    public static let innerTolerance = 1e-12
    public static let newtonTolerance = 1e-13
    /// A Newton step that no longer shrinks (by half) but is below this relative size has
    /// reached the noise floor set by the inner tolerance: converged.
    public static let newtonNoiseFloor = 1e-10
    public static let maximumNewtonSteps = 50

    /// λ0 of the operator `op`, by Newton from `start`, on its matrix-free action; where an
    /// inner solve (or Newton) does not converge and `direct` is set, again from `start` with
    /// the inner solves by LU on the fully symmetric block (`directMode`).
    /// - Parameters:
    ///   - preconditioner: nil: the operator's `naturalPreconditioner`.
    ///   - innerIterations: products an inner COCG solve may take.
    ///   - firstInnerTolerance: the backward error of the first Newton step's inner solve
    ///     (`innerTolerance` for exact Newton; the default solves the first steps loosely and
    ///     converges on steps solved to `innerTolerance`, `newton`).
    ///   - direct: fall back on LU where COCG fails and the block fits in
    ///     `DirectFallback.memoryLimit`.
    ///   - progress: called after each Newton step with (step, λ, inner iterations).
    /// - Throws: `DiffusionSolverError.krylovFailure` when Newton or an inner solve does not
    ///   converge and the fallback is off or cannot run (the detail has the residual reached).
    public static func diffusionMode(of op: some DiffusionModeOperator, start: Complex<Double>,
                                     preconditioner choice: PreconditionerKind? = nil,
                                     innerIterations: Int = 3000, firstInnerTolerance: Double = firstInnerTolerance,
                                     direct: Bool = true,
                                     progress: ((Int, Complex<Double>, Int) -> Void)? = nil) throws -> Mode {
        do {
            return try krylovMode(of: op, start: start, preconditioner: choice, innerIterations: innerIterations,
                                  firstInnerTolerance: firstInnerTolerance, progress: progress)
        } catch DiffusionSolverError.krylovFailure(let detail, let advice) where direct {
            let m = try op.denseDiffusionOrder(symmetry: true)
            guard 2 * DirectFallback.bytes(order: m + 1) <= DirectFallback.memoryLimit else {
                throw DiffusionSolverError.krylovFailure(
                    detail: "\(detail); the direct fallback's block of order \(m) needs \(String(format: "%.2f", 2 * DirectFallback.bytes(order: m + 1) / Double(1 << 30))) GiB (> 1 GiB)",
                    advice: advice)
            }
            return try directMode(of: op, start: start, progress: progress)
        }
    }

    /// What an inner solve reached (its y ∈ range P with (P𝕃P − λ)y = r is written into
    /// Newton's buffer).
    struct InnerSolution {
        var residual: Double
        var backwardError: Double
        var products: Int
    }

    /// The inner tolerance of Newton's first step: λ from the start is good to a few digits at
    /// best, so a y good to 1e-6 moves it as far as an exact one (inexact Newton).
    public static let firstInnerTolerance = 1e-6

    /// The inner tolerance after a Newton step of relative size `step` taken at `previous`:
    /// (step)², the size of the next step under quadratic convergence, between
    /// `innerTolerance` and `previous` (Eisenstat and Walker's forcing term, their choice 2
    /// with γ = 1, α = 2). Newton is declared converged only on a step solved to
    /// `innerTolerance`, so λ0 is as accurate as with every step solved to it.
    static func nextInnerTolerance(after step: Double, previous: Double) -> Double {
        max(innerTolerance, min(previous, step * step))
    }

    /// Newton on f(λ) = λ − a + rᵀy(λ), f′ = 1 + yᵀy, from `start`; `inner(λ, η, &y)` solves
    /// (P𝕃P − λ)y = r to the backward error η into y, which holds the previous step's y (empty
    /// at the first step): one buffer, owned here and overwritten in place. η starts at
    /// `firstTolerance` and shrinks as (step size)² down to `innerTolerance`
    /// (`nextInnerTolerance`). Returns λ, its y, the steps and the worst inner residual and
    /// backward error of the solves at `innerTolerance`.
    static func newton(start: Complex<Double>, a: Complex<Double>, r: [Complex<Double>], scale: Double,
                       firstTolerance: Double,
                       inner: (Complex<Double>, Double, inout [Complex<Double>]) throws -> InnerSolution,
                       progress: ((Int, Complex<Double>, Int) -> Void)?) throws
        -> (lambda: Complex<Double>, y: [Complex<Double>], steps: Int, worstInner: Double, worstBackward: Double) {
        var lambda = start
        var y: [Complex<Double>] = []
        var worstInner = 0.0, worstBackward = 0.0
        var previousStep = Double.infinity
        var tolerance = max(firstTolerance, innerTolerance)
        for steps in 1...maximumNewtonSteps {
            let solution = try inner(lambda, tolerance, &y)
            let full = tolerance <= innerTolerance
            if full {
                worstInner = max(worstInner, solution.residual)
                worstBackward = max(worstBackward, solution.backwardError)
            }
            let f = lambda - a + bilinearSum(r, y)
            let derivative = Complex<Double>.one + bilinearSum(y, y)
            let step = f / derivative
            lambda -= step
            progress?(steps, lambda, solution.products)
            let reference = max(lambda.length, 1e-3 * scale)
            let stalled = steps >= 3 && step.length > 0.5 * previousStep && step.length <= newtonNoiseFloor * reference
            if full && (step.length <= newtonTolerance * reference || stalled) {
                return (lambda, y, steps, worstInner, worstBackward)
            }
            previousStep = full ? step.length : .infinity
            tolerance = nextInnerTolerance(after: step.length / reference, previous: tolerance)
        }
        throw DiffusionSolverError.krylovFailure(detail: "λ0: Newton on the secular equation did not converge in \(maximumNewtonSteps) steps (last λ = \(lambda))",
                                                 advice: [.denseOnSmallerGridOrLargerOmega])
    }

    /// λ0 by Newton with COCG inner solves on the matrix-free action.
    static func krylovMode(of op: some DiffusionModeOperator, start: Complex<Double>, preconditioner choice: PreconditionerKind?,
                           innerIterations: Int, firstInnerTolerance: Double,
                           progress: ((Int, Complex<Double>, Int) -> Void)?) throws -> Mode {
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
        let model = op.preconditioner(choice ?? op.naturalPreconditioner)
        var operatorNorm: Double? = nil      // ‖P𝕃P − λ‖, estimated once: λ0 is small against ‖𝕃‖
        var step = 0
        let solved: (lambda: Complex<Double>, y: [Complex<Double>], steps: Int, worstInner: Double, worstBackward: Double)
        do {   // the inner solves' buffers live in this scope only: released before the eigenvector check
            var projected = r                // Px in the inner products, reused
            let workspace = ConjugateOrthogonalGradient.Workspace()
            var shifted = ProjectedInverse(model: model, e: e)
            solved = try newton(start: start, a: a, r: r, scale: max(op.diagonalScale, .leastNormalMagnitude),
                                firstTolerance: firstInnerTolerance, inner: { lambda, tolerance, y in
                step += 1
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
                       tolerance: tolerance, maximumIterations: innerIterations, operatorNorm: operatorNorm,
                       initialGuess: y.isEmpty ? nil : y, workspace: workspace)
                } catch let error as LinearAlgebraError {
                    throw DiffusionSolverError.krylovFailure(detail: "λ0: inner solve at Newton step \(step), λ = \(lambda): \(error.description)",
                                                             advice: [.denseOnSmallerGridOrLargerOmega])
                }
                operatorNorm = solution.operatorNorm
                // Into Newton's own buffer (COCG's x stays in its workspace): no allocation per step.
                if y.count == n {
                    for k in 0..<n { y[k] = solution.solution[k] }
                } else {
                    y = solution.solution
                }
                project(&y)
                return InnerSolution(residual: solution.residual, backwardError: solution.backwardError,
                                     products: solution.iterations)
            }, progress: progress)
        }
        var v = e
        for k in 0..<n { v[k] -= solved.y[k] }
        return try finish(op, action: action, lambda: solved.lambda, vector: v, steps: solved.steps,
                          products: products, inner: (solved.worstInner, solved.worstBackward), solver: .cocg)
    }

    /// λ0 by Newton with exact inner solves: LU of the bordered block [[B − λ, e], [eᵀ, 0]]
    /// of the fully symmetric sector B = Uᵀ𝕃U (where λ0 lives; e = Uᵀs/√(sᵀs)), whose
    /// solution [y; μ] has eᵀy = 0 and P(B − λ)Py = r. The fallback where COCG cannot
    /// reach its tolerance; its answer is checked on the grid by the eigen-residual.
    static func directMode(of op: some DiffusionModeOperator, start: Complex<Double>,
                           progress: ((Int, Complex<Double>, Int) -> Void)?) throws -> Mode {
        let problem = try op.denseDiffusionProblem(symmetry: true)
        let b = problem.matrix
        let m = b.rows
        let root = Complex.sqrt(bilinearSum(problem.zeroMode, problem.zeroMode))
        let e = problem.zeroMode.map { $0 / root }
        let be = try b.multiplied(by: e)
        let a = bilinearSum(e, be)
        let r = (0..<m).map { be[$0] - a * e[$0] }
        let rNorm = euclideanNorm(r)
        let blockNorm = b.frobeniusNorm               // ≥ ‖B‖₂: the backward error below is a lower bound
        // Each LU solve is exact whatever tolerance Newton asks for.
        let solved = try newton(start: start, a: a, r: r, scale: max(op.diagonalScale, .leastNormalMagnitude),
                                firstTolerance: innerTolerance, inner: { lambda, _, y in
            var bordered = ComplexMatrix(rows: m + 1, columns: m + 1)
            for column in 0..<m {
                for row in 0..<m { bordered[row, column] = b[row, column] }
                bordered[column, column] -= lambda
                bordered[m, column] = e[column]
                bordered[column, m] = e[column]
            }
            let lu = try LUFactorization(consume bordered)
            let solution = try lu.solve(r + [.zero])
            y = Array(solution[0..<m])
            // The residual of the projected system, r − P(B − λ)y, in the block.
            let by = try b.multiplied(by: y)
            let c = bilinearSum(e, by)
            var defect = 0.0
            for k in 0..<m { defect += (r[k] - (by[k] - c * e[k] - lambda * y[k])).magnitudeSquared }
            return InnerSolution(residual: defect.squareRoot() / rNorm,
                                 backwardError: defect.squareRoot() / ((blockNorm + lambda.length) * euclideanNorm(y) + rNorm),
                                 products: 0)
        }, progress: progress)
        var v = e
        for k in 0..<m { v[k] -= solved.y[k] }
        return try finish(op, action: try op.makeAction(), lambda: solved.lambda, vector: problem.expand(v),
                          steps: solved.steps, products: 0, inner: (solved.worstInner, solved.worstBackward), solver: .lu)
    }

    /// The mode with its eigenvector's true residual, recomputed from 𝕃 on the grid (1 product).
    static func finish(_ op: some DiffusionModeOperator, action: some LinearOperator, lambda: Complex<Double>,
                       vector v: [Complex<Double>], steps: Int, products: Int,
                       inner: (residual: Double, backwardError: Double), solver: SolvePath) throws -> Mode {
        let n = op.order
        let s = op.zeroMode
        let scale = max(op.diagonalScale, .leastNormalMagnitude)
        var lv = v
        try action.apply(v, into: &lv)
        var defect = 0.0
        for k in 0..<n { defect += (lv[k] - lambda * v[k]).magnitudeSquared }
        let eigenResidual = defect.squareRoot() / (euclideanNorm(v) * max(lambda.length, scale))
        let overlap = hermitianSum(s, v).length / (euclideanNorm(s) * euclideanNorm(v))
        let norm = Complex.sqrt(bilinearSum(v, v) / Complex(Double(n)))
        return Mode(value: lambda, vector: v.map { $0 / norm }, zeroModeOverlap: min(overlap, 1), newtonSteps: steps,
                    products: products + 1, innerResidual: inner.residual, innerBackwardError: inner.backwardError,
                    eigenResidual: eigenResidual, solver: solver)
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
