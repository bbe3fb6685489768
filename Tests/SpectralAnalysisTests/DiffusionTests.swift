import CollisionOperator
import Numerics
import SpectralAnalysis
import TestSupport
import Testing

@Suite("Diffusion pole and the Einstein relation")
struct DiffusionTests {
    static func metallic(_ d: Int, _ L: Int, disorder: Double, omega: Double = 1e-3, energy: Double = 0.3) -> ModelSetup {
        var p = ModelSetup()
        p.dimension = d; p.size = L; p.disorder = .width(disorder); p.omega = omega; p.energy = energy
        p.singular = .none
        return p
    }

    /// docs/model.md §3.7 on converged white-noise grids (L beyond which D_KG no longer moves),
    /// d = 1, 2, 3, at several energies.
    @Test(arguments: [(1, 512, 2.0, 0.3), (1, 256, 3.0, -1.2), (2, 96, 3.0, 0.3), (2, 128, 2.0, 1.5), (3, 32, 4.0, 0.3), (3, 24, 5.0, -2.0)])
    func einsteinRelationOnConvergedGrids(d: Int, size: Int, disorder: Double, energy: Double) throws {
        let model = try Self.metallic(d, size, disorder: disorder, energy: energy).model()
        let analysis = try DiffusionAnalysis(model: model)
        #expect(analysis.method == .secular)
        #expect(analysis.einsteinApplies)
        // The identity holds far inside the tool's 1e-3 (which covers the q → 0 extrapolation on
        // any grid): measured 8e-9 … 1.7e-7 on these grids (largest in d = 1, L = 512): bound 2e-6.
        #expect(analysis.relativeDifference <= 2e-6)
        #expect(analysis.relativeDifference <= DiffusionAnalysis.einsteinTolerance)
        #expect(analysis.points.allSatisfy { $0.zeroModeOverlap > 0.99 })
    }

    /// With SCBA on the shifted grids the relation is an identity of the grid, so it holds
    /// far beyond 1e-3 even on small, unconverged grids: measured 5e-10 … 2.7e-8 here, bound 3e-7.
    @Test(arguments: [(1, 16, 2.0), (2, 12, 2.0), (3, 6, 3.0)])
    func einsteinRelationIsAGridIdentity(d: Int, size: Int, disorder: Double) throws {
        let model = try Self.metallic(d, size, disorder: disorder).model()
        let analysis = try DiffusionAnalysis(model: model)
        #expect(analysis.relativeDifference <= 3e-7)
    }

    /// Two independent computations of λ0(q): the O(N) secular equation and dense zgeev.
    @Test(arguments: [(1, 32, 0.05), (2, 10, 0.03), (3, 6, 0.04), (2, 8, 0.15)])
    func secularAndDenseAgree(d: Int, size: Int, q: Double) throws {
        let model = try Self.metallic(d, size, disorder: 2).model()
        var vector = [Double](repeating: 0, count: d)
        vector[0] = q
        if d > 1 { vector[1] = 0.5 * q }
        let secular = try DiffusionAnalysis.diffusionPoint(model: model, q: vector, magnitude: q, omega: 1e-3, method: .secular)
        let dense = try DiffusionAnalysis.diffusionPoint(model: model, q: vector, magnitude: q, omega: 1e-3, method: .dense)
        #expect((secular.lambda0 - dense.lambda0).length <= 1e-9 * dense.lambda0.length)
        #expect(abs(secular.zeroModeOverlap - dense.zeroModeOverlap) < 1e-8)
    }

    /// λ0 ≈ −iDq² at small q: the diffusion mode relaxes (Im λ0 < 0) and D > 0.
    @Test func diffusionModeRelaxes() throws {
        let model = try Self.metallic(2, 32, disorder: 2).model()
        let analysis = try DiffusionAnalysis(model: model, count: 4)
        #expect(analysis.points.allSatisfy { $0.lambda0.imaginary < 0 })
        #expect(analysis.diffusionAtOmega.real > 0)
        #expect(analysis.fitResidual < 1e-6)
    }

    @Test func secularMethodNeedsRankOneStructure() throws {
        let model = try ModelSetup().model()    // localized vertex
        #expect(throws: DiffusionInputError.secularNeedsRankOne) { try DiffusionAnalysis(model: model, method: .secular) }
    }
}
