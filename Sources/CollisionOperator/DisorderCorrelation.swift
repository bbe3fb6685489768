import Foundation

/// The disorder correlator of DESIGN §2: U^reg(k, k') = U0·C(k − k') with
/// C(p) = Σ_{|x| ≤ 3r_c} c_x cos(p·x), c_x = e^{−|x|²/(2r_c²)} (c_0 = 1).
/// r_c = 0 is white noise, C ≡ 1.
public struct DisorderCorrelation: Sendable, Equatable {
    public let radius: Double
    /// The vectors x with |x| ≤ 3r_c (only x = 0 for white noise).
    public let vectors: LatticeVectorSet
    /// c_x for each vector.
    public let coefficients: [Double]

    public init(radius: Double, dimension: Int) {
        self.radius = radius
        if radius > 0 {
            vectors = LatticeVectorSet.ball(dimension: dimension, radius: 3 * radius)
            coefficients = vectors.lengths.map { exp(-$0 * $0 / (2 * radius * radius)) }
        } else {
            vectors = LatticeVectorSet.ball(dimension: dimension, radius: 0)
            coefficients = [1]
        }
    }

    public var isWhiteNoise: Bool { vectors.count == 1 }

    /// C(Q) at every grid momentum Q, indexed like the grid.
    public func values(on grid: MomentumGrid) -> [Double] {
        isWhiteNoise ? [Double](repeating: 1, count: grid.count) : vectors.cosineSum(weights: coefficients, on: grid)
    }
}
