import CollisionOperator
import Foundation
import DenseLinearAlgebra
import Numerics

/// How λ0(q) is computed.
public enum DiffusionMethod: String, Sendable, CaseIterable {
    /// `secular` when the operator is diagonal plus rank one, else `dense`.
    case auto
    /// Newton on the secular equation of 𝕃 = diag(M + ΔΣ) − (U0/N) s sᵀ: O(N) per q,
    /// exact for white noise with `--singular none`.
    case secular
    /// Dense `zgeev` with vectors; λ0 is the mode of largest w0.
    case dense
    /// Newton on the secular equation of the projected operator with COCG inner solves on
    /// the matrix-free FFT action of 𝕃 (`KrylovDiffusion`): O(N log N) per product, any model.
    case krylov
}

/// λ0 at one q along the direction.
public struct DiffusionPoint: Sendable, Equatable {
    /// |q| along the unit direction.
    public var q: Double
    public var lambda0: Complex<Double>
    /// w0 of the diffusion mode.
    public var zeroModeOverlap: Double
    /// λ_M = (s, M s)/(s, s), the streaming term: −iD_RR q² + O(q⁴, ωq²), part of
    /// Suslov's λ0⁽²⁾ in (40) (his λ0⁽¹⁾ vanishes by (39)); it does not vanish as ω → 0.
    public var streamingTerm: Complex<Double>
    /// λ0 − λ_M: the part that scales ∝ ω when the current mode lies in the range of 𝕃1.
    public var remainder: Complex<Double> { lambda0 - streamingTerm }
    /// D(ω, q) = iλ0/q² (Suslov (55)).
    public var diffusion: Complex<Double> { Complex(0, 1) * lambda0 / Complex(q * q) }
}

/// The diffusion pole at small q (docs/model.md §3.7, Suslov (45), (55)): λ0(q) on a ladder of
/// q along a direction, D(ω) from the least-squares fit iλ0/q² = D + B q² + C q⁴, and
/// for the metallic ladder (`none`) the ω → 0 value D_fit compared with Kubo–Greenwood.
public struct DiffusionAnalysis: Sendable {
    public let direction: [Double]
    public let omega: Double
    public let method: DiffusionMethod
    /// λ0(q) at the model's ω.
    public let points: [DiffusionPoint]
    /// D(ω) = lim_{q→0} iλ0/q² at the model's ω (fit intercept).
    public let diffusionAtOmega: Complex<Double>
    /// Root-mean-square residual of that fit, relative to |D(ω)|.
    public let fitResidual: Double
    /// D_fit = lim_{ω→0} lim_{q→0} iλ0/q², computed at ω = 0 (`none` only; nil otherwise).
    public let staticDiffusion: Complex<Double>?
    /// D_KG = σ/ρ along the direction.
    public let kuboGreenwood: Double
    /// The Krylov path's cost and accuracy (nil on the other paths).
    public let krylovReport: KrylovReport?
    /// True for white noise with `--singular none`, where D_fit = D_KG is an identity.
    public let einsteinApplies: Bool

    /// Relative tolerance of the Einstein identity (docs/model.md §3.7).
    public static let einsteinTolerance = 1e-3

    /// D_fit: the ω → 0 value when available, else D(ω).
    public var fitted: Complex<Double> { staticDiffusion ?? diffusionAtOmega }

    /// |D_fit − D_KG| / D_KG.
    public var relativeDifference: Double { (fitted - Complex(kuboGreenwood)).length / abs(kuboGreenwood) }

    /// The ladder's direction as a unit vector (axis 1 when nil); any nonzero vector.
    public static func unitDirection(_ direction: [Double]?, dimension: Int) -> [Double] {
        let raw = direction ?? [1] + [Double](repeating: 0, count: dimension - 1)
        let length = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return raw.map { $0 / length }
    }

    /// The default largest q: 0.1/ℓ with the mean free path ℓ ≈ t/γ.
    public static func defaultMaximumMomentum(model: CollisionModel) -> Double {
        0.1 * model.gamma / abs(model.parameters.hopping)
    }

    /// Runs the analysis.
    /// - Parameters:
    ///   - direction: any nonzero vector (normalized here); default axis 1.
    ///   - maximumMomentum: largest |q|; the ladder is q_j = qmax·j/count, j = 1…count.
    ///   - symmetry: on the dense path, diagonalize only the fully symmetric reflection
    ///     sector, the one that holds √ΔG and hence λ0.
    ///   - progress: called before each dense eigen-solve with (done, total); the secular
    ///     path is O(N) per point and reports nothing.
    public init(model: CollisionModel, omega: Double, direction: [Double]? = nil, maximumMomentum: Double? = nil,
                count: Int = 5, method: DiffusionMethod = .auto, symmetry: Bool = true,
                progress: ((Int, Int) -> Void)? = nil,
                newtonProgress: ((Int, Complex<Double>, Int) -> Void)? = nil) throws {
        let p = model.parameters
        let unit = Self.unitDirection(direction, dimension: p.dimension)
        let rankOne = model.correlation.isWhiteNoise && p.singular == .none
        let resolved = try Self.resolve(method, model: model)
        let qMax = maximumMomentum ?? Self.defaultMaximumMomentum(model: model)
        let ladder = (1...max(count, 1)).map { qMax * Double($0) / Double(max(count, 1)) }
        let staticNeeded = p.singular == .none
        let total = ladder.count * (staticNeeded && omega != 0 ? 2 : 1)
        var done = 0
        var report = KrylovReport()
        func solveLadder(omega: Double) throws -> [DiffusionPoint] {
            try Self.ladder(model: model, direction: unit, momenta: ladder, omega: omega, method: resolved, symmetry: symmetry,
                            krylov: &report, newtonProgress: newtonProgress) {
                progress?(done, total)
                done += 1
            }
        }
        points = try solveLadder(omega: omega)
        let fit = try Self.fitIntercept(points)
        diffusionAtOmega = fit.intercept
        fitResidual = fit.residual
        if staticNeeded {
            staticDiffusion = omega == 0 ? fit.intercept : try Self.fitIntercept(solveLadder(omega: 0)).intercept
        } else {
            staticDiffusion = nil
        }
        self.direction = unit
        self.omega = omega
        self.method = resolved
        // The model's D_KG is along axis 1; another direction needs its own sums.
        let alongAxis = unit.first == 1 && unit.dropFirst().allSatisfy { $0 == 0 }
        kuboGreenwood = alongAxis ? model.kuboGreenwood.diffusion
            : KuboGreenwood(grid: model.grid, band: model.band, energy: p.energy,
                            selfEnergy: model.selfEnergyAtEnergy, direction: unit).diffusion
        einsteinApplies = rankOne
        krylovReport = resolved == .krylov ? report : nil
    }

    /// λ0 at each |q| of `momenta` along the unit `direction`. The secular path continues
    /// the branch from λ0(0) = 0: each q starts Newton at the previous λ0 scaled by
    /// (q/q_prev)², and a step that fails is split in halves (up to 2⁸ substeps). When even
    /// that fails the diffusion mode has merged with the continuum of M_k + ΔΣ, and the
    /// error says so. `beforeDenseSolve` is called before each dense eigen-solve.
    public static func ladder(model: CollisionModel, direction: [Double], momenta: [Double], omega: Double,
                              method: DiffusionMethod, symmetry: Bool = true, krylov: inout KrylovReport,
                              newtonProgress: ((Int, Complex<Double>, Int) -> Void)? = nil,
                              beforeDenseSolve: (() -> Void)? = nil) throws -> [DiffusionPoint] {
        var result: [DiffusionPoint] = []
        for q in momenta {
            if method == .krylov {
                beforeDenseSolve?()
                let previous = result.last
                let start = previous.map { $0.q > 0 ? $0.lambda0 * Complex((q / $0.q) * (q / $0.q)) : $0.lambda0 } ?? .zero
                let op = try model.operator(at: Probe(q: direction.map { $0 * q }, omega: omega))
                let mode: KrylovDiffusion.Mode
                do {
                    mode = try KrylovDiffusion.diffusionMode(operator: op, action: op.action(), start: start, progress: newtonProgress)
                } catch DiffusionError.krylovFailure(let detail) where model.parameters.singular == .lorentzian {
                    throw DiffusionError.krylovFailure(detail: "\(detail). The lorentzian vertex has a gapless continuum of O(η/ω) eigenvalues that no preconditioner here captures at ω = \(omega); take ω ≥ 1e-4 (converged at d = 3, L = 32), or --method dense on a grid that fits")
                }
                krylov.record(mode)
                result.append(DiffusionPoint(q: q, lambda0: mode.value, zeroModeOverlap: mode.zeroModeOverlap,
                                             streamingTerm: op.fields.streamingTerm))
                continue
            }
            if method == .dense {
                beforeDenseSolve?()
                result.append(try diffusionPoint(model: model, at: Probe(q: direction.map { $0 * q }, omega: omega),
                                                 magnitude: q, method: .dense, symmetry: symmetry))
                continue
            }
            let previous = result.last ?? DiffusionPoint(q: 0, lambda0: .zero, zeroModeOverlap: 1, streamingTerm: .zero)
            result.append(try continueSecular(model: model, direction: direction, from: previous, to: q, omega: omega, depth: 0))
        }
        return result
    }

    /// One secular continuation step from `previous` to |q| = `q`, splitting on failure.
    static func continueSecular(model: CollisionModel, direction: [Double], from previous: DiffusionPoint,
                                to q: Double, omega: Double, depth: Int) throws -> DiffusionPoint {
        let start = previous.q > 0 ? previous.lambda0 * Complex((q / previous.q) * (q / previous.q)) : previous.lambda0
        do {
            return try diffusionPoint(model: model, at: Probe(q: direction.map { $0 * q }, omega: omega), magnitude: q,
                                      method: .secular, start: start)
        } catch let error as LinearAlgebraError {
            guard case .iterationLimit = error, depth < 8 else {
                throw DiffusionError.secularBranchLost(q: q, detail: error.description)
            }
            let middle = try continueSecular(model: model, direction: direction, from: previous,
                                             to: (previous.q + q) / 2, omega: omega, depth: depth + 1)
            return try continueSecular(model: model, direction: direction, from: middle, to: q, omega: omega, depth: depth + 1)
        }
    }

    /// Resolves `auto` and checks that `secular` applies: it needs white noise and `none`.
    /// - Parameter denseUpTo: with `auto`, grids up to this N use dense even when the
    ///   secular path applies (`dispersion` reaches large q, where only the dense solve
    ///   can pick the mode of largest w0 out of the continuum).
    public static func resolve(_ method: DiffusionMethod, model: CollisionModel, denseUpTo: Int = 0) throws -> DiffusionMethod {
        try resolve(method, parameters: model.parameters, denseUpTo: denseUpTo)
    }

    /// The same rule from the parameters alone (before the model is built, e.g. for the
    /// memory estimate).
    public static func resolve(_ method: DiffusionMethod, parameters: ModelParameters, denseUpTo: Int = 0) throws -> DiffusionMethod {
        let white = DisorderCorrelation(radius: parameters.correlationRadius, dimension: parameters.dimension).isWhiteNoise
        let rankOne = white && parameters.singular == .none
        if method == .secular && !rankOne { throw DiffusionInputError.secularNeedsRankOne }
        guard method == .auto else { return method }
        if rankOne { return parameters.gridPointCount > denseUpTo ? .secular : .dense }
        return parameters.gridPointCount > krylovAutoThreshold ? .krylov : .dense
    }

    /// With `auto`, grids above this N take the matrix-free Krylov path instead of a dense
    /// eigen-solve (where the operator is not diagonal plus rank one).
    public static let krylovAutoThreshold = 4096

    /// λ0 at the probe (q, ω), |q| = `magnitude`. The secular path starts Newton's
    /// method at `start` (λ0 → 0 as q → 0, so 0 at small q); the dense path takes the
    /// mode of largest w0 — with `symmetry`, from the fully symmetric reflection sector
    /// alone, since w0 vanishes in every other sector.
    public static func diffusionPoint(model: CollisionModel, at probe: Probe, magnitude: Double,
                                      method: DiffusionMethod, symmetry: Bool = true,
                                      start: Complex<Double> = .zero) throws -> DiffusionPoint {
        let q = probe.q
        switch method {
        case .krylov:
            var report = KrylovReport()
            return try ladder(model: model, direction: q.map { $0 / max(magnitude, .leastNormalMagnitude) }, momenta: [magnitude],
                              omega: probe.omega, method: .krylov, krylov: &report)[0]
        case .secular, .auto:
            let fields = try model.fields(at: probe)
            let diagonal = fields.regularDiagonal
            let s = fields.root
            let pair = try DiagonalPlusRankOne.eigenpair(diagonal: diagonal, vector: s,
                                                         coefficient: Complex(-model.parameters.u0 / Double(fields.count)),
                                                         start: start)
            let overlap = hermitianSum(s, pair.vector).length / (euclideanNorm(s) * euclideanNorm(pair.vector))
            return DiffusionPoint(q: magnitude, lambda0: pair.value, zeroModeOverlap: min(overlap, 1),
                                  streamingTerm: fields.streamingTerm)
        case .dense:
            let op = try model.operator(at: probe)
            let sectors = try op.symmetry(enabled: symmetry)
            let spectrum: Spectrum
            if let symmetric = sectors.sectors.first(where: \.isFullySymmetric), sectors.isNontrivial {
                // The trivial irrep's block alone, assembled from the kernels (no N × N matrix).
                spectrum = try Spectrum(matrix: op.block(symmetric), zeroMode: symmetric.project(op.fields.root),
                                        computeVectors: true)
            } else {
                spectrum = try Spectrum(matrix: op.fullMatrix, zeroMode: op.fields.root, computeVectors: true)
            }
            let mode = spectrum.diffusionMode!
            return DiffusionPoint(q: magnitude, lambda0: mode.value, zeroModeOverlap: mode.zeroModeOverlap ?? 0,
                                  streamingTerm: op.fields.streamingTerm)
        }
    }

    /// Least-squares fit of iλ0/q² = D + B q² + C q⁴ (fewer terms for fewer points),
    /// real and imaginary parts separately (`dgels`).
    static func fitIntercept(_ points: [DiffusionPoint]) throws -> (intercept: Complex<Double>, residual: Double) {
        let terms = min(3, points.count)
        var design = RealMatrix(rows: points.count, columns: terms)
        for (row, point) in points.enumerated() {
            for column in 0..<terms { design[row, column] = pow(point.q * point.q, Double(column)) }
        }
        let real = try LeastSquares.solve(design, points.map(\.diffusion.real))
        let imaginary = try LeastSquares.solve(design, points.map(\.diffusion.imaginary))
        let intercept = Complex(real.coefficients[0], imaginary.coefficients[0])
        let residual = (real.residualNorm * real.residualNorm + imaginary.residualNorm * imaginary.residualNorm).squareRoot()
            / (Double(points.count).squareRoot() * max(intercept.length, .leastNormalMagnitude))
        return (intercept, residual)
    }
}

/// Input combinations the diffusion analysis refuses (exit status 2).
public enum DiffusionInputError: Error, Equatable, Sendable, CustomStringConvertible {
    case secularNeedsRankOne

    public var description: String {
        "--method: value secular needs a diagonal-plus-rank-one operator (allowed: white noise, --correlation 0, with --singular none; use dense or auto)"
    }
}

/// What the Newton–Krylov path of a q ladder cost and reached (`KrylovDiffusion`).
public struct KrylovReport: Sendable, Equatable {
    /// Solves done (one per q and ω).
    public var solves = 0
    public var newtonSteps = 0
    /// Products with 𝕃 in all.
    public var products = 0
    /// The largest true relative residual of an inner COCG solve.
    public var worstInnerResidual = 0.0
    /// The largest eigen-residual ‖𝕃v − λv‖/(‖v‖·max(|λ|, scale)) over the ladder.
    public var worstEigenResidual = 0.0

    public init() {}

    mutating func record(_ mode: KrylovDiffusion.Mode) {
        solves += 1
        newtonSteps += mode.newtonSteps
        products += mode.products
        worstInnerResidual = max(worstInnerResidual, mode.innerResidual)
        worstEigenResidual = max(worstEigenResidual, mode.eigenResidual)
    }
}
