import CollisionOperator
import DenseLinearAlgebra
import Numerics

/// Numerical rank of 𝕃1 = ω𝕃sing (docs/model.md §4 "Structural classification"): the number
/// of eigenvalues η with |η| > cutoff·max(ω·scale of 𝕊, max|η|), cutoff 1e-10 by default.
public struct SingularRank: Sendable {
    /// Eigenvalues of 𝕃1 sorted by |η| descending.
    public let eigenvalues: [Complex<Double>]
    public let relativeCutoff: Double
    /// The absolute threshold on |η|.
    public let threshold: Double
    public let rank: Int
    /// |η| of the smallest kept and the largest dropped eigenvalue (the gap the cutoff sits in).
    public let smallestKept: Double?
    public let largestDropped: Double?

    public static let defaultCutoff = 1e-10

    /// - Parameter relativeCutoff: |η| counts when above relativeCutoff·ω·(scale of the
    ///   unprojected 𝕊), not relative to the largest |η|: when the projection removes all of
    ///   𝕃sing (A ≡ 1) there is no largest η to measure against, only round-off.
    public init(operator op: CollisionOperator, relativeCutoff: Double = defaultCutoff) throws {
        let values = try GeneralEigensolver.decompose(op.singularOneMatrix, computeVectors: false).values
            .sorted { $0.length > $1.length }
        let largest = values.first?.length ?? 0
        let threshold = Self.threshold(operator: op, largest: largest, relativeCutoff: relativeCutoff)
        let kept = values.filter { $0.length > threshold }
        eigenvalues = values
        self.relativeCutoff = relativeCutoff
        self.threshold = threshold
        rank = largest > 0 ? kept.count : 0
        smallestKept = kept.last?.length
        largestDropped = values.dropFirst(kept.count).first?.length
    }

    /// The absolute cutoff on |η|: relativeCutoff·max(ω·scale of the unprojected 𝕊, max|η|).
    public static func threshold(operator op: CollisionOperator, largest: Double, relativeCutoff: Double) -> Double {
        relativeCutoff * max(op.omega * op.singularScale, largest)
    }
}
