import CollisionOperator
import DenseLinearAlgebra
import Foundation
import Numerics
import TestSupport
import Testing

@Suite("Collision operator: assembly and exact identities")
struct OperatorIdentityTests {
    /// The parallel O(N²) assembly equals 𝕃 built from the formulas with explicit momenta
    /// and an explicit projector product (an independent construction).
    @Test(arguments: ModelCase.variety)
    func assemblyMatchesNaiveConstruction(_ modelCase: ModelCase) throws {
        for projection in [true, false] {
            var c = modelCase
            c.projection = projection
            let model = try c.parameters.model()
            let op = try model.operator()
            let fast = try op.fullMatrix
            let naive = naiveOperator(model.model, op)
            #expect(maxDifference(fast, naive) <= 1e-12 * maxMagnitude(naive), "projection \(projection)")
        }
    }

    /// `operator(reusing:)` with the fields of one model's `fields(at:)` builds, for a model
    /// that differs only in the cooperon's D0, the 𝕃 of the formulas with that D0 (the
    /// independent construction of `naiveOperator`); fields another model solved (another
    /// grid, or the same grid at another energy) are refused.
    @Test func operatorReusingFieldsIsTheOperatorOfTheNewD0() throws {
        var p = ModelSetup()
        p.singular = .cooperon
        p.size = 10
        let model = try p.model().model
        let probe = Probe(q: [0.1, 0.05], omega: 2e-3)
        let fields = try model.fields(at: probe)
        for d0 in [model.cooperonDiffusion, Complex(1.3, -0.2)] {
            let changed = try model.withCooperonDiffusion(d0)
            let op = try changed.operator(reusing: fields)
            let reused = try op.fullMatrix
            let naive = naiveOperator(changed, op)
            #expect(maxDifference(reused, naive) <= 1e-12 * maxMagnitude(naive), "D0 = \(d0)")
        }
        var larger = p
        larger.size = 11
        var shifted = p
        shifted.energy = p.energy + 0.1
        for other in [larger, shifted] {
            let foreign = try other.model().model.fields(at: probe)
            #expect(throws: ModelComputationError.self) { try model.operator(reusing: foreign) }
        }
    }

    /// docs/model.md §3.1: ‖𝕃 − 𝕃ᵀ‖_F ≤ 1e-14 ‖𝕃‖_F.
    @Test(arguments: ModelCase.variety)
    func complexSymmetry(_ modelCase: ModelCase) throws {
        let model = try modelCase.parameters.model()
        let matrix = try model.operator().fullMatrix
        #expect(matrix.symmetryDefect <= 1e-14 * matrix.frobeniusNorm)
    }

    /// docs/model.md §3.2: at q = 0 with SCBA, s = √ΔG is annihilated by 𝕃 (Ward projection on);
    /// at any q, by L̂0 = 𝕃 − diag M.
    @Test(arguments: ModelCase.variety)
    func zeroModes(_ modelCase: ModelCase) throws {
        let model = try modelCase.parameters.model()
        let zero = [Double](repeating: 0, count: modelCase.dimension)
        for q in [zero, modelCase.q] {
            let op = try model.operator(q: q)
            let matrix = try op.fullMatrix
            let s = op.fields.root
            var residual = try matrix.multiplied(by: s)
            for k in residual.indices { residual[k] -= Complex(op.streamingDiagonal[k]) * s[k] }
            #expect(euclideanNorm(residual) <= 1e-12 * matrix.frobeniusNorm * euclideanNorm(s), "L0 s at q = \(q)")
            if q == zero {
                let full = try matrix.multiplied(by: s)
                #expect(euclideanNorm(full) <= 1e-12 * matrix.frobeniusNorm * euclideanNorm(s), "𝕃 s at q = 0")
            }
        }
    }

    /// docs/model.md §3.3: the Ward residual is round-off with SCBA (at q = 0 and, on shifted
    /// grids, at any q).
    @Test(arguments: ModelCase.variety)
    func wardIdentityHoldsWithSCBA(_ modelCase: ModelCase) throws {
        let model = try modelCase.parameters.model()
        let zero = [Double](repeating: 0, count: modelCase.dimension)
        #expect(model.wardResidual(try model.fields(q: zero, omega: 1e-3)) <= 1e-12)
        #expect(model.wardResidual(try model.fields(q: modelCase.q, omega: 1e-3)) <= 1e-12)
    }

    /// `fixed` breaks the Ward identity visibly, and then √ΔG is no longer a zero mode.
    @Test(arguments: [0.05, 0.2, 1.0])
    func fixedSelfEnergyBreaksWardAndZeroMode(gamma: Double) throws {
        var p = ModelSetup()
        p.selfEnergy = .fixed(gamma: gamma)
        let model = try p.model()
        let op = try model.operator()
        #expect(model.wardResidual(op.fields) > 1e-3)
        let matrix = try op.fullMatrix
        let s = op.fields.root
        #expect(euclideanNorm(try matrix.multiplied(by: s)) > 1e-6 * matrix.frobeniusNorm * euclideanNorm(s))
    }

    /// Without the Ward projection 𝕊 s ≠ 0: the 1/ω term of the Ward identity (86) survives.
    @Test func withoutProjectionTheZeroModeBreaks() throws {
        var p = ModelSetup()
        p.wardProjection = false
        let op = try p.model().operator()
        let matrix = try op.fullMatrix
        let s = op.fields.root
        #expect(euclideanNorm(try matrix.multiplied(by: s)) > 1e-3 * matrix.frobeniusNorm * euclideanNorm(s))
    }

    /// docs/model.md §3.4: 𝕃_kk'(q) = 𝕃_{−k,−k'}(−q).
    @Test(arguments: ModelCase.variety)
    func parity(_ modelCase: ModelCase) throws {
        let model = try modelCase.parameters.model()
        let plus = try model.operator(q: modelCase.q).fullMatrix
        let minus = try model.operator(q: modelCase.q.map { -$0 }).fullMatrix
        let grid = model.grid
        var worst = 0.0
        for j in 0..<grid.count {
            for i in 0..<grid.count {
                worst = max(worst, (plus[i, j] - minus[Int(grid.negatedIndex[i]), Int(grid.negatedIndex[j])]).length)
            }
        }
        #expect(worst <= 1e-12 * maxMagnitude(plus))
    }

    /// docs/model.md §4: with white noise at q = 0, 𝕃reg = ΔΣ·P exactly.
    @Test(arguments: [1, 2, 3])
    func whiteNoiseRegularPartIsDeltaSigmaTimesProjector(dimension: Int) throws {
        var p = ModelSetup()
        p.dimension = dimension
        p.size = [1: 20, 2: 8, 3: 5][dimension]!
        p.range = 1
        let op = try p.model().operator()
        let s = op.fields.root
        let sigma = bilinearSum(s, s)
        let deltaSigma = op.fields.deltaSigma[0]
        let regular = try op.regularMatrix
        var worst = 0.0
        for j in 0..<op.order {
            for i in 0..<op.order {
                let expected = deltaSigma * ((i == j ? .one : .zero) - s[i] * s[j] / sigma)
                worst = max(worst, (regular[i, j] - expected).length)
            }
        }
        #expect(worst <= 1e-13 * deltaSigma.length)
    }

    /// A(0) = 1 (Σ a_x = 1) for both profiles; the power envelope decays as |x|^(−d−ζ) inside ξ.
    @Test func correlatorNormalizationAndProfile() throws {
        for profile in CorrelatorProfile.allCases {
            var p = ModelSetup()
            p.profile = profile
            p.range = 6
            p.xi = 2.5
            let vertex = try SingularVertex(parameters: p.parameters)
            let a = try #require(vertex.correlatorValues(on: MomentumGrid(dimension: 2, size: 16)))
            #expect(abs(a[0] - 1) < 1e-14)
            let correlator = try #require(vertex.correlator)
            #expect(abs(correlator.weights.reduce(0, +) - 1) < 1e-14)
            if profile == .power {
                let lengths = correlator.envelope.lengths
                let b = correlator.envelopeWeights
                let i1 = lengths.firstIndex { abs($0 - 1) < 1e-12 }!
                let i2 = lengths.firstIndex { abs($0 - 2) < 1e-12 }!
                #expect(abs(b[i1] / b[i2] - pow(2.0, 2 - 0.5)) < 1e-12)   // (2/1)^(d+ζ), ζ = −0.5
            }
        }
    }
}
