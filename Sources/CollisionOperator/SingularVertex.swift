import DenseLinearAlgebra
import Foundation
import Numerics

/// The singular (cooperon-channel) vertex U^sing(Q), Q = k + k' a grid momentum,
/// in the four models of docs/model.md §2, with Q̂² = Σ_i 2(1 − cos Q_i).
public struct SingularVertex: Sendable, Equatable {
    public let model: SingularModel
    /// The `localized` correlator A(Q) = b̂(Q)²/b̂(0)², the autocorrelation of the envelope
    /// b_x on |x| ≤ R/2 (Suslov (61)–(63), (66)); nil for the other models.
    public let correlator: LatticeAutocorrelation?
    public let xi: Double

    /// Sets up the model's fixed shape (everything that does not depend on ω, F, D0).
    /// - Throws: `ParameterError` (`zeta`) when the `power` envelope overflows.
    public init(parameters p: ModelParameters) throws(ParameterError) {
        model = p.singular
        xi = p.xi
        guard p.singular == .localized else {
            correlator = nil
            return
        }
        let envelope = LatticeVectorSet.ball(dimension: p.dimension, radius: p.range / 2)
        let b = envelope.lengths.map { Self.envelope(p.profile, length: $0, xi: p.xi, dimension: p.dimension, zeta: p.zeta) }
        guard let correlator = LatticeAutocorrelation(envelope: envelope, weights: b) else {
            let worst = zip(envelope.lengths, b).first { !$0.1.isFinite }
            throw ParameterError(.zeta, value: format(p.zeta),
                                 reason: "too negative: the power envelope max(|x|,1)^(−d−ζ) overflows double precision\(worst.map { " at |x| = \(format($0.0))" } ?? "") (take a larger ζ, or a smaller \(ParameterName.xi) or \(ParameterName.range))")
        }
        self.correlator = correlator
    }

    /// The envelope b(|x|) of the `localized` correlator: e^{−|x|/ξ} (`exp`), or
    /// max(|x|,1)^{−d−ζ} up to ξ continued by b(ξ)e^{−(|x|−ξ)/ξ} (`power`, Suslov (66)).
    static func envelope(_ profile: CorrelatorProfile, length r: Double, xi: Double, dimension: Int, zeta: Double) -> Double {
        switch profile {
        case .exp:
            return exp(-r / xi)
        case .power:
            let d = Double(dimension)
            if r <= xi { return pow(max(r, 1), -d - zeta) }
            return pow(max(xi, 1), -d - zeta) * exp(-(r - xi) / xi)
        }
    }

    /// |X|, the support of the `localized` correlator a = b ⋆ b.
    public var correlatorSize: Int? { correlator?.support.count }

    /// True when the `localized` envelope is a single point, so A ≡ 1 (range R < 2).
    public var correlatorIsConstant: Bool { correlatorSize == 1 }

    /// The rank of 𝕃1 the model predicts (docs/model.md §3.6): |X| − 1 with the Ward
    /// projection (the x = 0 term lies along s sᵀ), |X| without; nil unless `localized`.
    /// Vectors whose weight a_x is below `cutoff`·a_0 (an envelope so short that its tail
    /// underflows the rank cutoff, e.g. ξ ≪ 1) are not counted: they are numerically absent.
    public func predictedRank(wardProjection: Bool, cutoff: Double = 1e-10) -> Int? {
        guard let a = correlator?.weights else { return nil }
        let present = a.filter { $0 > cutoff * a[0] }.count
        return wardProjection ? present - 1 : present
    }

    /// A(Q) at every grid momentum (`localized` only).
    public func correlatorValues(on grid: MomentumGrid) -> [Double]? {
        correlator?.values(on: grid)
    }

    /// U^sing(Q) at every grid momentum Q (nil for `none`).
    /// - Parameters: ω > 0; F the amplitude; d0 the cooperon diffusion constant;
    ///   `removingConstant`: drop the part of U^sing that is constant in Q (the x = 0
    ///   Fourier component). It contributes c·s sᵀ/N to 𝕊, which the Ward projector
    ///   annihilates exactly, so under the projection it is never formed: for `localized`
    ///   the x = 0 term a_0 is left out of the sum, for the others the grid mean is subtracted.
    public func values(on grid: MomentumGrid, omega: Double, amplitude: Double, d0: Complex<Double>,
                       removingConstant: Bool = false) -> [Complex<Double>]? {
        let prefactor = Complex<Double>(0, amplitude / omega)   // iF/ω
        let values: [Complex<Double>]
        switch model {
        case .none:
            return nil
        case .localized:
            let a = removingConstant ? correlator!.nonconstantValues(on: grid) : correlator!.values(on: grid)
            return a.map { prefactor * Complex($0) }
        case .lorentzian:
            values = Self.latticeMomentaSquared(on: grid).map { prefactor / Complex(1 + xi * xi * $0) }
        case .cooperon:
            values = Self.latticeMomentaSquared(on: grid).map { Complex(amplitude) / (d0 * Complex($0) - Complex(0, omega)) }
        }
        guard removingConstant else { return values }
        let mean = compensatedSum(values) / Complex(Double(grid.count))
        return values.map { $0 - mean }
    }

    /// Q̂² = Σ_i 2(1 − cos Q_i) at every grid point, from one table of 2(1 − cos(2πn/L))
    /// per digit (no cosine per point and axis).
    public static func latticeMomentaSquared(on grid: MomentumGrid) -> [Double] {
        let table = (0..<grid.size).map { 2 * (1 - cos(grid.spacing * Double($0))) }
        let d = grid.dimension
        return grid.digits.withUnsafeBufferPointer { digits in
            (0..<grid.count).map { index in
                var sum = 0.0
                for axis in 0..<d { sum += table[Int(digits[index * d + axis])] }
                return sum
            }
        }
    }
}
