/// Orthonormalization of a set of real vectors of known rank by Gram–Schmidt with column
/// pivoting (the candidate of largest residual norm first) and reorthogonalization
/// ("twice is enough", Giraud et al. 2005): an orthonormal basis Q of their span, written as
/// combinations Q = V_P T of the chosen pivot vectors with T upper triangular.
public enum PivotedGramSchmidt {
    /// The basis and how it is made from the candidates.
    public struct Basis: Sendable {
        /// The indices of the candidates chosen, in order (p_0, …, p_{m−1}).
        public let pivots: [Int]
        /// Q: the m orthonormal vectors as columns (length × m).
        public let vectors: RealMatrix
        /// T (m × m, upper triangular): q_t = Σ_{i ≤ t} T_it v_{p_i}.
        public let transform: RealMatrix
    }

    /// The candidates' span has another dimension than the rank asked for.
    public enum RankMismatch: Error, Equatable, Sendable {
        /// Only `found` candidates had a residual above 1e-16 of the largest norm².
        case below(found: Int)
        /// A candidate's residual norm² stayed above 1e-18 (relative) after m vectors.
        case above
    }

    /// The orthonormal basis of rank `rank` spanned by the columns of `candidates`.
    /// - Throws: `RankMismatch` when the span's numerical rank is not `rank`.
    public static func orthonormalize(_ candidates: RealMatrix, rank m: Int) throws(RankMismatch) -> Basis {
        let r = candidates.rows, count = candidates.columns
        let v = candidates.elements                                  // candidate x: v[x * r ..< x * r + r]
        var residual = v
        var norms = (0..<count).map { x in (0..<r).reduce(0.0) { $0 + residual[x * r + $1] * residual[x * r + $1] } }
        let largest = norms.max() ?? 0
        var pivots: [Int] = []
        var basis = [Double](repeating: 0, count: r * m)
        var transform = [Double](repeating: 0, count: m * m)
        for t in 0..<m {
            guard let p = (0..<count).filter({ !pivots.contains($0) }).max(by: { norms[$0] < norms[$1] }),
                  norms[p] > 1e-16 * largest, largest > 0 else {
                throw .below(found: t)
            }
            // T column t: (e_t − Σ_{s<t} (q_s·v_p) T_s) / ‖w‖, w = v_p − Σ (q_s·v_p) q_s.
            var column = [Double](repeating: 0, count: m)
            column[t] = 1
            var w = Array(v[(p * r)..<(p * r + r)])
            for s in 0..<t {
                let dot = (0..<r).reduce(0.0) { $0 + basis[s * r + $1] * v[p * r + $1] }
                for y in 0..<r { w[y] -= dot * basis[s * r + y] }
                for i in 0..<m { column[i] -= dot * transform[s * m + i] }
            }
            // Second pass for orthogonality to round-off.
            for s in 0..<t {
                let dot = (0..<r).reduce(0.0) { $0 + basis[s * r + $1] * w[$1] }
                for y in 0..<r { w[y] -= dot * basis[s * r + y] }
                for i in 0..<m { column[i] -= dot * transform[s * m + i] }
            }
            let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for y in 0..<r { basis[t * r + y] = w[y] / norm }
            for i in 0..<m { transform[t * m + i] = column[i] / norm }
            pivots.append(p)
            // Residual norms of the other candidates.
            for x in 0..<count where !pivots.contains(x) {
                let dot = (0..<r).reduce(0.0) { $0 + basis[t * r + $1] * residual[x * r + $1] }
                for y in 0..<r { residual[x * r + y] -= dot * basis[t * r + y] }
                norms[x] = (0..<r).reduce(0.0) { $0 + residual[x * r + $1] * residual[x * r + $1] }
            }
        }
        if let leftover = (0..<count).filter({ !pivots.contains($0) }).map({ norms[$0] }).max(), leftover > 1e-18 * max(largest, 1) {
            throw .above
        }
        // T column t holds T_it at transform[t * m + i]: column-major m × m.
        var vectors = RealMatrix(rows: r, columns: m), triangle = RealMatrix(rows: m, columns: m)
        vectors.storage = basis
        triangle.storage = transform
        return Basis(pivots: pivots, vectors: vectors, transform: triangle)
    }
}
