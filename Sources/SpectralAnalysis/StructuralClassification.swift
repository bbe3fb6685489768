import CollisionOperator
import DenseLinearAlgebra
import Numerics

/// The structural prediction of the hierarchy from 𝕃1 = ω𝕃sing (docs/model.md §4, Suslov §5.2):
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
        /// The symmetry sector the prediction belongs to (0 without blocking).
        public var sector: Int = 0
    }

    public let omega: Double
    /// Eigenvalues η of 𝕃1, sorted by |η| descending.
    public let singularEigenvalues: [Complex<Double>]
    public let relativeCutoff: Double
    /// The absolute cutoff on |η| (SingularRank.threshold).
    public let threshold: Double
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

    /// - Parameters:
    ///   - sectors: the irreps of the lattice group; 𝕃1 and 𝕃reg commute with the group, so
    ///     the whole analysis runs block by block, each block assembled from the kernels
    ///     (nil or trivial: one dense problem). Each block prediction stands for dim Γ
    ///     modes, one per partner row, as in the blocked `Spectrum`.
    public init(operator op: CollisionOperator, sectors: SectorDecomposition? = nil,
                relativeCutoff: Double = defaultCutoff) throws {
        let n = op.order
        let omega = op.omega
        let decomposition = (sectors?.isNontrivial ?? false) ? sectors : nil
        // 𝕃1 block by block; one rank cutoff for all blocks (SingularRank.threshold).
        let one = try decomposition.map {
            try Spectrum(operator: op, sectors: $0, regularWeight: .zero, singularWeight: Complex(omega), zeroMode: nil, computeVectors: true)
        } ?? Spectrum(matrix: op.singularOneMatrix, zeroMode: nil, computeVectors: true)
        let pieces: [(sector: SymmetrySector?, spectrum: Spectrum, global: [[Int]])] = one.isBlocked
            ? one.parts.map { ($0.sector, $0.spectrum, $0.globalIndices) }
            : [(nil, one, (0..<n).map { [$0] })]
        let order = one.modes.indices.sorted { one.modes[$0].value.length > one.modes[$1].value.length }
        let eta = order.map { one.modes[$0].value }
        let largest = eta.first?.length ?? 0
        let threshold = SingularRank.threshold(operator: op, largest: largest, relativeCutoff: relativeCutoff)
        let r = largest > 0 ? eta.prefix { $0.length > threshold }.count : 0
        var etaPosition = [Int](repeating: -1, count: n)                // global mode → position in `eta`
        for (position, mode) in order.enumerated() { etaPosition[mode] = position }
        if let flagged = order.prefix(r).first(where: { one.modes[$0].nearExceptional }) {
            throw SpectrumError.nearExceptionalPoint(mode: flagged, condition: one.modes[flagged].condition ?? .infinity)
        }
        var infinite = ComplexMatrix(rows: n, columns: r)
        for (position, mode) in order.prefix(r).enumerated() { infinite.setColumn(position, to: one.vector(mode)!) }
        self.omega = omega
        singularEigenvalues = eta
        self.relativeCutoff = relativeCutoff
        self.threshold = threshold
        rank = r
        infiniteVectors = infinite

        // 𝕃reg: the dense matrix, or its blocks (‖𝕃reg‖_F² = Σ dim Γ ‖B_Γ‖_F²).
        let regularBlocks = try pieces.map { piece in
            try piece.sector.map { try op.block($0, regularWeight: .one, singularWeight: .zero) } ?? op.regularMatrix
        }
        let squaredNorm = zip(pieces, regularBlocks).reduce(0.0) {
            let norm = $1.1.frobeniusNorm
            return $0 + Double($1.0.sector?.degeneracy ?? 1) * norm * norm
        }
        let regularScale = squaredNorm.squareRoot() / Double(n).squareRoot()
        var predictions: [Prediction] = []
        var zeros = 0
        for (sectorIndex, piece) in pieces.enumerated() {
            let kept = piece.spectrum.modes.indices.filter { piece.spectrum.modes[$0].value.length > threshold && r > 0 }
            var vectors = ComplexMatrix(rows: piece.spectrum.order, columns: kept.count)
            for (column, local) in kept.enumerated() { vectors.setColumn(column, to: piece.spectrum.vector(local)!) }
            let result = try Self.predict(regular: regularBlocks[sectorIndex], vectors: vectors,
                                          eta: kept.map { piece.spectrum.modes[$0].value },
                                          etaIndices: kept.map { etaPosition[piece.global[$0][0]] },
                                          omega: omega, gridPoints: n, largestEta: largest,
                                          nullThreshold: relativeCutoff * regularScale)
            // One copy of the block's predictions per partner row; an M∞ prediction points
            // at its partner's 𝕃1 eigenvector.
            let degeneracy = piece.sector?.degeneracy ?? 1
            for partner in 0..<degeneracy {
                var remap: [Int: Int] = [:]
                for local in kept { remap[etaPosition[piece.global[local][0]]] = etaPosition[piece.global[local][partner]] }
                predictions += result.predictions.map {
                    var p = $0
                    p.sector = sectorIndex
                    p.vectorIndex = p.vectorIndex.map { remap[$0] ?? $0 }
                    return p
                }
            }
            zeros += result.zeroCount * degeneracy
        }
        zeroCount = zeros
        self.predictions = predictions
    }

    /// Suslov (80) and (82) on one block (or the whole operator): `vectors` are the block's
    /// c-normalized M∞ eigenvectors of 𝕃1 (bilinear product with the grid's 1/N), `eta`
    /// their eigenvalues, `etaIndices` their positions in `singularEigenvalues`.
    private static func predict(regular: ComplexMatrix, vectors: ComplexMatrix, eta: [Complex<Double>], etaIndices: [Int],
                                omega: Double, gridPoints: Int, largestEta: Double,
                                nullThreshold: Double) throws -> (predictions: [Prediction], zeroCount: Int) {
        let d = regular.rows
        let r = vectors.columns
        let inverseN = Complex<Double>(1 / Double(gridPoints))
        var predictions: [Prediction] = []

        // (80) with degenerate perturbation theory inside each η-cluster.
        let regularU = try ComplexMatrix.product(regular, .none, vectors)                      // 𝕃reg u
        let block = try ComplexMatrix.product(vectors, .transpose, regularU)                     // uᵀ 𝕃reg u
        for cluster in BilinearEigenbasis.groups(of: eta, tolerance: 1e-8 * largestEta) {
            let sub = ComplexMatrix(order: cluster.count) { block[cluster[$0], cluster[$1]] * inverseN }
            let shifts = try GeneralEigensolver.decompose(sub, computeVectors: false).values
            let meanEta = cluster.reduce(Complex<Double>.zero) { $0 + eta[$1] } / Complex(Double(cluster.count))
            for (position, shift) in shifts.enumerated() {
                predictions.append(Prediction(value: meanEta / Complex(omega) + shift, family: .mInfinity,
                                              vectorIndex: etaIndices[cluster[position]]))
            }
        }
        guard r < d else { return (predictions, 0) }

        // (82) on the null space of 𝕃1, with buffers released as soon as they are used.
        /// y ← Q y = y − U (Uᵀ y)/N.
        func projectOntoNull(_ y: inout ComplexMatrix) throws {
            guard r > 0 else { return }
            let back = try ComplexMatrix.product(vectors, .none, ComplexMatrix.product(vectors, .transpose, y))
            for j in 0..<y.columns { for i in 0..<d { y[i, j] -= back[i, j] * inverseN } }
        }
        let basis = try OrthonormalBasis.complement(of: vectors.conjugated())                   // B, d × (d − r)
        var regularB = try ComplexMatrix.product(regular, .none, basis)                          // 𝕃reg B
        var projected = regularB
        try projectOntoNull(&projected)
        let leading = try ComplexMatrix.product(basis, .adjoint, projected)                     // Bᴴ Q 𝕃reg B
        projected = ComplexMatrix(rows: 0, columns: 0)
        let leadingValues = try GeneralEigensolver.decompose(leading, computeVectors: false).values
        if r > 0 {
            var weighted = try ComplexMatrix.product(vectors, .transpose, regularB)              // uᵀ 𝕃reg B
            for s in 0..<r {
                let scale = Complex<Double>(omega / Double(gridPoints)) / eta[s]
                for j in 0..<weighted.columns { weighted[s, j] *= scale }
            }
            let correction = try ComplexMatrix.product(regularU, .none, weighted)                // ω 𝕃reg R 𝕃reg B
            for j in 0..<regularB.columns { for i in 0..<d { regularB[i, j] -= correction[i, j] } }
        }
        try projectOntoNull(&regularB)
        let secular = try ComplexMatrix.product(basis, .adjoint, regularB)                      // Bᴴ Q T B
        regularB = ComplexMatrix(rows: 0, columns: 0)
        let values = try Spectrum(matrix: secular, zeroMode: nil, computeVectors: false).values     // ascending |λ|
        // M0: the eigenvalues of the ω → 0 part that vanish, relative to the scale of 𝕃reg
        // (its rms eigenvalue ‖𝕃reg‖_F/√N), so a null space that is all zeros is still recognized.
        let nullity = leadingValues.filter { $0.length <= nullThreshold }.count
        for (position, value) in values.enumerated() {
            predictions.append(Prediction(value: value, family: position < nullity ? .m0 : .m1, vectorIndex: nil))
        }
        return (predictions, nullity)
    }

    /// The predicted family of each actual eigenvalue: an optimal assignment between the
    /// predictions and the eigenvalues on the relative distance |λ − λ_pred|/(|λ| + |λ_pred|),
    /// sector by sector when `sectors[i]` (the sector of eigenvalue i) is given — the
    /// group does not mix irreps, and N³ becomes Σ (n·m)³.
    public func label(_ values: [Complex<Double>], sectors: [Int]? = nil) throws -> [Prediction] {
        let n = values.count
        guard predictions.count == n else {
            throw LinearAlgebraError.shapeMismatch(operation: "structural labelling", expected: "\(predictions.count) eigenvalues", found: "\(n)")
        }
        let scale = values.map(\.length).max() ?? 1
        let sectorOf = sectors ?? [Int](repeating: 0, count: n)
        var labels = predictions
        for sector in Set(predictions.map(\.sector)).sorted() {
            let predicted = predictions.indices.filter { predictions[$0].sector == sector }
            let actual = values.indices.filter { (sectors == nil ? 0 : sectorOf[$0]) == sector }
            guard predicted.count == actual.count else {
                throw LinearAlgebraError.shapeMismatch(operation: "structural labelling in sector \(sector)",
                                                       expected: "\(predicted.count) eigenvalues", found: "\(actual.count)")
            }
            let m = predicted.count
            var cost = [Double](repeating: 0, count: m * m)
            for (i, p) in predicted.enumerated() {
                for (j, a) in actual.enumerated() {
                    let guess = predictions[p].value, value = values[a]
                    cost[i * m + j] = (guess - value).length / (guess.length + value.length + 1e-300 + 1e-14 * scale)
                }
            }
            let assignment = try OptimalAssignment.minimumCost(cost, rows: m, columns: m)
            for (i, j) in assignment.enumerated() { labels[actual[j]] = predictions[predicted[i]] }
        }
        return labels
    }
}
