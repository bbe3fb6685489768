import Numerics

/// A model B of a linear operator A whose shifted inverse (B − λ)⁻¹ is cheap to apply: the
/// preconditioner of the shifted solves (A − λ)x = b of a Krylov method (COCG on a complex
/// symmetric A wants B complex symmetric too).
public protocol ShiftedPreconditioner {
    /// The length of the vectors B acts on.
    var order: Int { get }
    /// z = (B − λ)⁻¹ v, without allocating (`v` and `z` of `order` elements).
    func solve(_ v: [Complex<Double>], shift: Complex<Double>, into z: inout [Complex<Double>])
}
