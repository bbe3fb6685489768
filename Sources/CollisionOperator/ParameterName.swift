/// The inputs of the model (docs/model.md §2) and of the probe (q, ω), as the library names
/// them in its errors. A front end gives each its own spelling (the CLI: a flag and a config
/// key); the library speaks of the quantity.
public enum ParameterName: Sendable, CaseIterable, Hashable {
    case dim, size, hopping, energy, omega, q, disorder, u0, correlation
    case selfEnergy
    case gamma, singular, xi, range, profile, zeta, amplitude, d0
    case wardProjection
    case scbaMaxIterations

    /// The quantity, as the physics writes it: "L", "U^sing", "the SCBA iteration limit".
    public var quantity: String {
        switch self {
        case .dim: return "d"
        case .size: return "L"
        case .hopping: return "t"
        case .energy: return "E"
        case .omega: return "ω"
        case .q: return "q"
        case .disorder: return "W"
        case .u0: return "U0"
        case .correlation: return "r_c"
        case .selfEnergy: return "the self-energy Σ"
        case .gamma: return "γ"
        case .singular: return "U^sing"
        case .xi: return "ξ"
        case .range: return "R"
        case .profile: return "the envelope profile"
        case .zeta: return "ζ"
        case .amplitude: return "F"
        case .d0: return "D0"
        case .wardProjection: return "the Ward projection"
        case .scbaMaxIterations: return "the SCBA iteration limit"
        }
    }
}

/// A setting of an analysis (not of the model) that a library message may point the user to.
public enum AnalysisSetting: Sendable, CaseIterable, Hashable {
    /// The solver of the diffusion mode λ0(q): secular, dense or Krylov.
    case diffusionMethod
    /// The largest |q| of a momentum ladder.
    case maximumMomentum
    /// The bytes the direct fallback's LU may hold (docs/solvers.md).
    case directMemory

    /// The setting, as the physics writes it.
    public var quantity: String {
        switch self {
        case .diffusionMethod: return "the λ0 solver"
        case .maximumMomentum: return "q_max"
        case .directMemory: return "the direct fallback's memory"
        }
    }
}

/// An input a message refers to: a model parameter or an analysis setting.
public enum InputName: Sendable, Hashable {
    case parameter(ParameterName)
    case setting(AnalysisSetting)

    /// The quantity, as the physics writes it.
    public var quantity: String {
        switch self {
        case .parameter(let name): return name.quantity
        case .setting(let setting): return setting.quantity
        }
    }
}

/// A model input outside its allowed range. The CLI turns it into exit status 2 with a
/// message naming the flag (or config key), the value and what is allowed.
public struct ParameterError: Error, Equatable, Sendable, CustomStringConvertible {
    public var parameter: ParameterName
    public var value: String
    /// Why this value is refused, when more specific than "out of range".
    public var reason: InputText

    public init(_ parameter: ParameterName, value: String, reason: InputText = "out of range") {
        self.parameter = parameter
        self.value = value
        self.reason = reason
    }

    /// "L: value 1 is out of range".
    public var description: String {
        "\(parameter.quantity): value \(value) is \(reason.isEmpty ? "not allowed" : reason.description)"
    }
}
