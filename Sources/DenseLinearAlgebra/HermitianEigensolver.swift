import CLapacke
import Numerics

/// Eigen-decomposition of a Hermitian or real-symmetric matrix: real eigenvalues in
/// ascending order and an orthonormal set of eigenvectors.
public struct HermitianEigendecomposition<Scalar: MatrixScalar>: Sendable {
    /// Eigenvalues, ascending.
    public var values: [Double]
    /// Orthonormal eigenvectors as columns (column j belongs to `values[j]`), or `nil`.
    public var vectors: Matrix<Scalar>?
}

/// Hermitian (`zheevd`) and real-symmetric (`dsyevd`) eigen-solvers, divide and conquer:
/// one wrapper over the scalar type, the routine bound per type (`HermitianEigenScalar`).
///
/// Only the lower triangle of the input is read (`uplo = "L"`); the caller vouches
/// for the symmetry.
public enum HermitianEigensolver {
    /// Eigenvalues (and optionally eigenvectors) of a Hermitian (complex) or symmetric (real)
    /// matrix: non-finite input rejected, `*_work` workspace query, then the computation,
    /// `info` checked after both.
    public static func decompose<Scalar: HermitianEigenScalar>(_ matrix: consuming Matrix<Scalar>,
                                                               computeVectors: Bool) throws(LinearAlgebraError) -> HermitianEigendecomposition<Scalar> {
        let routine = Scalar.symmetricEigenRoutine
        try Lapack.requireSquareFinite(matrix, routine: routine)
        let n = matrix.rows
        if n == 0 { return .init(values: [], vectors: computeVectors ? matrix : nil) }
        let order = try Lapack.integer(n, routine: routine)
        var a = consume matrix
        var values = [Double](repeating: 0, count: n)
        let job = Lapack.flag(computeVectors ? "V" : "N")

        func call(_ work: inout [Scalar], _ lwork: collop_lapack_int,
                  _ rwork: inout [Double], _ lrwork: collop_lapack_int,
                  _ iwork: inout [collop_lapack_int], _ liwork: collop_lapack_int) -> collop_lapack_int {
            a.withUnsafeMutableBufferPointer { aBuffer in
                Scalar.symmetricEigen(job: job, uplo: Lapack.flag("L"), order: order, a: aBuffer.baseAddress!, lda: order,
                                      values: &values, work: &work, lwork: lwork, rwork: &rwork, lrwork: lrwork, iwork: &iwork, liwork: liwork)
            }
        }

        var workQuery = [Scalar](repeating: .zero, count: 1)
        var rworkQuery = [Double](repeating: 0, count: 1)
        var iworkQuery = [collop_lapack_int](repeating: 0, count: 1)
        try Lapack.check(call(&workQuery, -1, &rworkQuery, -1, &iworkQuery, -1),
                         routine: routine, phase: .workspaceQuery) { _ in "workspace query failed" }
        var work = [Scalar](repeating: .zero, count: Lapack.workspaceLength(workQuery[0].reportedWorkspace, minimum: 1))
        var rwork = [Double](repeating: 0, count: Lapack.workspaceLength(rworkQuery[0], minimum: 1))
        var iwork = [collop_lapack_int](repeating: 0, count: Lapack.workspaceLength(Double(iworkQuery[0]), minimum: 1))
        let info = LapackClock.measure { call(&work, collop_lapack_int(work.count), &rwork, collop_lapack_int(rwork.count), &iwork, collop_lapack_int(iwork.count)) }
        try Lapack.check(info, routine: routine, phase: .computation) { info in
            computeVectors
                ? "failed to compute an eigenvalue on the submatrix in rows/columns \(info / (order + 1))…\(info % (order + 1))"
                : "\(info) off-diagonal elements of the tridiagonal form did not converge"
        }
        return .init(values: values, vectors: computeVectors ? a : nil)
    }
}
