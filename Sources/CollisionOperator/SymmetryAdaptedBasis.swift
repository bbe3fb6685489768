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
    /// The orbits' points (`Orbits.points`, shared by all sectors of a decomposition).
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
    /// - Throws: `.allocationFailed` when the system refuses the m × m buffer.
    public func block(gridPoints n: Int, row: @Sendable (Int, UnsafeMutablePointer<Complex<Double>>) -> Void) throws(LinearAlgebraError) -> ComplexMatrix {
        try assembleBlock(gridPoints: n, row: row) { $0 }
    }

    /// `block(gridPoints:row:)` rounded to single precision element by element (accumulated in
    /// double): half the memory, for the single-precision LU (`LUFactorization<Float>`).
    public func singlePrecisionBlock(gridPoints n: Int, row: @Sendable (Int, UnsafeMutablePointer<Complex<Double>>) -> Void) throws(LinearAlgebraError) -> Matrix<Complex<Float>> {
        try assembleBlock(gridPoints: n, row: row) { Complex(Float($0.real), Float($0.imaginary)) }
    }

    /// The block's elements, each stored as `round(element)`.
    func assembleBlock<Element: MatrixScalar>(gridPoints n: Int, row: @Sendable (Int, UnsafeMutablePointer<Complex<Double>>) -> Void,
                                             round: @escaping @Sendable (Complex<Double>) -> Element) throws(LinearAlgebraError) -> Matrix<Element> {
        let m = multiplicity
        var block = try Matrix<Element>(rows: m, columns: m, for: "the \(label) symmetry block of order m = \(m) (\(MemoryLayout<Element>.stride)-byte elements)")
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
                            out.base[b * m + segment.firstColumn + t] = round(sum)
                        }
                    }
                }
            }
        }
        return block
    }

    /// Uᵀ A U for a dense invariant matrix A (its columns are its rows: 𝕃 is symmetric, and
    /// so are 𝕃reg and 𝕃sing).
    public func gather(_ a: ComplexMatrix) throws -> ComplexMatrix {
        let n = a.rows
        return try a.withUnsafeBufferPointer { source in
            let base = SendablePointer(source.baseAddress!)
            return try block(gridPoints: n) { p, buffer in
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
}

/// The decomposition of the grid into the irreps of the lattice group that fixes q (B_d at
/// q = 0, the little group {g : g q = q} otherwise; the trivial group with `enabled: false`
/// or a generic q): one `SymmetrySector` per irrep that occurs on the grid. The orbits of
/// grid points are handled exactly (points fixed by some g included); Σ n·m = N.
public struct SectorDecomposition: Sendable {
    public let group: LatticeGroup
    /// One sector per irrep with m > 0, in the order of `IrreducibleRepresentations.of(group)`.
    public let sectors: [SymmetrySector]
    public let gridPoints: Int

    /// - Throws: `SymmetryError` when a numerical construction misses its identity (not
    ///   expected; a failed check, never a wrong basis).
    public init(grid: MomentumGrid, q: [Double], enabled: Bool = true) throws(SymmetryError) {
        let group = LatticeGroup(dimension: grid.dimension, fixing: q, enabled: enabled)
        let irreps = try IrreducibleRepresentations.of(group)
        self.group = group
        let n = grid.count
        let order = group.order
        gridPoints = n
        let orbits = Orbits(grid: grid, group: group)
        let points = orbits.points
        var sectors: [SymmetrySector] = []
        for irrep in irreps {
            let dim = irrep.dimension
            let scale = Double(dim) / Double(order)
            var segments: [SymmetrySector.Segment] = []
            var columns = 0
            for orbit in orbits.orbits {
                let m = Orbits.multiplicity(of: irrep, stabilizer: orbit.stabilizer)
                guard m > 0 else { continue }
                let r = orbit.size
                // Candidates P¹¹ e_k for every k of the orbit (r × r, column per k).
                var candidates = RealMatrix(rows: r, columns: r)
                for x in 0..<r {
                    let k = Int(points[orbit.start + x])
                    for g in 0..<order {
                        let y = Int(orbits.position[group.image(of: k, under: g, grid: grid)])
                        candidates[y, x] += scale * irrep.entry(0, 0, element: g)
                    }
                }
                // m orthonormal vectors u_t = Σ_i T_it P¹¹ e_{k_i}.
                let adapted: PivotedGramSchmidt.Basis
                do { adapted = try PivotedGramSchmidt.orthonormalize(candidates, rank: m) } catch {
                    switch error {
                    case .below(let found): throw .adaptedBasis(detail: "irrep \(irrep.name): orbit of \(r) points gives rank \(found) < \(m)")
                    case .above: throw .adaptedBasis(detail: "irrep \(irrep.name): orbit of \(r) points has rank above its multiplicity \(m)")
                    }
                }
                let pivots = adapted.pivots, transform = adapted.transform.elements
                // Partners: P^{j1} U = Σ_i T_it P^{j1} e_{k_i}.
                var coefficients = [adapted.vectors.elements]
                for j in 1..<max(dim, 1) {
                    var partner = [Double](repeating: 0, count: r * m)
                    for (i, p) in pivots.enumerated() {
                        let k = Int(points[orbit.start + p])
                        for g in 0..<order {
                            let y = Int(orbits.position[group.image(of: k, under: g, grid: grid)])
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
        var counts = [Int](repeating: 0, count: irreps.count)
        for orbit in Orbits(grid: grid, group: group).orbits {
            for (i, irrep) in irreps.enumerated() { counts[i] += Orbits.multiplicity(of: irrep, stabilizer: orbit.stabilizer) }
        }
        return irreps.indices.filter { counts[$0] > 0 }.map { (irreps[$0].name, counts[$0], irreps[$0].dimension) }
    }

    /// More than one sector: blocking pays.
    public var isNontrivial: Bool { sectors.count > 1 || (sectors.first?.degeneracy ?? 1) > 1 }

    /// The label of the single sector of a run without symmetry, e.g. "..".
    public static func trivialLabel(dimension: Int) -> String { String(repeating: ".", count: dimension) }

    /// The largest block order.
    public var largestBlock: Int { sectors.map(\.multiplicity).max() ?? 0 }
}

/// A read-only pointer handed to parallel workers.
struct SendablePointer<Element>: @unchecked Sendable {
    let pointer: UnsafePointer<Element>
    init(_ pointer: UnsafePointer<Element>) { self.pointer = pointer }
}

/// The orbits of the grid points under a lattice group, in order of their smallest point;
/// each orbit's points in order of first appearance as g k, g = 0…|G| − 1.
struct Orbits {
    /// All grid points, orbit after orbit.
    let points: [Int32]
    /// Each grid point's place within its orbit.
    let position: [Int32]
    /// Each orbit: its range in `points` and its stabilizer {g : g k = k} (element indices)
    /// of its first point.
    let orbits: [(start: Int, size: Int, stabilizer: [Int])]

    /// O(N·|G|).
    init(grid: MomentumGrid, group: LatticeGroup) {
        var position = [Int32](repeating: -1, count: grid.count)
        var points: [Int32] = []
        var orbits: [(start: Int, size: Int, stabilizer: [Int])] = []
        points.reserveCapacity(grid.count)
        for k in 0..<grid.count where position[k] < 0 {
            let start = points.count
            var stabilizer: [Int] = []
            for g in 0..<group.order {
                let image = group.image(of: k, under: g, grid: grid)
                if image == k { stabilizer.append(g) }
                if position[image] < 0 {
                    position[image] = Int32(points.count - start)
                    points.append(Int32(image))
                }
            }
            orbits.append((start, points.count - start, stabilizer))
        }
        self.points = points
        self.position = position
        self.orbits = orbits
    }

    /// The multiplicity of `irrep` on the functions of one orbit, by Frobenius reciprocity:
    /// m_O = (1/|Stab|) Σ_{s ∈ Stab} χ(s).
    static func multiplicity(of irrep: Irrep, stabilizer: [Int]) -> Int {
        Int((stabilizer.reduce(0.0) { $0 + irrep.characters[$1] } / Double(stabilizer.count)).rounded())
    }
}
