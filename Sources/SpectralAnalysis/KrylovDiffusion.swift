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
/// 𝕃 (any `LinearOperator`: the matrix-free FFT product or a dense matrix), preconditioned
/// by the exact inverse of a projected model of 𝕃, and started from the previous Newton
/// step's y (the system changes only by the shift of λ, so the later solves take a few
/// products):
///
/// - `diagonal`: diag(M + ΔΣ) — exact for white noise with `--singular none`;
/// - `pairs`: the 2 × 2 blocks of 𝕃 on {k, −k}, which hold the cooperon's Q = 0 pole and
///   the k − k' = 2k and k + k' = 2k couplings.
///
/// The model B is projected exactly: z = B⁻¹v − B⁻¹e (eᵀB⁻¹v)/(eᵀB⁻¹e) solves
/// P(B − λ)z = v with eᵀz = 0, and is complex symmetric as COCG needs.
public enum KrylovDiffusion {
    /// The projected model of 𝕃 that preconditions the inner solves.
    public enum Preconditioner: String, Sendable, CaseIterable {
        case diagonal
        case pairs
    }

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
        /// ‖𝕃v − λv‖ / (‖v‖ · max(|λ|, scale)), scale = max_k |M_k + ΔΣ_k|: recomputed from 𝕃.
        public var eigenResidual: Double
    }

    /// Relative accuracy of the inner solves and the Newton step.
    public static let innerTolerance = 1e-12
    public static let newtonTolerance = 1e-13
    /// A Newton step that no longer shrinks (by half) but is below this relative size has
    /// reached the noise floor set by the inner tolerance: converged.
    public static let newtonNoiseFloor = 1e-10
    public static let maximumNewtonSteps = 50

    /// The preconditioner that suits the model: `diagonal` for white noise with `none`
    /// (where it is exact), `pairs` otherwise.
    public static func preconditioner(for op: CollisionOperator) -> Preconditioner {
        op.regularKernel == nil && op.singularKernel == nil ? .diagonal : .pairs
    }

    /// λ0 of the operator `op` whose action is `action`, by Newton from `start`.
    /// - Parameters:
    ///   - progress: called after each Newton step with (step, λ, inner iterations).
    /// - Throws: `DiffusionError.krylovFailure` when Newton or an inner solve does not converge
    ///   (the message has the residual reached).
    public static func diffusionMode(operator op: CollisionOperator, action: some LinearOperator,
                                     start: Complex<Double>, preconditioner choice: Preconditioner? = nil,
                                     innerIterations: Int = 3000,
                                     progress: ((Int, Complex<Double>, Int) -> Void)? = nil) throws -> Mode {
        let n = op.order
        let s = op.fields.root
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
        var le = [Complex<Double>](repeating: .zero, count: n)
        try apply(e, &le)
        let a = bilinearSum(e, le)
        var r = le
        for k in 0..<n { r[k] -= a * e[k] }                         // r = P𝕃e
        let diagonal = op.fields.regularDiagonal
        let scale = max(diagonal.reduce(0) { max($0, $1.length) }, .leastNormalMagnitude)
        let model = PairModel(op: op, kind: choice ?? preconditioner(for: op), diagonal: diagonal)

        var lambda = start
        var y = [Complex<Double>](repeating: .zero, count: n)
        var worstInner = 0.0
        var steps = 0
        var converged = false
        var previousStep = Double.infinity
        var work = y, projected = y          // buffers of the inner products, reused
        let workspace = ConjugateOrthogonalGradient.Workspace()
        while steps < maximumNewtonSteps {
            steps += 1
            let shifted = try model.inverse(shift: lambda, e: e)
            let solution: IterativeSolution
            do {
                solution = try ConjugateOrthogonalGradient.solve(r, apply: { x, out in
                    for k in 0..<n { projected[k] = x[k] }
                    project(&projected)
                    try apply(projected, &work)
                    project(&work)
                    for k in 0..<n { out[k] = work[k] - lambda * projected[k] }
                }, precondition: { v, z in shifted.apply(v, into: &z) },
                   tolerance: innerTolerance, maximumIterations: innerIterations,
                   initialGuess: steps > 1 ? y : nil, workspace: workspace)
            } catch let error as LinearAlgebraError {
                throw DiffusionError.krylovFailure(detail: "λ0: inner solve at Newton step \(steps), λ = \(lambda): \(error.description); try --method dense on a smaller grid, or a larger ω")
            }
            worstInner = max(worstInner, solution.residual)
            y = solution.solution
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
            throw DiffusionError.krylovFailure(detail: "λ0: Newton on the secular equation did not converge in \(maximumNewtonSteps) steps (last λ = \(lambda)); try --method dense on a smaller grid, or a larger ω")
        }
        // The eigenvector and its true residual, recomputed from 𝕃.
        var v = e
        for k in 0..<n { v[k] -= y[k] }
        var lv = v
        try apply(v, &lv)
        var defect = 0.0
        for k in 0..<n { defect += (lv[k] - lambda * v[k]).magnitudeSquared }
        let eigenResidual = defect.squareRoot() / (euclideanNorm(v) * max(lambda.length, scale))
        let overlap = hermitianSum(s, v).length / (euclideanNorm(s) * euclideanNorm(v))
        let norm = Complex.sqrt(bilinearSum(v, v) / Complex(Double(n)))
        return Mode(value: lambda, vector: v.map { $0 / norm }, zeroModeOverlap: min(overlap, 1), newtonSteps: steps,
                    products: products, innerResidual: worstInner, eigenResidual: eigenResidual)
    }

    /// The block-diagonal model B of 𝕃 on the pairs {k, −k} (1 × 1 where k = −k), without
    /// the projection's rank-one terms: B_kk = M_k + ΔΣ_k − (1/N)(K₋(0) + K₊(2k)) s_k²,
    /// B_{k,−k} = −(1/N)(K₋(2k) + K₊(0)) s_k s_{−k}; `diagonal` keeps B_kk = M_k + ΔΣ_k only.
    struct PairModel {
        let n: Int
        let partner: [Int]
        let diagonal: [Complex<Double>]
        let offDiagonal: [Complex<Double>]

        init(op: CollisionOperator, kind: Preconditioner, diagonal base: [Complex<Double>]) {
            let grid = op.grid
            n = grid.count
            partner = grid.negatedIndex.map(Int.init)
            guard kind == .pairs else {
                diagonal = base
                offDiagonal = [Complex<Double>](repeating: .zero, count: n)
                return
            }
            let s = op.fields.root
            let inverseN = 1 / Double(n)
            func regular(_ index: Int) -> Complex<Double> { Complex(op.regularKernel?[index] ?? op.u0) }
            func singular(_ index: Int) -> Complex<Double> { op.singularKernel?[index] ?? .zero }
            var d = base, o = base
            for k in 0..<n {
                let m = partner[k]
                d[k] = base[k] - Complex(inverseN) * (regular(0) + singular(grid.sumIndex(k, k))) * s[k] * s[k]
                o[k] = m == k ? .zero : -Complex(inverseN) * (regular(grid.differenceIndex(k, m)) + singular(0)) * s[k] * s[m]
            }
            diagonal = d
            offDiagonal = o
        }

        /// z = (B − λ)⁻¹ v, pair by pair.
        func solve(_ v: [Complex<Double>], shift: Complex<Double>, into z: inout [Complex<Double>]) {
            for k in 0..<n {
                let m = partner[k]
                if m == k {
                    z[k] = v[k] / (diagonal[k] - shift)
                } else if k < m {
                    let a = diagonal[k] - shift, d = diagonal[m] - shift, b = offDiagonal[k]
                    let determinant = a * d - b * b
                    z[k] = (d * v[k] - b * v[m]) / determinant
                    z[m] = (a * v[m] - b * v[k]) / determinant
                }
            }
        }

        /// The exactly projected inverse at shift λ (see `KrylovDiffusion`).
        func inverse(shift: Complex<Double>, e: [Complex<Double>]) throws -> ProjectedInverse {
            var g = e
            solve(e, shift: shift, into: &g)
            let eg = bilinearSum(e, g)
            guard eg.isFinite, eg != .zero, g.allSatisfy({ $0.isFinite }) else {
                throw DiffusionError.krylovFailure(detail: "the preconditioner is singular at λ = \(shift)")
            }
            return ProjectedInverse(model: self, shift: shift, e: e, g: g, eg: eg)
        }
    }

    /// z = B⁻¹v − g (eᵀB⁻¹v)/(eᵀg), g = B⁻¹e.
    struct ProjectedInverse {
        let model: PairModel
        let shift: Complex<Double>
        let e: [Complex<Double>]
        let g: [Complex<Double>]
        let eg: Complex<Double>

        func apply(_ v: [Complex<Double>], into z: inout [Complex<Double>]) {
            model.solve(v, shift: shift, into: &z)
            let c = bilinearSum(e, z) / eg
            for k in 0..<z.count { z[k] -= c * g[k] }
        }
    }
}
