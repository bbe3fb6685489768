import Foundation

/// Which of the two LAPACK calls of a `*_work` routine failed.
public enum LapackPhase: String, Sendable, Equatable {
    case workspaceQuery = "workspace query"
    case computation = "computation"
}

/// Everything the dense linear-algebra layer can throw.
///
/// LAPACK failures keep the routine name and the raw `info` code: `info < 0` means
/// argument number −info was illegal (a bug in the wrapper, never user input),
/// `info > 0` means the algorithm did not converge (its meaning is routine-specific
/// and quoted in the message).
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An input element is NaN or infinite; LAPACK was not called.
    case nonFiniteInput(routine: String, row: Int, column: Int)
    /// The routine needs a square matrix.
    case notSquare(routine: String, rows: Int, columns: Int)
    /// Shapes of the operands do not fit together.
    case shapeMismatch(operation: String, expected: String, found: String)
    /// The order exceeds what a 32-bit LAPACK integer can index.
    case orderTooLarge(routine: String, order: Int)
    /// LAPACK returned `info < 0`: argument `-info` had an illegal value.
    case illegalArgument(routine: String, info: Int32, phase: LapackPhase)
    /// LAPACK returned `info > 0`: the algorithm failed (no convergence, rank deficiency…).
    case algorithmFailure(routine: String, info: Int32, detail: String)
    /// An iterative solver outside LAPACK did not converge.
    case iterationLimit(solver: String, iterations: Int, lastChange: Double)
    /// The system refused a large buffer (malloc returned nil, e.g. under `ulimit -v`):
    /// `bytes` asked for, `purpose` what it was for.
    case allocationFailed(bytes: Double, purpose: String)

    /// The LAPACK `info` code, when the error came from LAPACK.
    public var lapackInfo: Int32? {
        switch self {
        case .illegalArgument(_, let info, _), .algorithmFailure(_, let info, _): return info
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case let .nonFiniteInput(routine, row, column):
            return "\(routine): input element (\(row), \(column)) is NaN or infinite; LAPACK was not called"
        case let .notSquare(routine, rows, columns):
            return "\(routine): needs a square matrix, got \(rows)×\(columns)"
        case let .shapeMismatch(operation, expected, found):
            return "\(operation): expected \(expected), found \(found)"
        case let .orderTooLarge(routine, order):
            return "\(routine): order \(order) exceeds the 32-bit LAPACK index range"
        case let .illegalArgument(routine, info, phase):
            return "\(routine) (\(phase.rawValue)): argument \(-info) had an illegal value (info = \(info))"
        case let .algorithmFailure(routine, info, detail):
            return "\(routine): \(detail) (info = \(info))"
        case let .iterationLimit(solver, iterations, lastChange):
            return "\(solver): no convergence after \(iterations) iterations (last change \(lastChange))"
        case let .allocationFailed(bytes, purpose):
            return "the system refused \(Self.describe(bytes: bytes)) for \(purpose) (out of memory or address space, e.g. ulimit -v)"
        }
    }
}

extension LinearAlgebraError {
    /// Bytes in MiB or GiB, for messages.
    public static func describe(bytes: Double) -> String {
        bytes >= Double(1 << 30) ? String(format: "%.1f GiB", bytes / Double(1 << 30)) : String(format: "%.0f MiB", bytes / Double(1 << 20))
    }
}
