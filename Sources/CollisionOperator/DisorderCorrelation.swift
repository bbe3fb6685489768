import DenseLinearAlgebra
import Foundation
import Numerics

/// The disorder correlator of docs/model.md §2: U^reg(k, k') = U0·C(k − k'), with C the
/// power spectrum of the random potential, the autocorrelation of a lattice Gaussian:
/// g_x = e^{−|x|²/r_c²} on |x| ≤ 3r_c/√2 (width r_c/√2), c = g ⋆ g/(Σg)²,
/// C(p) = Σ_x c_x cos(p·x) = ĝ(p)²/ĝ(0)² ≥ 0, C(0) = 1. r_c = 0 is white noise, C ≡ 1.
public struct DisorderCorrelation: Sendable, Equatable {
    public let radius: Double
    /// The envelope g and its autocorrelation c (nil for white noise).
    public let autocorrelation: LatticeAutocorrelation?
    /// The support of c (only x = 0 for white noise).
    public let vectors: LatticeVectorSet
    /// c_x for each vector (Σ c_x = 1).
    public let coefficients: [Double]

    public init(radius: Double, dimension: Int) {
        self.radius = radius
        if radius > 0 {
            let envelope = LatticeVectorSet.ball(dimension: dimension, radius: Self.envelopeRadius(radius))
            // e^{−(|x|/r_c)²} ≥ e^{−9/2} on the envelope: never zero, so the construction cannot fail.
            // (|x|/r_c, not |x|²/r_c²: a subnormal r_c squares to 0, and 0/0 would be NaN.)
            let g = envelope.lengths.map { length -> Double in
                let scaled = length / radius
                return exp(-scaled * scaled)
            }
            let c = LatticeAutocorrelation(envelope: envelope, weights: g)!
            autocorrelation = c
            vectors = c.support
            coefficients = c.weights
        } else {
            autocorrelation = nil
            vectors = LatticeVectorSet.ball(dimension: dimension, radius: 0)
            coefficients = [1]
        }
    }

    /// The radius 3r_c/√2 of the Gaussian envelope g.
    public static func envelopeRadius(_ radius: Double) -> Double { 3 * radius / 2.0.squareRoot() }

    /// The largest component of a vector of c's support, 2⌊3r_c/√2⌋ (0 for white noise).
    public static func supportReach(_ radius: Double) -> Double {
        radius > 0 ? 2 * envelopeRadius(radius).rounded(.down) : 0
    }

    public var isWhiteNoise: Bool { vectors.count == 1 }

    /// C(p) at every grid momentum p, indexed like the grid (exactly ≥ 0).
    public func values(on grid: MomentumGrid) -> [Double] {
        isWhiteNoise ? [Double](repeating: 1, count: grid.count) : autocorrelation!.values(on: grid)
    }

    /// (1/N) Σ_k' U0 C(k − k') f_k' at every grid point k (f on the grid, or on a grid
    /// shifted as a whole: C depends only on k − k'). White noise: U0 times the compensated
    /// mean. Correlated: through real-space moments, U0 Σ_x c_x e^{ik·x} (1/N) Σ_k' e^{−ik'·x} f_k',
    /// O(N·|x|) — or by FFT through `convolver(on:u0:)` when that is cheaper.
    public func convolve(_ f: [Complex<Double>], on grid: MomentumGrid, u0: Double) -> [Complex<Double>] {
        let n = grid.count
        if isWhiteNoise {
            return [Complex<Double>](repeating: compensatedSum(f) * Complex(u0 / Double(n)), count: n)
        }
        let phases = PhaseTable(grid: grid, vectors: vectors)
        let moments = (0..<vectors.count).map { x in
            var sum = Complex<Double>.zero
            for k in 0..<n { sum += phases.phase(point: k, vector: x).conjugate * f[k] }
            return sum * Complex(coefficients[x] * u0 / Double(n))
        }
        return (0..<n).map { k in
            var sum = Complex<Double>.zero
            for x in 0..<moments.count { sum += phases.phase(point: k, vector: x) * moments[x] }
            return sum
        }
    }

    /// The convolution with U0·C on `grid`, prepared once for many vectors: by FFT
    /// (O(N log N) per vector) when the support of c is larger than a few log₂N, else the
    /// real-space moments of `convolve` (O(N·|x|)). Both equal (1/N) Σ_k' U0 C(k − k') f_k'
    /// to round-off.
    public func convolver(on grid: MomentumGrid, u0: Double) throws(LinearAlgebraError) -> DisorderConvolver {
        try DisorderConvolver(correlation: self, grid: grid, u0: u0,
                              byFourierTransform: convolvesByFourierTransform(gridPoints: grid.count))
    }

    /// Whether `convolver(on:u0:)` takes the FFT on a grid of N points: when the support of c
    /// is larger than 4 log₂N (the convolver then holds FFT(U0·C)/N², N complex numbers).
    public func convolvesByFourierTransform(gridPoints n: Int) -> Bool {
        !isWhiteNoise && Double(vectors.count) > 4 * log2(Double(max(n, 2)))
    }
}

/// (1/N) Σ_k' U0 C(k − k') f_k' for one grid, prepared once (see
/// `DisorderCorrelation.convolver(on:u0:)`): the FFT plan and the transform of U0·C/N² are
/// made at init and never change, so one convolver serves every SCBA solve of a model (and
/// concurrent callers: FFTW's execute is thread-safe, and each call works in its caller's
/// buffer).
public final class DisorderConvolver: @unchecked Sendable {
    let correlation: DisorderCorrelation
    let grid: MomentumGrid
    let u0: Double
    let transform: FourierTransform?
    /// forward(U0·C)/N², so that backward(spectrum · forward(f)) is the convolution with 1/N.
    /// Since C(p) = Σ_x c_x e^{ip·x}, forward(C)_m = N Σ_{x ≡ m} c_x: the coefficients
    /// folded onto the grid, times U0/N — no transform of C is needed.
    let spectrum: AlignedComplexBuffer?

    init(correlation: DisorderCorrelation, grid: MomentumGrid, u0: Double,
         byFourierTransform: Bool) throws(LinearAlgebraError) {
        self.correlation = correlation
        self.grid = grid
        self.u0 = u0
        guard byFourierTransform else {
            transform = nil
            spectrum = nil
            return
        }
        let n = grid.count
        let transform = try FourierTransform(dimensions: grid.fourierDimensions)
        let spectrum = try AlignedComplexBuffer(count: n)
        let folded = correlation.vectors.foldedWeights(correlation.coefficients, on: grid)
        let scale = u0 / Double(n)
        for m in 0..<n { spectrum.elements[m] = Complex(folded[m] * scale) }
        self.transform = transform
        self.spectrum = spectrum
    }

    /// (1/N) Σ_k' U0 C(k − k') f_k' at every grid point.
    /// - Throws: `.shapeMismatch` unless f has N elements; FFTW failures.
    public func convolve(_ f: [Complex<Double>]) throws(LinearAlgebraError) -> [Complex<Double>] {
        var result = f
        try result.withUnsafeMutableBufferPointer { (buffer) throws(LinearAlgebraError) in try convolve(inPlace: buffer) }
        return result
    }

    /// In place: f ← (1/N) Σ_k' U0 C(k − k') f_k' (FFTW's SIMD plans run when f comes from
    /// `AlignedComplexBuffer`).
    /// - Throws: `.shapeMismatch` unless f has N elements; FFTW failures.
    public func convolve(inPlace f: UnsafeMutableBufferPointer<Complex<Double>>) throws(LinearAlgebraError) {
        guard f.count == grid.count else {
            throw .shapeMismatch(operation: "DisorderConvolver.convolve", expected: "\(grid.count) elements",
                                 found: "\(f.count)")
        }
        guard let transform, let spectrum else {
            if correlation.isWhiteNoise {
                f.update(repeating: compensatedSum(f) * Complex(u0 / Double(f.count)))
            } else {
                _ = f.update(fromContentsOf: correlation.convolve(Array(f), on: grid, u0: u0))
            }
            return
        }
        try transform.forward(f)
        let kernel = spectrum.elements
        for m in 0..<f.count { f[m] *= kernel[m] }
        try transform.backward(f)
    }
}
