import DenseLinearAlgebra
import Numerics

/// One step of branch tracking: where each mode of the first spectrum goes in the second.
public struct TrackingStep: Sendable {
    /// `target[i]` = the mode of the second spectrum continuing mode i of the first.
    public let target: [Int]
    /// How sure each match is, in [0, 1]: |v_iᴴ w_j| for the matched vectors, or, when w_j
    /// lies in a degenerate cluster, the norm of v_i's projection on the cluster's span.
    public let confidence: [Double]
}

/// Follows eigenvectors between two neighbouring spectra (two ω, or two couplings t) by
/// the optimal assignment on the overlap matrix |v_iᴴ w_j| (Euclidean-normalized
/// vectors), never by nearest eigenvalue (docs/model.md §4). Inside a degenerate cluster the
/// individual vectors are arbitrary, so the confidence is measured against the cluster's
/// whole span.
public enum BranchTracker {
    /// Matches below this overlap are flagged as avoided crossings.
    public static let avoidedCrossingThreshold = 0.5

    public static func match(from first: Spectrum, to second: Spectrum) throws -> TrackingStep {
        // Blocked spectra with the same sectors: vectors of different irreps (and different
        // partner rows) are orthogonal, and the operator acts alike on every partner row, so
        // the assignment decomposes into one problem per irrep block, copied to each partner.
        if first.isBlocked, second.isBlocked, first.parts.count == second.parts.count,
           zip(first.parts, second.parts).allSatisfy({ $0.sector.sameSector(as: $1.sector) }) {
            var target = [Int](repeating: 0, count: first.order)
            var confidence = [Double](repeating: 0, count: first.order)
            for (a, b) in zip(first.parts, second.parts) {
                let step = try match(from: a.spectrum, to: b.spectrum)
                for (local, globals) in a.globalIndices.enumerated() {
                    for (partner, global) in globals.enumerated() {
                        target[global] = b.globalIndices[step.target[local]][partner]
                        confidence[global] = step.confidence[local]
                    }
                }
            }
            return TrackingStep(target: target, confidence: confidence)
        }
        guard let a = try first.vectors, let b = try second.vectors, a.rows == b.rows, a.columns == b.columns else {
            throw LinearAlgebraError.shapeMismatch(operation: "branch tracking", expected: "two spectra with eigenvectors of equal size",
                                                   found: "vectors missing or of different size")
        }
        let n = a.columns
        // (i, j) = v_iᴴ w_j for unit vectors: the product of the stored vectors scaled by
        // their norms (no normalized copies of the two N × N bases).
        var overlaps = try ComplexMatrix.product(a, .adjoint, b)
        let normsA = (0..<n).map { euclideanNorm(a.column($0)) }, normsB = (0..<n).map { euclideanNorm(b.column($0)) }
        var cost = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            for i in 0..<n {
                overlaps[i, j] = overlaps[i, j] / Complex(max(normsA[i] * normsB[j], .leastNormalMagnitude))
                cost[i * n + j] = 1 - overlaps[i, j].length
            }
        }
        let target = try OptimalAssignment.minimumCost(cost, rows: n, columns: n)

        // Inside a degenerate cluster the basis is arbitrary, so a match into (or out of) a
        // cluster is judged by projecting onto the cluster's span: the matched vector of the
        // other spectrum should lie in it. Where either side is degenerate the better of the
        // two projections is the confidence (a cluster that splits keeps each piece in its span).
        let sourceClusters = try ClusterProjector(spectrum: first, vectors: a)
        let targetClusters = try ClusterProjector(spectrum: second, vectors: b)
        var confidence = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let j = target[i]
            let fromSource = sourceClusters.projection(onClusterOf: i) { overlaps[$0, j] }          // v_kᴴ w_j
            let fromTarget = targetClusters.projection(onClusterOf: j) { overlaps[i, $0].conjugate } // w_kᴴ v_i
            switch (fromSource, fromTarget) {
            case (nil, nil): confidence[i] = overlaps[i, j].length
            case let (a?, nil): confidence[i] = a
            case let (nil, b?): confidence[i] = b
            case let (a?, b?): confidence[i] = max(a, b)
            }
        }
        return TrackingStep(target: target, confidence: confidence)
    }

    /// Columns scaled to unit Euclidean norm.
    static func unitColumns(_ m: ComplexMatrix) -> ComplexMatrix {
        var out = m
        for j in 0..<m.columns {
            let column = m.column(j)
            let norm = euclideanNorm(column)
            if norm > 0 { out.setColumn(j, to: column.map { $0 / Complex(norm) }) }
        }
        return out
    }

    /// Projections onto the spans of a spectrum's degenerate clusters.
    struct ClusterProjector {
        let clusterOf: [Int]
        let clusters: [[Int]]
        /// (WᴴW)⁺ per cluster, or nil when the cluster's unit vectors are orthonormal.
        let inverseGram: [ComplexMatrix?]

        init(spectrum: Spectrum, vectors: ComplexMatrix) throws {
            clusters = spectrum.degenerateClusters
            var clusterOf = [Int](repeating: -1, count: vectors.columns)
            for (c, cluster) in clusters.enumerated() { for k in cluster { clusterOf[k] = c } }
            self.clusterOf = clusterOf
            let orthonormal = Set(spectrum.clustersWithSubspaceBasis.map { $0[0] })
            inverseGram = try clusters.map { cluster in
                orthonormal.contains(cluster[0]) ? nil : try BranchTracker.pseudoInverseGram(BranchTracker.unitColumns(try vectors.columns(at: cluster)))
            }
        }

        /// ‖projection of a unit vector x on the span of `member`'s cluster‖, from the inner
        /// products `product(k)` = w_kᴴ x of the cluster's unit vectors w_k with x; nil when
        /// `member` is not in a degenerate cluster.
        func projection(onClusterOf member: Int, product: (Int) -> Complex<Double>) -> Double? {
            let c = clusterOf[member]
            guard c >= 0 else { return nil }
            let coefficients = clusters[c].map(product)
            var squared = 0.0
            if let g = inverseGram[c] {
                for (x, px) in coefficients.enumerated() {
                    for (y, py) in coefficients.enumerated() { squared += (px.conjugate * g[x, y] * py).real }
                }
            } else {
                squared = coefficients.reduce(0) { $0 + $1.magnitudeSquared }
            }
            return min(max(squared, 0).squareRoot(), 1)
        }
    }

    /// (WᴴW)⁺ for the cluster vectors W, dropping directions below 1e-12 of the largest:
    /// xᴴ W (WᴴW)⁺ Wᴴ x is then ‖x projected on span W‖².
    static func pseudoInverseGram(_ w: ComplexMatrix) throws -> ComplexMatrix {
        let gram = try ComplexMatrix.product(w, .adjoint, w)
        let m = gram.rows
        let decomposition = try HermitianEigensolver.decompose(gram, computeVectors: true)
        let vectors = decomposition.vectors!
        let largest = decomposition.values.last ?? 0
        var inverse = ComplexMatrix(rows: m, columns: m)
        for (k, value) in decomposition.values.enumerated() where value > 1e-12 * largest {
            for y in 0..<m {
                for x in 0..<m { inverse[x, y] += vectors[x, k] * vectors[y, k].conjugate / Complex(value) }
            }
        }
        return inverse
    }
}
