import SpectralAnalysis

/// The CLI's spelling of the diffusion solvers' failures: the library's quantity and reason,
/// with its typed advice written in the options a user can change.
extension DiffusionSolverError {
    /// The message after "Error: " (and "numerical failure: " unless `isInputError`).
    var cliMessage: String {
        switch self {
        case .secularNeedsRankOne:
            return "--method: value secular needs a diagonal-plus-rank-one operator (allowed: white noise, --correlation 0, with --singular none; use dense or auto)"
        case let .invalidLadder(reason):
            return "--qmax: the q ladder has \(reason) (allowed: q_j = qmax·j/nq, qmax > 0, nq ≥ 1)"
        case .noRootFromStart:
            return description
        case let .branchLost(q, detail):
            return "the diffusion branch λ0(q) was lost at |q| = \(q): the mode has merged with the continuum M_k + ΔΣ (\(detail)); use --method dense, whose λ0 is the mode of largest w0, or a smaller --qmax"
        case let .krylovFailure(detail, advice):
            return "the matrix-free Krylov solve did not converge: \(detail)" + advice.map(\.cliText).joined()
        }
    }
}

extension DiffusionSolverAdvice {
    var cliText: String {
        switch self {
        case .denseOnSmallerGridOrLargerOmega:
            return "; try --method dense on a smaller grid, or a larger ω"
        case let .lorentzianContinuum(omega):
            return ". The lorentzian vertex has a gapless continuum of O(η/ω) eigenvalues that no preconditioner here captures at ω = \(omega); take ω ≥ 1e-4 (converged at d = 3, L = 32), or --method dense on a grid that fits"
        }
    }
}

/// An error as a report line writes it ("not computed: …"): the CLI's spelling where it has one.
func describeFailure(_ error: Error) -> String {
    (error as? DiffusionSolverError)?.cliMessage ?? flaggedDescription(error)
}
