import CollisionOperator

/// Bad input found by the CLI (exit status 2): the message names the flag or config
/// key, the value and what is allowed.
public struct InputError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A parameter error phrased for where the value came from (flag, config key or default).
func inputError(_ error: ParameterError, sources: ParameterSources) -> InputError {
    InputError("\(sources.describe(error.parameter)): \(error.explanation)")
}

/// Where each model parameter's value came from, for error messages.
struct ParameterSources: Sendable {
    enum Source: Sendable { case flag, config(path: String), defaultValue }
    var sources: [ParameterName: Source] = [:]

    func describe(_ name: ParameterName) -> String {
        switch sources[name] ?? .defaultValue {
        case .flag: return "--\(name.rawValue)"
        case .config(let path): return "config key '\(name.rawValue)' in \(path)"
        case .defaultValue: return "--\(name.rawValue) (default)"
        }
    }
}
