/// Failures of the diffusion mode's solvers (secular continuation, matrix-free Krylov) and of
/// the current solve (exit status 3).
public enum DiffusionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The secular continuation of λ0(q) found no root: the diffusion mode has merged with
    /// the continuum M_k + ΔΣ (q beyond the diffusive regime).
    case secularBranchLost(q: Double, detail: String)
    /// A matrix-free Krylov solve (λ0's Newton–COCG, or the current solve of the closure) did
    /// not converge; the detail says which, the residual reached and what to do.
    case krylovFailure(detail: String)

    public var description: String {
        switch self {
        case let .secularBranchLost(q, detail):
            return "the diffusion branch λ0(q) was lost at |q| = \(q): the mode has merged with the continuum M_k + ΔΣ (\(detail))"
        case let .krylovFailure(detail):
            return "the matrix-free Krylov solve did not converge: \(detail)"
        }
    }
}
