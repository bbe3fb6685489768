import Numerics

/// The element types the dense matrices and LAPACK wrappers support:
/// `Double` (real symmetric problems) and `Complex<Double>` (everything else), plus
/// `Complex<Float>` for the single-precision LU that preconditions large direct solves.
///
/// `Complex<Double>` is two contiguous `Double`s, the layout of LAPACK's
/// `double complex`, so a buffer of it is handed to LAPACKE without copying.
public protocol MatrixScalar: Sendable, Equatable {
    static var zero: Self { get }
    static var one: Self { get }
    /// True when every real component is finite (neither NaN nor ±∞).
    var isFinite: Bool { get }
    /// |x|², without the overflow protection of `hypot` (used for Frobenius norms).
    var magnitudeSquared: Double { get }
    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Self) -> Self
}

extension Double: MatrixScalar {
    @inlinable public static var one: Double { 1 }
    @inlinable public var magnitudeSquared: Double { self * self }
}

/// `Complex<Double>` and `Complex<Float>` (the single-precision LU of `LUFactorization`).
extension Complex: MatrixScalar where RealType: BinaryFloatingPoint {
    @inlinable public var magnitudeSquared: Double { Double(real * real + imaginary * imaginary) }
}
