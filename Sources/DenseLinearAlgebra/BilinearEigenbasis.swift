import Numerics

/// Eigenvectors of a complex-symmetric matrix (Aᵀ = A) normalized for the bilinear
/// product (x, y) = w Σ_i x_i y_i, the product in which such a matrix is symmetric.
///
/// Right eigenvectors of distinct eigenvalues are automatically bilinear-orthogonal;
/// inside a degenerate cluster LAPACK's vectors are an arbitrary, non-orthogonal basis,
/// so clusters of at most `maximumClusterSize` modes are re-orthogonalized by
/// Gram–Schmidt in the bilinear product, pivoting on the largest |vᵀv|/‖v‖².
///
/// LAPACK's vectors for a large cluster (a highly degenerate, semisimple eigenvalue of a
/// non-normal matrix) can be nearly linearly dependent and so fail to span the
/// eigenspace. When there is one cluster larger than `maximumClusterSize`, its vectors
/// are rebuilt as an orthonormal (Hermitian) basis of the eigenspace: the orthogonal
/// complement of the conjugated eigenvectors of all other eigenvalues, since those are
/// bilinear-orthogonal to it (`zgeqrf` + `zungqr`, O(N²(N − m))).
///
/// The condition of mode s is 1/|vᵀv| for its Euclidean-normalized vector v (the
/// eigenvalue condition number of a complex-symmetric matrix). A mode with
/// |vᵀv| < `exceptionalThreshold` lies near an exceptional point: its vector is
/// self-orthogonal, so it is left Euclidean-normalized and flagged, never divided by ~0.
public struct BilinearEigenbasis: Sendable {
    /// Columns: eigenvectors with (e, e) = 1, except flagged modes (Euclidean norm 1).
    public var vectors: ComplexMatrix
    /// 1/|vᵀv| per mode (`.infinity` when vᵀv = 0).
    public var conditions: [Double]
    /// Modes near an exceptional point (|vᵀv| below the threshold).
    public var nearExceptional: [Bool]
    /// Degenerate clusters (eigenvalues equal within the tolerance), as mode indices.
    public var clusters: [[Int]]
    /// Large clusters whose vectors were rebuilt as a Hermitian-orthonormal basis of the
    /// eigenspace (then c-normalized one by one, not bilinear-orthogonalized).
    public var clustersWithSubspaceBasis: [[Int]]
    /// Large clusters left with LAPACK's vectors (more than one large cluster, or the
    /// complement could not be formed); c-normalized one by one.
    public var clustersLeftNonOrthogonal: [[Int]]

    /// Builds the basis.
    /// - Parameters:
    ///   - values: eigenvalues, `values[j]` belonging to column j of `vectors`.
    ///   - vectors: right eigenvectors (any normalization); consumed and normalized in
    ///     place, so pass `consume` to avoid a copy of the N × N buffer.
    ///   - weight: w in (x, y) = w Σ x_i y_i (1/N for the collision operator's product).
    ///   - clusterTolerance: eigenvalues with |λ_i − λ_j| ≤ this are one cluster.
    public init(values: [Complex<Double>], vectors: consuming ComplexMatrix, weight: Double,
                clusterTolerance: Double, exceptionalThreshold: Double = 1e-8,
                maximumClusterSize: Int = 64) {
        let n = vectors.rows
        let m = vectors.columns
        // Every column is read before it is overwritten, so the buffer is reused in place.
        var basis = consume vectors
        var conditions = [Double](repeating: 1, count: m)
        var flags = [Bool](repeating: false, count: m)
        let clusters = Self.groups(of: values, tolerance: clusterTolerance)
        var skipped: [[Int]] = []
        var rebuilt: [[Int]] = []
        let large = clusters.filter { $0.count > maximumClusterSize }
        if large.count == 1 {
            let members = Set(large[0])
            let others = (0..<m).filter { !members.contains($0) }
            if let complement = try? OrthonormalBasis.complement(of: (try basis.columns(at: others)).conjugated()),
               complement.columns == large[0].count {
                for (position, j) in large[0].enumerated() { basis.setColumn(j, to: complement.column(position)) }
                rebuilt = large
            }
        }

        func euclideanNormalized(_ v: [Complex<Double>]) -> [Complex<Double>] {
            let norm = euclideanNorm(v)
            return norm > 0 ? v.map { $0 / Complex(norm) } : v
        }
        /// Normalizes v so that w vᵀv = 1, records its condition, or flags it.
        func finish(_ v: [Complex<Double>], column: Int) {
            let unit = euclideanNormalized(v)
            let selfProduct = bilinearSum(unit, unit)
            let magnitude = selfProduct.length
            conditions[column] = magnitude > 0 ? 1 / magnitude : .infinity
            if magnitude < exceptionalThreshold {
                flags[column] = true
                basis.setColumn(column, to: unit)
            } else {
                let scale = Complex<Double>.sqrt(selfProduct * Complex(weight))
                basis.setColumn(column, to: unit.map { $0 / scale })
            }
        }

        for cluster in clusters {
            if cluster.count == 1 || cluster.count > maximumClusterSize {
                if cluster.count > 1 && !rebuilt.contains(cluster) { skipped.append(cluster) }
                for j in cluster { finish(basis.column(j), column: j) }
                continue
            }
            // Pivoted Gram–Schmidt in the bilinear product: every pending vector is kept
            // orthogonal to the finished ones, the next pivot is the pending vector with
            // the largest |vᵀv|/‖v‖², and it is re-orthogonalized once before use.
            var pending = cluster.map { euclideanNormalized(basis.column($0)) }
            var done: [[Complex<Double>]] = []
            func removeComponent(along e: [Complex<Double>], from v: inout [Complex<Double>]) {
                let coefficient = bilinearSum(e, v) * Complex(weight)
                for i in 0..<n { v[i] -= coefficient * e[i] }
            }
            for column in cluster {
                var best = 0
                var bestRatio = -1.0
                for (index, v) in pending.enumerated() {
                    let ratio = bilinearSum(v, v).length / max(euclideanNorm(v).squared, .leastNormalMagnitude)
                    if ratio > bestRatio { bestRatio = ratio; best = index }
                }
                var v = pending.remove(at: best)
                for e in done { removeComponent(along: e, from: &v) }
                finish(v, column: column)
                guard !flags[column] else { continue }
                let e = basis.column(column)
                done.append(e)
                for index in pending.indices { removeComponent(along: e, from: &pending[index]) }
            }
        }
        self.vectors = basis
        self.conditions = conditions
        self.nearExceptional = flags
        self.clusters = clusters
        self.clustersWithSubspaceBasis = rebuilt
        self.clustersLeftNonOrthogonal = skipped
    }

    /// Groups indices whose eigenvalues agree within `tolerance` (single linkage along
    /// the real axis, then in the plane), each group sorted, groups by first index.
    public static func groups(of values: [Complex<Double>], tolerance: Double) -> [[Int]] {
        let order = values.indices.sorted { values[$0].real < values[$1].real }
        var parent = Array(values.indices)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
            return i
        }
        for (position, i) in order.enumerated() {
            var next = position + 1
            while next < order.count, values[order[next]].real - values[i].real <= tolerance {
                let j = order[next]
                if (values[i] - values[j]).length <= tolerance { parent[root(j)] = root(i) }
                next += 1
            }
        }
        var groups: [Int: [Int]] = [:]
        for i in values.indices { groups[root(i), default: []].append(i) }
        return groups.values.map { $0.sorted() }.sorted { $0[0] < $1[0] }
    }
}

private extension Double {
    var squared: Double { self * self }
}
