import DenseLinearAlgebra
import Numerics

/// One symmetry sector of the reflections σ_i: k_i → −k_i that fix q (q_i = 0): the
/// subspace on which each reflection acts as its character χ_i = ±1.
///
/// Its orthonormal basis is real: along a reflected axis, the self-mapped points
/// n_i ∈ {0, L/2} (even sector only) and the pairs (e_n ± e_{L−n})/√2; along the other
/// axes the grid points themselves; the basis vectors are products of these. Because the
/// basis U is real and orthogonal, Uᵀ𝕃U is complex-symmetric like 𝕃, and eigenvectors
/// map back as v = U w with (v, v') = (w, w') in the bilinear product.
public struct SymmetrySector: Sendable, Equatable {
    /// One character per axis: "+" even, "-" odd, "." not a symmetry (q_i ≠ 0 or off).
    public let label: String
    /// The number of basis vectors.
    public let dimension: Int
    /// Grid points per basis vector (2^m for m reflected axes); unused slots are −1.
    let width: Int
    /// `support[a * width + j]`: a grid index of basis vector a, or −1.
    let support: [Int32]
    /// The coefficient of that grid point (±1/√2 per paired axis).
    let weights: [Double]

    /// True for the fully symmetric sector, the one that contains √ΔG.
    public var isFullySymmetric: Bool { !label.contains("-") }

    /// Uᵀ A U: the block of an operator that commutes with the reflections.
    ///
    /// Because A_{gk, gk'} = A_{kk'}, the orbit sum over the row index collapses onto the
    /// orbit's first point r_a: (UᵀAU)_ab = Σ_{k'} u_b(k') A_{r_a k'} / u_a(r_a) — O(d²·2^m)
    /// instead of O(d²·4^m). (Exact for an invariant A; this is what the blocking assumes.)
    public func gather(_ a: ComplexMatrix) -> ComplexMatrix {
        let d = dimension, w = width
        var block = ComplexMatrix(rows: d, columns: d)
        let support = self.support, weights = self.weights
        let representatives = (0..<d).map { Int(support[$0 * w]) }
        let inverseWeights = (0..<d).map { 1 / weights[$0 * w] }
        a.withUnsafeBufferPointer { source in
            let n = a.rows
            let base = SendablePointer(source.baseAddress!)
            block.withUnsafeMutableBufferPointer { target in
                let out = DisjointWriteBuffer(base: target.baseAddress!)
                parallelChunks(count: d, minimumChunk: 8) { columns in
                    for b in columns {
                        let blockColumn = out.base + b * d
                        for bj in 0..<w {
                            let column = Int(support[b * w + bj])
                            guard column >= 0 else { continue }
                            let weight = weights[b * w + bj]
                            let columnBase = base.pointer + column * n
                            for row in 0..<d {
                                blockColumn[row] += columnBase[representatives[row]] * Complex(weight * inverseWeights[row])
                            }
                        }
                    }
                }
            }
        }
        return block
    }

    /// Uᵀ v: the sector coordinates of a grid vector.
    public func project(_ v: [Complex<Double>]) -> [Complex<Double>] {
        (0..<dimension).map { a in
            var sum = Complex<Double>.zero
            for j in 0..<width {
                let k = Int(support[a * width + j])
                if k >= 0 { sum += Complex(weights[a * width + j]) * v[k] }
            }
            return sum
        }
    }

    /// U w: the grid vector of sector coordinates w.
    public func expand(_ coordinates: [Complex<Double>], gridPoints n: Int) -> [Complex<Double>] {
        var v = [Complex<Double>](repeating: .zero, count: n)
        for a in 0..<dimension {
            for j in 0..<width {
                let k = Int(support[a * width + j])
                if k >= 0 { v[k] += Complex(weights[a * width + j]) * coordinates[a] }
            }
        }
        return v
    }
}

/// The decomposition of the grid into the 2^m sectors of the reflections that fix q.
public struct SectorDecomposition: Sendable, Equatable {
    public let sectors: [SymmetrySector]
    /// The axes whose reflection is used (q_i = 0).
    public let reflectedAxes: [Int]
    public let gridPoints: Int

    /// The reflections fixing `q` on `grid` (axes with q_i = 0 exactly); `enabled: false`
    /// or no such axis gives the single trivial sector.
    public init(grid: MomentumGrid, q: [Double], enabled: Bool = true) {
        let axes = enabled ? (0..<grid.dimension).filter { q[$0] == 0 } : []
        reflectedAxes = axes
        gridPoints = grid.count
        let L = grid.size
        let pairs = (L - 1) / 2                                  // n = 1 … ⌈L/2⌉ − 1
        let root = 1 / 2.0.squareRoot()
        /// Per-axis states of a character: (points, weights).
        func states(axis: Int, character: Int) -> [([Int], [Double])] {
            guard axes.contains(axis) else { return (0..<L).map { ([$0], [1]) } }
            var result: [([Int], [Double])] = []
            if character > 0 {
                result.append(([0], [1]))
                if L % 2 == 0 { result.append(([L / 2], [1])) }
                for n in stride(from: 1, through: pairs, by: 1) { result.append(([n, L - n], [root, root])) }
            } else {
                for n in stride(from: 1, through: pairs, by: 1) { result.append(([n, L - n], [root, -root])) }
            }
            return result
        }
        let width = 1 << axes.count
        var sectors: [SymmetrySector] = []
        for mask in 0..<(1 << axes.count) {
            var characters = [Int](repeating: 0, count: grid.dimension)
            for (bit, axis) in axes.enumerated() { characters[axis] = (mask >> bit) & 1 == 0 ? 1 : -1 }
            let perAxis = (0..<grid.dimension).map { states(axis: $0, character: characters[$0]) }
            let dimension = perAxis.reduce(1) { $0 * $1.count }
            var support = [Int32](repeating: -1, count: dimension * width)
            var weights = [Double](repeating: 0, count: dimension * width)
            var digits = [Int](repeating: 0, count: grid.dimension)        // mixed-radix counter over states
            for a in 0..<dimension {
                var points: [(Int, Double)] = [(0, 1)]
                for axis in 0..<grid.dimension {
                    let (ns, ws) = perAxis[axis][digits[axis]]
                    points = points.flatMap { point in
                        zip(ns, ws).map { (point.0 + $0 * grid.strides[axis], point.1 * $1) }
                    }
                }
                for (j, point) in points.enumerated() {
                    support[a * width + j] = Int32(point.0)
                    weights[a * width + j] = point.1
                }
                var axis = grid.dimension - 1
                while axis >= 0 {
                    digits[axis] += 1
                    if digits[axis] < perAxis[axis].count { break }
                    digits[axis] = 0
                    axis -= 1
                }
            }
            let label = String((0..<grid.dimension).map { characters[$0] > 0 ? "+" : (characters[$0] < 0 ? "-" : ".") })
            if dimension > 0 {
                sectors.append(SymmetrySector(label: label, dimension: dimension, width: width, support: support, weights: weights))
            }
        }
        self.sectors = sectors
    }

    /// More than one sector: blocking pays.
    public var isNontrivial: Bool { sectors.count > 1 }

    /// The label of the single sector of a run without symmetry, e.g. "..".
    public static func trivialLabel(dimension: Int) -> String { String(repeating: ".", count: dimension) }
}

/// A read-only pointer handed to parallel workers.
struct SendablePointer<Element>: @unchecked Sendable {
    let pointer: UnsafePointer<Element>
    init(_ pointer: UnsafePointer<Element>) { self.pointer = pointer }
}
