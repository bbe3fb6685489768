import CLapacke
import Numerics

/// Linear least squares min ‖A x − b‖₂ for a real full-column-rank A (m ≥ n) via
/// LAPACK `dgels` (QR factorization).
public enum LeastSquares {
    /// Solution x and the residual norm ‖A x − b‖₂.
    public struct Solution: Sendable {
        public var coefficients: [Double]
        public var residualNorm: Double
    }

    /// Solves min ‖A x − b‖₂ with `LAPACKE_dgels_work`.
    /// - Throws: `.shapeMismatch` (b's length, m < n), `.nonFiniteInput`, or
    ///   `.algorithmFailure` when A is rank deficient (`info > 0`).
    public static func solve(_ a: RealMatrix, _ b: [Double]) throws(LinearAlgebraError) -> Solution {
        let routine = "dgels"
        let m = a.rows, n = a.columns
        guard b.count == m, m >= n, n > 0 else {
            throw .shapeMismatch(operation: routine, expected: "m ≥ n > 0 and b of length m = \(m)",
                                 found: "A \(m)×\(n), b of length \(b.count)")
        }
        if let bad = a.firstNonFiniteElement() { throw .nonFiniteInput(routine: routine, row: bad.row, column: bad.column) }
        if let bad = b.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteInput(routine: routine, row: bad, column: n) }
        let rows = try Lapack.integer(m, routine: routine)
        let cols = try Lapack.integer(n, routine: routine)
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
        try Lapack.check(call(&work, collop_lapack_int(work.count)), routine: routine, phase: .computation) { info in
            "diagonal element \(info) of the triangular factor is zero: the design matrix is rank deficient"
        }
        let residual = rhs[n..<m].reduce(0) { $0 + $1 * $1 }.squareRoot()
        return Solution(coefficients: Array(rhs[0..<n]), residualNorm: residual)
    }
}
