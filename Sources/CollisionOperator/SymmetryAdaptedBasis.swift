import DenseLinearAlgebra
import Numerics

/// The basis of one irrep Γ's multiplicity space: m real orthonormal grid vectors u_a
/// spanning the range of the row-1 projector P¹¹ = (n/|G|) Σ_g D_11(g) R(g) (R(g) e_k =
/// e_{gk}), each supported on one orbit of grid points. Because the group commutes with
/// 𝕃, Uᵀ𝕃U (m × m, complex-symmetric like 𝕃) carries every eigenvalue of 𝕃 in Γ once, and
/// each is n = dim Γ times degenerate in 𝕃: its partners are P^{j1} U w, j = 1…n − 1.
///
/// Stored per orbit segment: the orbit's points, m_O pivot points k_i of the orbit and T
/// (m_O × m_O, upper triangular) with u_t = Σ_i T_it P¹¹ e_{k_i}, and the coefficients of
/// every partner basis P^{j1} U on the orbit's points.
public struct SymmetrySector: Sendable {
    /// The irrep's name (A1g, E, "+-", …).
    public let label: String
    /// dim Γ: the degeneracy of each eigenvalue of the block.
    public let degeneracy: Int
    /// m: the order of the block.
    public let multiplicity: Int
    /// Rows of the table from this block: n·m (the dimension of the isotypic subspace).
    public var dimension: Int { degeneracy * multiplicity }
    /// True for the trivial irrep, the one that contains √ΔG.
    public let isFullySymmetric: Bool
    /// N: the grid points.
    public let gridPoints: Int

    struct Segment: Sendable {
        /// Offset into `SymmetryAdaptedBasis.orbitPoints` and orbit size.
        let orbitStart: Int
        let orbitSize: Int
        /// First block column and number of columns (m_O).
        let firstColumn: Int
        let count: Int
        /// Pivot grid points k_i (m_O).
        let pivots: [Int]
        /// T, column-major m_O × m_O.
        let transform: [Double]
        /// Partner j's coefficients on the orbit, column-major orbitSize × m_O, for j = 0…n−1.
        let coefficients: [[Double]]
    }
    let segments: [Segment]
    /// The orbits' points (shared by all sectors of a decomposition).
    let orbitPoints: [Int32]

    /// Identity by irrep and block order (the bases of two decompositions of the same grid
    /// and group are the same).
    public func sameSector(as other: SymmetrySector) -> Bool {
        label == other.label && multiplicity == other.multiplicity && degeneracy == other.degeneracy
    }

    /// (Uᵀ A U): the block of an invariant operator A given by its rows. `row(p, buffer)`
    /// writes A_{p,k} for all k; only pivot rows are asked for (m of them): entry (a, b) =
    /// Σ_i T_ia (A u_b)_{k_i}, exact because P¹¹ is symmetric and commutes with A.
    /// Rows are evaluated in parallel, `rowWorkers` buffers of N at a time.
    public func block(gridPoints n: Int, row: @Sendable (Int, UnsafeMutablePointer<Complex<Double>>) -> Void) -> ComplexMatrix {
        let m = multiplicity
        var block = ComplexMatrix(rows: m, columns: m)
        let segments = self.segments, points = self.orbitPoints
        block.withUnsafeMutableBufferPointer { target in
            let out = DisjointWriteBuffer(base: target.baseAddress!)
            parallelChunks(count: segments.count, minimumChunk: 1) { range in
                let buffer = UnsafeMutablePointer<Complex<Double>>.allocate(capacity: max(n, 1))
                defer { buffer.deallocate() }
                var z = [Complex<Double>](repeating: .zero, count: m)
                for s in range {
                    let segment = segments[s]
                    let count = segment.count
                    var rows = [Complex<Double>](repeating: .zero, count: count * m)       // Z, row-major count × m
                    for (i, pivot) in segment.pivots.enumerated() {
                        row(pivot, buffer)
                        for b in 0..<m { z[b] = .zero }
                        for other in segments {
                            let coefficients = other.coefficients[0]
                            for column in 0..<other.count {
                                var sumRe = 0.0, sumIm = 0.0
                                let base = column * other.orbitSize
                                for x in 0..<other.orbitSize {
                                    let value = buffer[Int(points[other.orbitStart + x])]
                                    let c = coefficients[base + x]
                                    sumRe += value.real * c
                                    sumIm += value.imaginary * c
                                }
                                z[other.firstColumn + column] = Complex(sumRe, sumIm)
                            }
                        }
                        for b in 0..<m { rows[i * m + b] = z[b] }
                    }
                    // Block rows = Tᵀ Z.
                    for t in 0..<count {
                        for b in 0..<m {
                            var sum = Complex<Double>.zero
                            for i in 0...t { sum += rows[i * m + b] * Complex(segment.transform[t * count + i]) }
                            out.base[b * m + segment.firstColumn + t] = sum
                        }
                    }
                }
            }
        }
        return block
    }

    /// Uᵀ A U for a dense invariant matrix A (its columns are its rows: 𝕃 is symmetric, and
    /// so are 𝕃reg and 𝕃sing).
    public func gather(_ a: ComplexMatrix) -> ComplexMatrix {
        let n = a.rows
        return a.withUnsafeBufferPointer { source in
            let base = SendablePointer(source.baseAddress!)
            return block(gridPoints: n) { p, buffer in
                buffer.update(from: base.pointer + p * n, count: n)
            }
        }
    }

    /// (P^{j1}U)ᵀ v: the block coordinates of a grid vector in partner row j.
    public func project(_ v: [Complex<Double>], partner j: Int = 0) -> [Complex<Double>] {
        var result = [Complex<Double>](repeating: .zero, count: multiplicity)
        for segment in segments {
            let coefficients = segment.coefficients[j]
            for column in 0..<segment.count {
                var sum = Complex<Double>.zero
                for x in 0..<segment.orbitSize {
                    sum += v[Int(orbitPoints[segment.orbitStart + x])] * Complex(coefficients[column * segment.orbitSize + x])
                }
                result[segment.firstColumn + column] = sum
            }
        }
        return result
    }

    /// P^{j1} U w: the grid vector of block coordinates w in partner row j.
    public func expand(_ coordinates: [Complex<Double>], gridPoints n: Int, partner j: Int = 0) -> [Complex<Double>] {
        var v = [Complex<Double>](repeating: .zero, count: n)
        for segment in segments {
            let coefficients = segment.coefficients[j]
            for column in 0..<segment.count {
                let w = coordinates[segment.firstColumn + column]
                for x in 0..<segment.orbitSize {
                    v[Int(orbitPoints[segment.orbitStart + x])] += w * Complex(coefficients[column * segment.orbitSize + x])
                }
            }
        }
        return v
    }

    /// Nonzero coefficients of the basis and its partners (doubles stored).
    public var storedCoefficients: Int { segments.reduce(0) { $0 + $1.coefficients.count * $1.orbitSize * $1.count } }
}

/// The decomposition of the grid into the irreps of the lattice group that fixes q (B_d at
/// q = 0, the little group {g : g q = q} otherwise; the trivial group with `enabled: false`
/// or a generic q): one `SymmetrySector` per irrep that occurs on the grid. The orbits of
/// grid points are handled exactly (points fixed by some g included); Σ n·m = N.
public struct SectorDecomposition: Sendable {
    public let group: LatticeGroup
    public let irreps: [Irrep]
    /// One sector per irrep with m > 0, in the order of `irreps`.
    public let sectors: [SymmetrySector]
    public let gridPoints: Int
    /// Number of orbits of grid points.
    public let orbitCount: Int

    /// - Throws: `SymmetryError` when a numerical construction misses its identity (not
    ///   expected; a failed check, never a wrong basis).
    public init(grid: MomentumGrid, q: [Double], enabled: Bool = true) throws(SymmetryError) {
        let group = LatticeGroup(dimension: grid.dimension, fixing: q, enabled: enabled)
        let irreps = try IrreducibleRepresentations.of(group)
        self.group = group
        self.irreps = irreps
        let n = grid.count
        let order = group.order
        gridPoints = n
        // Orbits, in order of their smallest point; stabilizers.
        var position = [Int32](repeating: -1, count: n)          // position of a point within its orbit
        var points: [Int32] = []
        var orbits: [(start: Int, size: Int, stabilizer: [Int])] = []
        for k in 0..<n where position[k] < 0 {
            let start = points.count
            var stabilizer: [Int] = []
            for g in 0..<order {
                let image = group.image(of: k, under: g, grid: grid)
                if image == k { stabilizer.append(g) }
                if position[image] < 0 {
                    position[image] = Int32(points.count - start)
                    points.append(Int32(image))
                }
            }
            orbits.append((start, points.count - start, stabilizer))
        }
        orbitCount = orbits.count
        var sectors: [SymmetrySector] = []
        for irrep in irreps {
            let dim = irrep.dimension
            let scale = Double(dim) / Double(order)
            var segments: [SymmetrySector.Segment] = []
            var columns = 0
            for orbit in orbits {
                // Frobenius reciprocity: m_O = (1/|Stab|) Σ_{s ∈ Stab} χ(s).
                let mult = (orbit.stabilizer.reduce(0.0) { $0 + irrep.characters[$1] } / Double(orbit.stabilizer.count)).rounded()
                guard mult > 0 else { continue }
                let m = Int(mult)
                let r = orbit.size
                // Candidates P¹¹ e_k for every k of the orbit (r × r, column per k).
                var candidates = [Double](repeating: 0, count: r * r)
                for x in 0..<r {
                    let k = Int(points[orbit.start + x])
                    for g in 0..<order {
                        let y = Int(position[group.image(of: k, under: g, grid: grid)])
                        candidates[x * r + y] += scale * irrep.entry(0, 0, element: g)
                    }
                }
                // Pivoted Gram–Schmidt: m orthonormal vectors q_t = Σ_i T_it v_{p_i}.
                var residual = candidates
                var norms = (0..<r).map { x in (0..<r).reduce(0.0) { $0 + residual[x * r + $1] * residual[x * r + $1] } }
                let largest = norms.max() ?? 0
                var pivots: [Int] = []
                var basis = [Double](repeating: 0, count: r * m)
                var transform = [Double](repeating: 0, count: m * m)
                for t in 0..<m {
                    guard let p = (0..<r).filter({ !pivots.contains($0) }).max(by: { norms[$0] < norms[$1] }),
                          norms[p] > 1e-16 * largest, largest > 0 else {
                        throw .adaptedBasis(detail: "irrep \(irrep.name): orbit of \(r) points gives rank \(t) < \(m)")
                    }
                    // T column t: (e_t − Σ_{s<t} (q_s·v_p) T_s) / ‖w‖, w = v_p − Σ (q_s·v_p) q_s.
                    var column = [Double](repeating: 0, count: m)
                    column[t] = 1
                    var w = Array(candidates[(p * r)..<(p * r + r)])
                    for s in 0..<t {
                        let dot = (0..<r).reduce(0.0) { $0 + basis[s * r + $1] * candidates[p * r + $1] }
                        for y in 0..<r { w[y] -= dot * basis[s * r + y] }
                        for i in 0..<m { column[i] -= dot * transform[s * m + i] }
                    }
                    // Second pass for orthogonality to round-off.
                    for s in 0..<t {
                        let dot = (0..<r).reduce(0.0) { $0 + basis[s * r + $1] * w[$1] }
                        for y in 0..<r { w[y] -= dot * basis[s * r + y] }
                        for i in 0..<m { column[i] -= dot * transform[s * m + i] }
                    }
                    let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    for y in 0..<r { basis[t * r + y] = w[y] / norm }
                    for i in 0..<m { transform[t * m + i] = column[i] / norm }
                    pivots.append(p)
                    // Residual norms of the other candidates.
                    for x in 0..<r where !pivots.contains(x) {
                        let dot = (0..<r).reduce(0.0) { $0 + basis[t * r + $1] * residual[x * r + $1] }
                        for y in 0..<r { residual[x * r + y] -= dot * basis[t * r + y] }
                        norms[x] = (0..<r).reduce(0.0) { $0 + residual[x * r + $1] * residual[x * r + $1] }
                    }
                }
                if let leftover = (0..<r).filter({ !pivots.contains($0) }).map({ norms[$0] }).max(), leftover > 1e-18 * max(largest, 1) {
                    throw .adaptedBasis(detail: "irrep \(irrep.name): orbit of \(r) points has rank above its multiplicity \(m)")
                }
                // Partners: P^{j1} U = Σ_i T_it P^{j1} e_{k_i}.
                var coefficients = [basis]
                for j in 1..<max(dim, 1) {
                    var partner = [Double](repeating: 0, count: r * m)
                    for (i, p) in pivots.enumerated() {
                        let k = Int(points[orbit.start + p])
                        for g in 0..<order {
                            let y = Int(position[group.image(of: k, under: g, grid: grid)])
                            let value = scale * irrep.entry(j, 0, element: g)
                            guard value != 0 else { continue }
                            for t in 0..<m where transform[t * m + i] != 0 { partner[t * r + y] += transform[t * m + i] * value }
                        }
                    }
                    coefficients.append(partner)
                }
                // T stored column-major m × m with T_it = transform[t * m + i]: the same layout.
                segments.append(.init(orbitStart: orbit.start, orbitSize: r, firstColumn: columns, count: m,
                                      pivots: pivots.map { Int(points[orbit.start + $0]) }, transform: transform,
                                      coefficients: coefficients))
                columns += m
            }
            if columns > 0 {
                sectors.append(SymmetrySector(label: irrep.name, degeneracy: dim, multiplicity: columns,
                                              isFullySymmetric: irrep.isTrivial, gridPoints: n, segments: segments, orbitPoints: points))
            }
        }
        let total = sectors.reduce(0) { $0 + $1.dimension }
        guard total == n else { throw .adaptedBasis(detail: "the sectors hold \(total) of N = \(n) dimensions") }
        self.sectors = sectors
    }

    /// The block of each irrep without building the basis: (label, m, dim Γ) with
    /// m = Σ_orbits (1/|Stab|) Σ_{s ∈ Stab} χ(s) (Frobenius reciprocity), in O(N·|G|) — for
    /// memory and time estimates before any allocation of the basis.
    public static func blockShapes(grid: MomentumGrid, q: [Double], enabled: Bool = true) throws(SymmetryError)
        -> [(label: String, multiplicity: Int, degeneracy: Int)] {
        let group = LatticeGroup(dimension: grid.dimension, fixing: q, enabled: enabled)
        let irreps = try IrreducibleRepresentations.of(group)
        var seen = [Bool](repeating: false, count: grid.count)
        var counts = [Int](repeating: 0, count: irreps.count)
        for k in 0..<grid.count where !seen[k] {
            var stabilizer: [Int] = []
            for g in 0..<group.order {
                let image = group.image(of: k, under: g, grid: grid)
                seen[image] = true
                if image == k { stabilizer.append(g) }
            }
            for (i, irrep) in irreps.enumerated() {
                counts[i] += Int((stabilizer.reduce(0.0) { $0 + irrep.characters[$1] } / Double(stabilizer.count)).rounded())
            }
        }
        return irreps.indices.filter { counts[$0] > 0 }.map { (irreps[$0].name, counts[$0], irreps[$0].dimension) }
    }

    /// More than one sector: blocking pays.
    public var isNontrivial: Bool { sectors.count > 1 || (sectors.first?.degeneracy ?? 1) > 1 }

    /// The sector called `label`.
    public func sector(named label: String) throws(SymmetryError) -> SymmetrySector {
        guard let sector = sectors.first(where: { $0.label == label }) else {
            throw .unknownSector(label: label, available: sectors.map(\.label))
        }
        return sector
    }

    /// The label of the single sector of a run without symmetry, e.g. "..".
    public static func trivialLabel(dimension: Int) -> String { String(repeating: ".", count: dimension) }

    /// Σ m³ over the blocks against N³: the fraction of dense flops the blocked solve needs.
    public var flopFraction: Double {
        let n = Double(gridPoints)
        return sectors.reduce(0.0) { $0 + pow3(Double($1.multiplicity)) } / pow3(n)
    }

    /// The largest block order.
    public var largestBlock: Int { sectors.map(\.multiplicity).max() ?? 0 }
}

@inline(__always) func pow3(_ x: Double) -> Double { x * x * x }

/// A read-only pointer handed to parallel workers.
struct SendablePointer<Element>: @unchecked Sendable {
    let pointer: UnsafePointer<Element>
    init(_ pointer: UnsafePointer<Element>) { self.pointer = pointer }
}
