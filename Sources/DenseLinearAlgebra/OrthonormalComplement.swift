import CLapacke
import Numerics

/// Orthonormal bases from Householder QR (`zgeqrf` + `zungqr`).
public enum OrthonormalBasis {
    /// An n × (n − k) matrix with orthonormal columns spanning the orthogonal complement
    /// (Hermitian inner product) of the column span of the n × k matrix `a` (k < n).
    ///
    /// The full unitary factor Q of a = QR is formed; its last n − k columns are the
    /// complement. `a` must have full column rank, which is checked on R's diagonal
    /// (|r_jj| > 1e-12·max|r_ii|; otherwise `.algorithmFailure` naming the column).
    public static func complement(of a: ComplexMatrix) throws(LinearAlgebraError) -> ComplexMatrix {
        let n = a.rows, k = a.columns
        guard k < n else {
            throw .shapeMismatch(operation: "orthogonal complement", expected: "fewer columns than rows", found: "\(n)×\(k)")
        }
        if let bad = a.firstNonFiniteElement() { throw .nonFiniteInput(routine: "zgeqrf", row: bad.row, column: bad.column) }
        guard k > 0 else { return .identity(order: n) }
        let rows = try Lapack.integer(n, routine: "zgeqrf")
        let reflectors = try Lapack.integer(k, routine: "zgeqrf")
        // Q is n × n: put a into the first k columns of an n × n buffer.
        var q = try ComplexMatrix(rows: n, columns: n, for: "the \(n) × \(n) unitary factor Q of zgeqrf")
        q.withUnsafeMutableBufferPointer { target in
            a.withUnsafeBufferPointer { source in
                for i in 0..<(n * k) { target[i] = source[i] }
            }
        }
        var tau = [Complex<Double>](repeating: .zero, count: k)

        func geqrf(_ work: inout [Complex<Double>], _ lwork: collop_lapack_int) -> collop_lapack_int {
            q.withUnsafeMutableBufferPointer { qb in
                tau.withUnsafeMutableBufferPointer { tb in
                    work.withUnsafeMutableBufferPointer { wb in
                        qb.withLapackComplex { qp in
                            tb.withLapackComplex { tp in
                                wb.withLapackComplex { wp in
                                    LAPACKE_zgeqrf_work(Lapack.columnMajor, rows, reflectors, qp, rows, tp, wp, lwork)
                                }
                            }
                        }
                    }
                }
            }
        }
        var query = [Complex<Double>](repeating: .zero, count: 1)
        try Lapack.check(geqrf(&query, -1), routine: "zgeqrf", phase: .workspaceQuery) { _ in "workspace query failed" }
        var work = [Complex<Double>](repeating: .zero, count: Lapack.workspaceLength(query[0].real, minimum: k))
        try Lapack.check(LapackClock.measure { geqrf(&work, collop_lapack_int(work.count)) }, routine: "zgeqrf", phase: .computation) { _ in "QR failed" }

        var largest = 0.0
        for j in 0..<k { largest = max(largest, q[j, j].length) }
        for j in 0..<k where q[j, j].length <= 1e-12 * largest {
            throw .algorithmFailure(routine: "zgeqrf", info: collop_lapack_int(j + 1),
                                    detail: "column \(j + 1) is numerically dependent on the previous ones: no complement of dimension \(n - k)")
        }

        func ungqr(_ work: inout [Complex<Double>], _ lwork: collop_lapack_int) -> collop_lapack_int {
            q.withUnsafeMutableBufferPointer { qb in
                tau.withUnsafeMutableBufferPointer { tb in
                    work.withUnsafeMutableBufferPointer { wb in
                        qb.withLapackComplex { qp in
                            tb.withLapackComplex { tp in
                                wb.withLapackComplex { wp in
                                    LAPACKE_zungqr_work(Lapack.columnMajor, rows, rows, reflectors, qp, rows, tp, wp, lwork)
                                }
                            }
                        }
                    }
                }
            }
        }
        try Lapack.check(ungqr(&query, -1), routine: "zungqr", phase: .workspaceQuery) { _ in "workspace query failed" }
        work = [Complex<Double>](repeating: .zero, count: Lapack.workspaceLength(query[0].real, minimum: n))
        try Lapack.check(LapackClock.measure { ungqr(&work, collop_lapack_int(work.count)) }, routine: "zungqr", phase: .computation) { _ in "forming Q failed" }
        q.removeLeadingColumns(k)
        return q
    }
}
