import CLapacke

/// Re-orthonormalization of a tall real frame by Householder QR (`dgeqrf` + `dorgqr`):
/// the frame X (m × k, m ≥ k) is replaced by Q of X = QR and R's diagonal is returned.
/// The workspace is queried and allocated once, at construction, for the frame's shape,
/// so repeated calls (a transfer-matrix product re-orthonormalized every few steps)
/// allocate nothing.
public struct OrthonormalFrame: Sendable {
    public let rows: Int
    public let columns: Int
    private var tau: [Double]
    private var work: [Double]
    private let m: collop_lapack_int
    private let k: collop_lapack_int

    /// Prepares the workspace of both routines for m × k frames.
    /// - Throws: `.shapeMismatch` unless m ≥ k ≥ 1, `.orderTooLarge`, or a failed workspace query.
    public init(rows: Int, columns: Int) throws(LinearAlgebraError) {
        guard columns >= 1, rows >= columns else {
            throw .shapeMismatch(operation: "orthonormal frame", expected: "rows ≥ columns ≥ 1", found: "\(rows)×\(columns)")
        }
        self.rows = rows
        self.columns = columns
        m = try Lapack.integer(rows, routine: "dgeqrf")
        k = try Lapack.integer(columns, routine: "dgeqrf")
        tau = [Double](repeating: 0, count: columns)
        var scratch = [Double](repeating: 0, count: rows * columns)
        var query = [Double](repeating: 0, count: 1)
        let (m, k) = (self.m, self.k)
        try Lapack.check(LAPACKE_dgeqrf_work(Lapack.columnMajor, m, k, &scratch, m, &tau, &query, -1),
                         routine: "dgeqrf", phase: .workspaceQuery) { _ in "workspace query failed" }
        var length = Lapack.workspaceLength(query[0], minimum: columns)
        try Lapack.check(LAPACKE_dorgqr_work(Lapack.columnMajor, m, k, k, &scratch, m, &tau, &query, -1),
                         routine: "dorgqr", phase: .workspaceQuery) { _ in "workspace query failed" }
        length = max(length, Lapack.workspaceLength(query[0], minimum: columns))
        work = [Double](repeating: 0, count: length)
    }

    /// Replaces `frame` (column-major, rows × columns) by the orthonormal factor Q of
    /// frame = QR and writes R's diagonal into `rDiagonal` (signed, as LAPACK leaves it).
    /// - Throws: `.shapeMismatch` for a wrong buffer length, `.nonFiniteInput` (the frame
    ///   overflowed: re-orthonormalize more often), or the LAPACK failure with its `info`.
    public mutating func orthonormalize(_ frame: UnsafeMutableBufferPointer<Double>,
                                        rDiagonal: UnsafeMutableBufferPointer<Double>) throws(LinearAlgebraError) {
        guard frame.count == rows * columns, rDiagonal.count == columns else {
            throw .shapeMismatch(operation: "orthonormal frame", expected: "\(rows * columns) frame and \(columns) diagonal elements",
                                 found: "\(frame.count) and \(rDiagonal.count)")
        }
        if let bad = frame.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteInput(routine: "dgeqrf", row: bad % rows, column: bad / rows)
        }
        let (m, k) = (self.m, self.k)
        let lwork = collop_lapack_int(work.count)
        let base = frame.baseAddress
        let qrInfo = LapackClock.measure {
            LAPACKE_dgeqrf_work(Lapack.columnMajor, m, k, base, m, &tau, &work, lwork)
        }
        try Lapack.check(qrInfo, routine: "dgeqrf", phase: .computation) { _ in "QR failed" }
        for j in 0..<columns { rDiagonal[j] = frame[j + j * rows] }
        let qInfo = LapackClock.measure {
            LAPACKE_dorgqr_work(Lapack.columnMajor, m, k, k, base, m, &tau, &work, lwork)
        }
        try Lapack.check(qInfo, routine: "dorgqr", phase: .computation) { _ in "forming Q failed" }
    }
}
