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

    /// The two texts one after the other.
    public static func + (lhs: InputText, rhs: InputText) -> InputText {
        var joined = lhs
        for part in rhs.parts {
            if case .text(let next) = part, case .text(let previous)? = joined.parts.last {
                joined.parts[joined.parts.count - 1] = .text(previous + next)
            } else {
                joined.parts.append(part)
            }
        }
        return joined
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
