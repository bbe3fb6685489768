import CollisionOperator
import DenseLinearAlgebra
import Dispatch
import Foundation
import Numerics
import Synchronization

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

/// Failures of the spectral layer that are not LAPACK's own (exit status 3).
public enum SpectralError: Error, Equatable, Sendable, CustomStringConvertible {
    /// |Σλ − tr 𝕃| exceeded its bound after a diagonalization: the eigenvalues are not trustworthy.
    case traceMismatch(residual: Double, tolerance: Double)
    /// A c-normalized eigenvector was needed for a mode at an exceptional point, where
    /// (e, e) = 1 cannot be reached (|vᵀv| < 1e-8 for the unit vector v).
    case nearExceptionalPoint(mode: Int, condition: Double)
    /// The closure's fixed point D* = D_cur(D*) was not reached at ω (last iterates kept).
    case closureNotConverged(omega: Double, iterates: [Complex<Double>])

    public var description: String {
        switch self {
        case let .traceMismatch(residual, tolerance):
            return "trace check failed after diagonalization: |Σλ − tr 𝕃|/|tr 𝕃| = \(residual) > \(tolerance)"
        case let .closureNotConverged(omega, iterates):
            let last = iterates.map { "\($0.real) \($0.imaginary >= 0 ? "+" : "−") \(abs($0.imaginary))i" }.joined(separator: ", ")
            return "the closure D* = D_cur(D*) did not converge at ω = \(omega) in \(ClosureAnalysis.maximumIterations) iterations (last iterates: \(last)); try a denser ω ladder (smaller steps between frequencies) or a larger ω"
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

    public private(set) var modes: [Mode]
    /// Dense form: the c-normalized eigenvectors, column s ↔ `modes[s]`.
    private var denseVectors: ComplexMatrix?
    /// Blocked form: the sectors (empty for a dense spectrum).
    public private(set) var parts: [Part]
    /// Where each global mode lives: (part, local index, partner); empty for a dense spectrum.
    private var location: [(part: Int, local: Int, partner: Int)]
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

    public var values: [Complex<Double>] { modes.map { $0.value } }
    public var isBlocked: Bool { !parts.isEmpty }
    public var hasVectors: Bool { isBlocked ? parts.allSatisfy { $0.spectrum.hasVectors } : denseVectors != nil }
    /// The order N of the diagonalized operator.
    public var order: Int { modes.count }

    /// Diagonalizes `matrix` (consumed) with `zgeev`, on one BLAS thread so that the
    /// result is bit for bit the same at any OpenBLAS thread count.
    /// - Parameters:
    ///   - zeroMode: s = √ΔG, for the w0 column (needs `computeVectors`).
    ///   - computeVectors: right eigenvectors, c-normalized in the bilinear product.
    /// - Throws: `LinearAlgebraError` (non-finite input, LAPACK info), `SpectralError.traceMismatch`.
    public init(matrix: consuming ComplexMatrix, zeroMode: [Complex<Double>]?, computeVectors: Bool) throws {
        let n = matrix.rows
        _ = DeterministicLapack.enter()
        defer { DeterministicLapack.leave() }
        try self.init(dense: matrix, zeroMode: zeroMode, computeVectors: computeVectors,
                      weight: 1 / Double(max(n, 1)), checkTrace: true)
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
        let blocks = TakeOnce(decomposition.sectors.map { $0.gather(matrix) })
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
    /// `LinearAlgebraBackend.threadCount` blocks at once (largest first): OpenBLAS's
    /// multithreaded kernels round differently at each thread count, so single-threaded
    /// blocks make the table identical at any thread count. `progress` gets one line per
    /// finished block with the time left estimated from the flop count (Σ m³ + assembly).
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
        // Work per block: zgeev ~ m³ (×2 with vectors), assembly ~ m·N·(n + 1).
        let costs = sectors.map { s in
            let m = Double(s.multiplicity)
            return m * m * m * (computeVectors ? 2 : 1) + m * Double(n) * Double(s.degeneracy + 1)
        }
        let total = costs.reduce(0, +)
        let clock = ContinuousClock.now
        let done = Mutex<(blocks: Int, cost: Double)>((0, 0))
        let largest = sectors.map(\.multiplicity).max() ?? 0
        progress?("\(sectors.count) symmetry blocks (largest m = \(largest)), \(String(format: "%.3g", total / pow(Double(n), 3) * 100))% of the dense flops")
        let solved = try DeterministicLapack.concurrently(
            sectors.count, order: sectors.indices.sorted { sectors[$0].multiplicity > sectors[$1].multiplicity }
        ) { index in
            let sector = sectors[index]
            let block = try makeBlock(chosen[index])
            let coordinates = (zeroMode != nil && sector.isFullySymmetric) ? sector.project(zeroMode!) : nil
            let spectrum = try Spectrum(dense: block, zeroMode: coordinates, computeVectors: computeVectors,
                                        weight: 1 / Double(n), checkTrace: false)
            if let progress {
                let (count, cost) = done.withLock { state in
                    state.blocks += 1
                    state.cost += costs[index]
                    return state
                }
                let (seconds, attoseconds) = (ContinuousClock.now - clock).components
                let elapsed = Double(seconds) + Double(attoseconds) * 1e-18
                let left = cost > 0 ? elapsed * (total - cost) / cost : 0
                progress("block \(sector.label) (m = \(sector.multiplicity), ×\(sector.degeneracy)) done: \(count) of \(sectors.count), \(String(format: "%.0f", 100 * cost / max(total, 1)))% of the flops, about \(String(format: "%.0f", left)) s left")
            }
            return spectrum
        }
        var parts = zip(sectors, solved).map { Part(sector: $0, spectrum: $1, globalIndices: []) }
        // Merge and sort all modes by |λ| (ties by re, im, sector, local index, partner).
        var entries: [(part: Int, local: Int, partner: Int)] = []
        for (p, part) in parts.enumerated() {
            for l in 0..<part.spectrum.modes.count { for j in 0..<part.sector.degeneracy { entries.append((p, l, j)) } }
        }
        entries.sort { a, b in
            let x = parts[a.part].spectrum.modes[a.local].value, y = parts[b.part].spectrum.modes[b.local].value
            if x.length != y.length { return x.length < y.length }
            if x.real != y.real { return x.real < y.real }
            if x.imaginary != y.imaginary { return x.imaginary < y.imaginary }
            return (a.part, a.local, a.partner) < (b.part, b.local, b.partner)
        }
        for p in parts.indices {
            parts[p].globalIndices = Array(repeating: Array(repeating: 0, count: parts[p].sector.degeneracy), count: parts[p].spectrum.modes.count)
        }
        var modes: [Mode] = []
        modes.reserveCapacity(entries.count)
        for (global, entry) in entries.enumerated() {
            var mode = parts[entry.part].spectrum.modes[entry.local]
            mode.index = global
            mode.sector = entry.part
            mode.partner = entry.partner
            if computeVectors && zeroMode != nil && !parts[entry.part].sector.isFullySymmetric { mode.zeroModeOverlap = 0 }
            modes.append(mode)
            parts[entry.part].globalIndices[entry.local][entry.partner] = global
        }

        let sum = modes.reduce(Complex<Double>.zero) { $0 + $1.value }
        var residual = 0.0
        if let trace {
            residual = trace.length > 0 ? (sum - trace).length / trace.length : (sum - trace).length
            guard residual <= Self.traceTolerance else {
                throw SpectralError.traceMismatch(residual: residual, tolerance: Self.traceTolerance)
            }
        }
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
        self.denseVectors = nil
        self.parts = parts
        self.location = entries
        self.trace = trace ?? sum
        self.eigenvalueSum = sum
        self.traceResidual = residual
        self.frobeniusNorm = norm
        self.routine = "zgeev per irrep block (LAPACKE_zgeev_work, \(parts.count) blocks, jobvr=\(computeVectors ? "V" : "N"))"
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
        let residual = trace.length > 0 ? (sum - trace).length / trace.length : (sum - trace).length
        guard !checkTrace || residual <= Self.traceTolerance else {
            throw SpectralError.traceMismatch(residual: residual, tolerance: Self.traceTolerance)
        }

        let order = decomposition.values.indices.sorted { a, b in
            let x = decomposition.values[a], y = decomposition.values[b]
            if x.length != y.length { return x.length < y.length }
            if x.real != y.real { return x.real < y.real }
            if x.imaginary != y.imaginary { return x.imaginary < y.imaginary }
            return a < b
        }
        let sortedValues = order.map { decomposition.values[$0] }
        var modes = sortedValues.enumerated().map {
            Mode(index: $0.offset, value: $0.element, zeroModeOverlap: nil, condition: nil, nearExceptional: false)
        }
        var vectors: ComplexMatrix? = nil
        var clusters: [[Int]] = []
        var skipped: [[Int]] = []
        var rebuilt: [[Int]] = []
        if decomposition.vectors != nil {
            // Sort the columns, releasing LAPACK's buffer before the basis is normalized in place.
            let sorted = decomposition.vectors!.columns(at: order)
            decomposition.vectors = nil
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
        self.denseVectors = vectors
        self.parts = []
        self.location = []
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
        copy.denseVectors = denseVectors?.columns(at: order)
        for p in copy.parts.indices { copy.parts[p].globalIndices = parts[p].globalIndices.map { $0.map { position[$0] } } }
        if !location.isEmpty { copy.location = order.map { location[$0] } }
        copy.degenerateClusters = degenerateClusters.map { $0.map { position[$0] }.sorted() }
        copy.degenerateValues = degenerateValues.map { $0.map { position[$0] }.sorted() }.sorted { $0[0] < $1[0] }
        copy.clustersWithSubspaceBasis = clustersWithSubspaceBasis.map { $0.map { position[$0] }.sorted() }
        copy.clustersLeftNonOrthogonal = clustersLeftNonOrthogonal.map { $0.map { position[$0] }.sorted() }
        return copy
    }

    /// The c-normalized eigenvector of mode s on the grid (mapped back from its sector
    /// and partner row).
    public func vector(_ s: Int) -> [Complex<Double>]? {
        guard isBlocked else { return denseVectors?.column(s) }
        let (p, local, partner) = location[s]
        guard let coordinates = parts[p].spectrum.vector(local) else { return nil }
        return parts[p].sector.expand(coordinates, gridPoints: gridPoints, partner: partner)
    }

    /// N: the grid points (the table's rows for a full spectrum).
    public var gridPoints: Int { isBlocked ? parts[0].sector.gridPoints : order }

    /// dim Γ of the irrep of mode s (1 for a dense spectrum).
    public func degeneracy(_ s: Int) -> Int { isBlocked ? parts[modes[s].sector].sector.degeneracy : 1 }

    /// All eigenvectors on the grid, column s ↔ mode s (materialized, N × N).
    public var vectors: ComplexMatrix? {
        guard isBlocked else { return denseVectors }
        guard hasVectors else { return nil }
        var matrix = ComplexMatrix(rows: gridPoints, columns: order)
        for s in 0..<order { matrix.setColumn(s, to: vector(s)!) }
        return matrix
    }

    /// The sector (irrep) label of mode s ("A1g", "E", "+-", …), or nil for a dense spectrum.
    public func sectorLabel(_ s: Int) -> String? {
        isBlocked ? parts[modes[s].sector].sector.label : nil
    }

    /// |(x, v_s)|/√|(x, x)(v_s, v_s)| for every mode, with (a, b) = Σ a_k b_k: the
    /// bilinear overlap with a grid vector x (in block coordinates of each partner when
    /// blocked: (x, P^{j1}U w) = ((P^{j1}U)ᵀx, w), the basis being real orthonormal).
    public func bilinearOverlaps(with x: [Complex<Double>]) -> [Double]? {
        guard hasVectors else { return nil }
        let xx = bilinearSum(x, x).length
        func overlaps(_ vectors: ComplexMatrix, _ coordinates: [Complex<Double>]) -> [Double] {
            (0..<vectors.columns).map { Self.bilinearOverlap(coordinates, vectors.column($0), selfProduct: xx) }
        }
        guard isBlocked else { return overlaps(denseVectors!, x) }
        var result = [Double](repeating: 0, count: order)
        for part in parts {
            for j in 0..<part.sector.degeneracy {
                let local = overlaps(part.spectrum.denseVectors!, part.sector.project(x, partner: j))
                for (l, value) in local.enumerated() { result[part.globalIndices[l][j]] = value }
            }
        }
        return result
    }

    /// |(x, v)|/√|(x, x)(v, v)| with (a, b) = Σ a_k b_k: invariant under rescaling either
    /// vector; `selfProduct` is |(x, x)| when already known.
    public static func bilinearOverlap(_ x: [Complex<Double>], _ v: [Complex<Double>], selfProduct: Double? = nil) -> Double {
        bilinearSum(x, v).length / ((selfProduct ?? bilinearSum(x, x).length) * bilinearSum(v, v).length).squareRoot()
    }

    /// The diffusion mode λ0: the mode of largest w0 (docs/model.md §4); nil without vectors.
    public var diffusionMode: Mode? {
        modes.filter { $0.zeroModeOverlap != nil }.max { $0.zeroModeOverlap! < $1.zeroModeOverlap! }
    }
}

/// LAPACK calls whose result must not depend on the OpenBLAS thread count: inside a
/// section OpenBLAS runs on one thread; the count in force before the first (outermost)
/// entry is restored when the last section ends. Sections may overlap (nested, or on
/// several threads); the count is process-wide, like OpenBLAS's own setting.
enum DeterministicLapack {
    private static let state = Mutex<(depth: Int, saved: Int)>((0, 1))

    /// Enters a section; returns the thread count in force outside it (the worker budget).
    static func enter() -> Int {
        state.withLock { state in
            if state.depth == 0 {
                state.saved = LinearAlgebraBackend.threadCount
                LinearAlgebraBackend.threadCount = 1
            }
            state.depth += 1
            return state.saved
        }
    }

    static func leave() {
        state.withLock { state in
            state.depth -= 1
            if state.depth == 0 { LinearAlgebraBackend.threadCount = state.saved }
        }
    }

    /// `body(0..<count)` on up to the outside thread count of workers, each on one BLAS
    /// thread, taking indices in `order`; the results by index. Throws the error of the
    /// smallest failing index (the same at any worker count).
    static func concurrently<T: Sendable>(_ count: Int, order: [Int], _ body: @Sendable (Int) throws -> T) throws -> [T] {
        let workers = min(max(enter(), 1), count)
        defer { leave() }
        let next = Atomic<Int>(0)
        let results = Mutex<[Result<T, any Error>?]>(Array(repeating: nil, count: count))
        withoutActuallyEscaping(body) { body in
            let work: @Sendable (Int) -> Void = { _ in
                while true {
                    let position = next.add(1, ordering: .relaxed).oldValue
                    guard position < count else { return }
                    let index = order[position]
                    let result = Result { try body(index) }
                    results.withLock { $0[index] = result }
                }
            }
            if workers <= 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
        }
        return try results.withLock { all in try all.map { try $0!.get() } }
    }
}

/// Values handed out once each to concurrent workers (the slot is emptied, so a block's
/// memory is released as soon as its solver is done with it).
final class TakeOnce<Value: Sendable>: Sendable {
    private let values: Mutex<[Value?]>
    init(_ values: [Value]) { self.values = Mutex(values.map { $0 }) }
    func take(_ index: Int) -> Value {
        values.withLock { all in
            let value = all[index]!
            all[index] = nil
            return value
        }
    }
}
