import CollisionOperator
import DenseLinearAlgebra
import Foundation
import Numerics

/// One eigenvalue of 𝕃 with what the tables report about it.
public struct Mode: Sendable, Equatable {
    /// Position in the table (0-based, ascending |λ|).
    public var index: Int
    public var value: Complex<Double>
    /// w0 = |sᴴv| / (‖s‖‖v‖) ∈ [0, 1], overlap with the zero mode s = √ΔG (nil without vectors).
    public var zeroModeOverlap: Double?
    /// 1/|vᵀv| for the Euclidean-normalized eigenvector (nil without vectors).
    public var condition: Double?
    /// |vᵀv| < 1e-8: the mode sits near an exceptional point.
    public var nearExceptional: Bool
    /// Index of the symmetry sector (into `Spectrum.parts`); 0 for a dense spectrum.
    public var sector: Int = 0
    /// The partner row j = 0…dim Γ − 1 of the irrep: the dim Γ copies of a block
    /// eigenvalue are its partners (0 for a dense spectrum).
    public var partner: Int = 0
}

/// Failures of a diagonalization that are not LAPACK's own (exit status 3).
public enum SpectrumError: Error, Equatable, Sendable, CustomStringConvertible {
    /// |Σλ − tr 𝕃| exceeded its bound after a diagonalization: the eigenvalues are not trustworthy.
    case traceMismatch(residual: Double, tolerance: Double)
    /// A c-normalized eigenvector was needed for a mode at an exceptional point, where
    /// (e, e) = 1 cannot be reached (|vᵀv| < 1e-8 for the unit vector v).
    case nearExceptionalPoint(mode: Int, condition: Double)

    public var description: String {
        switch self {
        case let .traceMismatch(residual, tolerance):
            return "trace check failed after diagonalization: |Σλ − tr 𝕃|/|tr 𝕃| = \(residual) > \(tolerance)"
        case let .nearExceptionalPoint(mode, condition):
            return "mode \(mode) is at an exceptional point (condition 1/|vᵀv| = \(condition) > 1e8): its eigenvector is self-orthogonal and has no c-normalized form; the eigenvalue is reliable only to √ε, the vector not at all"
        }
    }
}

/// The eigen-decomposition of a collision operator, sorted by |λ| ascending, with the
/// trace check of docs/model.md §3.5 done after every diagonalization.
///
/// Either dense (one `zgeev` on the N × N matrix) or blocked by the irreps of the lattice
/// group that fixes q (one `zgeev` per block Uᵀ𝕃U of order m, merged and sorted; each block
/// eigenvalue is a row dim Γ times, one per partner, and each mode keeps its sector). In the
/// blocked form the eigenvectors are stored in block coordinates and mapped back to the
/// grid on demand (partner j through P^{j1}U).
public struct Spectrum: Sendable {
    /// One sector of a blocked spectrum: its basis and its own (dense) spectrum.
    public struct Part: Sendable {
        public let sector: SymmetrySector
        /// The block's spectrum, vectors in block coordinates, c-normalized with the
        /// full grid's 1/N (so that v = U w is c-normalized on the grid).
        public let spectrum: Spectrum
        /// Global mode index of each of the block's modes, per partner:
        /// `globalIndices[local][j]`.
        public fileprivate(set) var globalIndices: [[Int]]
    }

    /// Where a mode of a blocked spectrum lives: its part, its index in the part's
    /// spectrum and its partner row j of the irrep.
    struct Location: Sendable {
        var part: Int
        var local: Int
        var partner: Int
    }

    /// How the eigenvectors are held.
    enum Storage: Sendable {
        /// One decomposition of the N × N matrix: the c-normalized eigenvectors, column
        /// s ↔ `modes[s]` (nil without vectors).
        case dense(vectors: ComplexMatrix?)
        /// One decomposition per sector, and where each global mode lives.
        case blocked(parts: [Part], locations: [Location])
    }

    public private(set) var modes: [Mode]
    private var storage: Storage
    public let trace: Complex<Double>
    public let eigenvalueSum: Complex<Double>
    /// |Σλ − tr 𝕃| / |tr 𝕃|.
    public let traceResidual: Double
    /// ‖𝕃‖_F of the diagonalized matrix.
    public let frobeniusNorm: Double
    /// The LAPACK routine used.
    public let routine: String
    /// Degenerate clusters of more than one mode (table indices), within one sector.
    public private(set) var degenerateClusters: [[Int]]
    /// Degenerate eigenvalues across sectors: the modes (table indices, ascending) whose
    /// values agree within `clusterTolerance`, more than one mode each, ordered by first
    /// index. One value that several sectors share is one entry with its total multiplicity.
    public private(set) var degenerateValues: [[Int]]
    /// Large degenerate clusters whose vectors are a Hermitian-orthonormal basis of the
    /// eigenspace (rebuilt from the complement of the other eigenvectors).
    public private(set) var clustersWithSubspaceBasis: [[Int]]
    /// Large degenerate clusters left with LAPACK's (possibly dependent) vectors.
    public private(set) var clustersLeftNonOrthogonal: [[Int]]

    /// Bound of the trace check, docs/model.md §3.5.
    public static let traceTolerance = 1e-10

    /// Eigenvalues closer than this are one degenerate cluster: 1e4 ε ‖𝕃‖_F.
    public static func clusterTolerance(norm: Double) -> Double { 1e4 * Double.ulpOfOne * norm }

    /// The routine named in a blocked spectrum's header.
    public static func blockedRoutine(blocks: Int, computeVectors: Bool) -> String {
        "zgeev per irrep block (LAPACKE_zgeev_work, \(blocks) blocks, jobvr=\(computeVectors ? "V" : "N"))"
    }

    /// The table order of the spectrum: the entries of `lists` (list, position) sorted by
    /// ascending |λ|, then re λ, then im λ, ties by list and position. One list is the
    /// dense sort of LAPACK's eigenvalues; several lists, each already in table order,
    /// are merged — the blocks of a blocked solve, or the tables of per-sector runs.
    public static func tableOrder(_ lists: [[Complex<Double>]]) -> [(list: Int, position: Int)] {
        var entries = lists.enumerated().flatMap { list, values in values.indices.map { (list: list, position: $0) } }
        entries.sort { a, b in
            let x = lists[a.list][a.position], y = lists[b.list][b.position]
            if x.length != y.length { return x.length < y.length }
            if x.real != y.real { return x.real < y.real }
            if x.imaginary != y.imaginary { return x.imaginary < y.imaginary }
            return (a.list, a.position) < (b.list, b.position)
        }
        return entries
    }

    /// The trace check of docs/model.md §3.5: |Σλ − tr 𝕃| / |tr 𝕃| (absolute when tr 𝕃 = 0)
    /// for the eigenvalue sum `sum`; `SpectrumError.traceMismatch` above `traceTolerance`.
    public static func checkTrace(sum: Complex<Double>, trace: Complex<Double>) throws(SpectrumError) -> Double {
        let residual = traceResidual(sum: sum, trace: trace)
        guard residual <= traceTolerance else { throw .traceMismatch(residual: residual, tolerance: traceTolerance) }
        return residual
    }

    private static func traceResidual(sum: Complex<Double>, trace: Complex<Double>) -> Double {
        trace.length > 0 ? (sum - trace).length / trace.length : (sum - trace).length
    }

    public var values: [Complex<Double>] { modes.map { $0.value } }
    /// The sectors of a blocked spectrum (empty for a dense one).
    public var parts: [Part] {
        guard case .blocked(let parts, _) = storage else { return [] }
        return parts
    }
    public var isBlocked: Bool { !parts.isEmpty }
    public var hasVectors: Bool {
        switch storage {
        case .dense(let vectors): return vectors != nil
        case .blocked(let parts, _): return parts.allSatisfy { $0.spectrum.hasVectors }
        }
    }
    /// The order N of the diagonalized operator.
    public var order: Int { modes.count }

    /// Diagonalizes `matrix` (consumed) with `zgeev`, on one BLAS thread so that the
    /// result is bit for bit the same at any OpenBLAS thread count.
    /// - Parameters:
    ///   - zeroMode: s = √ΔG, for the w0 column (needs `computeVectors`).
    ///   - computeVectors: right eigenvectors, c-normalized in the bilinear product.
    /// - Throws: `LinearAlgebraError` (non-finite input, LAPACK info), `SpectrumError.traceMismatch`.
    public init(matrix: consuming ComplexMatrix, zeroMode: [Complex<Double>]?, computeVectors: Bool) throws {
        let n = matrix.rows
        let weight = 1 / Double(max(n, 1))
        var pending: ComplexMatrix? = consume matrix
        self = try DeterministicLapack.singleThreaded {
            try Spectrum(dense: pending.take()!, zeroMode: zeroMode, computeVectors: computeVectors, weight: weight, checkTrace: true)
        }
    }

    /// Diagonalizes `matrix` block by block in the irreps of `decomposition` (dense when it
    /// has a single one-dimensional sector): each block Uᵀ𝕃U is gathered from the matrix.
    /// See `init(operator:sectors:…)` for the table and the threading.
    public init(matrix: consuming ComplexMatrix, sectors decomposition: SectorDecomposition,
                zeroMode: [Complex<Double>]?, computeVectors: Bool,
                progress: (@Sendable (String) -> Void)? = nil) throws {
        guard decomposition.isNontrivial else {
            self = try Spectrum(matrix: matrix, zeroMode: zeroMode, computeVectors: computeVectors)
            return
        }
        let trace = matrix.trace
        let blocks = TakeOnce(try decomposition.sectors.map { try $0.gather(matrix) })
        _ = consume matrix
        try self.init(blocked: decomposition, sectors: Array(decomposition.sectors.indices), trace: trace, zeroMode: zeroMode,
                      computeVectors: computeVectors, progress: progress) { blocks.take($0) }
    }

    /// Diagonalizes a·𝕃reg + b·𝕃sing block by block in the irreps of `decomposition`,
    /// each block assembled from the kernels in the symmetry-adapted basis — the N × N
    /// matrix is never formed (dense `zgeev` on `op.matrix` when there is a single
    /// one-dimensional sector). `only`: the labels of the sectors to solve (default all);
    /// a partial spectrum has Σ n·m of those sectors rows and skips the trace check.
    ///
    /// The table has N rows: each block eigenvalue appears dim Γ times, once per partner
    /// row j of the irrep (`Mode.partner`), so counts, Σλ = tr 𝕃 and branch tracking keep
    /// their meaning. Each block is solved on one BLAS thread, up to
    /// `LinearAlgebraBackend.threadCount` blocks at once (largest first; see
    /// `DeterministicLapack`), so the table is identical at any thread count. `progress`
    /// gets one line per finished block with the time left estimated from the flop count.
    public init(operator op: CollisionOperator, sectors decomposition: SectorDecomposition,
                regularWeight a: Complex<Double> = .one, singularWeight b: Complex<Double> = .one,
                zeroMode: [Complex<Double>]?, computeVectors: Bool, only: [String]? = nil,
                progress: (@Sendable (String) -> Void)? = nil) throws {
        guard decomposition.isNontrivial else {
            self = try Spectrum(matrix: op.matrix(regularWeight: a, singularWeight: b), zeroMode: zeroMode, computeVectors: computeVectors)
            return
        }
        var chosen = Array(decomposition.sectors.indices)
        if let only {
            chosen = []
            for label in only {
                guard let index = decomposition.sectors.firstIndex(where: { $0.label == label }) else {
                    throw SymmetryError.unknownSector(label: label, available: decomposition.sectors.map(\.label))
                }
                chosen.append(index)
            }
        }
        let elements = op.elements(regularWeight: a, singularWeight: b)
        try self.init(blocked: decomposition, sectors: chosen, trace: only == nil ? elements.trace : nil, zeroMode: zeroMode,
                      computeVectors: computeVectors, progress: progress) { index in
            try op.block(decomposition.sectors[index], elements: elements)
        }
    }

    /// The blocked decomposition from the blocks `makeBlock(i)` of `sectors` (indices into
    /// `decomposition.sectors`); `trace` nil: no trace check (a partial spectrum).
    private init(blocked decomposition: SectorDecomposition, sectors chosen: [Int], trace: Complex<Double>?,
                 zeroMode: [Complex<Double>]?, computeVectors: Bool, progress: (@Sendable (String) -> Void)?,
                 makeBlock: @Sendable (Int) throws -> ComplexMatrix) throws {
        let n = decomposition.gridPoints
        let sectors = chosen.map { decomposition.sectors[$0] }
        let report = progress.map { BlockProgress(sectors: sectors, gridPoints: n, computeVectors: computeVectors, report: $0) }
        let solved = try DeterministicLapack.concurrently(
            sectors.count, order: sectors.indices.sorted { sectors[$0].multiplicity > sectors[$1].multiplicity }
        ) { index in
            let sector = sectors[index]
            let block = try makeBlock(chosen[index])
            let coordinates = (zeroMode != nil && sector.isFullySymmetric) ? sector.project(zeroMode!) : nil
            let spectrum = try Spectrum(dense: block, zeroMode: coordinates, computeVectors: computeVectors,
                                        weight: 1 / Double(n), checkTrace: false)
            report?.finished(index)
            return spectrum
        }
        var parts = zip(sectors, solved).map { Part(sector: $0, spectrum: $1, globalIndices: []) }
        // Each block's modes dim Γ times (partner j of local mode l at position l·dim Γ + j),
        // merged into the table order.
        let merged = Self.tableOrder(parts.map { part in
            part.spectrum.modes.flatMap { Array(repeating: $0.value, count: part.sector.degeneracy) }
        })
        for p in parts.indices {
            parts[p].globalIndices = Array(repeating: Array(repeating: 0, count: parts[p].sector.degeneracy), count: parts[p].spectrum.modes.count)
        }
        var modes: [Mode] = []
        var locations: [Location] = []
        modes.reserveCapacity(merged.count)
        locations.reserveCapacity(merged.count)
        for (global, entry) in merged.enumerated() {
            let degeneracy = parts[entry.list].sector.degeneracy
            let location = Location(part: entry.list, local: entry.position / degeneracy, partner: entry.position % degeneracy)
            var mode = parts[location.part].spectrum.modes[location.local]
            mode.index = global
            mode.sector = location.part
            mode.partner = location.partner
            if computeVectors && zeroMode != nil && !parts[location.part].sector.isFullySymmetric { mode.zeroModeOverlap = 0 }
            modes.append(mode)
            locations.append(location)
            parts[location.part].globalIndices[location.local][location.partner] = global
        }

        let sum = modes.reduce(Complex<Double>.zero) { $0 + $1.value }
        let residual = try trace.map { try Self.checkTrace(sum: sum, trace: $0) } ?? 0
        /// Local clusters (and, for dim Γ > 1, every single mode) with all their partner copies.
        func global(_ lists: (Spectrum) -> [[Int]], singletons: Bool) -> [[Int]] {
            parts.flatMap { part -> [[Int]] in
                var local = lists(part.spectrum)
                if singletons && part.sector.degeneracy > 1 {
                    let clustered = Set(local.joined())
                    local += part.spectrum.modes.indices.filter { !clustered.contains($0) }.map { [$0] }
                }
                return local.map { $0.flatMap { part.globalIndices[$0] }.sorted() }
            }.sorted { $0[0] < $1[0] }
        }
        // ‖𝕃‖_F² = Σ dim Γ ‖B_Γ‖_F² (U real orthogonal, each block repeated dim Γ times).
        let norm = parts.reduce(0.0) { $0 + Double($1.sector.degeneracy) * $1.spectrum.frobeniusNorm * $1.spectrum.frobeniusNorm }.squareRoot()
        self.modes = modes
        self.storage = .blocked(parts: parts, locations: locations)
        self.trace = trace ?? sum
        self.eigenvalueSum = sum
        self.traceResidual = residual
        self.frobeniusNorm = norm
        self.routine = Self.blockedRoutine(blocks: parts.count, computeVectors: computeVectors)
        self.degenerateClusters = global({ $0.degenerateClusters }, singletons: true)
        self.clustersWithSubspaceBasis = global({ $0.clustersWithSubspaceBasis }, singletons: false)
        self.clustersLeftNonOrthogonal = global({ $0.clustersLeftNonOrthogonal }, singletons: false)
        self.degenerateValues = BilinearEigenbasis.groups(of: modes.map { $0.value }, tolerance: Self.clusterTolerance(norm: norm))
            .filter { $0.count > 1 }
    }

    /// The dense decomposition; `weight` is the bilinear weight of the c-normalization.
    private init(dense matrix: consuming ComplexMatrix, zeroMode: [Complex<Double>]?, computeVectors: Bool,
                 weight: Double, checkTrace: Bool) throws {
        let n = matrix.rows
        let trace = matrix.trace
        let norm = matrix.frobeniusNorm
        var decomposition = try GeneralEigensolver.decompose(consume matrix, computeVectors: computeVectors)
        let sum = decomposition.values.reduce(Complex<Double>.zero, +)
        let residual = checkTrace ? try Self.checkTrace(sum: sum, trace: trace) : Self.traceResidual(sum: sum, trace: trace)

        let order = Self.tableOrder([decomposition.values]).map(\.position)
        let sortedValues = order.map { decomposition.values[$0] }
        var modes = sortedValues.enumerated().map {
            Mode(index: $0.offset, value: $0.element, zeroModeOverlap: nil, condition: nil, nearExceptional: false)
        }
        var vectors: ComplexMatrix? = nil
        var clusters: [[Int]] = []
        var skipped: [[Int]] = []
        var rebuilt: [[Int]] = []
        if decomposition.vectors != nil {
            // Sort the columns in LAPACK's buffer (no second copy), then normalize it in place.
            var sorted = decomposition.vectors.take()!
            sorted.permuteColumns(order)
            let basis = BilinearEigenbasis(values: sortedValues, vectors: consume sorted, weight: weight,
                                           clusterTolerance: Self.clusterTolerance(norm: norm))
            let zeroNorm = zeroMode.map(euclideanNorm)
            for s in 0..<n {
                let v = basis.vectors.column(s)
                modes[s].condition = basis.conditions[s]
                modes[s].nearExceptional = basis.nearExceptional[s]
                if let zero = zeroMode, let zeroNorm, zeroNorm > 0 {
                    let vNorm = euclideanNorm(v)
                    modes[s].zeroModeOverlap = vNorm > 0 ? min(hermitianSum(zero, v).length / (zeroNorm * vNorm), 1) : 0
                }
            }
            vectors = basis.vectors
            clusters = basis.clusters.filter { $0.count > 1 }
            skipped = basis.clustersLeftNonOrthogonal
            rebuilt = basis.clustersWithSubspaceBasis
        }
        self.modes = modes
        self.storage = .dense(vectors: vectors)
        self.trace = trace
        self.eigenvalueSum = sum
        self.traceResidual = residual
        self.frobeniusNorm = norm
        self.routine = computeVectors ? "zgeev (LAPACKE_zgeev_work, jobvl=N, jobvr=V)" : "zgeev (LAPACKE_zgeev_work, jobvl=N, jobvr=N)"
        self.degenerateClusters = clusters
        self.degenerateValues = BilinearEigenbasis.groups(of: sortedValues, tolerance: Self.clusterTolerance(norm: norm))
            .filter { $0.count > 1 }
        self.clustersWithSubspaceBasis = rebuilt
        self.clustersLeftNonOrthogonal = skipped
    }

    /// The same decomposition with its modes in another order: mode `order[k]` becomes
    /// mode k (indices renumbered, clusters remapped). Downstream analyses must not depend
    /// on LAPACK's order; this is how that is tested.
    public func reordered(_ order: [Int]) -> Spectrum {
        var copy = self
        var position = [Int](repeating: 0, count: order.count)
        for (k, original) in order.enumerated() { position[original] = k }
        copy.modes = order.enumerated().map { k, original in
            var mode = modes[original]
            mode.index = k
            return mode
        }
        switch storage {
        case .dense(let vectors):
            var permuted = vectors
            permuted?.permuteColumns(order)
            copy.storage = .dense(vectors: permuted)
        case .blocked(var parts, let locations):
            for p in parts.indices { parts[p].globalIndices = parts[p].globalIndices.map { $0.map { position[$0] } } }
            copy.storage = .blocked(parts: parts, locations: order.map { locations[$0] })
        }
        copy.degenerateClusters = degenerateClusters.map { $0.map { position[$0] }.sorted() }
        copy.degenerateValues = degenerateValues.map { $0.map { position[$0] }.sorted() }.sorted { $0[0] < $1[0] }
        copy.clustersWithSubspaceBasis = clustersWithSubspaceBasis.map { $0.map { position[$0] }.sorted() }
        copy.clustersLeftNonOrthogonal = clustersLeftNonOrthogonal.map { $0.map { position[$0] }.sorted() }
        return copy
    }

    /// The c-normalized eigenvector of mode s on the grid (mapped back from its sector
    /// and partner row).
    public func vector(_ s: Int) -> [Complex<Double>]? {
        switch storage {
        case .dense(let vectors):
            return vectors?.column(s)
        case .blocked(let parts, let locations):
            let location = locations[s]
            let part = parts[location.part]
            guard let coordinates = part.spectrum.vector(location.local) else { return nil }
            return part.sector.expand(coordinates, gridPoints: gridPoints, partner: location.partner)
        }
    }

    /// N: the grid points (the table's rows for a full spectrum).
    public var gridPoints: Int {
        guard case .blocked(let parts, _) = storage else { return order }
        return parts[0].sector.gridPoints
    }

    /// The sector of mode s, or nil for a dense spectrum.
    private func sector(_ s: Int) -> SymmetrySector? {
        guard case .blocked(let parts, _) = storage else { return nil }
        return parts[modes[s].sector].sector
    }

    /// dim Γ of the irrep of mode s (1 for a dense spectrum).
    public func degeneracy(_ s: Int) -> Int { sector(s)?.degeneracy ?? 1 }

    /// The sector (irrep) label of mode s ("A1g", "E", "+-", …), or nil for a dense spectrum.
    public func sectorLabel(_ s: Int) -> String? { sector(s)?.label }

    /// All eigenvectors on the grid, column s ↔ mode s (materialized, N × N).
    public var vectors: ComplexMatrix? {
        get throws(LinearAlgebraError) {
        if case .dense(let vectors) = storage { return vectors }
        guard hasVectors else { return nil }
        var matrix = try ComplexMatrix(rows: gridPoints, columns: order, for: "the \(order) eigenvectors of the blocked spectrum expanded to the grid")
        for s in 0..<order { matrix.setColumn(s, to: vector(s)!) }
        return matrix
        }
    }

    /// |(x, v_s)|/√|(x, x)(v_s, v_s)| for every mode, with (a, b) = Σ a_k b_k: the
    /// bilinear overlap with a grid vector x (in block coordinates of each partner when
    /// blocked: (x, P^{j1}U w) = ((P^{j1}U)ᵀx, w), the basis being real orthonormal).
    public func bilinearOverlaps(with x: [Complex<Double>]) -> [Double]? {
        let xx = bilinearSum(x, x).length
        func overlaps(_ vectors: ComplexMatrix, _ coordinates: [Complex<Double>]) -> [Double] {
            (0..<vectors.columns).map { Self.bilinearOverlap(coordinates, vectors.column($0), selfProduct: xx) }
        }
        switch storage {
        case .dense(let vectors):
            return vectors.map { overlaps($0, x) }
        case .blocked(let parts, _):
            guard hasVectors else { return nil }
            var result = [Double](repeating: 0, count: order)
            for part in parts {
                guard case .dense(let vectors?) = part.spectrum.storage else { return nil }
                for j in 0..<part.sector.degeneracy {
                    let local = overlaps(vectors, part.sector.project(x, partner: j))
                    for (l, value) in local.enumerated() { result[part.globalIndices[l][j]] = value }
                }
            }
            return result
        }
    }

    /// |(x, v)|/√|(x, x)(v, v)| with (a, b) = Σ a_k b_k: invariant under rescaling either
    /// vector; `selfProduct` is |(x, x)| when already known.
    public static func bilinearOverlap(_ x: [Complex<Double>], _ v: [Complex<Double>], selfProduct: Double? = nil) -> Double {
        bilinearSum(x, v).length / ((selfProduct ?? bilinearSum(x, x).length) * bilinearSum(v, v).length).squareRoot()
    }

    /// Requires c-normalized eigenvectors of the `count` modes of smallest |λ|: throws
    /// `.nearExceptionalPoint` for the first of them flagged at an exceptional point
    /// (|vᵀv| < 1e-8, where (e, e) = 1 cannot be reached).
    public func requireNormalizedVectors(count: Int) throws(SpectrumError) {
        if let flagged = modes.prefix(count).first(where: \.nearExceptional) {
            throw .nearExceptionalPoint(mode: flagged.index, condition: flagged.condition ?? .infinity)
        }
    }

    /// The diffusion mode λ0: the mode of largest w0 (docs/model.md §4); nil without vectors.
    public var diffusionMode: Mode? {
        modes.filter { $0.zeroModeOverlap != nil }.max { $0.zeroModeOverlap! < $1.zeroModeOverlap! }
    }
}
