import Numerics

/// A parameter of the self-consistent theories, as the library names it.
public enum TheoryParameter: String, Sendable {
    case dimension, lambda, cutoff, omega, tauSRatio = "tau-s-ratio", latticeCutoff = "lattice-cutoff"
    case amplitudeA = "a", amplitudeB = "b", distance = "tau"
}

/// Bad input to a theory: the parameter, the value, why, and what is allowed.
public struct TheoryInputError: Error, CustomStringConvertible, Sendable {
    public let parameter: TheoryParameter
    public let value: String
    public let reason: String
    public let allowed: String
    public init(_ parameter: TheoryParameter, value: String, reason: String, allowed: String) {
        self.parameter = parameter
        self.value = value
        self.reason = reason
        self.allowed = allowed
    }
    public var description: String { "\(parameter.rawValue): value \(value) \(reason) (allowed: \(allowed))" }
}

/// A self-consistent equation that could not be solved: which equation, where, how many
/// iterations were spent and the last iterates (so the failure can be diagnosed).
public struct TheoryConvergenceError: Error, CustomStringConvertible, Sendable {
    public let equation: String
    public let detail: String
    public let iterations: Int
    public let lastIterates: [Complex<Double>]
    public init(equation: String, detail: String, iterations: Int, lastIterates: [Complex<Double>]) {
        self.equation = equation
        self.detail = detail
        self.iterations = iterations
        self.lastIterates = lastIterates
    }
    public var description: String {
        let iterates = lastIterates.suffix(4).map { "\($0.real)\($0.imaginary < 0 ? "-" : "+")\(abs($0.imaginary))i" }
        return "\(equation): \(detail) after \(iterations) iterations (last iterates: \(iterates.joined(separator: ", ")))"
    }
}
