/// The names of the model inputs, spelled as the command-line flags (without `--`)
/// and as the keys of a config file. One list, so help, config parsing and error
/// messages cannot drift apart.
public enum ParameterName: String, Sendable, CaseIterable, Hashable {
    case dim, size, hopping, energy, omega, q, disorder, u0, correlation
    case selfEnergy = "self-energy"
    case gamma, singular, xi, range, profile, zeta, amplitude, d0
    case wardProjection = "ward-projection"
    case scbaMaxIterations = "scba-max-iterations"

    /// What the parameter accepts, as printed in `--help` and in error messages.
    public var allowed: String {
        switch self {
        case .dim: return "an integer 1…4"
        case .size: return "an integer ≥ 2 (N = L^d grid points)"
        case .hopping: return "a finite number > 0"
        case .energy: return "a finite number inside the disorder-broadened band"
        case .omega: return "a finite number > 0 (≥ 0 with --singular none)"
        case .q: return "dim finite numbers, comma-separated"
        case .disorder: return "a finite number > 0 (U0 = W²/12); not together with --u0"
        case .u0: return "a finite number > 0; not together with --disorder"
        case .correlation: return "a finite number ≥ 0 with 4·⌊3r_c/√2⌋ < L"
        case .selfEnergy: return "scba or fixed"
        case .gamma: return "a finite number > 0, only with --self-energy fixed"
        case .singular: return "none, localized, lorentzian or cooperon"
        case .xi: return "a finite number > 0, or vw (ξ of the lattice VW solution; --singular lorentzian)"
        case .range: return "a finite number ≥ 0 with 2R < L"
        case .profile: return "exp or power"
        case .zeta: return "a finite number for which the power envelope max(|x|,1)^(−d−ζ) stays finite on |x| ≤ R/2"
        case .amplitude: return "a finite number > 0"
        case .d0: return "a finite number > 0, or re,im with re > 0 (or re = 0 and im < 0), or vw (D(ω) of the lattice VW solution)"
        case .wardProjection: return "on or off"
        case .scbaMaxIterations: return "an integer ≥ 1"
        }
    }
}

/// A model input outside its allowed range. The CLI turns it into exit status 2 with a
/// message naming the flag (or config key), the value and what is allowed.
public struct ParameterError: Error, Equatable, Sendable, CustomStringConvertible {
    public var parameter: ParameterName
    public var value: String
    /// Why this value is refused, when more specific than "out of range".
    public var reason: String

    public init(_ parameter: ParameterName, value: String, reason: String = "out of range") {
        self.parameter = parameter
        self.value = value
        self.reason = reason
    }

    /// "value 1 is out of range (allowed: an integer ≥ 2 …)".
    public var explanation: String { "value \(value) is \(reason.isEmpty ? "not allowed" : reason) (allowed: \(parameter.allowed))" }

    public var description: String { "--\(parameter.rawValue): \(explanation)" }
}
