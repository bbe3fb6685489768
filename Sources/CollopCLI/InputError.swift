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
    InputError("\(sources.describe(error.parameter)): \(phrase(error))")
}

/// "value V <reason> (allowed: …)", with "is" only when the reason does not bring its
/// own verb: "value 0.1 has 1 components …", not "value 0.1 is has 1 components …".
func phrase(_ error: ParameterError) -> String {
    let reason = error.reason.isEmpty ? "not allowed" : error.reason.flagged
    let verbs = ["is ", "has ", "have ", "needs ", "gives ", "exceeds ", "contains ", "lies ", "makes ", "does ", "cannot "]
    let predicate = verbs.contains { reason.hasPrefix($0) } ? reason : "is \(reason)"
    return "value \(error.value) \(predicate) (allowed: \(error.parameter.allowed))"
}

/// Where each model parameter's value came from, for error messages.
struct ParameterSources: Sendable {
    enum Source: Sendable { case flag, config(path: String), defaultValue }
    var sources: [ParameterName: Source] = [:]

    func describe(_ name: ParameterName) -> String {
        switch sources[name] ?? .defaultValue {
        case .flag: return name.flag
        case .config(let path): return "config key '\(name.key)' in \(path)"
        case .defaultValue: return "\(name.flag) (default)"
        }
    }
}

extension InputName {
    /// The flag that sets the input.
    var flag: String {
        switch self {
        case .parameter(let name): return name.flag
        case .setting(.diffusionMethod): return "--method"
        case .setting(.maximumMomentum): return "--qmax"
        case .setting(.directMemory): return "--direct-memory"
        }
    }
}

extension InputText {
    /// The CLI's wording: each input as its flag, "--singular cooperon" with a value.
    var flagged: String {
        worded { input, value in value.map { "\(input.flag) \($0)" } ?? input.flag }
    }
}

/// The message of a library error, with the inputs it names worded as flags.
func flaggedDescription(_ error: some Error) -> String {
    if let error = error as? ParameterError { return Collop.describe(error) }
    return (error as? any InputNamingError)?.message.flagged ?? "\(error)"
}
