import Foundation

/// The normalized lattice autocorrelation of a non-negative envelope (docs/model.md §2):
///
/// a = b ⋆ b / (Σ_x b_x)²,   a_x = Σ_y b_y b_{y+x} / (Σ b)²,
/// A(Q) = Σ_x a_x cos(Q·x) = b̂(Q)² / b̂(0)²,   b̂(Q) = Σ_x b_x cos(Q·x),
///
/// for an envelope symmetric under x → −x. So 0 ≤ A(Q) ≤ 1 and A(0) = 1 by construction,
/// as a power spectrum (the disorder's C(p)) or a wave-function correlator
/// ⟨|ρ_s(q)|²⟩ (Suslov (61)–(63), the `localized` A(Q)) must be. The support X of a is the
/// set of differences of two envelope points.
public struct LatticeAutocorrelation: Sendable, Equatable {
    /// The envelope's lattice vectors and weights b_x, normalized to Σ b = 1.
    public let envelope: LatticeVectorSet
    public let envelopeWeights: [Double]
    /// X, the support of a (all differences of two envelope points, x = 0 first).
    public let support: LatticeVectorSet
    /// a_x on the support; Σ a_x = 1.
    public let weights: [Double]

    /// Builds a from the envelope weights `b` (non-negative, finite, not all zero).
    /// - Returns: nil when a weight is negative or not finite, or all are zero.
    public init?(envelope: LatticeVectorSet, weights b: [Double]) {
        let total = b.reduce(0, +)
        guard b.count == envelope.count, total > 0, total.isFinite,
              b.allSatisfy({ $0 >= 0 && $0.isFinite }) else { return nil }
        let normalized = b.map { $0 / total }
        let d = envelope.dimension
        var sums: [[Int]: Double] = [:]
        for y in 0..<envelope.count where normalized[y] > 0 {
            for z in 0..<envelope.count where normalized[z] > 0 {
                var x = [Int](repeating: 0, count: d)
                for axis in 0..<d {
                    x[axis] = envelope.components[z * d + axis] - envelope.components[y * d + axis]
                }
                sums[x, default: 0] += normalized[y] * normalized[z]
            }
        }
        let support = LatticeVectorSet(dimension: d, vectors: Array(sums.keys))
        self.envelope = envelope
        envelopeWeights = normalized
        self.support = support
        weights = (0..<support.count).map { sums[support.vector($0)]! }
    }

    /// A(Q) = b̂(Q)²/b̂(0)² at every grid momentum, exactly non-negative.
    public func values(on grid: MomentumGrid) -> [Double] {
        envelope.cosineSum(weights: envelopeWeights, on: grid).map { $0 * $0 }
    }

    /// A(Q) − a_0 = Σ_{x ≠ 0} a_x cos(Q·x): the part of A that is not constant in Q.
    public func nonconstantValues(on grid: MomentumGrid) -> [Double] {
        support.cosineSum(weights: [0] + weights.dropFirst(), on: grid)
    }

    /// d(0) = Σ_x a_x |x|² / (2d), the second moment that A(Q) ≈ 1 − d(0) Q² sees at small Q
    /// (Suslov (62)–(63): D = −iω d(0)).
    public var secondMoment: Double {
        var sum = 0.0
        for v in 0..<support.count { sum += weights[v] * support.lengths[v] * support.lengths[v] }
        return sum / (2 * Double(support.dimension))
    }
}
