import CollisionOperator
import SpectralAnalysis
import Testing

/// The solvers' failures name the settings a user can change as references (`InputText`), so
/// the library words them as quantities and a front end as its own options: no spelling of a
/// flag lives in the library, and the advice follows the failure's text.
@Suite("Diffusion solver errors")
struct DiffusionSolverErrorTests {
    @Test func settingsAreReferencesWordedAsQuantities() {
        let lost = DiffusionSolverError.branchLost(q: 0.5, detail: "no root")
        let settings = lost.message.parts.compactMap { part -> InputName? in
            if case let .input(input, _) = part { return input } else { return nil }
        }
        #expect(settings == [.setting(.diffusionMethod), .setting(.maximumMomentum)])
        #expect(lost.description.contains("use the λ0 solver = dense, whose λ0 is the mode of largest w0, or a smaller q_max"))

        let failed = DiffusionSolverError.krylovFailure(detail: "stalled", advice: [.denseOnSmallerGridOrLargerOmega, .lorentzianContinuum(omega: 1e-5)])
        let text = failed.description
        #expect(text.hasPrefix("the matrix-free Krylov solve did not converge: stalled; try the λ0 solver = dense on a smaller grid"))
        #expect(text.contains(". The lorentzian vertex has a gapless continuum") && text.contains("at ω = 1e-05"))
        for error in [lost, failed] { #expect(!error.description.contains("--")) }
    }
}
