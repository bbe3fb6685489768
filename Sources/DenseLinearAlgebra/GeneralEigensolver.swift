import CLapacke
import Numerics

/// Eigenvalues and (optionally) right eigenvectors of a general complex matrix.
public struct Eigendecomposition: Sendable {
    /// Eigenvalues in the order LAPACK returned them.
    public var values: [Complex<Double>]
    /// Right eigenvectors as columns (column j belongs to `values[j]`), each of unit
    /// Euclidean norm with its largest component real — LAPACK's convention. `nil`
    /// when vectors were not requested.
    public var vectors: ComplexMatrix?
}

/// General complex eigenproblem A v = λ v through LAPACK `zgeev`.
public enum GeneralEigensolver {
    /// Diagonalizes `matrix` with `LAPACKE_zgeev_work` (workspace query first).
    ///
    /// - Parameters:
    ///   - matrix: a square matrix with finite entries. It is consumed: LAPACK
    ///     overwrites its buffer, so pass `consume m` to avoid a copy.
    ///   - computeVectors: also compute right eigenvectors (`jobvr = "V"`); about
    ///     twice the cost of eigenvalues alone.
    /// - Throws: `.notSquare`, `.nonFiniteInput` (LAPACK not called), `.allocationFailed`
    ///   for the eigenvector buffer, or the `info` of either LAPACK call (`info > 0`: the
    ///   QR algorithm failed).
    public static func decompose(_ matrix: consuming ComplexMatrix,
                                 computeVectors: Bool) throws(LinearAlgebraError) -> Eigendecomposition {
        let routine = "zgeev"
        try Lapack.requireSquareFinite(matrix, routine: routine)
        let n = matrix.rows
        if n == 0 { return Eigendecomposition(values: [], vectors: computeVectors ? ComplexMatrix(rows: 0, columns: 0) : nil) }
        let order = try Lapack.integer(n, routine: routine)
        let vectorOrder = computeVectors ? n : 1

        var a = consume matrix
        var values = [Complex<Double>](repeating: .zero, count: n)
        var right = try ComplexMatrix(rows: vectorOrder, columns: vectorOrder, for: "the \(n) right eigenvectors of zgeev (order \(n))")
        var left = [Complex<Double>](repeating: .zero, count: 1)
        var realWork = [Double](repeating: 0, count: 2 * n)
        let jobRight = Lapack.flag(computeVectors ? "V" : "N")
        let ldRight = collop_lapack_int(vectorOrder)

        func call(_ work: inout [Complex<Double>], _ lwork: collop_lapack_int) -> collop_lapack_int {
            a.withUnsafeMutableBufferPointer { aBuffer in
                right.withUnsafeMutableBufferPointer { vrBuffer in
                    zgeev(jobvl: Lapack.flag("N"), jobvr: jobRight, order: order, a: aBuffer.baseAddress!, lda: order,
                          values: &values, vl: &left, ldvl: 1, vr: vrBuffer.baseAddress!, ldvr: ldRight,
                          work: &work, lwork: lwork, rwork: &realWork)
                }
            }
        }

        var query = [Complex<Double>](repeating: .zero, count: 1)
        let queryInfo = LapackClock.measure { call(&query, -1) }
        try Lapack.check(queryInfo, routine: routine, phase: .workspaceQuery) { _ in "workspace query failed" }
        var work = [Complex<Double>](repeating: .zero,
                                     count: Lapack.workspaceLength(query[0].real, minimum: 2 * n))
        let info = LapackClock.measure { call(&work, collop_lapack_int(work.count)) }
        try Lapack.check(info, routine: routine, phase: .computation) { info in
            "the QR algorithm failed to compute all eigenvalues; only eigenvalues \(info + 1)…\(n) converged"
        }
        return Eigendecomposition(values: values, vectors: computeVectors ? right : nil)
    }
}
