import Foundation
import Numerics

/// The singular (cooperon-channel) vertex U^sing(Q), Q = k + k' a grid momentum,
/// in the four models of DESIGN §2, with Q̂² = Σ_i 2(1 − cos Q_i).
public struct SingularVertex: Sendable, Equatable {
    public let model: SingularModel
    /// X = {x : |x| ≤ R} of the `localized` model (nil for the others).
    public let correlatorVectors: LatticeVectorSet?
    /// a_x, normalized to Σ a_x = 1 so that A(0) = 1 (nil unless `localized`).
    public let correlatorWeights: [Double]?
    public let xi: Double

    /// Sets up the model's fixed shape (everything that does not depend on ω, F, D0).
    public init(parameters p: ModelParameters) {
        model = p.singular
        xi = p.xi
        guard p.singular == .localized else {
            correlatorVectors = nil
            correlatorWeights = nil
            return
        }
        let vectors = LatticeVectorSet.ball(dimension: p.dimension, radius: p.range)
        let d = Double(p.dimension)
        let raw: [Double] = vectors.lengths.map { r in
            switch p.profile {
            case .exp:
                return exp(-r / p.xi)
            case .power:
                if r <= p.xi { return pow(max(r, 1), -d - p.zeta) }
                return pow(max(p.xi, 1), -d - p.zeta) * exp(-(r - p.xi) / p.xi)
            }
        }
        let total = raw.reduce(0, +)
        correlatorVectors = vectors
        correlatorWeights = raw.map { $0 / total }
    }

    /// |X|, the number of lattice vectors of the `localized` correlator.
    public var correlatorSize: Int? { correlatorVectors?.count }

    /// The rank of 𝕃1 the model predicts (DESIGN §3.6): |X| − 1 with the Ward
    /// projection (the x = 0 term lies along s sᵀ), |X| without; nil unless `localized`.
    public func predictedRank(wardProjection: Bool) -> Int? {
        correlatorSize.map { wardProjection ? $0 - 1 : $0 }
    }

    /// A(Q) = Σ_x a_x cos(Q·x) at every grid momentum (`localized` only).
    public func correlator(on grid: MomentumGrid) -> [Double]? {
        guard let vectors = correlatorVectors, let weights = correlatorWeights else { return nil }
        return vectors.cosineSum(weights: weights, on: grid)
    }

    /// U^sing(Q) at every grid momentum Q (nil for `none`).
    /// - Parameters: ω > 0; F the amplitude; d0 the cooperon diffusion constant.
    public func values(on grid: MomentumGrid, omega: Double, amplitude: Double, d0: Double) -> [Complex<Double>]? {
        let prefactor = Complex<Double>(0, amplitude / omega)   // iF/ω
        switch model {
        case .none:
            return nil
        case .localized:
            return correlator(on: grid)!.map { prefactor * Complex($0) }
        case .lorentzian:
            return (0..<grid.count).map { prefactor / Complex(1 + xi * xi * Self.latticeMomentumSquared(grid, $0)) }
        case .cooperon:
            return (0..<grid.count).map {
                Complex(amplitude) / Complex(d0 * Self.latticeMomentumSquared(grid, $0), -omega)
            }
        }
    }

    /// Q̂² = Σ_i 2(1 − cos Q_i) of grid point `index`.
    public static func latticeMomentumSquared(_ grid: MomentumGrid, _ index: Int) -> Double {
        (0..<grid.dimension).reduce(0) { $0 + 2 * (1 - cos(grid.momentum(index, axis: $1))) }
    }
}
