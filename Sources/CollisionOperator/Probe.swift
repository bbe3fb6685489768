/// The point (q, ω) at which the collision operator is evaluated: the external momentum q
/// (any real vector of the model's dimension, not necessarily a grid vector) and the
/// frequency ω. The model knows nothing of it; `CollisionModel.operator(at:)` builds 𝕃
/// there. An analysis that needs a ladder receives a ladder of probes.
public struct Probe: Sendable, Equatable {
    public var q: [Double]
    public var omega: Double

    /// The default frequency ω of docs/model.md §2.
    public static let defaultOmega = 1e-3

    public init(q: [Double], omega: Double) {
        self.q = q
        self.omega = omega
    }

    /// q = 0 in `dimension` components.
    public init(dimension: Int, omega: Double) {
        self.init(q: [Double](repeating: 0, count: max(dimension, 0)), omega: omega)
    }

    /// True when q = 0 exactly.
    public var isZeroMomentum: Bool { q.allSatisfy { $0 == 0 } }

    /// The same ω at another momentum.
    public func at(q: [Double]) -> Probe { Probe(q: q, omega: omega) }

    /// The same q at another frequency.
    public func at(omega: Double) -> Probe { Probe(q: q, omega: omega) }

    /// The same q at each ω of `omegas`: a frequency ladder.
    public func ladder(omegas: [Double]) -> [Probe] { omegas.map { at(omega: $0) } }

    /// The same ω at q = qⱼ·n̂ for each magnitude qⱼ of `momenta`: a momentum ladder along
    /// n̂ = `direction`/|`direction`| (any nonzero vector).
    public func ladder(direction: [Double], momenta: [Double]) -> [Probe] {
        let length = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let unit = direction.map { $0 / length }
        return momenta.map { magnitude in at(q: unit.map { $0 * magnitude }) }
    }

    /// The same ω at qⱼ = `maximum`·j/`count`, j = 1…`count`, along `direction`: the evenly
    /// spaced ladder of the diffusion pole and the dispersion.
    public func ladder(direction: [Double], maximum: Double, count: Int) -> [Probe] {
        ladder(direction: direction, momenta: (1...max(count, 1)).map { maximum * Double($0) / Double(max(count, 1)) })
    }

    /// |q|.
    public var momentumMagnitude: Double { q.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// Checks the probe against the model it is meant for: ω finite and ≥ 0 (> 0 where the
    /// singular vertex divides by ω), q with `dimension` finite components (any q defines an
    /// operator; q and q + 2π agree only for even L, a choice left to the caller). Throws a
    /// `ParameterError` naming `omega` or `q`.
    public func validate(for parameters: ModelParameters) throws(ParameterError) {
        guard omega.isFinite else { throw ParameterError(.omega, value: format(omega), reason: "not a finite number") }
        if parameters.singularDividesByOmega {
            guard omega > 0 else {
                throw ParameterError(.omega, value: format(omega), reason: "not > 0, but \(ParameterName.singular, value: parameters.singular.rawValue) divides by ω")
            }
        } else {
            guard omega >= 0 else { throw ParameterError(.omega, value: format(omega)) }
        }
        guard q.count == parameters.dimension else {
            throw ParameterError(.q, value: q.map(format).joined(separator: ","),
                                 reason: "has \(q.count) components but \(ParameterName.dim) is \(parameters.dimension)")
        }
        for component in q {
            guard component.isFinite else { throw ParameterError(.q, value: format(component), reason: "not a finite number") }
        }
    }
}
