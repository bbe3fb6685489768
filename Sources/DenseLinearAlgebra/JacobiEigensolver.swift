/// Eigen-decomposition of a real symmetric matrix by cyclic Jacobi rotations, in plain
/// Swift: no BLAS, so the eigenvectors — also the basis chosen inside a degenerate
/// eigenspace — are bit for bit the same at any OpenBLAS thread count and on any
/// machine with IEEE doubles. O(n³) per sweep; meant for small matrices (n ≲ 400).
public enum JacobiEigensolver {
    /// Sweeps stop when off(A)² = Σ_{i≠j} a_ij² ≤ `tolerance`·‖A‖_F², or after `maximumSweeps`.
    public static let tolerance = 1e-30
    public static let maximumSweeps = 60

    /// Eigenvalues (ascending) and orthonormal eigenvectors (column j belongs to
    /// `values[j]`) of the symmetric `matrix` (both triangles are read; the caller vouches
    /// for the symmetry). Each rotation zeroes a_pq with t = sgn θ/(|θ| + √(θ² + 1)),
    /// θ = (a_qq − a_pp)/(2 a_pq) (Golub & Van Loan, Algorithm 8.5.2); `offDiagonal` is
    /// off(A)²/‖A‖_F² at the end (≤ `tolerance` unless the sweeps ran out at round-off).
    public static func decompose(_ matrix: RealMatrix) -> (values: [Double], vectors: RealMatrix, offDiagonal: Double) {
        let n = matrix.rows
        var a = matrix.elements                                   // column-major, a[j * n + i]
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        let total = a.reduce(0) { $0 + $1 * $1 }
        func offDiagonal() -> Double {
            var off = 0.0
            for j in 0..<n { for i in 0..<n where i != j { off += a[j * n + i] * a[j * n + i] } }
            return off
        }
        for _ in 0..<maximumSweeps {
            if offDiagonal() <= tolerance * total { break }
            for p in 0..<(n - 1) {
                for q in (p + 1)..<n {
                    let apq = a[q * n + p]
                    guard abs(apq) > 1e-300 else { continue }
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    // Columns p, q of A, then rows p, q (A symmetric, column-major).
                    for k in 0..<n {
                        let akp = a[p * n + k], akq = a[q * n + k]
                        a[p * n + k] = c * akp - s * akq
                        a[q * n + k] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[k * n + p], aqk = a[k * n + q]
                        a[k * n + p] = c * apk - s * aqk
                        a[k * n + q] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[p * n + k], vkq = v[q * n + k]
                        v[p * n + k] = c * vkp - s * vkq
                        v[q * n + k] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { a[$0 * n + $0] < a[$1 * n + $1] }
        let values = order.map { a[$0 * n + $0] }
        var vectors = RealMatrix(rows: n, columns: n)
        for (column, source) in order.enumerated() { for k in 0..<n { vectors[k, column] = v[source * n + k] } }
        return (values, vectors, total > 0 ? offDiagonal() / total : 0)
    }
}
