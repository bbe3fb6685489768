import DenseLinearAlgebra
import Numerics

/// The product y = (a·𝕃reg + b·𝕃sing) x of the collision operator with a vector, without
/// forming the N × N matrix: O(N log N) time and O(N) memory per product.
///
/// 𝕃 is the operator of `CollisionOperator.matrix(regularWeight:singularWeight:)`
/// (Suslov (75), (76), 1/N measure inside, bilinear, no conjugation). With φ = s∘x:
///
///   (𝕃reg x)_k = (M_k + ΔΣ_k) x_k − s_k (1/N) Σ_k' U0 C(k − k') φ_k'          (Suslov (75))
///   (𝕊 x)_k    = s_k (1/N) Σ_k' U^sing(k + k') φ_k' = s_k (1/N) (U^sing ⋆ φ̃)_k, φ̃_k' = φ_{−k'}
///   𝕃sing x    = −P𝕊P x = −𝕊x + [s (uᵀx) + u (sᵀx)]/σ − (τ/σ²) s (sᵀx)          (Suslov (76))
///
/// with u = 𝕊s, σ = sᵀs, τ = sᵀu (projection on; −𝕊x without it). Both sums over k' are
/// circular convolutions on the grid (momentum arithmetic is mod 2π, digit by digit),
/// and the transform of the reflected φ̃ is φ̂ at −m, so one forward FFT of φ, one
/// elementwise product with the kernels' transforms (computed once, at init) and one
/// backward FFT give both. White noise (C ≡ 1) needs no transform: its sum is
/// U0·Σ_k' φ_k'. The transform of the real, even U0·C is real, N U0 Σ_{x ≡ m} c_x (the
/// correlator's coefficients folded onto the grid, as `DisorderConvolver` has it), and is
/// kept as N real numbers, formed without an FFT. The kernels are used exactly as the
/// operator holds them (under the projection U^sing arrives with its Q-constant part
/// removed), so the product equals `matrix(regularWeight:singularWeight:) · x` to round-off.
///
/// Since 𝕃ᵀ = 𝕃 (complex symmetric), the transpose product 𝕃ᵀx is the same call; the
/// adjoint product is conj(𝕃 conj(x)).
///
/// The action owns its work vector (one of N complex numbers, from `fftw_malloc`: φ, its
/// transform, the kernel products pair by pair {m, −m} in place, then the convolutions)
/// and allocates nothing per product. It is therefore not `Sendable`: use one action per
/// thread (they may share nothing but are cheap next to the operator itself).
public final class OperatorAction: LinearOperator {
    /// The operator whose action this is.
    public let collisionOperator: CollisionOperator
    /// a in y = (a·𝕃reg + b·𝕃sing) x, used by `apply(_:into:)`.
    public var regularWeight: Complex<Double>
    /// b in y = (a·𝕃reg + b·𝕃sing) x, used by `apply(_:into:)`.
    public var singularWeight: Complex<Double>
    /// N, the number of grid points.
    public var order: Int { collisionOperator.order }

    /// The d-dimensional transform of the grid (nil when no kernel needs a convolution).
    private let transform: FourierTransform?
    /// FFT(U0·C)/N² = U0 Σ_{x ≡ m} c_x / N by grid index m of the reciprocal momentum,
    /// real (nil: white noise).
    private let regularSpectrum: [Double]?
    /// FFT(U^sing)/N² (nil: no singular vertex).
    private let singularSpectrum: AlignedComplexBuffer?
    /// φ = s∘x, its transform φ̂, the combined kernel products, then (after the backward
    /// FFT) the convolutions (empty without a transform).
    private let work: AlignedComplexBuffer
    private let root: [Complex<Double>]
    private let projectedVector: [Complex<Double>]
    private let streaming: [Double]
    private let deltaSigma: [Complex<Double>]
    private let negatedIndex: [Int32]

    /// Prepares the action of `collisionOperator`: plans the grid's FFT and transforms
    /// the kernels U0·C and U^sing once (O(N log N)).
    /// - Parameter planning: FFTW's planning effort (`.measure` pays off over many products);
    ///   nil: `FourierTransform.Planning.recommended(forPoints:)` for the grid.
    /// - Throws: `.nonFiniteInput` when a kernel or its transform is not finite (inputs
    ///   beyond double range), FFTW planning or allocation failures.
    public init(_ collisionOperator: CollisionOperator, regularWeight: Complex<Double> = .one,
                singularWeight: Complex<Double> = .one,
                planning: FourierTransform.Planning? = nil) throws(LinearAlgebraError) {
        let op = collisionOperator
        let grid = op.grid
        let n = grid.count
        self.collisionOperator = op
        self.regularWeight = regularWeight
        self.singularWeight = singularWeight
        root = op.fields.root
        projectedVector = op.projectedVector
        streaming = op.fields.streaming
        deltaSigma = op.fields.deltaSigma
        negatedIndex = grid.negatedIndex
        let needsTransform = op.regularKernel != nil || op.singularKernel != nil
        let transform = needsTransform
            ? try FourierTransform(dimensions: grid.fourierDimensions, planning: planning ?? .recommended(forPoints: n)) : nil
        self.transform = transform
        work = try AlignedComplexBuffer(count: needsTransform ? n : 0)
        if op.regularKernel != nil {
            let correlation = op.correlation
            let scale = op.u0 / Double(n)
            regularSpectrum = correlation.vectors.foldedWeights(correlation.coefficients, on: grid).map { $0 * scale }
        } else {
            regularSpectrum = nil
        }
        if let transform, let kernel = op.singularKernel {
            singularSpectrum = try kernelSpectrum(name: "U^sing", transform: transform) { out in
                for k in 0..<n { out[k] = kernel[k] }
            }
        } else {
            singularSpectrum = nil
        }
        if let bad = projectedVector.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteInput(routine: "OperatorAction (u = 𝕊s)", row: bad, column: 0)
        }
    }

    /// y = (a·𝕃reg + b·𝕃sing) x with the stored weights a = `regularWeight`,
    /// b = `singularWeight`, written into `y` (no allocation). 𝕃ᵀ = 𝕃: this is also the
    /// transpose product.
    /// - Throws: `.shapeMismatch` unless x and y have N elements, `.nonFiniteInput` for a
    ///   NaN or infinite x_k (row k), `.algorithmFailure` when the product overflows.
    public func apply(_ x: UnsafeBufferPointer<Complex<Double>>,
                      into y: UnsafeMutableBufferPointer<Complex<Double>>) throws(LinearAlgebraError) {
        try apply(x, into: y, regularWeight: regularWeight, singularWeight: singularWeight)
    }

    /// y = (a·𝕃reg + b·𝕃sing) x as a new array (a and b given here, the stored weights
    /// untouched).
    public func apply(_ x: [Complex<Double>], regularWeight a: Complex<Double>,
                      singularWeight b: Complex<Double>) throws(LinearAlgebraError) -> [Complex<Double>] {
        guard x.count == order else {
            throw .shapeMismatch(operation: "OperatorAction.apply", expected: "vector of length \(order)",
                                 found: "length \(x.count)")
        }
        var y = [Complex<Double>](repeating: .zero, count: order)
        try x.withUnsafeBufferPointer { (input) throws(LinearAlgebraError) in
            try y.withUnsafeMutableBufferPointer { (output) throws(LinearAlgebraError) in
                try apply(input, into: output, regularWeight: a, singularWeight: b)
            }
        }
        return y
    }

    /// y = (a·𝕃reg + b·𝕃sing) x into `y`, with the weights given here.
    public func apply(_ x: UnsafeBufferPointer<Complex<Double>>, into y: UnsafeMutableBufferPointer<Complex<Double>>,
                      regularWeight a: Complex<Double>, singularWeight b: Complex<Double>) throws(LinearAlgebraError) {
        let n = order
        guard x.count == n, y.count == n else {
            throw .shapeMismatch(operation: "OperatorAction.apply", expected: "vectors of length \(n)",
                                 found: "x of length \(x.count), y of length \(y.count)")
        }
        if let bad = firstNonFiniteIndex(x) { throw .nonFiniteInput(routine: "OperatorAction.apply", row: bad, column: 0) }
        let op = collisionOperator
        let regularSpectrum = a == .zero ? nil : self.regularSpectrum
        let singularSpectrum = b == .zero ? nil : self.singularSpectrum?.elements
        let whiteNoise = a != .zero && op.regularKernel == nil
        let project = b != .zero && op.wardProjection && op.singularKernel != nil
        let convolve = regularSpectrum != nil || singularSpectrum != nil
        let phi = work.elements

        // φ = s∘x (kept only when convolving), sᵀx = Σφ and uᵀx.
        var sx = Complex<Double>.zero, ux = Complex<Double>.zero
        root.withUnsafeBufferPointer { s in
        projectedVector.withUnsafeBufferPointer { u in
            for k in 0..<n {
                let value = s[k] * x[k]
                if convolve { phi[k] = value }
                sx += value
                if project { ux += u[k] * x[k] }
            }
        }
        }

        if convolve, let transform {
            // ĉ_m = −a K̂₋_m φ̂_m − b K̂₊_m φ̂_{−m} (spectra already carry 1/N²), written over φ̂
            // pair by pair {m, −m} (each pair reads only its own two values), then c = backward(ĉ).
            try transform.forward(phi)
            let alpha = -a, beta = -b
            negatedIndex.withUnsafeBufferPointer { negated in
                switch (regularSpectrum, singularSpectrum) {
                case let (minus?, plus?):
                    minus.withUnsafeBufferPointer { minus in
                        for m in 0..<n {
                            let p = Int(negated[m])
                            guard m <= p else { continue }
                            let atM = phi[m], atP = phi[p]
                            phi[m] = alpha * Complex(minus[m]) * atM + beta * plus[m] * atP
                            phi[p] = alpha * Complex(minus[p]) * atP + beta * plus[p] * atM
                        }
                    }
                case let (minus?, nil):
                    minus.withUnsafeBufferPointer { minus in
                        for m in 0..<n { phi[m] = alpha * Complex(minus[m]) * phi[m] }
                    }
                case let (nil, plus?):
                    for m in 0..<n {
                        let p = Int(negated[m])
                        guard m <= p else { continue }
                        let atM = phi[m], atP = phi[p]
                        phi[m] = beta * plus[m] * atP
                        phi[p] = beta * plus[p] * atM
                    }
                case (nil, nil):
                    break
                }
            }
            try transform.backward(phi)
        }

        // The rank-one and white-noise terms: y += s·γ_s + u·γ_u.
        let nDouble = Double(n)
        var alongRoot = whiteNoise ? a * Complex(-op.u0 / nDouble) * sx : .zero
        var alongProjected = Complex<Double>.zero
        if project {
            let sigmaInverse = 1 / op.sigma
            alongRoot += b * sigmaInverse * ux - b * op.tau * sigmaInverse * sigmaInverse * sx
            alongProjected = b * sigmaInverse * sx
        }
        var firstBad: Int? = nil
        root.withUnsafeBufferPointer { s in
        projectedVector.withUnsafeBufferPointer { u in
        streaming.withUnsafeBufferPointer { streaming in
        deltaSigma.withUnsafeBufferPointer { deltaSigma in
            for k in 0..<n {
                var coefficient = alongRoot
                if convolve { coefficient += phi[k] }
                var value = s[k] * coefficient
                if a != .zero { value += a * (Complex(streaming[k]) + deltaSigma[k]) * x[k] }
                if project { value += u[k] * alongProjected }
                y[k] = value
                if firstBad == nil && !value.isFinite { firstBad = k }
            }
        }
        }
        }
        }
        if let firstBad {
            throw .algorithmFailure(routine: "OperatorAction.apply", info: 0,
                                    detail: "component \(firstBad) of 𝕃x is NaN or infinite (x finite): the product overflows double precision")
        }
    }
}

/// FFT(kernel)/N² in memory aligned for FFTW, checked finite.
private func kernelSpectrum(name: String, transform: FourierTransform,
                            fill: (UnsafeMutableBufferPointer<Complex<Double>>) -> Void) throws(LinearAlgebraError) -> AlignedComplexBuffer {
    let spectrum = try AlignedComplexBuffer(count: transform.count)
    fill(spectrum.elements)
    if let bad = firstNonFiniteIndex(UnsafeBufferPointer(spectrum.elements)) {
        throw .nonFiniteInput(routine: "OperatorAction (kernel \(name))", row: bad, column: 0)
    }
    try transform.forward(spectrum.elements)
    let n = Double(transform.count)
    let scale = 1 / (n * n)
    for m in 0..<spectrum.count { spectrum.elements[m] = spectrum.elements[m] * Complex(scale) }
    if let bad = firstNonFiniteIndex(UnsafeBufferPointer(spectrum.elements)) {
        throw .nonFiniteInput(routine: "OperatorAction (Fourier transform of \(name))", row: bad, column: 0)
    }
    return spectrum
}

extension MomentumGrid {
    /// The grid as an L × … × L array (d axes) in its index order, last axis fastest:
    /// the dimensions of its discrete Fourier transform.
    var fourierDimensions: [Int] { [Int](repeating: size, count: dimension) }
}

extension CollisionOperator {
    /// The matrix-free action of a·𝕃reg + b·𝕃sing (see `OperatorAction`): for repeated
    /// products, O(N log N) each.
    public func action(regularWeight: Complex<Double> = .one, singularWeight: Complex<Double> = .one,
                       planning: FourierTransform.Planning? = nil) throws(LinearAlgebraError) -> OperatorAction {
        try OperatorAction(self, regularWeight: regularWeight, singularWeight: singularWeight, planning: planning)
    }

    /// y = (a·𝕃reg + b·𝕃sing) x in O(N log N), without the matrix (Suslov (75), (76)); equal
    /// to `matrix(regularWeight: a, singularWeight: b).multiplied(by: x)` to round-off.
    /// 𝕃ᵀ = 𝕃, so this is also the transpose product. Each call plans and transforms
    /// afresh: for many products keep an `action(regularWeight:singularWeight:)`.
    /// - Throws: `.nonFiniteInput` for a NaN or infinite x_k, `.shapeMismatch` unless
    ///   x has N elements.
    public func apply(_ x: [Complex<Double>], regularWeight a: Complex<Double> = .one,
                      singularWeight b: Complex<Double> = .one) throws(LinearAlgebraError) -> [Complex<Double>] {
        try OperatorAction(self).apply(x, regularWeight: a, singularWeight: b)
    }
}

extension CollisionModel {
    /// u = 𝕊s = s∘(U^sing ⋆ reflected ΔG)/N by FFT.
    static func projectedVectorByFourierTransform(grid: MomentumGrid, fields: KineticFields,
                                                  kernel: [Complex<Double>]) throws(LinearAlgebraError) -> [Complex<Double>] {
        let n = grid.count
        let transform = try FourierTransform(dimensions: grid.fourierDimensions)
        let spectrum = try kernelSpectrum(name: "U^sing", transform: transform) { out in
            for k in 0..<n { out[k] = kernel[k] }
        }
        let deltaG = try AlignedComplexBuffer(count: n)
        for k in 0..<n { deltaG.elements[k] = fields.deltaG[k] }
        try transform.forward(deltaG.elements)
        let product = try AlignedComplexBuffer(count: n)
        for m in 0..<n { product.elements[m] = spectrum.elements[m] * deltaG.elements[Int(grid.negatedIndex[m])] }
        try transform.backward(product.elements)
        return (0..<n).map { fields.root[$0] * product.elements[$0] }
    }
}
