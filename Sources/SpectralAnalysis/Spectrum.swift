import CollisionOperator
import DenseLinearAlgebra
import Dispatch
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
}

/// Failures of the spectral layer that are not LAPACK's own (exit status 3).
public enum SpectralError: Error, Equatable, Sendable, CustomStringConvertible {
    /// |Σλ − tr 𝕃| exceeded its bound after a diagonalization: the eigenvalues are not trustworthy.
    case traceMismatch(residual: Double, tolerance: Double)
    /// A c-normalized eigenvector was needed for a mode at an exceptional point, where
    /// (e, e) = 1 cannot be reached (|vᵀv| < 1e-8 for the unit vector v).
    case nearExceptionalPoint(mode: Int, condition: Double)
    /// The secular continuation of λ0(q) found no root: the diffusion mode has merged with
    /// the continuum M_k + ΔΣ (q beyond the diffusive regime).
    case secularBranchLost(q: Double, detail: String)
    /// The Newton–Krylov solve for λ0 (or one of its inner COCG solves) did not converge.
    case krylovFailure(detail: String)

    public var description: String {
        switch self {
        case let .traceMismatch(residual, tolerance):
            return "trace check failed after diagonalization: |Σλ − tr 𝕃|/|tr 𝕃| = \(residual) > \(tolerance)"
        case let .secularBranchLost(q, detail):
            return "the diffusion branch λ0(q) was lost at |q| = \(q): the mode has merged with the continuum M_k + ΔΣ (\(detail)); use --method dense, whose λ0 is the mode of largest w0, or a smaller --qmax"
        case let .krylovFailure(detail):
            return "the matrix-free solve for λ0 did not converge: \(detail); try --method dense on a smaller grid, or a larger ω"
        case let .nearExceptionalPoint(mode, condition):
            return "mode \(mode) is at an exceptional point (condition 1/|vᵀv| = \(condition) > 1e8): its eigenvector is self-orthogonal and has no c-normalized form; the eigenvalue is reliable only to √ε, the vector not at all"
        }
    }
}

/// The eigen-decomposition of a collision operator, sorted by |λ| ascending, with the
/// trace check of docs/model.md §3.5 done after every diagonalization.
///
/// Either dense (one `zgeev` on the N × N matrix) or blocked by the reflection sectors
/// of the lattice (one `zgeev` per sector block Uᵀ𝕃U, merged and sorted; each mode keeps
/// its sector). In the blocked form the eigenvectors are stored in sector coordinates and
/// mapped back to the grid on demand.
public struct Spectrum: Sendable {
    /// One sector of a blocked spectrum: its basis and its own (dense) spectrum.
    public struct Part: Sendable {
        public let sector: SymmetrySector
        /// The block's spectrum, vectors in sector coordinates, c-normalized with the
        /// full grid's 1/N (so that v = U w is c-normalized on the grid).
        public let spectrum: Spectrum
        /// Global mode index of each of the block's modes.
        public fileprivate(set) var globalIndices: [Int]
    }

    public private(set) var modes: [Mode]
    /// Dense form: the c-normalized eigenvectors, column s ↔ `modes[s]`.
    private var denseVectors: ComplexMatrix?
    /// Blocked form: the sectors (empty for a dense spectrum).
    public private(set) var parts: [Part]
    /// Where each global mode lives: (part, local index); empty for a dense spectrum.
    private var location: [(part: Int, local: Int)]
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

    public var values: [Complex<Double>] { modes.map(\.value) }
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

    /// Diagonalizes `matrix` block by block in the sectors of `decomposition` (dense when
    /// it has a single sector). The trace check compares all eigenvalues with tr 𝕃. Each
    /// block is solved on one BLAS thread, up to `LinearAlgebraBackend.threadCount` blocks
    /// at once (largest first): OpenBLAS's multithreaded kernels round differently at each
    /// thread count, so a threaded zgeev gives other last bits (and another order inside
    /// degenerate clusters) for every --threads; single-threaded blocks make the table
    /// identical at any thread count, and running blocks concurrently keeps the cores busy.
    public init(matrix: consuming ComplexMatrix, sectors decomposition: SectorDecomposition,
                zeroMode: [Complex<Double>]?, computeVectors: Bool) throws {
        guard decomposition.isNontrivial else {
            self = try Spectrum(matrix: matrix, zeroMode: zeroMode, computeVectors: computeVectors)
            return
        }
        let n = matrix.rows
        let trace = matrix.trace
        let norm = matrix.frobeniusNorm
        let blocks = TakeOnce(decomposition.sectors.map { $0.gather(matrix) })
        _ = consume matrix
        let solved = try DeterministicLapack.concurrently(
            decomposition.sectors.count, order: decomposition.sectors.indices.sorted { decomposition.sectors[$0].dimension > decomposition.sectors[$1].dimension }
        ) { index in
            let sector = decomposition.sectors[index]
            let block = blocks.take(index)
            let coordinates = (zeroMode != nil && sector.isFullySymmetric) ? sector.project(zeroMode!) : nil
            return try Spectrum(dense: block, zeroMode: coordinates, computeVectors: computeVectors,
                                weight: 1 / Double(n), checkTrace: false)
        }
        var parts = zip(decomposition.sectors, solved).map { Part(sector: $0, spectrum: $1, globalIndices: []) }
        // Merge and sort all modes by |λ| (ties by re, im, sector, local index).
        var entries: [(part: Int, local: Int)] = []
        for (p, part) in parts.enumerated() { for l in 0..<part.spectrum.modes.count { entries.append((p, l)) } }
        entries.sort { a, b in
            let x = parts[a.part].spectrum.modes[a.local].value, y = parts[b.part].spectrum.modes[b.local].value
            if x.length != y.length { return x.length < y.length }
            if x.real != y.real { return x.real < y.real }
            if x.imaginary != y.imaginary { return x.imaginary < y.imaginary }
            return (a.part, a.local) < (b.part, b.local)
        }
        var modes: [Mode] = []
        for (global, entry) in entries.enumerated() {
            var mode = parts[entry.part].spectrum.modes[entry.local]
            mode.index = global
            mode.sector = entry.part
            if computeVectors && zeroMode != nil && !parts[entry.part].sector.isFullySymmetric { mode.zeroModeOverlap = 0 }
            modes.append(mode)
            parts[entry.part].globalIndices.append(global)
        }
        // globalIndices were appended in merged order; put them in local order.
        for p in parts.indices { parts[p].globalIndices = Array(repeating: 0, count: parts[p].spectrum.modes.count) }
        for (global, entry) in entries.enumerated() { parts[entry.part].globalIndices[entry.local] = global }

        let sum = modes.reduce(Complex<Double>.zero) { $0 + $1.value }
        let residual = trace.length > 0 ? (sum - trace).length / trace.length : (sum - trace).length
        guard residual <= Self.traceTolerance else {
            throw SpectralError.traceMismatch(residual: residual, tolerance: Self.traceTolerance)
        }
        func global(_ lists: (Spectrum) -> [[Int]]) -> [[Int]] {
            parts.flatMap { part in lists(part.spectrum).map { $0.map { part.globalIndices[$0] }.sorted() } }
        }
        self.modes = modes
        self.denseVectors = nil
        self.parts = parts
        self.location = entries
        self.trace = trace
        self.eigenvalueSum = sum
        self.traceResidual = residual
        self.frobeniusNorm = norm
        self.routine = "zgeev per symmetry sector (LAPACKE_zgeev_work, \(parts.count) blocks, jobvr=\(computeVectors ? "V" : "N"))"
        self.degenerateClusters = global { $0.degenerateClusters }
        self.clustersWithSubspaceBasis = global { $0.clustersWithSubspaceBasis }
        self.clustersLeftNonOrthogonal = global { $0.clustersLeftNonOrthogonal }
        self.degenerateValues = BilinearEigenbasis.groups(of: modes.map(\.value), tolerance: Self.clusterTolerance(norm: norm))
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
        for p in copy.parts.indices { copy.parts[p].globalIndices = parts[p].globalIndices.map { position[$0] } }
        if !location.isEmpty { copy.location = order.map { location[$0] } }
        copy.degenerateClusters = degenerateClusters.map { $0.map { position[$0] }.sorted() }
        copy.degenerateValues = degenerateValues.map { $0.map { position[$0] }.sorted() }.sorted { $0[0] < $1[0] }
        copy.clustersWithSubspaceBasis = clustersWithSubspaceBasis.map { $0.map { position[$0] }.sorted() }
        copy.clustersLeftNonOrthogonal = clustersLeftNonOrthogonal.map { $0.map { position[$0] }.sorted() }
        return copy
    }

    /// The c-normalized eigenvector of mode s on the grid (mapped back from its sector).
    public func vector(_ s: Int) -> [Complex<Double>]? {
        guard isBlocked else { return denseVectors?.column(s) }
        let (p, local) = location[s]
        guard let coordinates = parts[p].spectrum.vector(local) else { return nil }
        return parts[p].sector.expand(coordinates, gridPoints: order)
    }

    /// All eigenvectors on the grid, column s ↔ mode s (materialized, N × N).
    public var vectors: ComplexMatrix? {
        guard isBlocked else { return denseVectors }
        guard hasVectors else { return nil }
        var matrix = ComplexMatrix(rows: order, columns: order)
        for s in 0..<order { matrix.setColumn(s, to: vector(s)!) }
        return matrix
    }

    /// The sector label of mode s ("+-", "..", …), or nil for a dense spectrum.
    public func sectorLabel(_ s: Int) -> String? {
        isBlocked ? parts[modes[s].sector].sector.label : nil
    }

    /// |(x, v_s)|/√|(x, x)(v_s, v_s)| for every mode, with (a, b) = Σ a_k b_k: the
    /// bilinear overlap with a grid vector x (in sector coordinates when blocked, where
    /// U real orthogonal preserves the bilinear product).
    public func bilinearOverlaps(with x: [Complex<Double>]) -> [Double]? {
        guard hasVectors else { return nil }
        let xx = bilinearSum(x, x).length
        func overlaps(_ vectors: ComplexMatrix, _ coordinates: [Complex<Double>]) -> [Double] {
            (0..<vectors.columns).map { Self.bilinearOverlap(coordinates, vectors.column($0), selfProduct: xx) }
        }
        guard isBlocked else { return overlaps(denseVectors!, x) }
        var result = [Double](repeating: 0, count: order)
        for part in parts {
            let local = overlaps(part.spectrum.denseVectors!, part.sector.project(x))
            for (l, value) in local.enumerated() { result[part.globalIndices[l]] = value }
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
