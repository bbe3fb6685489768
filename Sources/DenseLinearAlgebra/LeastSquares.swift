import CLapacke
import Foundation
import Numerics

/// Linear least squares min ‖A x − b‖₂ for a full-column-rank real A (m ≥ n) via LAPACK
/// `dgels`, QR factorization: the one real least-squares fit of the package (the diffusion
/// pole's iλ0/q² = D + Bq² + Cq⁴, the critical exponents' power laws). (The complex
/// fixed-point histories of the SCBA are solved by `AndersonMixing` through their small
/// normal equations instead.)
public enum LeastSquares {
    /// Solution x and the residual norm ‖A x − b‖₂.
    public struct Solution: Sendable {
        public var coefficients: [Double]
        public var residualNorm: Double
        /// The diagonal of (AᵀA)⁻¹ = R⁻¹R⁻ᵀ from the triangular factor R of A = QR: times
        /// σ² = ‖Ax − b‖²/(m − n) it is the variance of each coefficient.
        public var unscaledVariances: [Double]

        /// The standard error √(σ² (AᵀA)⁻¹_ii) of coefficient i, σ² = ‖Ax − b‖²/(m − n)
        /// (nil when m = n, where the residual says nothing).
        public func standardError(_ i: Int, rows m: Int) -> Double? {
            let n = coefficients.count
            guard m > n else { return nil }
            return (residualNorm * residualNorm / Double(m - n) * unscaledVariances[i]).squareRoot()
        }
    }

    /// The polynomial fit y ≈ Σ_{j < terms} c_j x^j at the abscissae `x`.
    /// - Throws: as `solve`.
    public static func polynomial(_ x: [Double], _ y: [Double], terms: Int) throws(LinearAlgebraError) -> Solution {
        var design = RealMatrix(rows: x.count, columns: terms)
        for (row, value) in x.enumerated() {
            for column in 0..<terms { design[row, column] = pow(value, Double(column)) }
        }
        return try solve(design, y)
    }

    /// Shape and finiteness checks; returns (m, n) as LAPACK integers.
    private static func validate<S: MatrixScalar>(_ a: Matrix<S>, _ b: [S], routine: String) throws(LinearAlgebraError)
        -> (rows: collop_lapack_int, columns: collop_lapack_int) {
        let m = a.rows, n = a.columns
        guard b.count == m, m >= n, n > 0 else {
            throw .shapeMismatch(operation: routine, expected: "m ≥ n > 0 and b of length m = \(m)",
                                 found: "A \(m)×\(n), b of length \(b.count)")
        }
        if let bad = a.firstNonFiniteElement() { throw .nonFiniteInput(routine: routine, row: bad.row, column: bad.column) }
        if let bad = b.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteInput(routine: routine, row: bad, column: n) }
        return (try Lapack.integer(m, routine: routine), try Lapack.integer(n, routine: routine))
    }

    /// Solves min ‖A x − b‖₂ with `LAPACKE_dgels_work`.
    /// - Throws: `.shapeMismatch` (b's length, m < n), `.nonFiniteInput`, or
    ///   `.algorithmFailure` when A is rank deficient (`info > 0`).
    public static func solve(_ a: RealMatrix, _ b: [Double]) throws(LinearAlgebraError) -> Solution {
        let routine = "dgels"
        let m = a.rows, n = a.columns
        let (rows, cols) = try validate(a, b, routine: routine)
        var factors = a
        var rhs = b

        func call(_ work: inout [Double], _ lwork: collop_lapack_int) -> collop_lapack_int {
            factors.withUnsafeMutableBufferPointer { ap in
                LAPACKE_dgels_work(Lapack.columnMajor, Lapack.flag("N"), rows, cols, 1,
                                   ap.baseAddress, rows, &rhs, rows, &work, lwork)
            }
        }
        var query = [Double](repeating: 0, count: 1)
        try Lapack.check(call(&query, -1), routine: routine, phase: .workspaceQuery) { _ in "workspace query failed" }
        var work = [Double](repeating: 0, count: Lapack.workspaceLength(query[0], minimum: 1))
        try Lapack.check(LapackClock.measure { call(&work, collop_lapack_int(work.count)) }, routine: routine, phase: .computation) { info in
            "diagonal element \(info) of the triangular factor is zero: the design matrix is rank deficient"
        }
        let residual = rhs[n..<m].reduce(0) { $0 + $1 * $1 }.squareRoot()
        return Solution(coefficients: Array(rhs[0..<n]), residualNorm: residual,
                        unscaledVariances: inverseGramDiagonal(factors, columns: n))
    }

    /// diag(R⁻¹R⁻ᵀ) for the upper triangle R (n × n) that `dgels` leaves in `factors`: the
    /// columns of R⁻¹ by back substitution, O(n³) for the few parameters of a fit.
    private static func inverseGramDiagonal(_ factors: RealMatrix, columns n: Int) -> [Double] {
        var inverse = RealMatrix(rows: n, columns: n)
        for j in 0..<n {
            inverse[j, j] = 1 / factors[j, j]
            for i in stride(from: j - 1, through: 0, by: -1) {
                var sum = 0.0
                for k in (i + 1)...j { sum += factors[i, k] * inverse[k, j] }
                inverse[i, j] = -sum / factors[i, i]
            }
        }
        return (0..<n).map { i in (i..<n).reduce(0) { $0 + inverse[i, $1] * inverse[i, $1] } }
    }
}
