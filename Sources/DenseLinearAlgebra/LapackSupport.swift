import CLapacke
import Numerics

/// Small helpers shared by the LAPACK wrappers: integer conversion, argument checks,
/// `info` handling and pointer rebinding. Every wrapper follows the same pattern:
/// validate (shape, finiteness) → workspace query → allocate → compute → check `info`.
enum Lapack {
    static let columnMajor = Int32(LAPACK_COL_MAJOR)

    static func flag(_ ascii: Unicode.Scalar) -> CChar { CChar(UInt8(ascii: ascii)) }

    /// `n` as a LAPACK integer, or `.orderTooLarge`.
    static func integer(_ n: Int, routine: String) throws(LinearAlgebraError) -> collop_lapack_int {
        guard let value = collop_lapack_int(exactly: n) else { throw .orderTooLarge(routine: routine, order: n) }
        return value
    }

    /// Rejects non-square and non-finite input before LAPACK sees it.
    static func requireSquareFinite<S>(_ a: Matrix<S>, routine: String) throws(LinearAlgebraError) {
        guard a.isSquare else { throw .notSquare(routine: routine, rows: a.rows, columns: a.columns) }
        if let bad = a.firstNonFiniteElement() {
            throw .nonFiniteInput(routine: routine, row: bad.row, column: bad.column)
        }
    }

    /// Turns a nonzero `info` into a typed error; `detail` explains `info > 0`.
    static func check(_ info: collop_lapack_int, routine: String, phase: LapackPhase,
                      detail: (collop_lapack_int) -> String) throws(LinearAlgebraError) {
        if info < 0 { throw .illegalArgument(routine: routine, info: info, phase: phase) }
        if info > 0 { throw .algorithmFailure(routine: routine, info: info, detail: detail(info)) }
    }

    /// A workspace length reported by a query (LAPACK returns it as a floating value).
    static func workspaceLength(_ reported: Double, minimum: Int) -> Int {
        guard reported.isFinite, reported > 0, reported < 1e15 else { return max(minimum, 1) }
        return max(Int(reported.rounded(.up)), minimum, 1)
    }
}

extension UnsafeMutableBufferPointer where Element == Complex<Double> {
    /// The same memory seen as LAPACKE's `double complex` (identical layout).
    func withLapackComplex<R>(_ body: (UnsafeMutablePointer<collop_complex_double>) throws -> R) rethrows -> R {
        try withMemoryRebound(to: collop_complex_double.self) { try body($0.baseAddress!) }
    }
}
