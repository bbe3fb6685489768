import CLapacke

/// Singular values of a real matrix (`dgesvd`, no singular vectors).
public enum SingularValues {
    /// The singular values of `matrix`, descending, via `LAPACKE_dgesvd_work` with a
    /// workspace query.
    /// - Throws: `.nonFiniteInput`, `.orderTooLarge`, or `.algorithmFailure` when the
    ///   bidiagonal QR iteration does not converge (`info > 0`).
    public static func of(_ matrix: RealMatrix) throws(LinearAlgebraError) -> [Double] {
        let routine = "dgesvd"
        if let bad = matrix.firstNonFiniteElement() { throw .nonFiniteInput(routine: routine, row: bad.row, column: bad.column) }
        let count = min(matrix.rows, matrix.columns)
        guard count > 0 else { return [] }
        let m = try Lapack.integer(matrix.rows, routine: routine)
        let n = try Lapack.integer(matrix.columns, routine: routine)
        var a = matrix
        var values = [Double](repeating: 0, count: count)
        var noU = [Double](repeating: 0, count: 1)
        var noVT = [Double](repeating: 0, count: 1)

        func call(_ work: inout [Double], _ lwork: collop_lapack_int) -> collop_lapack_int {
            a.withUnsafeMutableBufferPointer { ap in
                LAPACKE_dgesvd_work(Lapack.columnMajor, Lapack.flag("N"), Lapack.flag("N"), m, n, ap.baseAddress, m,
                                    &values, &noU, 1, &noVT, 1, &work, lwork)
            }
        }
        var query = [Double](repeating: 0, count: 1)
        try Lapack.check(call(&query, -1), routine: routine, phase: .workspaceQuery) { _ in "workspace query failed" }
        var work = [Double](repeating: 0, count: Lapack.workspaceLength(query[0], minimum: 5 * count))
        try Lapack.check(LapackClock.measure { call(&work, collop_lapack_int(work.count)) }, routine: routine, phase: .computation) { info in
            "\(info) superdiagonals of the bidiagonal form did not converge"
        }
        return values
    }
}
