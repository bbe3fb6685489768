import CollisionOperator
import DenseLinearAlgebra
import Numerics

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

/// λ0(q) on a ladder of probes (docs/model.md §4, §5 `diffusion`, `dispersion`): for each
/// probe the diffusion mode, by the method of `DiffusionMethodChoice`, continued from
/// λ0(0) = 0 along the ladder.
public struct DiffusionLadder: Sendable {
    /// The method that ran and why.
    public let choice: DiffusionMethodChoice
    /// The unit direction of the ladder's q.
    public let direction: [Double]
    /// λ0 at each probe.
    public let points: [DiffusionPoint]
    /// The Krylov path's cost and accuracy (nil on the other paths).
    public let krylovReport: KrylovReport?

    public var method: DiffusionMethod { choice.method }

    /// Solves the ladder.
    /// - Parameters:
    ///   - probes: nonzero momenta along one direction, in increasing |q| (`Probe.ladder`).
    ///   - choice: the method (`DiffusionMethodChoice(_:parameters:)` of the model's parameters).
    ///   - symmetry: on the dense path, diagonalize only the fully symmetric reflection
    ///     sector, the one that holds √ΔG and hence λ0.
    ///   - beforeSolve: called before each dense or Krylov solve (the secular path is O(N)
    ///     per point and reports nothing).
    ///   - newtonProgress: the Krylov path's (Newton step, λ, inner iterations).
    /// - Throws: `DiffusionSolverError.invalidLadder` for an empty ladder or one of q = 0.
    public init(model: CollisionModel, probes: [Probe], choice: DiffusionMethodChoice, symmetry: Bool = true,
                beforeSolve: (() -> Void)? = nil,
                newtonProgress: ((Int, Complex<Double>, Int) -> Void)? = nil) throws {
        guard let last = probes.last, probes.allSatisfy({ !$0.isZeroMomentum }) else {
            throw DiffusionSolverError.invalidLadder(reason: probes.isEmpty ? "no momenta" : "a momentum q = 0, where λ0 = 0")
        }
        let solver = choice.solver(symmetry: symmetry, newtonProgress: newtonProgress)
        var report = KrylovReport()
        points = try Self.solve(model: model, probes: probes, solver: solver, krylov: &report, beforeSolve: beforeSolve)
        let length = last.momentumMagnitude
        direction = last.q.map { $0 / length }
        self.choice = choice
        krylovReport = choice.method == .krylov ? report : nil
    }

    /// λ0 at each probe by `solver`. Each probe starts the solver at the previous λ0 scaled
    /// by (q/q_prev)² (the first at λ0(0) = 0); a solver that loses the branch from its start
    /// has the step split in halves (up to `maximumStepHalvings` times). When even that fails
    /// the diffusion mode has merged with the continuum of M_k + ΔΣ, and the error says so.
    static func solve(model: CollisionModel, probes: [Probe], solver: some DiffusionModeSolver,
                      krylov: inout KrylovReport, beforeSolve: (() -> Void)?) throws -> [DiffusionPoint] {
        var previous = (probe: probes[0].at(q: probes[0].q.map { _ in 0 }),
                        point: DiffusionPoint(q: 0, lambda0: .zero, zeroModeOverlap: 1, streamingTerm: .zero))
        var result: [DiffusionPoint] = []
        for probe in probes {
            if solver.reportsProgress { beforeSolve?() }
            let point = try continued(model: model, solver: solver, from: previous, to: probe, krylov: &krylov, depth: 0)
            result.append(point)
            previous = (probe, point)
        }
        return result
    }

    /// One continuation step from `previous` to `probe`, split in halves while the solver
    /// loses the branch from its start.
    static func continued(model: CollisionModel, solver: some DiffusionModeSolver,
                          from previous: (probe: Probe, point: DiffusionPoint), to probe: Probe,
                          krylov: inout KrylovReport, depth: Int) throws -> DiffusionPoint {
        let q = probe.momentumMagnitude
        let before = previous.point
        let start = before.q > 0 ? before.lambda0 * Complex((q / before.q) * (q / before.q)) : before.lambda0
        let op = try model.operator(at: probe)
        let mode: DiffusionModeSolution
        do {
            mode = try solver.diffusionMode(of: op, start: start)
        } catch DiffusionSolverError.noRootFromStart(let detail, let retryable) {
            guard retryable, depth < solver.maximumStepHalvings else { throw DiffusionSolverError.branchLost(q: q, detail: detail) }
            let middle = probe.at(q: zip(previous.probe.q, probe.q).map { ($0 + $1) / 2 })
            let point = try continued(model: model, solver: solver, from: previous, to: middle, krylov: &krylov, depth: depth + 1)
            return try continued(model: model, solver: solver, from: (middle, point), to: probe, krylov: &krylov, depth: depth + 1)
        } catch DiffusionSolverError.krylovFailure(let detail, let advice) where model.parameters.singular == .lorentzian {
            throw DiffusionSolverError.krylovFailure(detail: detail, advice: advice + [.lorentzianContinuum(omega: probe.omega)])
        }
        if let krylovMode = mode.krylov { krylov.record(krylovMode) }
        return DiffusionPoint(q: q, lambda0: mode.value, zeroModeOverlap: mode.zeroModeOverlap, streamingTerm: op.streamingTerm)
    }
}

/// The diffusion pole at small q (docs/model.md §3.7, Suslov (45), (55)): λ0(q) on a ladder of
/// q along a direction, D(ω) from the least-squares fit iλ0/q² = D + B q² + C q⁴, and
/// for the metallic ladder (`none`) the ω → 0 value D_fit compared with Kubo–Greenwood.
public struct DiffusionAnalysis: Sendable {
    /// λ0(q) at the model's ω.
    public let ladder: DiffusionLadder
    public let omega: Double
    /// D(ω) = lim_{q→0} iλ0/q² at the model's ω (fit intercept).
    public let diffusionAtOmega: Complex<Double>
    /// Root-mean-square residual of that fit, relative to |D(ω)|.
    public let fitResidual: Double
    /// D_fit = lim_{ω→0} lim_{q→0} iλ0/q², computed at ω = 0 (`none` only; nil otherwise).
    public let staticDiffusion: Complex<Double>?
    /// D_KG = σ/ρ along the direction.
    public let kuboGreenwood: Double
    /// The Krylov path's cost and accuracy over both ladders (nil on the other paths).
    public let krylovReport: KrylovReport?
    /// True for white noise without a singular vertex, where D_fit = D_KG is an identity.
    public let einsteinApplies: Bool
    /// The ω = 0 ladder behind `staticDiffusion` (`none` at ω ≠ 0; nil otherwise). It does
    /// not depend on ω: the analysis of the same q ladder at another ω can reuse it.
    public let staticLadder: DiffusionLadder?

    /// Relative tolerance of the Einstein identity (docs/model.md §3.7).
    public static let einsteinTolerance = 1e-3

    public var direction: [Double] { ladder.direction }
    public var method: DiffusionMethod { ladder.method }
    public var points: [DiffusionPoint] { ladder.points }

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

    /// The ladder q_j = qmax·j/count, j = 1…count, at ω along `direction` (axis 1 when nil),
    /// qmax = `defaultMaximumMomentum` unless given.
    public static func probes(model: CollisionModel, omega: Double, direction: [Double]? = nil,
                              maximumMomentum: Double? = nil, count: Int = 5) -> [Probe] {
        let d = model.parameters.dimension
        return Probe(dimension: d, omega: omega).ladder(direction: unitDirection(direction, dimension: d),
                                                        maximum: maximumMomentum ?? defaultMaximumMomentum(model: model),
                                                        count: count)
    }

    /// Runs the analysis on `probes` (one ω, momenta along one direction, `Probe.ladder`).
    /// - Parameters:
    ///   - progress: called before each dense or Krylov solve with (done, total), the ω = 0
    ///     ladder of the `none` vertex included.
    ///   - staticLadder: the `staticLadder` of an analysis of this model at another ω (same
    ///     `symmetry`), used instead of solving the ω = 0 ladder again when it has the same
    ///     momenta and method (its Krylov cost is then not in `krylovReport`).
    public init(model: CollisionModel, probes: [Probe], method: DiffusionMethod = .auto, symmetry: Bool = true,
                progress: ((Int, Int) -> Void)? = nil,
                newtonProgress: ((Int, Complex<Double>, Int) -> Void)? = nil,
                reusing staticLadder: DiffusionLadder? = nil) throws {
        let p = model.parameters
        let choice = try DiffusionMethodChoice(method, parameters: p)
        let omega = probes.first?.omega ?? 0
        let staticNeeded = p.singular == .none
        let reusable = staticLadder.flatMap { ladder in
            ladder.choice == choice && ladder.points.map(\.q) == probes.map(\.momentumMagnitude)
                && ladder.direction == (probes.last.map { last in last.q.map { $0 / last.momentumMagnitude } } ?? []) ? ladder : nil
        }
        let total = probes.count * (staticNeeded && omega != 0 && reusable == nil ? 2 : 1)
        var done = 0
        func ladder(_ probes: [Probe]) throws -> DiffusionLadder {
            try DiffusionLadder(model: model, probes: probes, choice: choice, symmetry: symmetry, beforeSolve: {
                progress?(done, total)
                done += 1
            }, newtonProgress: newtonProgress)
        }
        let atOmega = try ladder(probes)
        let fit = try Self.fitIntercept(atOmega.points)
        diffusionAtOmega = fit.intercept
        fitResidual = fit.residual
        var report = atOmega.krylovReport
        if staticNeeded && omega != 0 {
            let atZero = try reusable ?? ladder(probes.map { $0.at(omega: 0) })
            staticDiffusion = try Self.fitIntercept(atZero.points).intercept
            if reusable == nil { report = report.map { $0.merging(atZero.krylovReport ?? KrylovReport()) } }
            self.staticLadder = atZero
        } else {
            staticDiffusion = staticNeeded ? fit.intercept : nil
            self.staticLadder = nil
        }
        self.ladder = atOmega
        self.omega = omega
        krylovReport = report
        // The model's D_KG is along axis 1; another direction needs its own sums.
        let unit = atOmega.direction
        let alongAxis = unit.first == 1 && unit.dropFirst().allSatisfy { $0 == 0 }
        kuboGreenwood = alongAxis ? model.kuboGreenwood.diffusion
            : KuboGreenwood(grid: model.grid, band: model.band, energy: p.energy,
                            selfEnergy: model.selfEnergyAtEnergy, direction: unit).diffusion
        einsteinApplies = model.correlation.isWhiteNoise && p.singular == .none
    }

    /// The form `fitIntercept` fits to `count` points, as the header writes it: three terms
    /// from three points on, fewer below (one point is D(ω, q) at that q, no fit).
    public static func fitForm(pointCount count: Int) -> String {
        switch count {
        case ...1: return "i*lambda0/q^2 = D (one q: D(omega, q) at that q, no fit)"
        case 2: return "i*lambda0/q^2 = D + B q^2 (through two points)"
        default: return "i*lambda0/q^2 = D + B q^2 + C q^4 (least squares)"
        }
    }

    /// Least-squares fit of iλ0/q² = D + B q² + C q⁴ (fewer terms for fewer points),
    /// real and imaginary parts separately (`LeastSquares.polynomial`, LAPACK `dgels`).
    static func fitIntercept(_ points: [DiffusionPoint]) throws -> (intercept: Complex<Double>, residual: Double) {
        let terms = min(3, points.count)
        let squares = points.map { $0.q * $0.q }
        let real = try LeastSquares.polynomial(squares, points.map(\.diffusion.real), terms: terms)
        let imaginary = try LeastSquares.polynomial(squares, points.map(\.diffusion.imaginary), terms: terms)
        let intercept = Complex(real.coefficients[0], imaginary.coefficients[0])
        let residual = (real.residualNorm * real.residualNorm + imaginary.residualNorm * imaginary.residualNorm).squareRoot()
            / (Double(points.count).squareRoot() * max(intercept.length, .leastNormalMagnitude))
        return (intercept, residual)
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
    /// The largest normwise backward error of an inner COCG solve (what they are judged on).
    public var worstInnerBackwardError = 0.0
    /// The largest eigen-residual ‖𝕃v − λv‖/(‖v‖·max(|λ|, scale)) over the ladder.
    public var worstEigenResidual = 0.0
    /// Solves that fell back on LU of the fully symmetric block (`KrylovDiffusion.directMode`).
    public var directSolves = 0

    public init() {}

    /// The report of both ladders (or of the ladders of several ω) together.
    public func merging(_ other: KrylovReport) -> KrylovReport {
        var merged = self
        merged.solves += other.solves
        merged.newtonSteps += other.newtonSteps
        merged.products += other.products
        merged.worstInnerResidual = max(worstInnerResidual, other.worstInnerResidual)
        merged.worstInnerBackwardError = max(worstInnerBackwardError, other.worstInnerBackwardError)
        merged.worstEigenResidual = max(worstEigenResidual, other.worstEigenResidual)
        merged.directSolves += other.directSolves
        return merged
    }

    mutating func record(_ mode: KrylovDiffusion.Mode) {
        solves += 1
        newtonSteps += mode.newtonSteps
        products += mode.products
        worstInnerResidual = max(worstInnerResidual, mode.innerResidual)
        worstInnerBackwardError = max(worstInnerBackwardError, mode.innerBackwardError)
        worstEigenResidual = max(worstEigenResidual, mode.eigenResidual)
        if mode.solver == .lu { directSolves += 1 }
    }
}
