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

    /// One channel at ω for a sequence of D0 (fields solved once, each COCG warm-started from
    /// the last z) against a fresh model, fresh fields and a cold solve per D0 (the operator
    /// itself is checked against the formulas in OperatorIdentityTests); repeating a D0 costs
    /// one product, the check of the previous solution's residual.
    @Test func channelAgreesWithFreshSolves() throws {
        var p = ModelSetup()
        p.size = 12
        p.singular = .cooperon
        let model = try p.model().model
        let channel = try CurrentRelaxation.Channel(model: model, omega: p.omega)
        let dRA = model.kuboGreenwood.onShellDiffusion
        for d0 in [Complex(dRA), Complex(0.8 * dRA, -0.1), Complex(0.8 * dRA, -0.11), Complex(0.05, -0.4)] {
            let reused = try channel.diffusion(cooperonDiffusion: d0)
            let fresh = try CurrentRelaxation.currentDiffusion(model: model.withCooperonDiffusion(d0), omega: p.omega)
            #expect((reused.diffusion - fresh.diffusion).length <= 1e-10 * fresh.diffusion.length,
                    "D0 = \(d0): \(reused.diffusion) vs \(fresh.diffusion)")
            #expect(reused.residual <= CurrentRelaxation.tolerance)
            let again = try channel.diffusion(cooperonDiffusion: d0)
            #expect(again.products == 1)
            #expect((again.diffusion - reused.diffusion).length <= 1e-14 * reused.diffusion.length)
        }
        #expect(throws: ParameterError.self) { try channel.diffusion(cooperonDiffusion: Complex(-1, 0)) }
    }

    /// The direct fallback (`DirectFallback`, LU of the symmetry blocks that hold j), forced
    /// by a cap of 4 products: D_cur equals COCG's converged answer, and −i(j, 𝕃⁻¹j)/(s, s)
    /// from the dense 𝕃 (LU of the N × N matrix), in d = 1 (odd sector) and d = 3 (T1u).
    @Test(arguments: [(1, 64), (3, 8)])
    func forcedFallbackMatchesCOCGAndDense(dimension: Int, size: Int) throws {
        let (model, p) = try Self.cooperonModel(dimension: dimension, size: size)
        let iterative = try CurrentRelaxation.currentDiffusion(model: model, omega: p.omega)
        let direct = try CurrentRelaxation.currentDiffusion(model: model, omega: p.omega, maximumIterations: 4)
        #expect(iterative.solver == .cocg && direct.solver == .lu)
        #expect(direct.backwardError <= CurrentRelaxation.tolerance)
        #expect((direct.diffusion - iterative.diffusion).length <= 1e-10 * iterative.diffusion.length,
                "LU \(direct.diffusion) COCG \(iterative.diffusion)")
        // The dense reference: z = 𝕃⁻¹j by LU of the whole N × N matrix.
        let op = try model.operator(at: Probe(dimension: dimension, omega: p.omega))
        let s = op.fields.root
        let j = Self.current(of: op, model: model)
        let z = try LUFactorization(op.fullMatrix).solve(j)
        let dense = Complex(0, -1) * bilinearSum(j, z) / bilinearSum(s, s)
        #expect((direct.diffusion - dense).length <= 1e-10 * dense.length, "LU \(direct.diffusion) dense \(dense)")
    }

    /// The default model with the cooperon vertex on a d-dimensional grid of L points per axis.
    static func cooperonModel(dimension: Int, size: Int) throws -> (CollisionModel, ModelSetup) {
        var p = ModelSetup()
        p.dimension = dimension
        p.size = size
        p.singular = .cooperon
        return (try p.model().model, p)
    }

    /// j = v_x s of `op`, built here from the band and the fields (not by `CurrentRelaxation`).
    static func current(of op: CollisionOperator, model: CollisionModel) -> [Complex<Double>] {
        let axis = [1] + [Double](repeating: 0, count: model.parameters.dimension - 1)
        let velocity = model.band.velocities(on: model.grid, shiftedBy: op.probe.q, direction: axis)
        return (0..<velocity.count).map { Complex(velocity[$0]) * op.fields.root[$0] }
    }

    /// The orders of the symmetry blocks that hold j (what the fallback factorizes), found
    /// independently of `DirectFallback`: the sectors onto which j projects.
    static func blockOrdersHoldingCurrent(_ model: CollisionModel, omega: Double) throws -> [Int] {
        let op = try model.operator(at: Probe(dimension: model.parameters.dimension, omega: omega))
        let j = current(of: op, model: model)
        return try op.symmetry(enabled: true).sectors.filter { sector in
            (0..<sector.degeneracy).contains { euclideanNorm(sector.project(j, partner: $0)) > 1e-8 * euclideanNorm(j) }
        }.map(\.multiplicity)
    }

    /// Where the double-precision LU does not fit but the single-precision one does (a limit
    /// between the two forced here), the fallback factorizes in single precision and COCG
    /// preconditioned by it reaches the tolerance: D_cur equals COCG's converged answer and the
    /// double LU's to 1e-10, in d = 1 (odd sector) and d = 3 (T1u).
    @Test(arguments: [(1, 64), (3, 8)])
    func singlePrecisionFallbackMatchesDoubleLU(dimension: Int, size: Int) throws {
        let (model, p) = try Self.cooperonModel(dimension: dimension, size: size)
        let orders = try Self.blockOrdersHoldingCurrent(model, omega: p.omega)
        let doubleBytes = orders.reduce(0) { $0 + DirectFallback.bytes(order: $1) }
        let singleBytes = orders.reduce(0) { $0 + DirectFallback.singlePrecisionBytes(order: $1) }
        #expect(singleBytes < doubleBytes)
        let iterative = try CurrentRelaxation.currentDiffusion(model: model, omega: p.omega)
        let exact = try CurrentRelaxation.currentDiffusion(model: model, omega: p.omega, maximumIterations: 4)
        let single = try CurrentRelaxation.currentDiffusion(model: model, omega: p.omega, maximumIterations: 4,
                                                            directMemoryLimit: (singleBytes + doubleBytes) / 2)
        #expect(exact.solver == .lu && single.solver == .singleLUPreconditioned)
        #expect(single.backwardError <= CurrentRelaxation.tolerance)
        #expect(single.products <= 4 + CurrentRelaxation.Channel.singleLUPreconditionedProducts)
        for reference in [iterative, exact] {
            #expect((single.diffusion - reference.diffusion).length <= 1e-10 * reference.diffusion.length,
                    "LU32+COCG \(single.diffusion) vs \(reference.solver.rawValue) \(reference.diffusion)")
        }
    }

    /// Where iteration stops and not even the single-precision block fits (a limit of 1 kB
    /// forced here), the failure names ω, COCG's backward error and the product's floor, the
    /// block's size, and advises the memory the single-precision LU needs.
    @Test func fallbackThatDoesNotFitIsReported() throws {
        var p = ModelSetup()
        p.size = 64
        p.singular = .cooperon
        let model = try p.model().model
        let needed = try Self.blockOrdersHoldingCurrent(model, omega: p.omega).reduce(0) { $0 + DirectFallback.singlePrecisionBytes(order: $1) }
        #expect(needed > 1000)
        #expect {
            _ = try CurrentRelaxation.currentDiffusion(model: model, omega: p.omega, maximumIterations: 4, directMemoryLimit: 1000)
        } throws: { error in
            guard let error = error as? DiffusionSolverError, case .krylovFailure(let detail, let advice) = error else { return false }
            return detail.contains("ω = \(p.omega)") && detail.contains("backward error reached") && detail.contains("floor of the product")
                && detail.contains("GiB") && !error.isInputError && advice == [.directMemory(neededBytes: needed)]
        }
    }

    /// Once a solve at one ω has needed LU (forced by a cap of 4 products), the channel's next
    /// D0 runs COCG preconditioned by that LU — a few products — and gives the D_cur of a fresh
    /// COCG solve of the new D0.
    @Test func previousLUPreconditionsTheNextD0() throws {
        var p = ModelSetup()
        p.dimension = 1
        p.size = 64
        p.singular = .cooperon
        let model = try p.model().model
        let channel = try CurrentRelaxation.Channel(model: model, omega: p.omega)
        let dRA = model.kuboGreenwood.onShellDiffusion
        let first = try channel.diffusion(cooperonDiffusion: Complex(dRA), maximumIterations: 4)
        #expect(first.solver == .lu && channel.direct)
        let d0 = Complex(0.8 * dRA, -0.1)
        let second = try channel.diffusion(cooperonDiffusion: d0)
        #expect(second.solver == .luPreconditioned)
        #expect(second.products <= CurrentRelaxation.Channel.luPreconditionedProducts)
        let fresh = try CurrentRelaxation.currentDiffusion(model: model.withCooperonDiffusion(d0), omega: p.omega)
        #expect(fresh.solver == .cocg)
        #expect((second.diffusion - fresh.diffusion).length <= 1e-10 * fresh.diffusion.length,
                "cocg+lu \(second.diffusion) cocg \(fresh.diffusion)")
    }
}
