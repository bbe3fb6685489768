import Numerics

/// The one classification of a diffusion constant D(ω) (lattice units) every command uses:
/// localized when D(ω) is within `localizedTolerance` of −iωξ² (VW (43), Suslov (55):
/// D = −iωξ² + O(ω²)), localized by disorder when also ξ < L, and the physical half plane
/// where a cooperon 1/(−iω + D Q̂²) may take D.
///
/// It lives in CollisionOperator so that SpectralAnalysis (the closure) and Theory (VW and its
/// connection to the model) use it along their existing edges SpectralAnalysis →
/// CollisionOperator and Theory → CollisionOperator: no new dependency.
public enum DiffusionRegime: Equatable, Sendable {
    /// D ≈ −iωξ² at the smallest frequencies, with ξ² in lattice spacings squared.
    case localized(lengthSquared: Double)
    /// Re D dominates and does not fall with ω like ω itself.
    case diffusive
    /// Neither, on the frequencies given.
    case undetermined

    /// The regime's name as reports print it.
    public var name: String {
        switch self {
        case .localized: return "localized"
        case .diffusive: return "diffusive"
        case .undetermined: return "undetermined"
        }
    }

    /// The relative distance |iD/ω − ξ²|/ξ² within which D(ω) counts as −iωξ².
    public static let localizedTolerance = 0.1

    /// |iD/ω − ξ²|/ξ²: how far D(ω) is from the localized form −iωξ².
    public static func localizedDeviation(diffusion d: Complex<Double>, omega: Double, lengthSquared xi2: Double) -> Double {
        ((Complex(0, 1) * d).divided(by: omega) - Complex(xi2)).length / xi2
    }

    /// D(ω) within `localizedTolerance` of −iωξ².
    public static func isLocalized(diffusion d: Complex<Double>, omega: Double, lengthSquared xi2: Double) -> Bool {
        xi2 > 0 && localizedDeviation(diffusion: d, omega: omega, lengthSquared: xi2) <= localizedTolerance
    }

    /// ξ < L: localized by disorder; ξ ≥ L is localization by the grid's Q = 0 term alone,
    /// a finite-size effect.
    public static func isLocalizedByDisorder(length xi: Double, size: Int) -> Bool {
        xi < Double(size)
    }

    /// Re D > 0, or Re D = 0 with Im D < 0 (a localized D = −iωξ²): the half plane where the
    /// cooperon 1/(−iω + D Q̂²) has no pole at real Q̂² ≥ 0 and ω > 0; finite.
    public static func isPhysical(_ d: Complex<Double>) -> Bool {
        d.isFinite && (d.real > 0 || (d.real == 0 && d.imaginary < 0))
    }

    /// The regime at the low end of a frequency ladder, from its two smallest frequencies
    /// ω₁ < ω₂: localized when ξ² = Re(iD(ω₁)/ω₁) > 0 and both D(ω₁) and D(ω₂) are −iωξ² to
    /// `localizedTolerance`; diffusive when Re D(ω₁) > 3|Im D(ω₁)| and Re D(ω₁) > Re D(ω₂)/2;
    /// undetermined otherwise (also with fewer than two frequencies).
    public static func classify(_ ladder: [(omega: Double, diffusion: Complex<Double>)]) -> DiffusionRegime {
        let sorted = ladder.sorted { $0.omega < $1.omega }
        guard sorted.count >= 2 else { return .undetermined }
        let last = sorted[0], before = sorted[1]
        let xi2 = (Complex(0, 1) * last.diffusion / Complex(last.omega)).real
        if xi2.isFinite, isLocalized(diffusion: last.diffusion, omega: last.omega, lengthSquared: xi2),
           isLocalized(diffusion: before.diffusion, omega: before.omega, lengthSquared: xi2) {
            return .localized(lengthSquared: xi2)
        }
        if last.diffusion.real > 3 * abs(last.diffusion.imaginary), last.diffusion.real > 0.5 * before.diffusion.real {
            return .diffusive
        }
        return .undetermined
    }
}
