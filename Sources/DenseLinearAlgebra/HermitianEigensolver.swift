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

/// Hermitian (`zheevd`) and real-symmetric (`dsyevd`) eigen-solvers, divide and conquer.
///
/// Only the lower triangle of the input is read (`uplo = "L"`); the caller vouches
/// for the symmetry. Both routines are `*_work` calls preceded by a workspace query.
public enum HermitianEigensolver {
    /// Eigenvalues (and optionally eigenvectors) of a Hermitian matrix via `LAPACKE_zheevd_work`.
    public static func decompose(_ matrix: consuming ComplexMatrix,
                                 computeVectors: Bool) throws(LinearAlgebraError) -> HermitianEigendecomposition<Complex<Double>> {
        let routine = "zheevd"
        try Lapack.requireSquareFinite(matrix, routine: routine)
        let n = matrix.rows
        if n == 0 { return .init(values: [], vectors: computeVectors ? matrix : nil) }
        let order = try Lapack.integer(n, routine: routine)
        var a = consume matrix
        var values = [Double](repeating: 0, count: n)
        let job = Lapack.flag(computeVectors ? "V" : "N")

        func call(_ work: inout [Complex<Double>], _ lwork: collop_lapack_int,
                  _ rwork: inout [Double], _ lrwork: collop_lapack_int,
                  _ iwork: inout [collop_lapack_int], _ liwork: collop_lapack_int) -> collop_lapack_int {
            a.withUnsafeMutableBufferPointer { aBuffer in
                work.withUnsafeMutableBufferPointer { workBuffer in
                    aBuffer.withLapackComplex { ap in
                        workBuffer.withLapackComplex { wp in
                            LAPACKE_zheevd_work(Lapack.columnMajor, job, Lapack.flag("L"), order, ap, order,
                                                &values, wp, lwork, &rwork, lrwork, &iwork, liwork)
                        }
                    }
                }
            }
        }

        var workQuery = [Complex<Double>](repeating: .zero, count: 1)
        var rworkQuery = [Double](repeating: 0, count: 1)
        var iworkQuery = [collop_lapack_int](repeating: 0, count: 1)
        try Lapack.check(call(&workQuery, -1, &rworkQuery, -1, &iworkQuery, -1),
                         routine: routine, phase: .workspaceQuery) { _ in "workspace query failed" }
        var work = [Complex<Double>](repeating: .zero, count: Lapack.workspaceLength(workQuery[0].real, minimum: 1))
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

    /// Eigenvalues (and optionally eigenvectors) of a real symmetric matrix via `LAPACKE_dsyevd_work`.
    public static func decompose(_ matrix: consuming RealMatrix,
                                 computeVectors: Bool) throws(LinearAlgebraError) -> HermitianEigendecomposition<Double> {
        let routine = "dsyevd"
        try Lapack.requireSquareFinite(matrix, routine: routine)
        let n = matrix.rows
        if n == 0 { return .init(values: [], vectors: computeVectors ? matrix : nil) }
        let order = try Lapack.integer(n, routine: routine)
        var a = consume matrix
        var values = [Double](repeating: 0, count: n)
        let job = Lapack.flag(computeVectors ? "V" : "N")

        func call(_ work: inout [Double], _ lwork: collop_lapack_int,
                  _ iwork: inout [collop_lapack_int], _ liwork: collop_lapack_int) -> collop_lapack_int {
            a.withUnsafeMutableBufferPointer { aBuffer in
                LAPACKE_dsyevd_work(Lapack.columnMajor, job, Lapack.flag("L"), order, aBuffer.baseAddress, order,
                                    &values, &work, lwork, &iwork, liwork)
            }
        }

        var workQuery = [Double](repeating: 0, count: 1)
        var iworkQuery = [collop_lapack_int](repeating: 0, count: 1)
        try Lapack.check(call(&workQuery, -1, &iworkQuery, -1),
                         routine: routine, phase: .workspaceQuery) { _ in "workspace query failed" }
        var work = [Double](repeating: 0, count: Lapack.workspaceLength(workQuery[0], minimum: 1))
        var iwork = [collop_lapack_int](repeating: 0, count: Lapack.workspaceLength(Double(iworkQuery[0]), minimum: 1))
        let info = LapackClock.measure { call(&work, collop_lapack_int(work.count), &iwork, collop_lapack_int(iwork.count)) }
        try Lapack.check(info, routine: routine, phase: .computation) { info in
            computeVectors
                ? "failed to compute an eigenvalue on the submatrix in rows/columns \(info / (order + 1))…\(info % (order + 1))"
                : "\(info) off-diagonal elements of the tridiagonal form did not converge"
        }
        return .init(values: values, vectors: computeVectors ? a : nil)
    }
}
