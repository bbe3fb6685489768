import Numerics

/// A dense column-major matrix over one contiguous buffer.
///
/// Element (i, j) lives at `elements[i + j * rows]`, the layout LAPACK expects with
/// leading dimension `rows`. The storage is a copy-on-write array: passing a matrix
/// by value costs nothing until one copy is mutated, and `consuming` parameters hand
/// the buffer to LAPACK without a copy when the caller no longer needs it.
public struct Matrix<Scalar: MatrixScalar>: Sendable, Equatable {
    public let rows: Int
    public private(set) var columns: Int
    /// Column-major elements, `rows * columns` of them.
    public private(set) var elements: [Scalar]

    /// A `rows × columns` matrix with every element equal to `value`.
    public init(rows: Int, columns: Int, repeating value: Scalar = .zero) {
        self.rows = max(rows, 0)
        self.columns = max(columns, 0)
        self.elements = Array(repeating: value, count: self.rows * self.columns)
    }

    /// Wraps column-major elements; throws when the count does not match the shape.
    public init(rows: Int, columns: Int, columnMajor elements: [Scalar]) throws(LinearAlgebraError) {
        guard rows >= 0, columns >= 0, elements.count == rows * columns else {
            throw .shapeMismatch(
                operation: "Matrix(rows:columns:columnMajor:)",
                expected: "\(rows)×\(columns) = \(rows * columns) elements",
                found: "\(elements.count) elements")
        }
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A square matrix whose (i, j) element is `entry(i, j)`.
    public init(order n: Int, entry: (Int, Int) -> Scalar) {
        self.init(rows: n, columns: n)
        for j in 0..<n {
            for i in 0..<n { elements[i + j * n] = entry(i, j) }
        }
    }

    /// The n × n identity.
    public static func identity(order n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m.elements[i + i * n] = .one }
        return m
    }

    /// The diagonal matrix with the given diagonal.
    public static func diagonal(_ values: [Scalar]) -> Matrix {
        var m = Matrix(rows: values.count, columns: values.count)
        for (i, v) in values.enumerated() { m.elements[i + i * values.count] = v }
        return m
    }

    public var isSquare: Bool { rows == columns }

    public subscript(row: Int, column: Int) -> Scalar {
        get { elements[row + column * rows] }
        set { elements[row + column * rows] = newValue }
    }

    /// Column `j` as an array.
    public func column(_ j: Int) -> [Scalar] {
        Array(elements[(j * rows)..<((j + 1) * rows)])
    }

    /// Drops the first `count` columns in place (no second buffer is allocated).
    public mutating func removeLeadingColumns(_ count: Int) {
        let k = min(max(count, 0), columns)
        elements.removeFirst(k * rows)
        columns -= k
    }

    /// Replaces column `j`; `values.count` must equal `rows`.
    public mutating func setColumn(_ j: Int, to values: [Scalar]) {
        for i in 0..<rows { elements[i + j * rows] = values[i] }
    }

    /// Read access to the column-major buffer.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try elements.withUnsafeBufferPointer(body)
    }

    /// Write access to the column-major buffer (for LAPACK and parallel assembly).
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        try elements.withUnsafeMutableBufferPointer(body)
    }

    /// The transpose (no conjugation).
    public func transposed() -> Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for j in 0..<columns {
            for i in 0..<rows { t.elements[j + i * columns] = elements[i + j * rows] }
        }
        return t
    }

    /// ‖A‖_F = (Σ |a_ij|²)^½.
    public var frobeniusNorm: Double {
        var sum = 0.0
        for e in elements { sum += e.magnitudeSquared }
        return sum.squareRoot()
    }

    /// Σ_i a_ii (square matrices; for others the sum over the leading diagonal).
    public var trace: Scalar {
        var sum = Scalar.zero
        for i in 0..<min(rows, columns) { sum = sum + elements[i + i * rows] }
        return sum
    }

    /// The first element (in column-major order) that is NaN or infinite, if any.
    public func firstNonFiniteElement() -> (row: Int, column: Int)? {
        guard let index = elements.firstIndex(where: { !$0.isFinite }) else { return nil }
        return (index % max(rows, 1), index / max(rows, 1))
    }

    /// y = A x.
    public func multiplied(by x: [Scalar]) throws(LinearAlgebraError) -> [Scalar] {
        guard x.count == columns else {
            throw .shapeMismatch(operation: "matrix–vector product",
                                 expected: "vector of length \(columns)", found: "length \(x.count)")
        }
        var y = [Scalar](repeating: .zero, count: rows)
        elements.withUnsafeBufferPointer { a in
            for j in 0..<columns {
                let xj = x[j]
                let base = j * rows
                for i in 0..<rows { y[i] = y[i] + a[base + i] * xj }
            }
        }
        return y
    }

    /// A − B (same shape).
    public static func - (lhs: Matrix, rhs: Matrix) -> Matrix {
        var out = lhs
        for i in 0..<out.elements.count { out.elements[i] = lhs.elements[i] - rhs.elements[i] }
        return out
    }
}

public typealias ComplexMatrix = Matrix<Complex<Double>>
public typealias RealMatrix = Matrix<Double>

extension Matrix where Scalar == Complex<Double> {
    /// Aᴴ (conjugate transpose).
    public func adjoint() -> Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for j in 0..<columns {
            for i in 0..<rows { t.elements[j + i * columns] = elements[i + j * rows].conjugate }
        }
        return t
    }

    /// ‖A − Aᵀ‖_F: zero for a complex-symmetric matrix.
    public var symmetryDefect: Double {
        var sum = 0.0
        for j in 0..<columns {
            for i in 0..<j {
                sum += 2 * (elements[i + j * rows] - elements[j + i * rows]).magnitudeSquared
            }
        }
        return sum.squareRoot()
    }
}

/// Euclidean norm ‖x‖₂.
public func euclideanNorm(_ x: [Complex<Double>]) -> Double {
    var sum = 0.0
    for v in x { sum += v.magnitudeSquared }
    return sum.squareRoot()
}

/// The bilinear sum Σ_i x_i y_i (no conjugation).
public func bilinearSum(_ x: [Complex<Double>], _ y: [Complex<Double>]) -> Complex<Double> {
    var sum = Complex<Double>.zero
    for i in 0..<min(x.count, y.count) { sum += x[i] * y[i] }
    return sum
}

/// The Hermitian sum Σ_i conj(x_i) y_i.
public func hermitianSum(_ x: [Complex<Double>], _ y: [Complex<Double>]) -> Complex<Double> {
    var sum = Complex<Double>.zero
    for i in 0..<min(x.count, y.count) { sum += x[i].conjugate * y[i] }
    return sum
}

/// Kahan-compensated Σ z_i, so grid averages keep full precision for large N.
public func compensatedSum(_ values: [Complex<Double>]) -> Complex<Double> {
    var sum = Complex<Double>.zero
    var compensation = Complex<Double>.zero
    for value in values {
        let y = value - compensation
        let t = sum + y
        compensation = (t - sum) - y
        sum = t
    }
    return sum
}
