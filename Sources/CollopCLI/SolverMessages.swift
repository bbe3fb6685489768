import CollisionOperator
import SpectralAnalysis

/// The CLI's spelling of the diffusion solvers' failures: the two input errors in the CLI's
/// "--flag: value … (allowed: …)" form, the rest as the library's message with flags.
extension DiffusionSolverError {
    /// The message after "Error: " (and "numerical failure: " unless `isInputError`).
    var cliMessage: String {
        switch self {
        case .secularNeedsRankOne:
            return "--method: value secular needs a diagonal-plus-rank-one operator (allowed: white noise, \(ParameterName.correlation.flag) 0, with \(ParameterName.singular.flag) none; use dense or auto)"
        case let .invalidLadder(reason):
            return "--qmax: the q ladder has \(reason) (allowed: q_j = qmax·j/nq, qmax > 0, nq ≥ 1)"
        case let .krylovFailure(detail, advice):
            // Advice to allow more memory than the machine has is no advice.
            let available = MemoryPlan.availableBytes()
            let feasible = advice.filter { item in
                if case .directMemory(let needed) = item { return needed <= available }
                return true
            }
            return DiffusionSolverError.krylovFailure(detail: detail, advice: feasible).message.flagged
        case .noRootFromStart, .branchLost:
            return message.flagged
        }
    }
}

/// An error as a report line writes it ("not computed: …"): the CLI's spelling where it has one.
func describeFailure(_ error: Error) -> String {
    (error as? DiffusionSolverError)?.cliMessage ?? flaggedDescription(error)
}
