import CollisionOperator
import SpectralAnalysis
import TestSupport
import Testing

@Suite("collop check identities")
struct IdentityCheckerTests {
    func run(_ change: (inout ModelSetup) -> Void) throws -> [String: IdentityResult] {
        var p = ModelSetup()
        change(&p)
        let results = try IdentityChecker(model: p.model()).run()
        return Dictionary(uniqueKeysWithValues: results.map { ($0.name, $0) })
    }

    @Test func defaultModelPassesEveryIdentity() throws {
        let results = try run { _ in }
        #expect(Set(results.keys) == ["complex_symmetry", "zero_mode_q0", "ward_residual_q0", "parity_matrix",
                                      "trace", "zero_eigenvalue_q0", "rank_L1", "streaming_fermi_sea"])
        #expect(results.values.allSatisfy { $0.status == .pass })
    }

    @Test func generalMomentumAddsItsIdentitiesAndPasses() throws {
        let results = try run { $0.q = [0.31, -0.12]; $0.singular = .lorentzian; $0.size = 12 }
        for name in ["L0_zero_mode_q", "ward_residual_q", "parity_spectrum"] { #expect(results[name]?.status == .pass, "\(name)") }
        #expect(results["rank_L1"] == nil)
        #expect(results.values.allSatisfy { $0.status == .pass })
    }

    @Test func fixedSelfEnergyFailsTheWardIdentityAndTheZeroMode() throws {
        let results = try run { $0.selfEnergy = .fixed(gamma: 0.2) }
        #expect(results["ward_residual_q0"]?.status == .fail)
        #expect(results["zero_mode_q0"]?.status == .fail)
        #expect(results["zero_eigenvalue_q0"]?.status == .fail)
        #expect(results["complex_symmetry"]?.status == .pass)
        #expect(results["trace"]?.status == .pass)
    }

    @Test func projectionOffBreaksTheZeroModeAndRaisesTheRank() throws {
        let results = try run { $0.wardProjection = false }
        #expect(results["zero_mode_q0"]?.status == .fail)
        #expect(results["ward_residual_q0"]?.status == .pass)
        #expect(results["rank_L1"]?.status == .pass)
        #expect(results["rank_L1"]?.statement.contains("|X| = 13") == true)
    }

    @Test func metallicWhiteNoiseChecksTheEinsteinRelation() throws {
        let results = try run { $0.singular = .none; $0.size = 24 }
        #expect(results["einstein"]?.status == .pass)
        #expect(results["einstein"]!.residual < 1e-6)
    }
}
