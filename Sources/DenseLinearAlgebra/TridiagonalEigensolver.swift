import CLapacke

/// Eigenpairs of a real symmetric tridiagonal matrix in an energy window (`dstemr`, MRRR).
///
/// `dstemr`, not `dstevr`: for a window (range "V") `dstevr` falls back to bisection and
/// inverse iteration (`dstebz` + `dstein`), whose re-orthogonalization of close eigenvalues
/// costs O(n·m²) — on a disordered chain, 10× the O(n·m) of MRRR.
public enum TridiagonalEigensolver {
    /// Eigenvalues in the window and their orthonormal eigenvectors.
    public struct Window: Sendable {
        /// Eigenvalues in the window, ascending.
        public var values: [Double]
        /// Eigenvectors as columns (n × values.count; column j belongs to values[j]).
        public var vectors: RealMatrix
    }

    /// The number of eigenvalues below `x` of the tridiagonal matrix with `diagonal` and
    /// `offDiagonal` (Sylvester's law of inertia: the negative pivots of the LDLᵀ
    /// factorization of T − x, the Sturm count). Exact up to round-off at eigenvalues
    /// within a few ulps of `x`.
    public static func eigenvalueCount(below x: Double, diagonal: [Double], offDiagonal: [Double]) -> Int {
        var count = 0
        var pivot = 1.0
        let tiny = Double.leastNormalMagnitude.squareRoot()
        for i in 0..<diagonal.count {
            let coupling = i > 0 ? offDiagonal[i - 1] : 0
            pivot = diagonal[i] - x - (i > 0 ? coupling * coupling / pivot : 0)
            if pivot == 0 { pivot = -tiny }
            if pivot < 0 { count += 1 }
        }
        return count
    }

    /// The eigenvalues in (lower, upper] and their eigenvectors via `LAPACKE_dstemr_work`
    /// (range "V", `tryrac` on), workspace query first. The eigenvector storage is sized by the Sturm
    /// count of the window (`eigenvalueCount`), never n × n.
    /// - Throws: `.shapeMismatch` (offDiagonal must have n − 1 elements, lower < upper),
    ///   `.nonFiniteInput`, `.orderTooLarge`, or the LAPACK failure with its `info`.
    public static func eigenpairs(diagonal: [Double], offDiagonal: [Double],
                                  lower: Double, upper: Double) throws(LinearAlgebraError) -> Window {
        let routine = "dstemr"
        let n = diagonal.count
        guard n > 0, offDiagonal.count == n - 1, lower < upper else {
            throw .shapeMismatch(operation: routine, expected: "n > 0 diagonal, n − 1 off-diagonal elements and lower < upper",
                                 found: "\(n) and \(offDiagonal.count), window (\(lower), \(upper)]")
        }
        if let bad = diagonal.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteInput(routine: routine, row: bad, column: bad) }
        if let bad = offDiagonal.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteInput(routine: routine, row: bad + 1, column: bad) }
        guard lower.isFinite, upper.isFinite else { throw .nonFiniteInput(routine: routine, row: -1, column: -1) }
        let order = try Lapack.integer(n, routine: routine)
        // Room for the Sturm count and a margin for eigenvalues at the window's edges.
        let expected = eigenvalueCount(below: upper, diagonal: diagonal, offDiagonal: offDiagonal)
            - eigenvalueCount(below: lower, diagonal: diagonal, offDiagonal: offDiagonal)
        let capacity = min(n, max(expected, 0) + 4)
        var d = diagonal
        var e = offDiagonal + [0]
        var found: collop_lapack_int = 0
        var values = [Double](repeating: 0, count: n)
        var vectors = try RealMatrix(rows: n, columns: capacity, for: "\(capacity) eigenvectors of dstemr on \(n) sites")
        var support = [collop_lapack_int](repeating: 0, count: 2 * max(capacity, 1))
        let columns = try Lapack.integer(capacity, routine: routine)
        var tryRelativeAccuracy: collop_lapack_int = 1   // lapack_logical is lapack_int

        func call(_ work: inout [Double], _ lwork: collop_lapack_int,
                  _ iwork: inout [collop_lapack_int], _ liwork: collop_lapack_int) -> collop_lapack_int {
            vectors.withUnsafeMutableBufferPointer { z in
                LAPACKE_dstemr_work(Lapack.columnMajor, Lapack.flag("V"), Lapack.flag("V"), order, &d, &e, lower, upper,
                                    0, 0, &found, &values, z.baseAddress, order, columns, &support, &tryRelativeAccuracy,
                                    &work, lwork, &iwork, liwork)
            }
        }
        var workQuery = [Double](repeating: 0, count: 1)
        var iworkQuery = [collop_lapack_int](repeating: 0, count: 1)
        try Lapack.check(call(&workQuery, -1, &iworkQuery, -1), routine: routine, phase: .workspaceQuery) { _ in "workspace query failed" }
        var work = [Double](repeating: 0, count: Lapack.workspaceLength(workQuery[0], minimum: 20 * n))
        var iwork = [collop_lapack_int](repeating: 0, count: Lapack.workspaceLength(Double(iworkQuery[0]), minimum: 10 * n))
        let info = LapackClock.measure { call(&work, collop_lapack_int(work.count), &iwork, collop_lapack_int(iwork.count)) }
        try Lapack.check(info, routine: routine, phase: .computation) { info in info < 10 ? "the bisection of dlarre failed" : "internal error of the MRRR algorithm (dlarrv)" }
        let m = Int(found)
        guard m <= capacity else {
            throw .algorithmFailure(routine: routine, info: found,
                                    detail: "found \(m) eigenvalues in the window, more than the Sturm count \(expected) + 4")
        }
        let kept = try RealMatrix(rows: n, columns: m, columnMajor: Array(vectors.elements[0..<(n * m)]))
        return Window(values: Array(values[0..<m]), vectors: kept)
    }
}
