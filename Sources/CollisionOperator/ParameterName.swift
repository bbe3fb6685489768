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
    /// The frequencies ω of a ladder.
    case frequencies

    /// The setting, as the physics writes it.
    public var quantity: String {
        switch self {
        case .diffusionMethod: return "the λ0 solver"
        case .maximumMomentum: return "q_max"
        case .frequencies: return "the ω ladder"
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

/// A message that refers to inputs by name rather than by spelling, so that each front end
/// words them its own way: the library by the quantity ("a smaller ξ or R", "U^sing =
/// cooperon"), the CLI by its flags.
/// Written as a string with the inputs interpolated: `"raise \(ParameterName.scbaMaxIterations)"`.
public struct InputText: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
    public enum Part: Sendable, Equatable {
        case text(String)
        /// An input, optionally with a value it is set to.
        case input(InputName, value: String?)
    }

    public private(set) var parts: [Part]

    public init(parts: [Part]) { self.parts = parts }

    public init(stringLiteral value: String) { parts = [.text(value)] }

    public init(stringInterpolation: StringInterpolation) { parts = stringInterpolation.parts }

    public struct StringInterpolation: StringInterpolationProtocol {
        var parts: [Part] = []

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) { appendText(literal) }

        public mutating func appendInterpolation(_ parameter: ParameterName) {
            parts.append(.input(.parameter(parameter), value: nil))
        }

        /// The parameter set to `value`: "U^sing = cooperon" in the library's wording.
        public mutating func appendInterpolation(_ parameter: ParameterName, value: String) {
            parts.append(.input(.parameter(parameter), value: value))
        }

        public mutating func appendInterpolation(_ setting: AnalysisSetting) {
            parts.append(.input(.setting(setting), value: nil))
        }

        public mutating func appendInterpolation(_ setting: AnalysisSetting, value: String) {
            parts.append(.input(.setting(setting), value: value))
        }

        public mutating func appendInterpolation<T>(_ value: T) { appendText(String(describing: value)) }

        private mutating func appendText(_ text: String) {
            guard !text.isEmpty else { return }
            if case .text(let previous)? = parts.last {
                parts[parts.count - 1] = .text(previous + text)
            } else {
                parts.append(.text(text))
            }
        }
    }

    /// The text with each input worded by `name` (given the input and the value it is set to).
    public func worded(_ name: (InputName, String?) -> String) -> String {
        parts.map { part in
            switch part {
            case .text(let text): return text
            case let .input(input, value): return name(input, value)
            }
        }.joined()
    }

    /// The library's wording: the quantity, "U^sing = cooperon" with a value.
    public var description: String {
        worded { input, value in value.map { "\(input.quantity) = \($0)" } ?? input.quantity }
    }

    /// True when the text has no parts (an empty reason).
    public var isEmpty: Bool { parts.isEmpty }
}

/// An error whose message refers to inputs (`InputText`): the CLI words it with its flags,
/// the library's `description` with the quantities.
public protocol InputNamingError: Error, CustomStringConvertible {
    var message: InputText { get }
}

extension InputNamingError {
    public var description: String { message.description }
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
