import CollisionOperator
import DenseLinearAlgebra
import Foundation
import Numerics

/// How λ0(q) is computed.
public enum DiffusionMethod: String, Sendable, CaseIterable {
    /// `secular` when the operator is diagonal plus rank one, else the cheaper of `dense` and
    /// `krylov` where Krylov can be trusted; the choice and its reason are `DiffusionMethodChoice`.
    case auto
    /// Newton on the secular equation of 𝕃 = diag(M + ΔΣ) − (U0/N) s sᵀ: O(N) per q,
    /// exact for white noise without a singular vertex.
    case secular
    /// Dense `zgeev` with vectors; λ0 is the mode of largest w0.
    case dense
    /// Newton on the secular equation of the projected operator with COCG inner solves on
    /// the matrix-free FFT action of 𝕃 (`KrylovDiffusion`): O(N log N) per product, any model.
    case krylov
}

/// The method that runs, and why: `auto` resolved by an explicit rule.
public struct DiffusionMethodChoice: Sendable, Equatable {
    /// What was asked for (possibly `auto`).
    public let requested: DiffusionMethod
    /// What runs (never `auto`).
    public let method: DiffusionMethod
    /// Why this method, in words (for `auto`: the rule that chose it, with the estimated costs).
    public let reason: String

    /// `dispersion` resolves `auto` with `denseUpTo` = this N: its ladder reaches large q,
    /// where only the dense solve can pick the mode of largest w0 out of the continuum.
    public static let largeMomentumDenseLimit = 2048
    /// The largest N on which `auto` still takes the dense solve for the `lorentzian` vertex,
    /// whose gapless continuum of O(η/ω) eigenvalues stalls COCG below ω ≈ 1e-4.
    public static let lorentzianDenseLimit = 4096
    /// Operator products assumed per Krylov λ0 (Newton steps × COCG products): an upper
    /// bound of the measured 11–49 per solve (docs/benchmarks-krylov.md), so that `auto`
    /// errs toward the dense solve on small grids.
    public static let assumedKrylovProducts = 100.0

    /// Estimated floating-point operations of one dense λ0: zgeev with vectors, ≈ 100 m³
    /// real flops, on the fully symmetric sector of the group that fixes an axis direction
    /// (the signed permutations of the other d − 1 axes: m ≈ N/(2^{d−1}(d−1)!)).
    public static func denseCost(gridPoints n: Int, dimension d: Int) -> Double {
        let order = (1..<max(d, 1)).reduce(1.0) { $0 * 2 * Double($1) }
        let m = max(Double(n) / order, 1)
        return 100 * m * m * m
    }

    /// Estimated floating-point operations of one Krylov λ0: `assumedKrylovProducts`
    /// products of the matrix-free action, each ≈ 50 N log₂N (a few FFTs of N points and
    /// their O(N) diagonal scalings), plus a fixed 1e6 for the FFT plans and the Newton set-up.
    public static func krylovCost(gridPoints n: Int) -> Double {
        let points = Double(max(n, 2))
        return assumedKrylovProducts * 50 * points * log2(points) + 1e6
    }

    /// Resolves `requested` for a model with these parameters (before the model is built,
    /// e.g. for the memory estimate, as well as after). `auto`:
    /// - 𝕃 diagonal plus rank one (white noise, no singular vertex): `secular`, unless
    ///   N ≤ `denseUpTo` (`dispersion` reaches large q, where only the dense solve can pick the
    ///   mode of largest w0 out of the continuum): then `dense`;
    /// - otherwise `dense` where Krylov cannot be trusted and the matrix fits: N ≤ `denseUpTo`
    ///   (the same large-q reason), or the `lorentzian` vertex with N ≤ `lorentzianDenseLimit`;
    /// - otherwise the cheaper of `dense` and `krylov` by `denseCost` and `krylovCost`.
    /// - Throws: `DiffusionSolverError.secularNeedsRankOne` when `secular` is asked for an
    ///   operator that is not diagonal plus rank one.
    public init(_ requested: DiffusionMethod, parameters: ModelParameters, denseUpTo: Int = 0) throws(DiffusionSolverError) {
        let white = DisorderCorrelation(radius: parameters.correlationRadius, dimension: parameters.dimension).isWhiteNoise
        let rankOne = white && parameters.singular == .none
        let n = parameters.gridPointCount
        self.requested = requested
        switch requested {
        case .secular:
            guard rankOne else { throw .secularNeedsRankOne }
            (method, reason) = (.secular, "requested")
        case .dense, .krylov:
            (method, reason) = (requested, "requested")
        case .auto where rankOne:
            (method, reason) = n > denseUpTo
                ? (.secular, "auto: diagonal plus rank one (white noise, no singular vertex), N = \(n) > \(denseUpTo)")
                : (.dense, "auto: diagonal plus rank one, but N = \(n) <= \(denseUpTo), where the dense solve picks the mode of largest w0")
        case .auto where n <= denseUpTo:
            (method, reason) = (.dense, "auto: krylov not chosen: the ladder reaches large q, where only the dense solve picks the mode of largest w0 out of the continuum (N = \(n) <= \(denseUpTo))")
        case .auto where parameters.singular == .lorentzian && n <= Self.lorentzianDenseLimit:
            (method, reason) = (.dense, "auto: krylov not chosen: the lorentzian vertex has a gapless continuum of O(eta/omega) eigenvalues that stalls COCG below omega = 1e-4 (N = \(n) <= \(Self.lorentzianDenseLimit))")
        case .auto:
            let dense = Self.denseCost(gridPoints: n, dimension: parameters.dimension), krylov = Self.krylovCost(gridPoints: n)
            let costs = String(format: "estimated flops per lambda0: dense %.2g, krylov %.2g", dense, krylov)
            (method, reason) = krylov < dense ? (.krylov, "auto: the cheaper, \(costs)") : (.dense, "auto: the cheaper, \(costs)")
        }
    }

    /// The solver of the chosen method.
    /// - Parameters:
    ///   - symmetry: the dense solve diagonalizes only the fully symmetric sector.
    ///   - newtonProgress: the Krylov solver's (step, λ, inner iterations) after each Newton step.
    public func solver(symmetry: Bool = true,
                       newtonProgress: ((Int, Complex<Double>, Int) -> Void)? = nil) -> any DiffusionModeSolver {
        switch method {
        case .secular, .auto: return SecularDiffusionSolver()
        case .dense: return DenseDiffusionSolver(symmetry: symmetry)
        case .krylov: return KrylovDiffusionSolver(progress: newtonProgress)
        }
    }
}

/// λ0 of one operator, with what the solve reached.
public struct DiffusionModeSolution: Sendable {
    public var value: Complex<Double>
    /// w0 = |sᴴv|/(‖s‖‖v‖) of the mode.
    public var zeroModeOverlap: Double
    /// The Krylov path's cost and accuracy (nil on the other paths).
    public var krylov: KrylovDiffusion.Mode?
}

/// A method that computes the diffusion mode λ0 (Suslov (45): the eigenvalue of 𝕃 that
/// continues the zero mode √ΔG) of any operator that provides `DiffusionModeOperator`.
public protocol DiffusionModeSolver {
    var method: DiffusionMethod { get }
    /// True when each solve is worth a progress line (dense and Krylov; the O(N) secular
    /// solve reports nothing).
    var reportsProgress: Bool { get }
    /// How often a q step may be halved when the solve loses the branch from its start
    /// (`DiffusionSolverError.noRootFromStart`); 0 when the method does not depend on a start.
    var maximumStepHalvings: Int { get }
    /// λ0 of `op`, iterating from `start` where the method iterates (λ0 → 0 as q → 0).
    func diffusionMode(of op: some DiffusionModeOperator, start: Complex<Double>) throws -> DiffusionModeSolution
}

/// Newton on the secular equation of a diagonal-plus-rank-one 𝕃 (`DiagonalPlusRankOne`): O(N).
public struct SecularDiffusionSolver: DiffusionModeSolver {
    public init() {}
    public var method: DiffusionMethod { .secular }
    public var reportsProgress: Bool { false }
    public var maximumStepHalvings: Int { 8 }

    /// - Throws: `.secularNeedsRankOne` when `op` is not diagonal plus rank one;
    ///   `.noRootFromStart` when Newton finds no root from `start`.
    public func diffusionMode(of op: some DiffusionModeOperator, start: Complex<Double>) throws -> DiffusionModeSolution {
        guard let form = op.diagonalPlusRankOne else { throw DiffusionSolverError.secularNeedsRankOne }
        let pair: DiagonalPlusRankOne.Eigenpair
        do {
            pair = try DiagonalPlusRankOne.eigenpair(diagonal: form.diagonal, vector: form.vector,
                                                     coefficient: form.coefficient, start: start)
        } catch {
            if case .iterationLimit = error {
                throw DiffusionSolverError.noRootFromStart(detail: error.description, retryable: true)
            }
            throw DiffusionSolverError.noRootFromStart(detail: error.description, retryable: false)
        }
        let s = op.zeroMode
        let overlap = hermitianSum(s, pair.vector).length / (euclideanNorm(s) * euclideanNorm(pair.vector))
        return DiffusionModeSolution(value: pair.value, zeroModeOverlap: min(overlap, 1), krylov: nil)
    }
}

/// Dense `zgeev` with vectors of the operator (its fully symmetric sector with `symmetry`):
/// λ0 is the mode of largest w0.
public struct DenseDiffusionSolver: DiffusionModeSolver {
    public var symmetry: Bool
    public init(symmetry: Bool = true) { self.symmetry = symmetry }
    public var method: DiffusionMethod { .dense }
    public var reportsProgress: Bool { true }
    public var maximumStepHalvings: Int { 0 }

    public func diffusionMode(of op: some DiffusionModeOperator, start: Complex<Double>) throws -> DiffusionModeSolution {
        let problem = try op.denseDiffusionProblem(symmetry: symmetry)
        let spectrum = try Spectrum(matrix: problem.matrix, zeroMode: problem.zeroMode, computeVectors: true)
        let mode = spectrum.diffusionMode!
        return DiffusionModeSolution(value: mode.value, zeroModeOverlap: mode.zeroModeOverlap ?? 0, krylov: nil)
    }
}

/// Newton–COCG on the projected secular equation (`KrylovDiffusion`), matrix-free.
public struct KrylovDiffusionSolver: DiffusionModeSolver {
    public var preconditioner: PreconditionerKind?
    public var innerIterations: Int
    public var progress: ((Int, Complex<Double>, Int) -> Void)?
    /// - Parameters:
    ///   - preconditioner: nil: the operator's `naturalPreconditioner`.
    ///   - progress: (Newton step, λ, inner iterations) after each step.
    public init(preconditioner: PreconditionerKind? = nil, innerIterations: Int = 3000,
                progress: ((Int, Complex<Double>, Int) -> Void)? = nil) {
        self.preconditioner = preconditioner
        self.innerIterations = innerIterations
        self.progress = progress
    }
    public var method: DiffusionMethod { .krylov }
    public var reportsProgress: Bool { true }
    public var maximumStepHalvings: Int { 0 }

    public func diffusionMode(of op: some DiffusionModeOperator, start: Complex<Double>) throws -> DiffusionModeSolution {
        let mode = try KrylovDiffusion.diffusionMode(of: op, start: start, preconditioner: preconditioner,
                                                     innerIterations: innerIterations, progress: progress)
        return DiffusionModeSolution(value: mode.value, zeroModeOverlap: mode.zeroModeOverlap, krylov: mode)
    }
}
