import DenseLinearAlgebra
import Numerics

/// The retarded self-energy Σ^R_{k+shift}(z) at every grid point k of a grid shifted
/// by `shift` (docs/model.md §2 "Self-energy").
public struct SelfEnergyField: Sendable, Equatable {
    /// Σ^R at each grid index.
    public let values: [Complex<Double>]
    /// Fixed-point iterations used (0 for a prescribed self-energy).
    public let iterations: Int
    /// max_k |F(Σ)_k − Σ_k| at the last iteration (the SCBA residual).
    public let residual: Double

    /// γ = −(1/N) Σ_k Im Σ_k.
    public var gamma: Double { -values.reduce(0) { $0 + $1.imaginary } / Double(max(values.count, 1)) }

    /// (1/N) Σ_k Σ_k.
    public var mean: Complex<Double> { values.reduce(.zero, +) / Complex(Double(max(values.count, 1))) }
}

/// Numerical failures of the model construction (exit status 3 in the CLI).
public enum ModelComputationError: InputNamingError, Equatable, Sendable {
    /// The SCBA fixed-point loop did not reach |ΔΣ| ≤ tolerance·max(1, |Σ|).
    case selfEnergyNotConverged(energy: Double, shift: [Double], iterations: Int, lastChange: Double, tolerance: Double)
    /// A field that must be finite is not (index of the first bad grid point).
    case nonFinite(quantity: String, index: Int)
    /// Im ΔG_k ≥ 0 somewhere, so √ΔG has no continuous principal branch.
    case deltaGNotInLowerHalfPlane(index: Int, value: Complex<Double>)
    /// The assembled 𝕃 has a NaN or infinite element (the inputs overflow double precision).
    case nonFiniteOperator(row: Int, column: Int, detail: String)
    /// A Fourier transform of the model (the disorder convolution) could not be set up.
    case fourierTransform(detail: String)
    /// Kinetic fields passed to `CollisionModel.operator(reusing:)` that another model solved.
    case fieldsOfAnotherModel(detail: String)

    public var message: InputText {
        switch self {
        case let .selfEnergyNotConverged(energy, shift, iterations, lastChange, tolerance):
            let where_ = shift.allSatisfy { $0 == 0 } ? "" : " on the grid shifted by (\(shift.map(format).joined(separator: ", ")))"
            return "SCBA self-energy at z = \(format(energy))\(where_) did not converge after \(iterations) iterations: last change \(lastChange) > tolerance \(tolerance) (raise \(ParameterName.scbaMaxIterations) or change the energy/disorder)"
        case let .nonFinite(quantity, index):
            return "\(quantity) is not finite at grid point \(index)"
        case let .nonFiniteOperator(row, column, detail):
            return "the collision operator 𝕃 has a NaN or infinite element at (\(row), \(column)): \(detail); LAPACK was not called"
        case let .fourierTransform(detail):
            return "the Fourier transform of the disorder convolution failed: \(detail)"
        case let .fieldsOfAnotherModel(detail):
            return "the kinetic fields come from another model: \(detail)"
        case let .deltaGNotInLowerHalfPlane(index, value):
            return "ΔG at grid point \(index) = \(value.real) + \(value.imaginary)i is not in the lower half plane; √ΔG is undefined"
        }
    }
}

/// The self-consistent Born approximation on the momentum grid:
/// Σ_p(z) = (1/N) Σ_{p'} U0 C(p − p') / (z − ε_{p'} − Σ_{p'}(z)), p, p' on the grid
/// k + shift. With `shift` = ±q/2 the retarded and advanced self-energies satisfy the
/// Ward identity (13) exactly at any q, which is what makes √ΔG an exact zero mode of
/// L̂0 for every q (docs/model.md §3.2) and the Einstein relation an identity on the grid.
///
/// For correlated disorder the convolution runs by FFT (O(N log N) per step) or, for a
/// support of c smaller than a few log₂N, through real-space moments,
/// Σ_k = U0 Σ_x c_x e^{ik·x} ĝ_x with ĝ_x = (1/N) Σ_k e^{−ik·x} G_k: O(N·|x|) per step
/// (`DisorderCorrelation.convolver(on:u0:)`).
///
/// The fixed point is found by damped iteration Σ ← Σ + β(F(Σ) − Σ), accelerated by
/// Anderson mixing over the last few steps (`AndersonMixing`; the secant method when
/// Σ is uniform). The contraction of the plain iteration, |U0⟨G²⟩|, approaches 1 on
/// small or one-dimensional grids; the history removes that slowdown. An accelerated
/// step that would leave the lower half plane (Im Σ < 0, retarded) is replaced by the
/// plain damped step, which never does.
public struct SCBASolver: Sendable {
    public let grid: MomentumGrid
    public let band: TightBindingBand
    public let u0: Double
    public let correlation: DisorderCorrelation
    public let maximumIterations: Int
    /// Convergence: max_k |F(Σ)_k − Σ_k| ≤ tolerance·max(1, max_k |Σ_k|) (docs/model.md §2: 1e-14).
    public let tolerance: Double
    /// Damping β of the underlying fixed-point step.
    public static let damping = 0.7
    /// Number of previous steps the Anderson mixing uses.
    public static let historyDepth = 6
    /// The disorder convolution on this grid, prepared once for every solve (nil when its
    /// FFT could not be set up: each solve then tries again and reports the failure).
    let convolver: DisorderConvolver?

    public init(grid: MomentumGrid, band: TightBindingBand, u0: Double, correlation: DisorderCorrelation,
                maximumIterations: Int, tolerance: Double = 1e-14) {
        self.grid = grid
        self.band = band
        self.u0 = u0
        self.correlation = correlation
        self.maximumIterations = maximumIterations
        self.tolerance = tolerance
        convolver = try? correlation.convolver(on: grid, u0: u0)
    }

    /// Σ^R(z + i0) on the grid shifted by `shift`. Throws `.selfEnergyNotConverged`.
    /// - Parameter bandEnergies: ε(k + shift) when the caller already has them (the
    ///   kinetic fields need the same values); computed here otherwise.
    /// - Parameter start: the first iterate (N values; for white noise only the first is
    ///   used), e.g. the solution at a nearby energy or shift; nil for the generic −i√(U0).
    ///
    /// The iteration works in buffers made once per solve (G and F(Σ) share one aligned
    /// buffer, transformed in place): on the FFT and white-noise paths nothing of length N
    /// is allocated per step.
    public func retarded(energy z: Double, shift: [Double], bandEnergies: [Double]? = nil,
                         start: [Complex<Double>]? = nil) throws(ModelComputationError) -> SelfEnergyField {
        let energies = bandEnergies ?? band.energies(on: grid, shiftedBy: shift)
        let n = grid.count
        let uniform = correlation.isWhiteNoise
        let width = uniform ? 1 : n     // a uniform Σ is iterated as one number
        let cZero = correlation.coefficients.reduce(0, +)
        var sigma = [Complex<Double>](repeating: Complex(0, -max((u0 * max(cZero, 1e-12)).squareRoot(), 1e-3)), count: width)
        if let start, start.count == n, start.allSatisfy({ $0.isFinite && $0.imaginary < 0 }) {
            sigma = uniform ? [start[0]] : start
        }
        let convolver: DisorderConvolver
        let work: AlignedComplexBuffer          // G, then F(Σ) in place
        do throws(LinearAlgebraError) {
            if let prepared = self.convolver { convolver = prepared } else { convolver = try correlation.convolver(on: grid, u0: u0) }
            work = try AlignedComplexBuffer(count: n)
        } catch {
            throw .fourierTransform(detail: error.description)
        }
        defer { withExtendedLifetime(work) {} }  // `mapped` points into it
        let mapped = work.elements
        var residual = [Complex<Double>](repeating: .zero, count: width)       // F(Σ) − Σ
        var next = residual
        var mixing = AndersonMixing(width: width, depth: Self.historyDepth, damping: Self.damping)
        var lastChange = Double.infinity
        for iteration in 1...maximumIterations {
            // F(Σ) = (1/N) Σ_k' U0 C(k − k') G_k'.
            sigma.withUnsafeBufferPointer { sigma in
                energies.withUnsafeBufferPointer { energies in
                    for k in 0..<n { mapped[k] = reciprocal(Complex(z - energies[k]) - sigma[uniform ? 0 : k]) }
                }
            }
            do { try convolver.convolve(inPlace: mapped) } catch { throw .fourierTransform(detail: error.description) }
            var change = 0.0, magnitude = 0.0               // squared in the loop (no hypot per point)
            for k in 0..<width {
                residual[k] = mapped[k] - sigma[k]
                change = max(change, residual[k].magnitudeSquared)
                magnitude = max(magnitude, mapped[k].magnitudeSquared)
            }
            change = change.squareRoot()
            magnitude = magnitude.squareRoot()
            guard change.isFinite else { break }
            lastChange = change
            if change <= tolerance * max(1, magnitude) {
                let values = uniform ? [Complex<Double>](repeating: mapped[0], count: n) : Array(mapped)
                return SelfEnergyField(values: values, iterations: iteration, residual: change)
            }
            let accelerated = sigma.withUnsafeBufferPointer { x in
                residual.withUnsafeBufferPointer { g in
                    next.withUnsafeMutableBufferPointer { next in mixing.step(iterate: x, residual: g, into: next) }
                }
            }
            if accelerated && !next.allSatisfy({ $0.isFinite && $0.imaginary < 0 }) {
                // Keep the retarded half plane: take the plain damped step and forget the history.
                for k in 0..<width { next[k] = sigma[k] + Complex(Self.damping) * residual[k] }
                mixing.reset()
            }
            swap(&sigma, &next)
        }
        throw .selfEnergyNotConverged(energy: z, shift: shift, iterations: maximumIterations,
                                      lastChange: lastChange, tolerance: tolerance)
    }
}

/// 1/z without the rescaling of the general complex division (|z| is never near the
/// overflow range here: its imaginary part is at least γ).
@inline(__always)
func reciprocal(_ z: Complex<Double>) -> Complex<Double> {
    let norm = z.real * z.real + z.imaginary * z.imaginary
    return Complex(z.real / norm, -z.imaginary / norm)
}
