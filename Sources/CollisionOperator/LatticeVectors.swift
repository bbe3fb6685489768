import DenseLinearAlgebra
import Foundation
import Numerics

/// A finite set of real-space lattice vectors x ∈ Z^d with weights, and the lattice
/// Fourier sums built from it: f(Q) = Σ_x w_x cos(Q·x) on the momentum grid.
/// Both the disorder correlator C(p) and the localized correlator A(Q) are of this form.
public struct LatticeVectorSet: Sendable, Equatable {
    public let dimension: Int
    /// Integer components, row-major: `components[v * dimension + axis]`.
    public let components: [Int]
    /// Euclidean length |x| of each vector.
    public let lengths: [Double]

    public var count: Int { lengths.count }

    /// All lattice vectors with |x| ≤ radius, ordered by length then lexicographically
    /// (x = 0 first). Radius < 0 or NaN gives the empty set; callers keep 2·radius below
    /// the grid size (validated), so the enumeration stays small.
    public static func ball(dimension: Int, radius: Double) -> LatticeVectorSet {
        let reach = radius >= 0 ? Int(min(radius, 1e6).rounded(.down)) : -1
        var vectors: [[Int]] = []
        if reach >= 0 {
            var current = [Int](repeating: -reach, count: dimension)
            let limit = radius * radius * (1 + 1e-12)
            while true {
                if Double(current.reduce(0) { $0 + $1 * $1 }) <= limit { vectors.append(current) }
                var axis = dimension - 1
                while axis >= 0 {
                    current[axis] += 1
                    if current[axis] <= reach { break }
                    current[axis] = -reach
                    axis -= 1
                }
                if axis < 0 { break }
            }
        }
        return LatticeVectorSet(dimension: dimension, vectors: vectors)
    }

    /// The distinct vectors of `vectors`, ordered by length then lexicographically.
    public init(dimension: Int, vectors: [[Int]]) {
        let distinct = Array(Set(vectors)).sorted { a, b in
            let la = a.reduce(0) { $0 + $1 * $1 }, lb = b.reduce(0) { $0 + $1 * $1 }
            return la != lb ? la < lb : a.lexicographicallyPrecedes(b)
        }
        self.dimension = dimension
        components = distinct.flatMap { $0 }
        lengths = distinct.map { x in Double(x.reduce(0) { $0 + $1 * $1 }).squareRoot() }
    }

    /// The largest |x_i| over all vectors and axes (0 for the empty set).
    public var reach: Int { components.map(abs).max() ?? 0 }

    /// x_v as an array.
    public func vector(_ v: Int) -> [Int] { Array(components[(v * dimension)..<((v + 1) * dimension)]) }

    /// f(Q) = Σ_v weights[v]·cos(Q·x_v) at every grid momentum Q: the real part of one FFT
    /// of the weights folded onto the grid (`foldedWeights`; exact, since e^{iQ·x} is
    /// periodic on the grid), O(N log N); small sets, or a transform that cannot be set
    /// up, sum directly, O(N·|X|·d).
    public func cosineSum(weights: [Double], on grid: MomentumGrid) -> [Double] {
        let n = grid.count
        if prefersFourierTransform(terms: count, gridCount: n),
           let transform = try? FourierTransform(dimensions: grid.fourierDimensions),
           let buffer = try? AlignedComplexBuffer(count: n) {
            let folded = foldedWeights(weights, on: grid)
            let sum: [Double]? = withExtendedLifetime(buffer) {
                let elements = buffer.elements
                for m in 0..<n { elements[m] = Complex(folded[m]) }
                guard (try? transform.forward(elements)) != nil else { return nil }
                return elements.map { $0.real }
            }
            if let sum { return sum }
        }
        let phases = PhaseTable(grid: grid, vectors: self)
        var result = [Double](repeating: 0, count: n)
        for index in 0..<n {
            var sum = 0.0
            for v in 0..<count where weights[v] != 0 {
                sum += weights[v] * phases.phase(point: index, vector: v).real
            }
            result[index] = sum
        }
        return result
    }

    /// W_m = Σ_{v: x_v ≡ m (mod L)} weights[v], indexed like the grid: the weights as a
    /// periodic lattice function (vectors longer than L overlap their images).
    public func foldedWeights(_ weights: [Double], on grid: MomentumGrid) -> [Double] {
        var folded = [Double](repeating: 0, count: grid.count)
        for v in 0..<count {
            folded[grid.index(ofDigits: vector(v))] += weights[v]
        }
        return folded
    }
}

/// Whether a lattice sum with `terms` terms at each of `gridCount` points is cheaper by FFT
/// (O(N log N)) than directly (O(N·terms)).
func prefersFourierTransform(terms: Int, gridCount: Int) -> Bool {
    terms > 1 && Double(terms) > 0.5 * log2(Double(max(gridCount, 2)))
}

/// e^{i k·x} for grid momenta k and lattice vectors x, from per-axis tables of
/// e^{2πi n m / L} (m the integer component): d complex products per evaluation.
struct PhaseTable: Sendable {
    let grid: MomentumGrid
    let vectors: LatticeVectorSet
    /// `roots[r] = e^{2πi r / L}`.
    let roots: [Complex<Double>]

    init(grid: MomentumGrid, vectors: LatticeVectorSet) {
        self.grid = grid
        self.vectors = vectors
        let L = grid.size
        roots = (0..<L).map { r in
            let angle = 2 * Double.pi * Double(r) / Double(L)
            return Complex(cos(angle), sin(angle))
        }
    }

    /// e^{i k·x} for grid point `point` and vector `vector`.
    @inline(__always)
    func phase(point: Int, vector: Int) -> Complex<Double> {
        let L = grid.size
        var product = Complex<Double>.one
        for axis in 0..<grid.dimension {
            let m = vectors.components[vector * grid.dimension + axis]
            guard m != 0 else { continue }
            let r = ((grid.digit(point, axis: axis) * m) % L + L) % L
            product *= roots[r]
        }
        return product
    }
}
