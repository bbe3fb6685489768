import CollisionOperator
import Numerics
import Testing

/// The one definition of "localized" (`DiffusionRegime`): its boundaries, the physical half
/// plane, ξ against L, and the classification of a frequency ladder's low end.
@Suite struct DiffusionRegimeTests {
    /// D = −iωξ²(1 + δ e^{iφ}) lies at relative distance δ from −iωξ² whatever φ: inside the
    /// rule for δ < 0.1, outside above (0.1 exactly is not representable after the products).
    @Test(arguments: [0.0, 0.7, 1.9, 3.1, 4.4])
    func toleranceBoundary(phase: Double) {
        let omega = 1e-4, xi2 = 25.0
        func d(_ delta: Double) -> Complex<Double> {
            Complex(0, -omega * xi2) * (Complex(1) + Complex(delta * Double.cos(phase), delta * Double.sin(phase)))
        }
        for delta in [0.0, 0.05, 0.099] {
            #expect(abs(DiffusionRegime.localizedDeviation(diffusion: d(delta), omega: omega, lengthSquared: xi2) - delta) < 1e-12)
            #expect(DiffusionRegime.isLocalized(diffusion: d(delta), omega: omega, lengthSquared: xi2))
        }
        for delta in [0.101, 0.5] {
            #expect(!DiffusionRegime.isLocalized(diffusion: d(delta), omega: omega, lengthSquared: xi2))
        }
        #expect(!DiffusionRegime.isLocalized(diffusion: d(0), omega: omega, lengthSquared: 0))
    }

    /// Re D > 0, or Re D = 0 with Im D < 0; nothing else, and nothing non-finite.
    @Test func physicalHalfPlane() {
        #expect(DiffusionRegime.isPhysical(Complex(1e-300, 5)))
        #expect(DiffusionRegime.isPhysical(Complex(0, -1e-8)))
        #expect(!DiffusionRegime.isPhysical(Complex(0, 0)))
        #expect(!DiffusionRegime.isPhysical(Complex(0, 1)))
        #expect(!DiffusionRegime.isPhysical(Complex(-1e-300, -1)))
        #expect(!DiffusionRegime.isPhysical(Complex(.infinity, 0)))
        #expect(!DiffusionRegime.isPhysical(Complex(.nan, -1)))
    }

    /// ξ < L is localization by disorder; ξ = L and beyond is the grid's.
    @Test func lengthAgainstSize() {
        #expect(DiffusionRegime.isLocalizedByDisorder(length: 31.999, size: 32))
        #expect(!DiffusionRegime.isLocalizedByDisorder(length: 32, size: 32))
        #expect(!DiffusionRegime.isLocalizedByDisorder(length: 1e3, size: 32))
    }

    /// A ladder ending in D = −iωξ² + O(ω²) is localized with that ξ² (in any order of ω);
    /// a real D that does not fall is diffusive; a D whose ξ_eff still moves by 20 % is neither;
    /// one frequency decides nothing.
    @Test func ladderClassification() {
        let xi2 = 40.0
        let localized = [1e-3, 1e-5, 1e-4].map { omega in (omega, Complex(1e3 * omega * omega, -omega * xi2)) }
        guard case .localized(let found) = DiffusionRegime.classify(localized) else {
            Issue.record("not localized: \(DiffusionRegime.classify(localized))")
            return
        }
        #expect(abs(found - xi2) < 1e-9 * xi2)
        #expect(DiffusionRegime.classify([(1e-2, Complex(2.0, -0.1)), (1e-3, Complex(1.9, -0.01))]) == .diffusive)
        let moving = [(1e-3, Complex(0, -1e-3 * xi2 * 1.2)), (1e-4, Complex(0, -1e-4 * xi2))]
        #expect(DiffusionRegime.classify(moving) == .undetermined)
        #expect(DiffusionRegime.classify([(1e-4, Complex(0, -1e-4 * xi2))]) == .undetermined)
        #expect(DiffusionRegime.classify(moving).name == "undetermined")
    }
}
