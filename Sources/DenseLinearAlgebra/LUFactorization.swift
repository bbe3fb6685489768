import CLapacke
import Numerics

/// The real types of the complex LU: `Double` (`zgetrf`/`zgetrs`) and `Float`
/// (`cgetrf`/`cgetrs`). One definition of `LUFactorization` serves both.
public protocol LUPrecision: BinaryFloatingPoint & Real & Sendable {
    /// The LAPACK name of the factorization (`zgetrf`, `cgetrf`).
    static var factorizationRoutine: String { get }
    /// The LAPACK name of the solve (`zgetrs`, `cgetrs`).
    static var solveRoutine: String { get }
    /// LAPACKE_?getrf_work on an n × n column-major matrix `a` (leading dimension n).
    static func getrf(_ n: collop_lapack_int, _ a: UnsafeMutableRawPointer, _ pivots: UnsafeMutablePointer<collop_lapack_int>) -> collop_lapack_int
    /// LAPACKE_?getrs_work (no transpose) for one right-hand side `b`.
    static func getrs(_ n: collop_lapack_int, _ a: UnsafeRawPointer, _ pivots: UnsafePointer<collop_lapack_int>,
                      _ b: UnsafeMutableRawPointer) -> collop_lapack_int
}

extension Double: LUPrecision {
    public static var factorizationRoutine: String { "zgetrf" }
    public static var solveRoutine: String { "zgetrs" }
    public static func getrf(_ n: collop_lapack_int, _ a: UnsafeMutableRawPointer, _ pivots: UnsafeMutablePointer<collop_lapack_int>) -> collop_lapack_int {
        LAPACKE_zgetrf_work(Lapack.columnMajor, n, n, a.assumingMemoryBound(to: collop_complex_double.self), n, pivots)
    }
    public static func getrs(_ n: collop_lapack_int, _ a: UnsafeRawPointer, _ pivots: UnsafePointer<collop_lapack_int>,
                             _ b: UnsafeMutableRawPointer) -> collop_lapack_int {
        LAPACKE_zgetrs_work(Lapack.columnMajor, Lapack.flag("N"), n, 1, a.assumingMemoryBound(to: collop_complex_double.self), n,
                            pivots, b.assumingMemoryBound(to: collop_complex_double.self), n)
    }
}

extension Float: LUPrecision {
    public static var factorizationRoutine: String { "cgetrf" }
    public static var solveRoutine: String { "cgetrs" }
    public static func getrf(_ n: collop_lapack_int, _ a: UnsafeMutableRawPointer, _ pivots: UnsafeMutablePointer<collop_lapack_int>) -> collop_lapack_int {
        LAPACKE_cgetrf_work(Lapack.columnMajor, n, n, a.assumingMemoryBound(to: collop_complex_float.self), n, pivots)
    }
    public static func getrs(_ n: collop_lapack_int, _ a: UnsafeRawPointer, _ pivots: UnsafePointer<collop_lapack_int>,
                             _ b: UnsafeMutableRawPointer) -> collop_lapack_int {
        LAPACKE_cgetrs_work(Lapack.columnMajor, Lapack.flag("N"), n, 1, a.assumingMemoryBound(to: collop_complex_float.self), n,
                            pivots, b.assumingMemoryBound(to: collop_complex_float.self), n)
    }
}

/// A = P L U, the LU factorization with partial pivoting of a square complex matrix in the
/// precision `RealType` (LAPACK `zgetrf` for `Double`, `cgetrf` for `Float`), and the solves
/// A x = b with it (`zgetrs`/`cgetrs`): the direct solver the matrix-free paths fall back on
/// where their iteration cannot reach its tolerance. Right-hand sides and solutions are
/// double precision in both; in `Float` they are rounded to single for the solve, so x is
/// A⁻¹b to single precision only (times A's condition number): a preconditioner, half the
/// memory and about a third of the time of the double factorization.
public struct LUFactorization<RealType: LUPrecision>: Sendable {
    /// L (unit lower, below the diagonal) and U in one matrix, as `?getrf` leaves them.
    let factors: Matrix<Complex<RealType>>
    /// Row i was interchanged with row pivots[i] − 1 (LAPACK's 1-based `ipiv`).
    let pivots: [collop_lapack_int]

    /// The order of A.
    public var order: Int { factors.rows }

    /// Bytes an LU of order n holds: the n × n factors and the pivots.
    public static func storageBytes(order n: Int) -> Double {
        Double(n) * Double(n) * Double(MemoryLayout<Complex<RealType>>.stride) + Double(n) * Double(MemoryLayout<collop_lapack_int>.stride)
    }

    /// Factorizes `matrix` with `LAPACKE_?getrf_work` (which takes no workspace).
    /// - Parameter matrix: square with finite entries; consumed (LAPACK overwrites it).
    /// - Throws: `.notSquare`, `.nonFiniteInput` (LAPACK not called), `.illegalArgument`,
    ///   or `.algorithmFailure` when U has an exactly zero diagonal element (A singular).
    public init(_ matrix: consuming Matrix<Complex<RealType>>) throws(LinearAlgebraError) {
        let routine = RealType.factorizationRoutine
        try Lapack.requireSquareFinite(matrix, routine: routine)
        var a = consume matrix
        let n = a.rows
        let order = try Lapack.integer(n, routine: routine)
        var ipiv = [collop_lapack_int](repeating: 0, count: n)
        if n > 0 {
            let info = LapackClock.measure {
                a.withUnsafeMutableBufferPointer { buffer in
                    ipiv.withUnsafeMutableBufferPointer { RealType.getrf(order, UnsafeMutableRawPointer(buffer.baseAddress!), $0.baseAddress!) }
                }
            }
            try Lapack.check(info, routine: routine, phase: .computation) { info in
                "U(\(info), \(info)) is exactly zero: the matrix is singular"
            }
        }
        factors = a
        pivots = ipiv
    }

    /// x with A x = b (`LAPACKE_?getrs_work`, no transpose).
    /// - Throws: `.shapeMismatch` for b of the wrong length, `.nonFiniteInput` for a NaN or
    ///   infinite b, or one beyond the range of `RealType` (LAPACK not called), `.illegalArgument`.
    public func solve(_ b: [Complex<Double>]) throws(LinearAlgebraError) -> [Complex<Double>] {
        let routine = RealType.solveRoutine
        let n = order
        guard b.count == n else {
            throw .shapeMismatch(operation: routine, expected: "b of length \(n)", found: "length \(b.count)")
        }
        var x = b.map { Complex(RealType($0.real), RealType($0.imaginary)) }
        if let bad = x.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteInput(routine: routine, row: bad, column: 0) }
        guard n > 0 else { return [] }
        let size = try Lapack.integer(n, routine: routine)
        let info = LapackClock.measure {
            // ?getrs reads the factors only (const in LAPACKE): no copy of the n × n matrix.
            factors.withUnsafeBufferPointer { a in
                x.withUnsafeMutableBufferPointer { rhs in
                    RealType.getrs(size, UnsafeRawPointer(a.baseAddress!), pivots, UnsafeMutableRawPointer(rhs.baseAddress!))
                }
            }
        }
        try Lapack.check(info, routine: routine, phase: .computation) { _ in "unexpected positive info" }
        return x.map { Complex(Double($0.real), Double($0.imaginary)) }
    }
}
