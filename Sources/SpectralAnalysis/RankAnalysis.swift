import CollisionOperator
import DenseLinearAlgebra
import Numerics

/// Numerical rank of 𝕃1 = ω𝕃sing (DESIGN §4 "Structural classification"): the number
/// of eigenvalues η with |η| > cutoff·max|η|, cutoff 1e-10 by default.
public struct SingularRank: Sendable {
    /// Eigenvalues of 𝕃1 sorted by |η| descending.
    public let eigenvalues: [Complex<Double>]
    public let relativeCutoff: Double
    public let rank: Int
    /// |η| of the smallest kept and the largest dropped eigenvalue (the gap the cutoff sits in).
    public let smallestKept: Double?
    public let largestDropped: Double?

    public static let defaultCutoff = 1e-10

    public init(operator op: CollisionOperator, relativeCutoff: Double = defaultCutoff) throws {
        let values = try GeneralEigensolver.decompose(op.singularOneMatrix, computeVectors: false).values
            .sorted { $0.length > $1.length }
        let largest = values.first?.length ?? 0
        let threshold = relativeCutoff * largest
        let kept = values.filter { $0.length > threshold }
        eigenvalues = values
        self.relativeCutoff = relativeCutoff
        rank = largest > 0 ? kept.count : 0
        smallestKept = kept.last?.length
        largestDropped = values.dropFirst(kept.count).first?.length
    }
}
