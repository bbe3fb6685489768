import CollisionOperator
import DenseLinearAlgebra
import Numerics

/// The current channel of the diffusion constant (docs/model.md §4, "closure"): at q = 0,
///
///   D_cur = −i (j, 𝕃⁻¹ j) / (s, s),   j_k = v_x(k) s_k,
///
/// with the bilinear product (a, b) = (1/N) Σ_k a_k b_k. j is odd under k → −k and s even, so
/// the solve lives in the odd sector, where 𝕃 is regular (its zero mode √ΔG is even). At
/// small q the diffusion constant of 𝕃 splits exactly as D_eff = D_q + D_cur with
/// D_q = i(s, Ms)/((s, s)q²) → D_RR, the vertex-independent Fermi-sea part; with no
/// singular vertex D_cur = D_RA, the on-shell Kubo–Greenwood part. Vollhardt and Wölfle
/// renormalize this channel only, which is why a self-consistency closes on D_cur.
public enum CurrentRelaxation {
    /// D_cur with what the solve cost.
    public struct Result: Sendable, Equatable {
        public var diffusion: Complex<Double>
        /// Products with 𝕃 (COCG).
        public var products: Int
        /// True relative residual ‖j − 𝕃z‖/‖j‖.
        public var residual: Double
        /// Normwise backward error ‖j − 𝕃z‖/(‖𝕃‖‖z‖ + ‖j‖), what the solve is judged on: at
        /// small ω ‖𝕃‖ grows like F/ω and the relative residual cannot follow it below ε‖𝕃‖‖z‖/‖j‖.
        public var backwardError: Double
        /// COCG, or the direct LU of the odd-sector block where COCG could not reach `tolerance`.
        public var solver: SolvePath
    }

    /// The normwise backward error the current solve reaches.
    public static let tolerance = 1e-12

    /// D_cur of `model` at frequency ω (q = 0, current along axis 1), by COCG on the
    /// matrix-free action of 𝕃, preconditioned by the inverse of its 2 × 2 blocks on {k, −k}
    /// (`PairPreconditioner`, `.pairs` or `.singularPairs`, whichever models 𝕃 better on j:
    /// `Channel.choosePreconditioner`); where neither model converges in
    /// `maximumIterations` products, by LU on the symmetry blocks that hold j (`DirectFallback`).
    /// - Throws: `DiffusionSolverError.krylovFailure` when neither COCG nor the direct
    ///   fallback reaches the tolerance.
    /// - Parameter directMemoryLimit: bytes the fallback's LU may hold (`DirectFallback.memoryLimit`).
    public static func currentDiffusion(model: CollisionModel, omega: Double, maximumIterations: Int = 3000,
                                        directMemoryLimit: Double = DirectFallback.memoryLimit) throws -> Result {
        try Channel(model: model, omega: omega, directMemoryLimit: directMemoryLimit)
            .diffusion(cooperonDiffusion: model.cooperonDiffusion, maximumIterations: maximumIterations)
    }

    /// D_cur at one ω for a sequence of cooperon D0 (the closure's fixed-point iteration): the
    /// kinetic fields (the SCBA at E + ω) are computed once, since D0 enters only U^sing, and
    /// each solve starts from the previous solution z = 𝕃⁻¹j, which moves little between
    /// nearby D0. Not for concurrent use.
    public final class Channel {
        public let model: CollisionModel
        public let omega: Double
        /// The pair model of 𝕃 tried first (the one that converged last): `.pairs` (the
        /// vertex's Q = 0 term on the k ↔ −k coupling) is the better model while the
        /// cooperon's peak √(ω/|D0|) is not small against 1/l, `.singularPairs` (its weight ū,
        /// docs/closure.md §1) once it is — at small ω, where the 1/ω weight makes 𝕃
        /// ill-conditioned (d = 1, W = 1.2, L = 2048: `.pairs` stalls below ω = 1e-5,
        /// `.singularPairs` needs 80–130 products per solve down to 1e-8; docs/solvers.md).
        /// A solve that fails with it is repeated with the other, which then leads.
        public private(set) var preconditioner: PreconditionerKind
        /// Products a first attempt may take before the other model is tried.
        public static let firstAttemptProducts = 600
        let fields: KineticFields
        /// j = v_x s.
        let current: [Complex<Double>]
        let workspace = ConjugateOrthogonalGradient.Workspace()
        var previousSolution: [Complex<Double>]? = nil
        /// ‖𝕃‖ estimated by the first solve: D0 moves the cooperon's Q ≠ 0 terms only, while
        /// ‖𝕃‖ is set by U^sing(0) = iF/ω and ΔΣ, so one estimate serves every D0 at this ω.
        var operatorNorm: Double? = nil

        /// - Throws: `ParameterError` for an ω the model cannot take, `ModelComputationError`
        ///   when the SCBA fails.
        /// The solve goes straight to LU (`DirectFallback`): set once COCG has failed at this
        /// ω (or, from the closure, at a larger one), since the nearby D0 of the fixed point
        /// and smaller ω only make 𝕃 worse conditioned.
        public private(set) var direct: Bool

        /// Bytes the direct fallback's LU may hold.
        let directMemoryLimit: Double

        /// - Parameters:
        ///   - direct: solve by LU from the start (`direct`).
        ///   - directMemoryLimit: bytes the fallback's LU may hold (`DirectFallback.memoryLimit`).
        public init(model: CollisionModel, omega: Double, preconditioner: PreconditionerKind = .pairs,
                    direct: Bool = false, directMemoryLimit: Double = DirectFallback.memoryLimit) throws {
            let probe = Probe(dimension: model.parameters.dimension, omega: omega)
            try model.validate(probe)
            self.model = model
            self.omega = omega
            self.preconditioner = preconditioner
            self.direct = direct
            self.directMemoryLimit = directMemoryLimit
            fields = try model.fields(at: probe)
            let axis = [1] + [Double](repeating: 0, count: model.parameters.dimension - 1)
            let velocity = model.band.velocities(on: model.grid, shiftedBy: probe.q, direction: axis)
            let s = fields.root
            current = (0..<s.count).map { Complex(velocity[$0]) * s[$0] }
        }

        /// The lattice group's sectors (one decomposition serves every D0 at this ω).
        var decomposition: SectorDecomposition? = nil
        /// The LU of the blocks holding j at the last D0 solved directly.
        var inverse: DirectFallback.BlockInverse? = nil
        /// Products COCG preconditioned by a previous D0's LU may take before a fresh LU.
        public static let luPreconditionedProducts = 60

        /// D_cur with the cooperon's D0 set to `d0`: COCG with the pair model that converged
        /// last, then the other; where both stop above the tolerance within
        /// `maximumIterations` products, LU on the symmetry blocks that hold j
        /// (`DirectFallback`, the odd sector in d = 1, T1u at d = 3), checked by its true
        /// backward error.
        /// - Throws: `ParameterError` (`d0`) outside the physical half plane,
        ///   `DiffusionSolverError.krylovFailure` when neither reaches the backward error
        ///   `tolerance` (COCG's backward error and floor, and why the fallback did not deliver).
        public func diffusion(cooperonDiffusion d0: Complex<Double>, maximumIterations: Int = 3000) throws -> Result {
            let op = try model.withCooperonDiffusion(d0).operator(reusing: fields)
            let action = try op.action()
            if direct {
                // The LU of the previous D0's blocks preconditions COCG on this one's: they
                // differ by the cooperon's Q ≠ 0 terms only. A fresh LU where that stalls.
                var spent = 0
                if let inverse, let result = try? preconditioned(by: inverse, action: action, products: &spent) {
                    return result
                }
                return try directSolve(op, action: action, spent: spent, what: "the current solve 𝕃z = j at ω = \(omega) by LU")
            }
            var products = 0
            var failure: LinearAlgebraError? = nil
            let other: PreconditionerKind = preconditioner == .pairs ? .singularPairs : .pairs
            for kind in op.singularKernel == nil ? [preconditioner] : [preconditioner, other] {
                let blocks = op.preconditioner(kind)
                let limit = kind == preconditioner && op.singularKernel != nil
                    ? min(maximumIterations, Self.firstAttemptProducts) : maximumIterations
                do {
                    let solution = try ConjugateOrthogonalGradient.solve(
                        current, apply: { x, y in try action.apply(x, into: &y) },
                        precondition: { v, z in blocks.solve(v, shift: .zero, into: &z) },
                        tolerance: tolerance, maximumIterations: limit, operatorNorm: operatorNorm,
                        initialGuess: previousSolution, workspace: workspace)
                    preconditioner = kind
                    return finish(solution.solution, products: products + solution.iterations, residual: solution.residual,
                                  backwardError: solution.backwardError, operatorNorm: solution.operatorNorm, solver: .cocg)
                } catch let error as LinearAlgebraError {
                    if case .iterationLimit(_, let spent, _) = error { products += spent }
                    failure = error
                }
            }
            let what = "the current solve 𝕃z = j at ω = \(omega) (pair models with U^sing(0) and with ū, \(products) products): \(failure?.description ?? "")"
            do {
                let result = try directSolve(op, action: action, spent: products, what: what)
                direct = true
                return result
            } catch DiffusionSolverError.krylovFailure(let detail, let advice) {
                throw DiffusionSolverError.krylovFailure(detail: "\(detail); a backward error of \(tolerance) is not reached here: a larger ω, or a smaller L", advice: advice)
            }
        }

        /// D_cur by `DirectFallback` (LU of the blocks holding j), its true backward error
        /// measured with the matrix-free product (1 product, 3 more for ‖𝕃‖ unless known);
        /// `spent`: the products of the COCG attempts before it.
        func directSolve(_ op: CollisionOperator, action: OperatorAction, spent: Int, what: String) throws -> Result {
            if decomposition == nil { decomposition = try op.symmetry(enabled: true) }
            inverse = nil          // its memory is free before the new blocks are formed
            let blocks = try DirectFallback.BlockInverse(op, occupiedBy: current, decomposition: decomposition!,
                                                         memoryLimit: directMemoryLimit, what: what)
            inverse = blocks
            guard blocks.isExact else {
                // Single precision: COCG preconditioned by the LU carries the solve to the tolerance.
                var products = spent
                let result: Result?
                do {
                    result = try preconditioned(by: blocks, action: action, products: &products)
                } catch let error as LinearAlgebraError {
                    throw DiffusionSolverError.krylovFailure(detail: "\(what); COCG preconditioned by the single-precision LU of the blocks stopped: \(error)", advice: [])
                }
                guard let result else {
                    throw DiffusionSolverError.krylovFailure(detail: "\(what); COCG preconditioned by the single-precision LU of the blocks did not reach a backward error of \(tolerance) in \(Self.singleLUPreconditionedProducts) products (\(products) in all)", advice: [])
                }
                return result
            }
            let z = try blocks.solve(current)
            var products = spent + 1
            let norm: Double
            if let operatorNorm {
                norm = operatorNorm
            } else {
                norm = try ConjugateOrthogonalGradient.estimateNorm(order: z.count) { x, y in try action.apply(x, into: &y) }
                products += ConjugateOrthogonalGradient.normEstimateProducts
            }
            var lz = z
            try action.apply(z, into: &lz)
            var defect = 0.0
            for k in 0..<z.count { defect += (current[k] - lz[k]).magnitudeSquared }
            let jNorm = euclideanNorm(current)
            let backwardError = defect.squareRoot() / (norm * euclideanNorm(z) + jNorm)
            guard backwardError <= tolerance else {
                throw DiffusionSolverError.krylovFailure(detail: "\(what); the direct fallback (LU) reached a backward error of \(backwardError)", advice: [])
            }
            return finish(z, products: products, residual: defect.squareRoot() / jNorm, backwardError: backwardError,
                          operatorNorm: norm, solver: .lu)
        }

        /// Products COCG preconditioned by a single-precision LU may take: it is accurate to
        /// about 1e-7 times the block's condition number, so it needs more products than a
        /// double LU of a nearby D0, but far fewer than the pair models.
        public static let singleLUPreconditionedProducts = 400

        /// D_cur by COCG from the previous solution, preconditioned by `inverse` (the LU of this
        /// or a previous D0's blocks): nil when it stops at its product limit (`products` then
        /// counts what it spent); other failures are thrown.
        func preconditioned(by inverse: DirectFallback.BlockInverse, action: OperatorAction, products: inout Int) throws -> Result? {
            let limit = inverse.isExact ? Self.luPreconditionedProducts : Self.singleLUPreconditionedProducts
            do {
                let solution = try ConjugateOrthogonalGradient.solve(
                    current, apply: { x, y in try action.apply(x, into: &y) },
                    precondition: { v, z in z = try inverse.solve(v) },
                    tolerance: tolerance, maximumIterations: limit, operatorNorm: operatorNorm,
                    initialGuess: previousSolution, workspace: workspace)
                return finish(solution.solution, products: products + solution.iterations, residual: solution.residual,
                              backwardError: solution.backwardError, operatorNorm: solution.operatorNorm,
                              solver: inverse.isExact ? .luPreconditioned : .singleLUPreconditioned)
            } catch LinearAlgebraError.iterationLimit(_, let spent, _) {
                products += spent
                return nil
            }
        }

        /// D_cur from the solution z = 𝕃⁻¹j, kept as the next solve's start.
        func finish(_ z: [Complex<Double>], products: Int, residual: Double, backwardError: Double,
                    operatorNorm norm: Double, solver: SolvePath) -> Result {
            previousSolution = z
            operatorNorm = norm
            let s = fields.root
            let value = Complex(0, -1) * bilinearSum(current, z) / bilinearSum(s, s)
            return Result(diffusion: value, products: products, residual: residual, backwardError: backwardError, solver: solver)
        }
    }
}
