import CollisionOperator
import DenseLinearAlgebra
import Numerics

/// The structural prediction of the hierarchy from 𝕃1 = ω𝕃sing (DESIGN §4, Suslov §5.2):
///
/// - M∞: the r nonzero eigenpairs (η_s, u_s) of 𝕃1 (rank with an explicit cutoff), with
///   λ_s ≈ η_s/ω + ⟨u_s|𝕃reg|u_s⟩ (Suslov (80)); degenerate η are handled by
///   diagonalizing 𝕃reg inside each η-cluster (degenerate perturbation theory).
/// - M0 ⊕ M1: the eigenvalues of the secular matrix (82),
///   T = 𝕃reg − ω 𝕃reg R 𝕃reg with R = Σ_{M∞} u_s u_sᵀ/(N η_s), on the null space of 𝕃1.
///   It is represented in an orthonormal basis B of that null space (the complement of
///   the conjugated u_s) as Bᴴ Q T B, Q = I − Σ_{M∞} u_s u_sᵀ/N the projector onto the
///   null space along the range, so its N − r eigenvalues are exactly the prediction.
///   |M0| is the nullity of the ω → 0 part Bᴴ Q 𝕃reg B: those eigenvalues vanish with ω.
public struct StructuralAnalysis: Sendable {
    /// Labelled prediction of one eigenvalue.
    public struct Prediction: Sendable, Equatable {
        public var value: Complex<Double>
        public var family: SpectralFamily
        /// For M∞: the index (into `infiniteVectors`) of the 𝕃1 eigenvector u_s.
        public var vectorIndex: Int?
    }

    public let omega: Double
    /// Eigenvalues η of 𝕃1, sorted by |η| descending.
    public let singularEigenvalues: [Complex<Double>]
    public let relativeCutoff: Double
    /// rank 𝕃1 = the predicted |M∞|.
    public let rank: Int
    /// The nullity of Bᴴ Q 𝕃reg B: the predicted |M0|.
    public let zeroCount: Int
    /// N predictions: r for M∞ (80), N − r for M0 ⊕ M1 (82).
    public let predictions: [Prediction]
    /// c-normalized u_s of the M∞ modes, columns in the order of `singularEigenvalues`.
    public let infiniteVectors: ComplexMatrix

    public static let defaultCutoff = 1e-10

    /// The models with an 𝕃1 = ω𝕃sing (Suslov (77)); `none` has 𝕃1 = 0 (rank 0). The
    /// `cooperon` is singular in ω only at Q = 0 and has no such decomposition.
    public static func applies(to model: SingularModel) -> Bool { model != .cooperon }

    public init(operator op: CollisionOperator, relativeCutoff: Double = defaultCutoff) throws {
        let n = op.order
        let omega = op.omega
        let inverseN = Complex<Double>(1 / Double(n))
        // Only the r eigenvectors of the M∞ modes are kept from 𝕃1's decomposition.
        let (eta, r, vectors): ([Complex<Double>], Int, ComplexMatrix) = try {
            let one = try Spectrum(matrix: op.singularOneMatrix, zeroMode: nil, computeVectors: true)
            let order = one.modes.indices.sorted { one.modes[$0].value.length > one.modes[$1].value.length }
            let eta = order.map { one.modes[$0].value }
            let largest = eta.first?.length ?? 0
            let r = largest > 0 ? eta.prefix { $0.length > relativeCutoff * largest }.count : 0
            if let flagged = order.prefix(r).first(where: { one.modes[$0].nearExceptional }) {
                throw SpectralError.nearExceptionalPoint(mode: flagged, condition: one.modes[flagged].condition ?? .infinity)
            }
            var kept = ComplexMatrix(rows: n, columns: r)
            for (position, mode) in order.prefix(r).enumerated() { kept.setColumn(position, to: one.vector(mode)!) }
            return (eta, r, kept)
        }()
        self.omega = omega
        singularEigenvalues = eta
        self.relativeCutoff = relativeCutoff
        rank = r
        infiniteVectors = vectors
        let largest = eta.first?.length ?? 0

        // (80) with degenerate perturbation theory inside each η-cluster.
        var regular: ComplexMatrix? = try op.regularMatrix
        let regularScale = regular!.frobeniusNorm / Double(n).squareRoot()
        let regularU = try ComplexMatrix.product(regular!, .none, vectors)                    // 𝕃reg u
        let block = try ComplexMatrix.product(vectors, .transpose, regularU)                   // uᵀ 𝕃reg u
        var predictions: [Prediction] = []
        for cluster in BilinearEigenbasis.groups(of: Array(eta.prefix(r)), tolerance: 1e-8 * largest) {
            let sub = ComplexMatrix(order: cluster.count) { block[cluster[$0], cluster[$1]] * inverseN }
            let shifts = try GeneralEigensolver.decompose(sub, computeVectors: false).values
            let meanEta = cluster.reduce(Complex<Double>.zero) { $0 + eta[$1] } / Complex(Double(cluster.count))
            for (position, shift) in shifts.enumerated() {
                predictions.append(Prediction(value: meanEta / Complex(omega) + shift, family: .mInfinity,
                                              vectorIndex: cluster[position]))
            }
        }
        guard r < n else {
            zeroCount = 0
            self.predictions = predictions
            return
        }

        // (82) on the null space of 𝕃1, with buffers released as soon as they are used.
        /// y ← Q y = y − U (Uᵀ y)/N.
        func projectOntoNull(_ y: inout ComplexMatrix) throws {
            guard r > 0 else { return }
            let back = try ComplexMatrix.product(vectors, .none, ComplexMatrix.product(vectors, .transpose, y))
            for j in 0..<y.columns { for i in 0..<n { y[i, j] -= back[i, j] * inverseN } }
        }
        let basis = try OrthonormalBasis.complement(of: vectors.conjugated())                 // B, N × (N − r)
        var regularB = try ComplexMatrix.product(regular!, .none, basis)                       // 𝕃reg B
        regular = nil
        var projected = regularB
        try projectOntoNull(&projected)
        let leading = try ComplexMatrix.product(basis, .adjoint, projected)                   // Bᴴ Q 𝕃reg B
        projected = ComplexMatrix(rows: 0, columns: 0)
        let leadingValues = try GeneralEigensolver.decompose(leading, computeVectors: false).values
        if r > 0 {
            var weighted = try ComplexMatrix.product(vectors, .transpose, regularB)            // uᵀ 𝕃reg B
            for s in 0..<r {
                let scale = Complex<Double>(omega / Double(n)) / eta[s]
                for j in 0..<weighted.columns { weighted[s, j] *= scale }
            }
            let correction = try ComplexMatrix.product(regularU, .none, weighted)              // ω 𝕃reg R 𝕃reg B
            for j in 0..<regularB.columns { for i in 0..<n { regularB[i, j] -= correction[i, j] } }
        }
        try projectOntoNull(&regularB)
        let secular = try ComplexMatrix.product(basis, .adjoint, regularB)                    // Bᴴ Q T B
        regularB = ComplexMatrix(rows: 0, columns: 0)
        let values = try Spectrum(matrix: secular, zeroMode: nil, computeVectors: false).values    // ascending |λ|
        // Zero relative to the scale of 𝕃reg (its rms eigenvalue ‖𝕃reg‖_F/√N), so a null
        // space that is all zeros is still recognized.
        let leadingScale = max(leadingValues.map(\.length).max() ?? 0, regularScale)
        let nullity = leadingValues.filter { $0.length <= relativeCutoff * leadingScale }.count
        zeroCount = nullity
        for (position, value) in values.enumerated() {
            predictions.append(Prediction(value: value, family: position < nullity ? .m0 : .m1, vectorIndex: nil))
        }
        self.predictions = predictions
    }

    /// The predicted family of each actual eigenvalue: an optimal assignment between the
    /// N predictions and the N eigenvalues on the relative distance |λ − λ_pred|/(|λ| + |λ_pred|).
    public func label(_ values: [Complex<Double>]) throws -> [Prediction] {
        let n = values.count
        guard predictions.count == n else {
            throw LinearAlgebraError.shapeMismatch(operation: "structural labelling", expected: "\(predictions.count) eigenvalues", found: "\(n)")
        }
        let scale = values.map(\.length).max() ?? 1
        var cost = [Double](repeating: 0, count: n * n)
        for (i, predicted) in predictions.enumerated() {
            for (j, actual) in values.enumerated() {
                cost[i * n + j] = (predicted.value - actual).length / (predicted.value.length + actual.length + 1e-300 + 1e-14 * scale)
            }
        }
        let assignment = try OptimalAssignment.minimumCost(cost, rows: n, columns: n)
        var labels = predictions
        for (i, j) in assignment.enumerated() { labels[j] = predictions[i] }
        return labels
    }
}
