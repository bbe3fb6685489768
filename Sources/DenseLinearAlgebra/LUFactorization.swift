import CLapacke
import Numerics

/// A = P L U, the LU factorization with partial pivoting of a square complex matrix
/// (LAPACK `zgetrf`), and the solves A x = b with it (`zgetrs`): the direct solver the
/// matrix-free paths fall back on where their iteration cannot reach its tolerance.
public struct LUFactorization: Sendable {
    /// L (unit lower, below the diagonal) and U in one matrix, as `zgetrf` leaves them.
    let factors: ComplexMatrix
    /// Row i was interchanged with row pivots[i] − 1 (LAPACK's 1-based `ipiv`).
    let pivots: [collop_lapack_int]

    /// The order of A.
    public var order: Int { factors.rows }

    /// Bytes an LU of order n holds: the n × n factors and the pivots.
    public static func storageBytes(order n: Int) -> Double {
        Double(n) * Double(n) * Double(MemoryLayout<Complex<Double>>.stride) + Double(n) * Double(MemoryLayout<collop_lapack_int>.stride)
    }

    /// Factorizes `matrix` with `LAPACKE_zgetrf_work` (which takes no workspace).
    /// - Parameter matrix: square with finite entries; consumed (LAPACK overwrites it).
    /// - Throws: `.notSquare`, `.nonFiniteInput` (LAPACK not called), `.illegalArgument`,
    ///   or `.algorithmFailure` when U has an exactly zero diagonal element (A singular).
    public init(_ matrix: consuming ComplexMatrix) throws(LinearAlgebraError) {
        let routine = "zgetrf"
        try Lapack.requireSquareFinite(matrix, routine: routine)
        var a = consume matrix
        let n = a.rows
        let order = try Lapack.integer(n, routine: routine)
        var ipiv = [collop_lapack_int](repeating: 0, count: n)
        if n > 0 {
            let info = LapackClock.measure {
                a.withUnsafeMutableBufferPointer { buffer in
                    buffer.withLapackComplex { LAPACKE_zgetrf_work(Lapack.columnMajor, order, order, $0, order, &ipiv) }
                }
            }
            try Lapack.check(info, routine: routine, phase: .computation) { info in
                "U(\(info), \(info)) is exactly zero: the matrix is singular"
            }
        }
        factors = a
        pivots = ipiv
    }

    /// x with A x = b (`LAPACKE_zgetrs_work`, no transpose).
    /// - Throws: `.shapeMismatch` for b of the wrong length, `.nonFiniteInput` for a NaN or
    ///   infinite b (LAPACK not called), `.illegalArgument`.
    public func solve(_ b: [Complex<Double>]) throws(LinearAlgebraError) -> [Complex<Double>] {
        let routine = "zgetrs"
        let n = order
        guard b.count == n else {
            throw .shapeMismatch(operation: routine, expected: "b of length \(n)", found: "length \(b.count)")
        }
        if let bad = b.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteInput(routine: routine, row: bad, column: 0) }
        guard n > 0 else { return [] }
        let size = try Lapack.integer(n, routine: routine)
        var x = b
        let info = LapackClock.measure {
            factors.withUnsafeBufferPointer { buffer in
                // zgetrs reads the factors only (const in LAPACKE): no copy of the n × n matrix.
                let a = UnsafePointer<collop_complex_double>(OpaquePointer(buffer.baseAddress!))
                return x.withUnsafeMutableBufferPointer { rhs in
                    rhs.withLapackComplex { LAPACKE_zgetrs_work(Lapack.columnMajor, Lapack.flag("N"), size, 1, a, size, pivots, $0, size) }
                }
            }
        }
        try Lapack.check(info, routine: routine, phase: .computation) { _ in "unexpected positive info" }
        return x
    }
}
