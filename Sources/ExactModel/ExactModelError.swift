import DenseLinearAlgebra

/// What the exact solution of the lattice Anderson model can throw. Messages name the
/// physical quantity and the reason; the CLI maps them to its flags.
public enum ExactModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A parameter of the model or of the method is out of range.
    case invalidParameter(name: String, value: String, allowed: String)
    /// The smallest positive Lyapunov exponent of a bar did not reach the requested
    /// relative error within the step limit.
    case precisionNotReached(width: Int, disorder: Double, requested: Double, reached: Double, steps: Int)
    /// No eigenvalue of any sample fell into the energy window with an origin inside the bulk.
    case emptyWindow(energy: Double, window: Double, samples: Int)
    /// A LAPACK call failed.
    case linearAlgebra(LinearAlgebraError)

    public var description: String {
        switch self {
        case let .invalidParameter(name, value, allowed):
            return "\(name): value \(value) is not allowed (allowed: \(allowed))"
        case let .precisionNotReached(width, disorder, requested, reached, steps):
            return "the smallest positive Lyapunov exponent of the bar of width \(width) at disorder W = \(disorder) reached a relative error of \(reached) after \(steps) steps, not the requested \(requested)"
        case let .emptyWindow(energy, window, samples):
            return "no eigenvalue in the window of width \(window) around E = \(energy) in \(samples) samples"
        case let .linearAlgebra(error):
            return error.description
        }
    }
}

/// Runs a linear-algebra call, wrapping its error.
@inline(__always)
func lapack<T>(_ body: () throws(LinearAlgebraError) -> T) throws(ExactModelError) -> T {
    do { return try body() } catch { throw .linearAlgebra(error) }
}
