import CollisionOperator
import DenseLinearAlgebra
import Numerics
import SpectralAnalysis
import TestSupport
import Testing

/// D_cur = −i(j, 𝕃⁻¹j)/(s, s) (docs/model.md §4): with no singular vertex it is D_RA, and
/// D_q + D_cur is the fitted diffusion constant of 𝕃 (D_q = i(s, Ms)/((s, s)q²) → D_RR).
@Suite struct CurrentRelaxationTests {
    /// F = 0 (`none`, white noise): D_cur = D_RA at ω → 0 (ω = 1e-9 here, so to ~1e-8).
    @Test(arguments: [(1, 256), (2, 24), (3, 10)])
    func noVertexGivesTheOnShellPart(dimension: Int, size: Int) throws {
        var p = ModelSetup()
        p.dimension = dimension
        p.size = size
        p.singular = .none
        p.omega = 0
        let model = try p.model()
        let current = try CurrentRelaxation.currentDiffusion(model: model, omega: 0)
        let dRA = model.kuboGreenwood.onShellDiffusion
        #expect((current.diffusion - Complex(dRA)).length <= 1e-10 * dRA, "\(current.diffusion) vs D_RA \(dRA)")
        #expect(current.residual <= CurrentRelaxation.tolerance)
    }

    /// The split D_eff = D_q + D_cur against the q → 0 fit of iλ0/q² (dense), for vertices
    /// that act in the current channel, at the model's ω.
    @Test(arguments: [SingularModel.none, .cooperon, .localized, .lorentzian])
    func currentPlusStreamingIsTheFittedDiffusion(singular: SingularModel) throws {
        var p = ModelSetup()
        p.size = 12
        p.singular = singular
        let model = try p.model()
        let fit = try DiffusionAnalysis(model: model, count: 5, method: .dense)
        let current = try CurrentRelaxation.currentDiffusion(model: model, omega: p.omega)
        // D_q at the same ω: the streaming term over q², extrapolated like the fit.
        let q = 1e-3
        let fields = try model.fields(q: [q, 0], omega: p.omega)
        let dq = Complex(0, 1) * fields.streamingTerm / Complex(q * q)
        let split = dq + current.diffusion
        print(singular, "fit", fit.diffusionAtOmega, "D_q", dq, "D_cur", current.diffusion)
        #expect((split - fit.diffusionAtOmega).length <= 1e-4 * fit.diffusionAtOmega.length)
    }
}
