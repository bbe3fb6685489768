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
        /// √Re(iD*/ω): the length D* = −iωξ² would give (lattice spacings).
        public var effectiveLength: Double {
            let value = (Complex(0, 1) * diffusion / Complex(omega)).real
            return value > 0 ? value.squareRoot() : .nan
        }
    }

    /// How the ladder ends.
    public enum Ending: String, Sendable {
        /// D* ≈ −iωξ² at the two smallest ω: ξ_eff agrees to 10 % and |Im D*| > 3 Re D*.
        case localized
        /// Re D* dominates and does not fall with ω like ω itself.
        case diffusive
        /// Neither, on this ladder.
        case undetermined
    }

    public let points: [Point]
    public let ending: Ending
    /// ξ in lattice spacings when the ladder ends localized (ξ_eff at the smallest ω).
    public let localizationLength: Double?

    public static let tolerance = 1e-10
    public static let maximumIterations = 60

    /// Solves the fixed point at every ω of `omegas`, from the largest down, each starting from
    /// the previous D* (the first from D_RA, or `start`).
    /// - Parameter progress: (ω index, iteration, current D).
    /// - Throws: `ParameterError` unless the model's vertex is `cooperon`;
    ///   `ClosureError.notConverged` with the last iterates.
    public init(model: CollisionModel, omegas: [Double], start: Complex<Double>? = nil,
                progress: ((Int, Int, Complex<Double>) -> Void)? = nil) throws {
        guard model.parameters.singular == .cooperon else {
            throw ParameterError(.singular, value: model.parameters.singular.rawValue,
                                 reason: "not the cooperon, which the closure feeds with D*")
        }
        let ladder = omegas.sorted(by: >)
        let spacing = model.grid.spacing
        var guess = start ?? Complex(model.kuboGreenwood.onShellDiffusion)
        var points: [Point] = []
        for (index, omega) in ladder.enumerated() {
            var products = 0
            var evaluations = 0
            let channel = try CurrentRelaxation.Channel(model: model, omega: omega)
            func current(_ d: Complex<Double>) throws -> Complex<Double> {
                let result = try channel.diffusion(cooperonDiffusion: d)
                products += result.products
                evaluations += 1
                progress?(index, evaluations, result.diffusion)
                return result.diffusion
            }
            let solved = try Self.fixedPoint(start: guess, omega: omega, map: current)
            let residual = (try current(solved) - solved).length / solved.length
            points.append(Point(omega: omega, diffusion: solved, iterations: evaluations, residual: residual,
                                thouless: omega / (solved.length * spacing * spacing), products: products))
            guess = solved
        }
        self.points = points
        (ending, localizationLength) = Self.classify(points)
    }

    /// D = map(D) by the secant method in the complex plane on g(D) = map(D) − D, from a first
    /// plain step; a step that leaves the physical half plane of D0 (Re D > 0, or Re D = 0
    /// with Im D < 0) is halved. Converged when |ΔD| ≤ tolerance·|D|.
    static func fixedPoint(start: Complex<Double>, omega: Double,
                           map: (Complex<Double>) throws -> Complex<Double>) throws -> Complex<Double> {
        func physical(_ d: Complex<Double>) -> Bool { d.isFinite && (d.real > 0 || (d.real == 0 && d.imaginary < 0)) }
        var previous = start
        var gPrevious = try map(previous) - previous
        var current = previous + gPrevious
        if !physical(current) { current = previous + gPrevious * Complex(0.5) }
        var history = [previous, current]
        for _ in 0..<maximumIterations {
            let g = try map(current) - current
            let denominator = g - gPrevious
            var step = denominator == .zero ? g : Complex(-1) * g * (current - previous) / denominator
            var next = current + step
            var halvings = 0
            while !physical(next) && halvings < 40 {
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

    static func classify(_ points: [Point]) -> (Ending, Double?) {
        guard points.count >= 2 else { return (.undetermined, nil) }
        let last = points[points.count - 1], before = points[points.count - 2]
        let a = last.effectiveLength, b = before.effectiveLength
        if last.diffusion.imaginary < 0, abs(last.diffusion.imaginary) > 3 * last.diffusion.real,
           a.isFinite, b.isFinite, abs(a - b) <= 0.1 * a {
            return (.localized, a)
        }
        if last.diffusion.real > 3 * abs(last.diffusion.imaginary),
           last.diffusion.real > 0.5 * before.diffusion.real {
            return (.diffusive, nil)
        }
        return (.undetermined, nil)
    }
}
