import CLapacke
import Numerics

/// The LAPACK routines bound per scalar type, the way Julia's `lapack.jl` binds one
/// routine name per element type: a wrapper written once over `Scalar` calls
/// `Scalar.symmetricEigen(…)`, which is `dsyevd` for `Double` and `zheevd` for
/// `Complex<Double>`. Arguments are LAPACK's own, in its order; a workspace query passes
/// −1 lengths and one-element buffers.
public protocol HermitianEigenScalar: MatrixScalar {
    /// The routine's name, for errors ("dsyevd", "zheevd").
    static var symmetricEigenRoutine: String { get }
    /// `LAPACKE_?syevd_work` / `LAPACKE_?heevd_work` (column-major); `rwork` is unused
    /// for real matrices.
    static func symmetricEigen(job: CChar, uplo: CChar, order: collop_lapack_int, a: UnsafeMutablePointer<Self>, lda: collop_lapack_int,
                               values: UnsafeMutablePointer<Double>, work: UnsafeMutablePointer<Self>, lwork: collop_lapack_int,
                               rwork: UnsafeMutablePointer<Double>, lrwork: collop_lapack_int,
                               iwork: UnsafeMutablePointer<collop_lapack_int>, liwork: collop_lapack_int) -> collop_lapack_int
    /// The workspace length a query wrote into a `work` element.
    var reportedWorkspace: Double { get }
}

extension Double: HermitianEigenScalar {
    public static var symmetricEigenRoutine: String { "dsyevd" }
    public static func symmetricEigen(job: CChar, uplo: CChar, order: collop_lapack_int, a: UnsafeMutablePointer<Double>, lda: collop_lapack_int,
                                      values: UnsafeMutablePointer<Double>, work: UnsafeMutablePointer<Double>, lwork: collop_lapack_int,
                                      rwork: UnsafeMutablePointer<Double>, lrwork: collop_lapack_int,
                                      iwork: UnsafeMutablePointer<collop_lapack_int>, liwork: collop_lapack_int) -> collop_lapack_int {
        LAPACKE_dsyevd_work(Lapack.columnMajor, job, uplo, order, a, lda, values, work, lwork, iwork, liwork)
    }
    public var reportedWorkspace: Double { self }
}

extension Complex: HermitianEigenScalar where RealType == Double {
    public static var symmetricEigenRoutine: String { "zheevd" }
    public static func symmetricEigen(job: CChar, uplo: CChar, order: collop_lapack_int, a: UnsafeMutablePointer<Complex<Double>>, lda: collop_lapack_int,
                                      values: UnsafeMutablePointer<Double>, work: UnsafeMutablePointer<Complex<Double>>, lwork: collop_lapack_int,
                                      rwork: UnsafeMutablePointer<Double>, lrwork: collop_lapack_int,
                                      iwork: UnsafeMutablePointer<collop_lapack_int>, liwork: collop_lapack_int) -> collop_lapack_int {
        LAPACKE_zheevd_work(Lapack.columnMajor, job, uplo, order, a.lapack, lda, values, work.lapack, lwork, rwork, lrwork, iwork, liwork)
    }
    public var reportedWorkspace: Double { real }
}

/// `LAPACKE_zgeev_work` (column-major), LAPACK's arguments in its order.
func zgeev(jobvl: CChar, jobvr: CChar, order: collop_lapack_int, a: UnsafeMutablePointer<Complex<Double>>, lda: collop_lapack_int,
           values: UnsafeMutablePointer<Complex<Double>>, vl: UnsafeMutablePointer<Complex<Double>>, ldvl: collop_lapack_int,
           vr: UnsafeMutablePointer<Complex<Double>>, ldvr: collop_lapack_int,
           work: UnsafeMutablePointer<Complex<Double>>, lwork: collop_lapack_int, rwork: UnsafeMutablePointer<Double>) -> collop_lapack_int {
    LAPACKE_zgeev_work(Lapack.columnMajor, jobvl, jobvr, order, a.lapack, lda, values.lapack, vl.lapack, ldvl, vr.lapack, ldvr,
                       work.lapack, lwork, rwork)
}

extension UnsafeMutablePointer where Pointee == Complex<Double> {
    /// The same address as LAPACKE's `double complex` (two doubles, re then im: the layout
    /// of `Complex<Double>`). Only handed to C, never dereferenced in Swift as that type.
    var lapack: UnsafeMutablePointer<collop_complex_double> { UnsafeMutablePointer<collop_complex_double>(OpaquePointer(self)) }
}
