import CollisionOperator
import Numerics

/// Failures of the diffusion-mode solvers (`DiffusionModeSolver`) and of the matrix-free
/// current solve (`CurrentRelaxation`). They name the quantity and the reason; the settings a
/// user can change are `InputText` references, which the CLI spells as its flags.
public enum DiffusionSolverError: InputNamingError, Equatable, Sendable {
    /// The secular method needs 𝕃 diagonal plus rank one (white noise, no singular vertex):
    /// bad input.
    case secularNeedsRankOne
    /// A ladder of probes the diffusion pole cannot be fitted on (bad input).
    case invalidLadder(reason: String)
    /// An iteration that starts from a guess found no root from it (`retryable`: it ran out of
    /// iterations, so a nearer start may succeed).
    case noRootFromStart(detail: String, retryable: Bool)
    /// The continuation of λ0(q) found no root at |q| = q: the diffusion mode has merged with
    /// the continuum M_k + ΔΣ (q beyond the diffusive regime).
    case branchLost(q: Double, detail: String)
    /// A matrix-free Krylov solve (λ0's Newton–COCG, or the current solve of the closure) did
    /// not converge: which, and the residual reached, in `detail`.
    case krylovFailure(detail: String, advice: [DiffusionSolverAdvice])

    /// True for bad input (the rest are numerical failures).
    public var isInputError: Bool {
        switch self {
        case .secularNeedsRankOne, .invalidLadder: return true
        case .noRootFromStart, .branchLost, .krylovFailure: return false
        }
    }

    public var message: InputText {
        switch self {
        case .secularNeedsRankOne:
            return "the secular method needs a diagonal-plus-rank-one operator (white noise without a singular vertex)"
        case let .invalidLadder(reason):
            return "the q ladder has \(reason)"
        case let .noRootFromStart(detail, _):
            return "the secular equation has no root near the start: \(detail)"
        case let .branchLost(q, detail):
            return "the diffusion branch λ0(q) was lost at |q| = \(q): the mode has merged with the continuum M_k + ΔΣ (\(detail)); use \(AnalysisSetting.diffusionMethod, value: "dense"), whose λ0 is the mode of largest w0, or a smaller \(AnalysisSetting.maximumMomentum)"
        case let .krylovFailure(detail, advice):
            return advice.reduce("the matrix-free Krylov solve did not converge: \(detail)") { $0 + $1.message }
        }
    }
}

/// What to do after a failed solve, as the library knows it.
public enum DiffusionSolverAdvice: Equatable, Sendable {
    /// The dense method on a smaller grid, or a larger ω.
    case denseOnSmallerGridOrLargerOmega
    /// The direct fallback's single-precision LU needs `neededBytes`, more than allowed.
    case directMemory(neededBytes: Double)
    /// The lorentzian vertex's gapless continuum of O(η/ω) eigenvalues at ω defeats the
    /// preconditioner: ω ≥ 1e-4, or the dense method on a grid that fits.
    case lorentzianContinuum(omega: Double)

    /// The advice as it follows the failure's text.
    public var message: InputText {
        switch self {
        case .denseOnSmallerGridOrLargerOmega:
            return "; try \(AnalysisSetting.diffusionMethod, value: "dense") on a smaller grid, or a larger ω"
        case let .directMemory(neededBytes):
            let gib = (neededBytes / Double(1 << 30) * 100).rounded(.up) / 100
            return "; the single-precision LU, COCG's preconditioner, needs \(String(format: "%.2f", gib)) GiB: allow it with \(AnalysisSetting.directMemory, value: String(format: "%.2f", gib)) if the machine holds it, or take a larger ω"
        case let .lorentzianContinuum(omega):
            return ". The lorentzian vertex has a gapless continuum of O(η/ω) eigenvalues that no preconditioner here captures at ω = \(omega); take ω ≥ 1e-4 (converged at d = 3, L = 32), or \(AnalysisSetting.diffusionMethod, value: "dense") on a grid that fits"
        }
    }
}
