import Numerics

/// Failures of the closure D* = D_cur(D*) (exit status 3).
public enum ClosureError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The closure's fixed point D* = D_cur(D*) was not reached at ω (last iterates kept).
    case notConverged(omega: Double, iterates: [Complex<Double>])

    public var description: String {
        switch self {
        case let .notConverged(omega, iterates):
            let last = iterates.map { "\($0.real) \($0.imaginary >= 0 ? "+" : "−") \(abs($0.imaginary))i" }.joined(separator: ", ")
            return "the closure D* = D_cur(D*) did not converge at ω = \(omega) in \(ClosureAnalysis.maximumIterations) iterations (last iterates: \(last)); try a denser ω ladder (smaller steps between frequencies) or a larger ω"
        }
    }
}
