import CLapacke
import Numerics

/// A square linear map y = A x on complex vectors of length `order`, given by its action
/// only (like SciPy's `LinearOperator`): a dense `ComplexMatrix` and a matrix-free
/// operator both conform, so iterative (Krylov) solvers can take either.
public protocol LinearOperator {
    /// The length of the vectors the map acts on (and returns).
    var order: Int { get }

    /// Writes y = A x into `y`. `x` and `y` must both have `order` elements and must not
    /// overlap.
    /// - Throws: `.shapeMismatch` for wrong lengths, `.nonFiniteInput` when x holds a NaN
    ///   or an infinity; conformers may throw other `LinearAlgebraError`s.
    func apply(_ x: UnsafeBufferPointer<Complex<Double>>,
               into y: UnsafeMutableBufferPointer<Complex<Double>>) throws(LinearAlgebraError)
}

extension LinearOperator {
    /// y = A x as a new array.
    public func apply(_ x: [Complex<Double>]) throws(LinearAlgebraError) -> [Complex<Double>] {
        var y = [Complex<Double>](repeating: .zero, count: order)
        try apply(x, into: &y)
        return y
    }

    /// y = A x into an existing array of `order` elements (no allocation: for loops of
    /// many products).
    public func apply(_ x: [Complex<Double>], into y: inout [Complex<Double>]) throws(LinearAlgebraError) {
        guard x.count == order, y.count == order else {
            throw .shapeMismatch(operation: "LinearOperator.apply", expected: "vectors of length \(order)",
                                 found: "x of length \(x.count), y of length \(y.count)")
        }
        try x.withUnsafeBufferPointer { (input) throws(LinearAlgebraError) in
            try y.withUnsafeMutableBufferPointer { (output) throws(LinearAlgebraError) in
                try apply(input, into: output)
            }
        }
    }
}

/// The index of the first NaN or infinite element of `x`, if any.
public func firstNonFiniteIndex(_ x: UnsafeBufferPointer<Complex<Double>>) -> Int? {
    for i in 0..<x.count where !x[i].isFinite { return i }
    return nil
}

extension Matrix: LinearOperator where Scalar == Complex<Double> {
    /// The number of rows (a `LinearOperator` is square: `apply` refuses other shapes).
    public var order: Int { rows }

    /// y = A x through BLAS `zgemv`.
    /// - Throws: `.notSquare`, `.shapeMismatch` for wrong vector lengths,
    ///   `.nonFiniteInput` for a NaN or infinite x_j (row = j, column 0),
    ///   `.orderTooLarge` beyond the BLAS integer range.
    public func apply(_ x: UnsafeBufferPointer<Complex<Double>>,
                      into y: UnsafeMutableBufferPointer<Complex<Double>>) throws(LinearAlgebraError) {
        guard isSquare else { throw .notSquare(routine: "Matrix.apply", rows: rows, columns: columns) }
        guard x.count == columns, y.count == rows else {
            throw .shapeMismatch(operation: "Matrix.apply", expected: "vectors of length \(rows)",
                                 found: "x of length \(x.count), y of length \(y.count)")
        }
        if let bad = firstNonFiniteIndex(x) { throw .nonFiniteInput(routine: "Matrix.apply", row: bad, column: 0) }
        guard rows > 0 else { return }
        guard let n = collop_blas_int(exactly: rows) else { throw .orderTooLarge(routine: "zgemv", order: rows) }
        var one = Complex<Double>.one
        var zero = Complex<Double>.zero
        withUnsafeBufferPointer { a in
            cblas_zgemv(CblasColMajor, CblasNoTrans, n, n, &one, a.baseAddress, n,
                        x.baseAddress, 1, &zero, y.baseAddress, 1)
        }
    }
}
