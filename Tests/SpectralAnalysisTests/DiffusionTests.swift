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
        let secular = try SecularDiffusionSolver().point(model: model, q: vector, omega: 1e-3)
        let dense = try DenseDiffusionSolver().point(model: model, q: vector, omega: 1e-3)
        #expect((secular.value - dense.value).length <= 1e-9 * dense.value.length)
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
        #expect(throws: DiffusionSolverError.secularNeedsRankOne) { try DiffusionAnalysis(model: model, method: .secular) }
        // The solver itself refuses an operator that does not provide the rank-one form.
        #expect(throws: DiffusionSolverError.secularNeedsRankOne) {
            try SecularDiffusionSolver().point(model: model, q: [0.05, 0], omega: 1e-3)
        }
    }

    /// auto's choice is the documented rule, and says why: rank one → secular (dense up to
    /// the dispersion's limit); otherwise dense where Krylov is not trusted (the dispersion's
    /// large q up to its limit, the lorentzian continuum up to its limit), else the cheaper
    /// by the estimated cost — Krylov on all but the smallest grids.
    @Test(arguments: [(SingularModel.none, 2, 24, 0, DiffusionMethod.secular, "N = 576 > 0"),
                      (.none, 2, 24, 2048, .dense, "largest w0"), (.none, 2, 64, 2048, .secular, "N = 4096 > 2048"),
                      (.cooperon, 2, 64, 0, .krylov, "cheaper"), (.cooperon, 2, 65, 0, .krylov, "cheaper"),
                      (.localized, 1, 1024, 0, .krylov, "cheaper"), (.cooperon, 3, 16, 0, .krylov, "cheaper"),
                      (.cooperon, 2, 4, 0, .dense, "cheaper"), (.cooperon, 2, 40, 2048, .dense, "largest w0"),
                      (.lorentzian, 2, 32, 0, .dense, "stalls COCG"), (.lorentzian, 2, 72, 0, .krylov, "cheaper")])
    func autoChoiceIsExplicit(singular: SingularModel, dimension: Int, size: Int, denseUpTo: Int,
                              expected: DiffusionMethod, because: String) throws {
        var p = ModelParameters()
        p.dimension = dimension
        p.size = size
        p.singular = singular
        let choice = try DiffusionMethodChoice(.auto, parameters: p, denseUpTo: denseUpTo)
        #expect(choice.method == expected)
        #expect(choice.requested == .auto)
        #expect(choice.reason.hasPrefix("auto: "))
        #expect(choice.reason.contains(because), "\(choice.reason)")
        #expect(try DiffusionMethodChoice(.dense, parameters: p).method == .dense)
    }

    /// Where auto takes Krylov by cost (here on grids of N = 256–512, every vertex model the
    /// rule sends there), its λ0 ladder and D(ω) agree with the dense solve to the 1e-9
    /// relative tolerance the solvers hold against each other.
    @Test(arguments: [(SingularModel.cooperon, 2, 16), (.localized, 2, 16), (.cooperon, 1, 256), (.localized, 3, 8)])
    func autoKrylovAgreesWithDense(singular: SingularModel, dimension: Int, size: Int) throws {
        var p = ModelSetup()
        p.dimension = dimension
        p.size = size
        p.singular = singular
        let model = try p.model()
        let auto = try DiffusionAnalysis(model: model)
        let dense = try DiffusionAnalysis(model: model, method: .dense)
        #expect(auto.method == .krylov)
        #expect(dense.method == .dense)
        for (a, b) in zip(auto.points, dense.points) {
            #expect((a.lambda0 - b.lambda0).length <= 1e-9 * b.lambda0.length, "q = \(a.q): auto \(a.lambda0) dense \(b.lambda0)")
        }
        #expect((auto.diffusionAtOmega - dense.diffusionAtOmega).length <= 1e-9 * dense.diffusionAtOmega.length)
    }

    /// The three conformers of `DiffusionModeSolver` on the same probe of seeded models:
    /// secular (where 𝕃 is diagonal plus rank one), dense zgeev and Newton–Krylov give one λ0
    /// and one w0. The dense λ0 carries ~ε·max|λ|, hence the 1e-9 relative tolerance.
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func solversAgreeOnSeededModels(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let d = Int.random(in: 1...3, using: &random)
        let size = [1: 40, 2: 10, 3: 6][d]!
        var p = ModelSetup()
        p.dimension = d
        p.size = size
        p.disorder = .width(Double.random(in: 2...4, using: &random))
        p.energy = Double.random(in: -0.5...0.5, using: &random)
        p.omega = 1e-3
        let q = (0..<d).map { _ in Double.random(in: 0.01...0.04, using: &random) }
        for singular in [SingularModel.none, .cooperon, .localized] {
            p.singular = singular
            let model = try p.model()
            let dense = try DenseDiffusionSolver().point(model: model, q: q, omega: p.omega)
            let krylov = try KrylovDiffusionSolver().point(model: model, q: q, omega: p.omega)
            #expect((krylov.value - dense.value).length <= 1e-9 * dense.value.length, "\(singular): krylov \(krylov.value) dense \(dense.value)")
            #expect(abs(krylov.zeroModeOverlap - dense.zeroModeOverlap) < 1e-8)
            if singular == .none {
                let secular = try SecularDiffusionSolver().point(model: model, q: q, omega: p.omega)
                #expect((secular.value - dense.value).length <= 1e-9 * dense.value.length, "secular \(secular.value) dense \(dense.value)")
                #expect(abs(secular.zeroModeOverlap - dense.zeroModeOverlap) < 1e-8)
            }
        }
    }

    /// The ladder's probes are |q| = qmax·j/n along the normalized direction, whatever its length.
    @Test func probeLadderIsNormalized() {
        let probes = Probe(dimension: 2, omega: 1e-3).ladder(direction: [3, 4], maximum: 0.5, count: 5)
        #expect(probes.count == 5)
        for (j, probe) in probes.enumerated() {
            #expect(abs(probe.momentumMagnitude - 0.1 * Double(j + 1)) < 1e-15)
            #expect(abs(probe.q[0] / probe.q[1] - 0.75) < 1e-14)
            #expect(probe.omega == 1e-3)
        }
    }
}
