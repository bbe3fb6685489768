import DenseLinearAlgebra
import Foundation
import Numerics

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

    /// (1/N) Σ_k' U0 C(k − k') f_k' at every grid point k (f on the grid, or on a grid
    /// shifted as a whole: C depends only on k − k'). White noise: U0 times the compensated
    /// mean. Correlated: through real-space moments, U0 Σ_x c_x e^{ik·x} (1/N) Σ_k' e^{−ik'·x} f_k',
    /// O(N·|x|).
    public func convolve(_ f: [Complex<Double>], on grid: MomentumGrid, u0: Double) -> [Complex<Double>] {
        let n = grid.count
        if isWhiteNoise {
            return [Complex<Double>](repeating: compensatedSum(f) * Complex(u0 / Double(n)), count: n)
        }
        let phases = PhaseTable(grid: grid, vectors: vectors)
        let moments = (0..<vectors.count).map { x in
            var sum = Complex<Double>.zero
            for k in 0..<n { sum += phases.phase(point: k, vector: x).conjugate * f[k] }
            return sum * Complex(coefficients[x] * u0 / Double(n))
        }
        return (0..<n).map { k in
            var sum = Complex<Double>.zero
            for x in 0..<moments.count { sum += phases.phase(point: k, vector: x) * moments[x] }
            return sum
        }
    }
}
