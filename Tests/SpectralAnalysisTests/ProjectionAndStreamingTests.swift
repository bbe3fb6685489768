import CollisionOperator
import DenseLinearAlgebra
import Numerics
import SpectralAnalysis
import TestSupport
import Testing

/// The Ward projection removes the Q-constant part of U^sing exactly (docs/model.md §2), so a
/// singular part that projects to nothing gives 𝕃sing = 0 and every identity holds; the rank
/// cutoff is measured against the unprojected 𝕊. The streaming term is the Fermi-sea part
/// of the Einstein relation (§3.7) for every vertex model.
@Suite struct ProjectionAndStreamingTests {
    static func model(_ change: (inout ModelSetup) -> Void) throws -> ProbedModel {
        var p = ModelSetup()
        change(&p)
        return try p.model()
    }

    static func checks(_ model: ProbedModel) throws -> [String: IdentityResult] {
        Dictionary(uniqueKeysWithValues: try IdentityChecker(model: model).run().map { ($0.name, $0) })
    }

    /// A ≡ 1 (R < 2): the whole singular part lies along s sᵀ, so 𝕃sing is exactly zero,
    /// rank 𝕃1 = 0 = |X| − 1, and the checks and the hierarchy run clean (they used to fail
    /// the trace check with O(F/ω) round-off).
    @Test(arguments: [0.0, 0.5])
    func constantCorrelatorProjectsToExactlyNothing(range: Double) throws {
        let model = try Self.model { $0.range = range; $0.size = 8 }
        let op = try model.operator()
        #expect(try op.singularMatrix.elements.allSatisfy { $0 == .zero })
        let results = try Self.checks(model)
        #expect(results.values.allSatisfy { $0.status == .pass }, "\(results.values.filter { $0.status == .fail }.map(\.name))")
        #expect(try SingularRank(operator: op).rank == 0)
        let hierarchy = try HierarchyAnalysis(model: model)
        #expect(hierarchy.structure?.rank == 0)
        #expect(hierarchy.scalingCounts[.mInfinity, default: 0] == 0)
    }

    /// A envelope so short that its tail underflows the cutoff (ξ ≪ 1): the rank counts only
    /// what is numerically there, and the checks pass.
    @Test(arguments: [0.02, 0.05])
    func shortEnvelopeHasAMeaningfulRank(xi: Double) throws {
        let model = try Self.model { $0.xi = xi; $0.size = 8 }
        let results = try Self.checks(model)
        #expect(results.values.allSatisfy { $0.status == .pass }, "\(results.values.filter { $0.status == .fail }.map(\.name))")
    }

    /// At ω = 1e-6 the singular part is 1000× the default; every identity still holds.
    @Test(arguments: [SingularModel.localized, .lorentzian])
    func smallFrequencyKeepsEveryIdentity(singular: SingularModel) throws {
        let model = try Self.model { $0.omega = 1e-6; $0.singular = singular; $0.size = 12 }
        let results = try Self.checks(model)
        #expect(results.values.allSatisfy { $0.status == .pass }, "\(results.values.filter { $0.status == .fail }.map(\.name))")
    }

    /// Removing the constant changes nothing but round-off: the projected operator equals
    /// P𝕊P built from the full kernel with an explicit projector.
    @Test(arguments: [SingularModel.localized, .lorentzian, .cooperon])
    func removedConstantLeavesTheProjectedOperator(singular: SingularModel) throws {
        let model = try Self.model { $0.singular = singular; $0.size = 6; $0.q = [0.2, 0.1] }
        let op = try model.operator(q: [0.2, 0.1])
        let grid = model.grid
        let n = grid.count
        let s = op.fields.root
        let kernel = try #require(model.vertex.values(on: grid, omega: model.probe.omega, amplitude: model.amplitude,
                                                      d0: model.cooperonDiffusion))
        let sigma = bilinearSum(s, s)
        var full = ComplexMatrix(rows: n, columns: n)
        for j in 0..<n {
            for i in 0..<n {
                full[i, j] = kernel[grid.sumIndex(i, j)] * s[i] * s[j] / Complex(Double(n))
            }
        }
        let projector = ComplexMatrix(order: n) { i, j in (i == j ? .one : .zero) - s[i] * s[j] / sigma }
        let expected = product(product(projector, full), projector)
        let actual = try op.singularMatrix
        var worst = 0.0, scale = 0.0
        for j in 0..<n {
            for i in 0..<n {
                worst = max(worst, (actual[i, j] + expected[i, j]).length)     // 𝕃sing = −P𝕊P
                scale = max(scale, expected[i, j].length)
            }
        }
        #expect(worst <= 1e-12 * scale)
    }

    /// (s, Ms)/(s, s) = −iD_RR q² + O(q⁴): the check row passes for every vertex model and
    /// dimension with white noise, whatever the sign of D_RR.
    @Test(arguments: [(1, 48), (2, 16), (2, 17), (3, 8)])
    func streamingTermIsTheFermiSeaPart(dimension: Int, size: Int) throws {
        for singular in SingularModel.allCases {
            let model = try Self.model { $0.dimension = dimension; $0.size = size; $0.singular = singular }
            let identity = try IdentityChecker(model: model).streamingIdentity()
            #expect(identity.residual <= IdentityChecker.streamingTolerance, "\(singular): \(identity)")
            // Not a tautology: λ_M itself is O(q²) and carries the sign of D_RR.
            let q = [0.01] + [Double](repeating: 0, count: dimension - 1)
            let lambda = try model.fields(q: q, omega: 0).streamingTerm
            #expect((lambda.imaginary < 0) == (model.kuboGreenwood.fermiSeaDiffusion > 0))
        }
    }
}
