import Foundation
import Numerics
import Synchronization

/// Serializes the probe-and-allocate of `Matrix.allocate`.
private let largeAllocationLock = Mutex<Void>(())
/// The address of the last probe (`Matrix.allocate`), kept so that the probe is not optimized away.
private let lastProbe = Atomic<UInt>(0)

/// A dense column-major matrix over one contiguous buffer.
///
/// Element (i, j) lives at `elements[i + j * rows]`, the layout LAPACK expects with
/// leading dimension `rows`. The storage is a copy-on-write array: passing a matrix
/// by value costs nothing until one copy is mutated, and `consuming` parameters hand
/// the buffer to LAPACK without a copy when the caller no longer needs it.
public struct Matrix<Scalar: MatrixScalar>: Sendable, Equatable {
    public let rows: Int
    /// Number of columns (changes only through `removeLeadingColumns`).
    public var columns: Int { storedColumns }
    /// Column-major elements, `rows * columns` of them.
    public var elements: [Scalar] { storage }
    @usableFromInline var storedColumns: Int
    @usableFromInline var storage: [Scalar]

    /// A `rows × columns` matrix with every element equal to `value`.
    @inlinable
    public init(rows: Int, columns: Int, repeating value: Scalar = .zero) {
        self.rows = max(rows, 0)
        self.storedColumns = max(columns, 0)
        self.storage = Array(repeating: value, count: self.rows * self.storedColumns)
    }

    /// A `rows × columns` matrix whose every element is written by `fill` (given the
    /// uninitialized column-major buffer): no zero-filling pass over a large matrix.
    /// `fill` must initialize all `rows * columns` elements.
    @inlinable
    public init(rows: Int, columns: Int, initializingWith fill: (UnsafeMutableBufferPointer<Scalar>) -> Void) {
        self.rows = max(rows, 0)
        self.storedColumns = max(columns, 0)
        let count = self.rows * self.storedColumns
        self.storage = Array(unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(buffer)
            initialized = count
        }
    }

    /// A `rows × columns` matrix of zeros for a buffer large enough that the system may
    /// refuse it (an N × N operator, a block, a set of eigenvectors): a refusal is
    /// `.allocationFailed` naming the size and `purpose`, where `init(rows:columns:)` would
    /// trap (`allocate`).
    public init(rows: Int, columns: Int, for purpose: @autoclosure () -> String) throws(LinearAlgebraError) {
        self.rows = max(rows, 0)
        self.storedColumns = max(columns, 0)
        self.storage = try Self.allocate(rows: self.rows, columns: self.storedColumns, for: purpose) { count in
            [Scalar](repeating: .zero, count: count)
        }
    }

    /// `init(rows:columns:initializingWith:)` with the throwing allocation of
    /// `init(rows:columns:for:)`. `fill` runs under the allocation lock, so it must not
    /// allocate through these initializers itself.
    public init(rows: Int, columns: Int, for purpose: @autoclosure () -> String,
                initializingWith fill: (UnsafeMutableBufferPointer<Scalar>) -> Void) throws(LinearAlgebraError) {
        self.rows = max(rows, 0)
        self.storedColumns = max(columns, 0)
        self.storage = try Self.allocate(rows: self.rows, columns: self.storedColumns, for: purpose) { count in
            Array(unsafeUninitializedCapacity: count) { buffer, initialized in
                fill(buffer)
                initialized = count
            }
        }
    }

    /// `make(count)` for rows·columns elements once `malloc` has granted their bytes: the
    /// probe is freed and the array takes the same amount, both under one process-wide
    /// lock so that concurrent large allocations (blocks solved in parallel) cannot take
    /// the space between probe and array. A refusal (nil, e.g. under `ulimit -v`) or a
    /// byte count beyond `Int` is `.allocationFailed`.
    static func allocate(rows: Int, columns: Int, for purpose: () -> String,
                         _ make: (Int) -> [Scalar]) throws(LinearAlgebraError) -> [Scalar] {
        let stride = MemoryLayout<Scalar>.stride
        let (count, countOverflow) = rows.multipliedReportingOverflow(by: columns)
        let (bytes, bytesOverflow) = count.multipliedReportingOverflow(by: stride)
        let failure = LinearAlgebraError.allocationFailed(bytes: Double(rows) * Double(columns) * Double(stride), purpose: purpose())
        guard !countOverflow, !bytesOverflow else { throw failure }
        return try largeAllocationLock.withLock { _ throws(LinearAlgebraError) -> [Scalar] in
            guard let probe = malloc(max(bytes, 1)) else { throw failure }
            // Published before it is freed: an unused malloc–free pair would be removed by
            // the optimizer, which then assumes the allocation succeeded.
            lastProbe.store(UInt(bitPattern: probe), ordering: .relaxed)
            free(probe)
            return make(count)
        }
    }

    /// Wraps column-major elements; throws when the count does not match the shape.
    @inlinable
    public init(rows: Int, columns: Int, columnMajor storage: [Scalar]) throws(LinearAlgebraError) {
        guard rows >= 0, columns >= 0, storage.count == rows * columns else {
            throw .shapeMismatch(
                operation: "Matrix(rows:columns:columnMajor:)",
                expected: "\(rows)×\(columns) = \(rows * columns) storage",
                found: "\(storage.count) storage")
        }
        self.rows = rows
        self.storedColumns = columns
        self.storage = storage
    }

    /// A square matrix whose (i, j) element is `entry(i, j)`.
    @inlinable
    public init(order n: Int, entry: (Int, Int) -> Scalar) {
        self.init(rows: n, columns: n)
        for j in 0..<n {
            for i in 0..<n { storage[i + j * n] = entry(i, j) }
        }
    }

    /// The n × n identity.
    @inlinable
    public static func identity(order n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m.storage[i + i * n] = .one }
        return m
    }

    /// The diagonal matrix with the given diagonal.
    @inlinable
    public static func diagonal(_ values: [Scalar]) -> Matrix {
        var m = Matrix(rows: values.count, columns: values.count)
        for (i, v) in values.enumerated() { m.storage[i + i * values.count] = v }
        return m
    }

    @inlinable
    public var isSquare: Bool { rows == columns }

    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        get { storage[row + column * rows] }
        set { storage[row + column * rows] = newValue }
    }

    /// Column `j` as an array.
    @inlinable
    public func column(_ j: Int) -> [Scalar] {
        Array(storage[(j * rows)..<((j + 1) * rows)])
    }

    /// Drops the first `count` columns in place (no second buffer is allocated).
    @inlinable
    public mutating func removeLeadingColumns(_ count: Int) {
        let k = min(max(count, 0), columns)
        storage.removeFirst(k * rows)
        storedColumns -= k
    }

    /// Replaces column `j`; `values.count` must equal `rows`.
    @inlinable
    public mutating func setColumn(_ j: Int, to values: [Scalar]) {
        for i in 0..<rows { storage[i + j * rows] = values[i] }
    }

    /// Read access to the column-major buffer.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Write access to the column-major buffer (for LAPACK and parallel assembly).
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer(body)
    }

    /// The transpose (no conjugation).
    @inlinable
    public func transposed() -> Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for j in 0..<columns {
            for i in 0..<rows { t.storage[j + i * columns] = storage[i + j * rows] }
        }
        return t
    }

    /// ‖A‖_F = (Σ |a_ij|²)^½.
    @inlinable
    public var frobeniusNorm: Double {
        var sum = 0.0
        for e in storage { sum += e.magnitudeSquared }
        return sum.squareRoot()
    }

    /// Σ_i a_ii (square matrices; for others the sum over the leading diagonal).
    @inlinable
    public var trace: Scalar {
        var sum = Scalar.zero
        for i in 0..<min(rows, columns) { sum = sum + storage[i + i * rows] }
        return sum
    }

    /// The first element (in column-major order) that is NaN or infinite, if any.
    @inlinable
    public func firstNonFiniteElement() -> (row: Int, column: Int)? {
        guard let index = storage.firstIndex(where: { !$0.isFinite }) else { return nil }
        return (index % max(rows, 1), index / max(rows, 1))
    }

    /// y = A x.
    @inlinable
    public func multiplied(by x: [Scalar]) throws(LinearAlgebraError) -> [Scalar] {
        guard x.count == columns else {
            throw .shapeMismatch(operation: "matrix–vector product",
                                 expected: "vector of length \(columns)", found: "length \(x.count)")
        }
        var y = [Scalar](repeating: .zero, count: rows)
        storage.withUnsafeBufferPointer { a in
            for j in 0..<columns {
                let xj = x[j]
                let base = j * rows
                for i in 0..<rows { y[i] = y[i] + a[base + i] * xj }
            }
        }
        return y
    }

    /// A − B (same shape).
    @inlinable
    public static func - (lhs: Matrix, rhs: Matrix) -> Matrix {
        var out = lhs
        for i in 0..<out.storage.count { out.storage[i] = lhs.storage[i] - rhs.storage[i] }
        return out
    }
}

public typealias ComplexMatrix = Matrix<Complex<Double>>
public typealias RealMatrix = Matrix<Double>

extension Matrix where Scalar == Complex<Double> {
    /// Aᴴ (conjugate transpose).
    @inlinable
    public func adjoint() -> Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for j in 0..<columns {
            for i in 0..<rows { t.storage[j + i * columns] = storage[i + j * rows].conjugate }
        }
        return t
    }

    /// ‖A − Aᵀ‖_F: zero for a complex-symmetric matrix.
    @inlinable
    public var symmetryDefect: Double {
        var sum = 0.0
        for j in 0..<columns {
            for i in 0..<j {
                sum += 2 * (storage[i + j * rows] - storage[j + i * rows]).magnitudeSquared
            }
        }
        return sum.squareRoot()
    }
}

/// Euclidean norm ‖x‖₂.
@inlinable
public func euclideanNorm(_ x: [Complex<Double>]) -> Double {
    var sum = 0.0
    for v in x { sum += v.magnitudeSquared }
    return sum.squareRoot()
}

/// The bilinear sum Σ_i x_i y_i (no conjugation).
@inlinable
public func bilinearSum(_ x: [Complex<Double>], _ y: [Complex<Double>]) -> Complex<Double> {
    var sum = Complex<Double>.zero
    for i in 0..<min(x.count, y.count) { sum += x[i] * y[i] }
    return sum
}

/// The Hermitian sum Σ_i conj(x_i) y_i.
@inlinable
public func hermitianSum(_ x: [Complex<Double>], _ y: [Complex<Double>]) -> Complex<Double> {
    var sum = Complex<Double>.zero
    for i in 0..<min(x.count, y.count) { sum += x[i].conjugate * y[i] }
    return sum
}

/// Kahan-compensated Σ z_i, so grid averages keep full precision for large N.
@inlinable
public func compensatedSum(_ values: some Sequence<Complex<Double>>) -> Complex<Double> {
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
