import CollisionOperator
import Numerics

/// The operator closed on its own current relaxation (docs/model.md §4, "closure"): at each
/// ω, the D* with
///
///   D* = D_cur(ω; U^sing = F/(−iω + D* Q̂²)),
///
/// the cooperon fed by the current channel of the full operator, every mode kept — where
/// Vollhardt and Wölfle keep only the current mode (VW (25)). D_cur is the vertex-dependent
/// part of the diffusion constant (`CurrentRelaxation`); the Fermi-sea part D_RR does not
/// depend on the vertex and is reported beside D*, as D* + D_RR.
public struct ClosureAnalysis: Sendable {
    /// One frequency of the ladder.
    public struct Point: Sendable, Equatable {
        public var omega: Double
        public var diffusion: Complex<Double>
        /// Fixed-point iterations (evaluations of D_cur).
        public var iterations: Int
        /// |D_cur(D*) − D*| / |D*|.
        public var residual: Double
        /// ω/(|D*|(2π/L)²): below 1 the Q = 0 term of the grid dominates (Thouless regime).
        public var thouless: Double
        /// Products with 𝕃 over all the iterations.
        public var products: Int
        /// The largest normwise backward error ‖j − 𝕃z‖/(‖𝕃‖‖z‖ + ‖j‖) of the current
        /// solves at this ω, and the largest relative residual ‖j − 𝕃z‖/‖j‖ (`CurrentRelaxation`).
        public var currentBackwardError: Double
        public var currentResidual: Double
        /// `.lu` when a current solve at this ω fell back on the direct LU (`DirectFallback`),
        /// else `.luPreconditioned` when one ran COCG preconditioned by a previous LU.
        public var currentSolver: SolvePath
    }

    public let points: [Point]
    /// How the ladder ends (`DiffusionRegime.classify` of D* at the two smallest ω).
    public let ending: DiffusionRegime
    /// ξ in lattice spacings when the ladder ends localized (ξ_eff at the smallest ω).
    public var localizationLength: Double? {
        guard case .localized(let xi2) = ending else { return nil }
        return xi2.squareRoot()
    }

    public static let tolerance = 1e-10
    public static let maximumIterations = 60

    /// Solves the fixed point at every ω of `omegas`, from the largest down, each starting from
    /// the previous D* (the first from D_RA, or `start`).
    /// - Parameters:
    ///   - preconditioner: the pair model the first current solve tries; each ω starts with
    ///     the one the previous ω converged with (`CurrentRelaxation.Channel.preconditioner`);
    ///     once a solve has needed the direct LU fallback, the rest of the ladder (smaller ω,
    ///     worse conditioned) is solved by LU directly (`CurrentRelaxation.Channel.direct`).
    ///   - directMemoryLimit: bytes the LU fallback may hold (`DirectFallback`): in double
    ///     precision where its blocks fit, else in single precision as COCG's preconditioner.
    ///   - progress: (ω index, iteration, current D).
    /// - Throws: `ParameterError` unless the model's vertex is `cooperon`;
    ///   `ClosureError.notConverged` with the last iterates.
    public init(model: CollisionModel, omegas: [Double], start: Complex<Double>? = nil,
                preconditioner: PreconditionerKind = .pairs, directMemoryLimit: Double = DirectFallback.memoryLimit,
                progress: ((Int, Int, Complex<Double>) -> Void)? = nil) throws {
        guard model.parameters.singular == .cooperon else {
            throw ParameterError(.singular, value: model.parameters.singular.rawValue,
                                 reason: "not the cooperon, which the closure feeds with D*")
        }
        let ladder = omegas.sorted(by: >)
        let spacing = model.grid.spacing
        var guess = start ?? Complex(model.kuboGreenwood.onShellDiffusion)
        var points: [Point] = []
        var preferred = preconditioner
        var direct = false          // once COCG has needed the LU fallback, smaller ω go to LU directly
        for (index, omega) in ladder.enumerated() {
            var products = 0
            var evaluations = 0
            var backwardError = 0.0, currentResidual = 0.0
            var solver = SolvePath.cocg
            let channel = try CurrentRelaxation.Channel(model: model, omega: omega, preconditioner: preferred, direct: direct,
                                                            directMemoryLimit: directMemoryLimit)
            func current(_ d: Complex<Double>) throws -> Complex<Double> {
                let result = try channel.diffusion(cooperonDiffusion: d)
                products += result.products
                backwardError = max(backwardError, result.backwardError)
                currentResidual = max(currentResidual, result.residual)
                if result.solver.directness > solver.directness { solver = result.solver }
                evaluations += 1
                progress?(index, evaluations, result.diffusion)
                return result.diffusion
            }
            let solved: Complex<Double>, residual: Double
            do {
                solved = try Self.fixedPoint(start: guess, omega: omega, map: current)
                residual = (try current(solved) - solved).length / solved.length
            } catch DiffusionSolverError.krylovFailure(let detail, let advice) where !points.isEmpty {
                // Name the smallest ω of the ladder that ran: the largest one known to work.
                let reached = points.last!
                throw DiffusionSolverError.krylovFailure(
                    detail: "\(detail); the ladder ran down to ω = \(reached.omega) (D* = \(reached.diffusion)): take ω ≥ \(reached.omega) on this grid",
                    advice: advice)
            }
            points.append(Point(omega: omega, diffusion: solved, iterations: evaluations, residual: residual,
                                thouless: omega / (solved.length * spacing * spacing), products: products,
                                currentBackwardError: backwardError, currentResidual: currentResidual, currentSolver: solver))
            guess = solved
            preferred = channel.preconditioner
            direct = channel.direct
        }
        self.points = points
        ending = DiffusionRegime.classify(points.map { ($0.omega, $0.diffusion) })
    }

    /// D = map(D) by the secant method in the complex plane on g(D) = map(D) − D, from a first
    /// plain step; a step that leaves the physical half plane of D0 (Re D > 0, or Re D = 0
    /// with Im D < 0) is halved. Converged when |ΔD| ≤ tolerance·|D|.
    static func fixedPoint(start: Complex<Double>, omega: Double,
                           map: (Complex<Double>) throws -> Complex<Double>) throws -> Complex<Double> {
        var previous = start
        var gPrevious = try map(previous) - previous
        var current = previous + gPrevious
        if !DiffusionRegime.isPhysical(current) { current = previous + gPrevious * Complex(0.5) }
        var history = [previous, current]
        for _ in 0..<maximumIterations {
            let g = try map(current) - current
            let denominator = g - gPrevious
            var step = denominator == .zero ? g : Complex(-1) * g * (current - previous) / denominator
            var next = current + step
            var halvings = 0
            while !DiffusionRegime.isPhysical(next) && halvings < 40 {
                step = step * Complex(0.5)
                next = current + step
                halvings += 1
            }
            history.append(next)
            if (next - current).length <= tolerance * next.length {
                return next
            }
            previous = current
            gPrevious = g
            current = next
        }
        throw ClosureError.notConverged(omega: omega, iterates: Array(history.suffix(4)))
    }
}
