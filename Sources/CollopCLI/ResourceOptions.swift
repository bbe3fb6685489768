import ArgumentParser
import CollisionOperator
import DenseLinearAlgebra
import Foundation
import SpectralAnalysis

/// Options about how a run uses the machine, shared by every subcommand.
struct ResourceOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Threads for LAPACK/BLAS: an integer 1…1024. Eigenvalue problems run one symmetry block per thread, each block single-threaded, so tables are identical at any thread count; other BLAS calls use n OpenBLAS threads. [default: OpenBLAS's own, all cores]", valueName: "n"))
    var threads: String?

    @Option(name: .customLong("max-n"), parsing: .unconditional,
            help: ArgumentHelp("Refuse grids with more than n points (N = L^d) before allocating: an integer ≥ 1. [default: the largest N whose memory estimate fits in the available memory]", valueName: "n"))
    var maxN: String?

    @Option(parsing: .unconditional, help: ArgumentHelp(ResourceOptions.symmetryHelp(for: ResourceOptions.subcommand), valueName: "on|off"))
    var symmetry: String = "on"

    @Flag(help: "Print on stderr the wall time and the time spent inside LAPACK/BLAS when the run ends.")
    var timing = false

    @Flag(name: .customLong("dry-run"), help: ArgumentHelp(ResourceOptions.dryRunHelp(for: ResourceOptions.subcommand)))
    var dryRun = false

    /// The subcommand being parsed, so that the help of --symmetry and --dry-run is true for
    /// it. Set by `Collop.execute` around parsing and help generation.
    @TaskLocal static var subcommand: String?

    /// What --symmetry does in `command`: nothing where nothing is diagonalized.
    static func symmetryHelp(for command: String?) -> String {
        let blocks = "Block-diagonalize by the irreducible representations of the signed axis permutations that fix q (all 2^d·d! at q = 0), each block assembled without the N × N matrix: on, or off for one dense N × N zgeev."
        switch command {
        case "vw", "closure": return "on or off; no effect in \(command!), which solves no eigenvalue problem (accepted for a command line shared with the other subcommands)."
        case "check": return "on or off; no effect in check, which solves the dense N × N matrix (--method dense) or no matrix (--method krylov)."
        default: return blocks
        }
    }

    /// What --dry-run does in `command`: where it stops and what it solves first.
    static func dryRunHelp(for command: String?) -> String {
        let prefix = "Validate the input, solve the SCBA, print the header with the memory estimate and stop before"
        switch command {
        case "spectrum", "hierarchy", "flow": return "\(prefix) any diagonalization."
        case "check": return "\(prefix) any identity is evaluated (no diagonalization, no Krylov solve)."
        case "diffusion", "dispersion": return "\(prefix) the λ0(q) ladder is solved (no diagonalization, no Krylov solve)."
        case "closure": return "Validate the input, solve the SCBA at every ω of --omegas, print the header with the memory estimate and stop before the closure is iterated."
        case "vw": return "Validate the input, print the header and stop before the VW equation is solved (with --lattice after solving the SCBA, with the memory estimate; in the continuum nothing is solved)."
        default: return "Validate the input, print the header and stop before the command's computation."
        }
    }

    /// Whether the symmetry blocks are used.
    func symmetryEnabled() throws(InputError) -> Bool {
        switch symmetry.trimmingCharacters(in: .whitespaces).lowercased() {
        case "on": return true
        case "off": return false
        default: throw InputError("--symmetry: value \(symmetry.isEmpty ? "\"\"" : symmetry) is not on or off (allowed: on or off)")
        }
    }

    /// Applies --threads (before any LAPACK call).
    func applyThreads() throws(InputError) {
        guard let threads else { return }
        guard let count = Int(threads.trimmingCharacters(in: .whitespaces)), (1...1024).contains(count) else {
            throw InputError("--threads: value \(threads.isEmpty ? "\"\"" : threads) is out of range (allowed: an integer 1…1024)")
        }
        LinearAlgebraBackend.threadCount = count
    }

    /// Refuses a run whose grid exceeds --max-n or whose estimate exceeds the available
    /// memory (exit status 2, the estimate in the message). Returns the plan for the header.
    func admit(_ workload: Workload, parameters: ModelParameters, q: [Double]) throws(InputError) -> MemoryPlan {
        var blocks: [Int]? = nil
        var groupOrder = 1
        if workload.blockable, try symmetryEnabled(),
           let shapes = try? SectorDecomposition.blockShapes(grid: MomentumGrid(dimension: parameters.dimension, size: parameters.size),
                                                             q: q),
           shapes.count > 1 || (shapes.first?.degeneracy ?? 1) > 1 {
            blocks = shapes.map(\.multiplicity)
            if case .sector(let label, _) = workload { blocks = shapes.filter { $0.label == label }.map(\.multiplicity) }
            groupOrder = shapes.reduce(0) { $0 + $1.degeneracy * $1.degeneracy }
        }
        let plan = MemoryPlan(workload: workload, gridPoints: parameters.gridPointCount, blocks: blocks,
                              workers: LinearAlgebraBackend.threadCount, groupOrder: groupOrder)
        let available = MemoryPlan.availableBytes()
        var limit = plan.largestAdmissibleGrid(availableBytes: available)
        var source = "from \(MemoryPlan.describe(available)) available memory"
        if let maxN {
            guard let value = Int(maxN.trimmingCharacters(in: .whitespaces)), value >= 1 else {
                throw InputError("--max-n: value \(maxN.isEmpty ? "\"\"" : maxN) is out of range (allowed: an integer ≥ 1)")
            }
            limit = value
            source = "set by --max-n"
        }
        let n = parameters.gridPointCount
        let grid = "N = L^d = \(parameters.size)^\(parameters.dimension) = \(n)"
        guard n <= limit else {
            throw InputError("\(ParameterName.size.flag): value \(parameters.size) gives \(grid) grid points, above the limit N ≤ \(limit) (\(source)); \(workload.name) needs about \(MemoryPlan.describe(plan.bytes)) (\(plan.explanation)) (allowed: a smaller \(ParameterName.size.flag) or \(ParameterName.dim.flag), or raise --max-n)")
        }
        guard plan.bytes <= available else {
            throw InputError("\(ParameterName.size.flag): value \(parameters.size) gives \(grid) grid points; \(workload.name) needs about \(MemoryPlan.describe(plan.bytes)) (\(plan.explanation)) but only \(MemoryPlan.describe(available)) of memory is available (allowed: N ≤ \(plan.largestAdmissibleGrid(availableBytes: available)))")
        }
        return plan
    }
}

/// What a run keeps in memory at its peak, in units of one N × N complex matrix
/// (16 N² bytes), plus O(N) fields. Calibrated against measured peak RSS (e.g. dense
/// spectrum with vectors at N = 2304: 2.0 buffers; docs/benchmarks.md): upper bounds.
enum Workload: Sendable {
    case eigenvalues, eigenvectors, check,
         /// One symmetry block alone (`spectrum --sector LABEL`), with or without vectors.
         sector(label: String, vectors: Bool), diffusionDense, diffusionSecular, hierarchy, flow, dispersionDense,
         /// `dos`: one SCBA of O(N) fields per worker.
         densityOfStates,
         /// A matrix-free run (Krylov λ0, the closure's current solves, matrix-free checks):
         /// complex vectors of N only, counted in `MatrixFreeFootprint`.
         matrixFree(MatrixFreeFootprint)

    var name: String {
        switch self {
        case .eigenvalues: return "spectrum --values-only"
        case .eigenvectors: return "spectrum"
        case .sector(let label, _): return "spectrum --sector \(label)"
        case .check: return "check"
        case .diffusionDense: return "diffusion (dense)"
        case .diffusionSecular: return "diffusion (secular)"
        case .matrixFree(let footprint): return footprint.solve.name
        case .hierarchy: return "hierarchy"
        case .flow: return "flow"
        case .dispersionDense: return "dispersion (dense)"
        case .densityOfStates: return "dos"
        }
    }

    /// Whether the run diagonalizes symmetry blocks assembled without the N × N matrix.
    var blockable: Bool {
        switch self {
        case .eigenvalues, .eigenvectors, .hierarchy, .flow, .sector: return true
        default: return false
        }
    }

    /// Bytes per grid point of fields, tables and work vectors: the secular path keeps a few
    /// dozen vectors, the matrix-free paths the count of `MatrixFreeFootprint`; the dense and
    /// blocked paths keep more tables per point. `spectrum --vectors K` adds nothing that
    /// grows with K: its table is written one eigenvector (N rows, ≈ 250 B per point) and one
    /// 1 MiB chunk at a time, within this allowance.
    var bytesPerPoint: Double {
        switch self {
        case .diffusionSecular, .densityOfStates: return 1024
        case .matrixFree(let footprint): return 16 * footprint.peakVectors
        default: return 4096
        }
    }

    /// The runtime's share that does not grow with N (libraries, FFTW's plans, thread stacks).
    var fixedBytes: Double {
        if case .matrixFree = self { return MatrixFreeFootprint.fixedBytes }
        return 64 * 1_048_576
    }

    /// Peak number of N × N complex buffers.
    var denseMatrices: Double {
        switch self {
        case .eigenvalues: return 1.2        // 𝕃 (consumed by zgeev) + workspace
        case .eigenvectors, .sector: return 2.3   // 𝕃 + eigenvectors during zgeev; eigenvectors + complement basis after
        case .check: return 4.5              // 𝕃(q), 𝕃(0), 𝕃(−q), a copy for zgeev, 𝕃1
        case .diffusionDense, .dispersionDense: return 3.5
        case .diffusionSecular, .matrixFree, .densityOfStates: return 0
        case .hierarchy, .flow: return 5.5   // two spectra with vectors, overlaps, assignment costs; the structural products
        }
    }
}

/// A memory estimate for a workload on N grid points, dense or by symmetry blocks.
struct MemoryPlan: Sendable {
    let workload: Workload
    let gridPoints: Int
    /// The block orders m of a blocked run (nil: dense).
    var blocks: [Int]? = nil
    /// Blocks solved at once (one per BLAS thread).
    var workers: Int = 1
    /// |G| (Σ dim² of the irreps on the grid): the basis holds about |G| doubles per point.
    var groupOrder: Int = 1

    /// Bytes at the peak: matrices, plus 4 KB per grid point of fields and tables, plus 64 MB
    /// of runtime. Blocked: the blocks being solved (the `workers` largest, 1.2 m² buffers
    /// each for values, 2.3 with vectors) plus, with vectors, every block's eigenvectors
    /// (Σ m², twice for hierarchy and flow, with overlaps and assignment costs), the basis and
    /// its partner rows (about |G| doubles per grid point) and one row buffer of N per core.
    var bytes: Double {
        guard let blocks else { return Self.bytes(workload, gridPoints) }
        let squares = blocks.map { 16 * Double($0) * Double($0) }.sorted(by: >)
        let concurrent = squares.prefix(max(workers, 1)).reduce(0, +)
        let all = squares.reduce(0, +)
        let points = Double(gridPoints)
        let matrices: Double
        switch workload {
        case .eigenvalues, .sector(_, false): matrices = blockBuffers * concurrent
        case .eigenvectors, .sector(_, true): matrices = blockBuffers * concurrent + all
        default: matrices = blockBuffers * concurrent + 3.5 * all
        }
        return matrices + 8 * Double(groupOrder + 8) * points + workload.bytesPerPoint * points + workload.fixedBytes
    }

    /// m × m buffers per block being solved: 1.2 for values, 2.3 with vectors.
    private var blockBuffers: Double {
        switch workload {
        case .eigenvalues, .sector(_, false): return 1.2
        default: return 2.3
        }
    }

    /// The header's `memory_estimate`, the same at any --threads (tables are byte-identical
    /// at any thread count): a blocked run's estimate with one block solved at a time, and
    /// what each further thread solving a block at once adds at most; a dense run's estimate.
    var headerDescription: String {
        guard let blocks, let largest = blocks.max() else { return "\(Self.describe(bytes)) (\(explanation))" }
        var alone = self
        alone.workers = 1
        let perThread = blockBuffers * 16 * Double(largest) * Double(largest)
        return "\(Self.describe(alone.bytes)) with one block solved at a time, up to \(Self.describe(perThread)) more per further --threads (\(explanation))"
    }

    static func bytes(_ workload: Workload, _ n: Int) -> Double {
        let points = Double(n)
        return workload.denseMatrices * 16 * points * points + workload.bytesPerPoint * points + workload.fixedBytes
    }

    var explanation: String {
        if let blocks {
            return "\(blocks.count) symmetry blocks, largest m = \(blocks.max() ?? 0) (\(Self.describe(16 * Double(blocks.max() ?? 0) * Double(blocks.max() ?? 0))) each), no N × N matrix"
        }
        if case .matrixFree(let footprint) = workload {
            let vectors = String(format: "matrix-free: %.4g complex vectors of N at the peak, %@ each, no N × N matrix",
                                 footprint.peakVectors, Self.describe(16 * Double(gridPoints)))
            // The LU of a symmetry block runs only where COCG stalls (docs/solvers.md): not in the peak above.
            guard footprint.solve != .identityChecks else { return vectors }
            return vectors + "; where COCG stalls, the LU fallback adds up to \(Self.describe(footprint.directMemoryLimit))"
        }
        return workload.denseMatrices > 0
            ? "\(workload.denseMatrices) complex N × N buffers of \(Self.describe(16 * Double(gridPoints) * Double(gridPoints))) each, with workspace"
            : "O(N) fields only"
    }

    /// The largest N whose estimate fits in `availableBytes` (blocked: scaled as N², the
    /// block orders growing like N).
    func largestAdmissibleGrid(availableBytes: Double) -> Int {
        if blocks != nil {
            return Int(Double(gridPoints) * max(availableBytes / bytes, 0).squareRoot())
        }
        var low = 1, high = 1 << 31
        while low < high {
            let mid = low + (high - low + 1) / 2
            if Self.bytes(workload, mid) <= availableBytes { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// MemAvailable from /proc/meminfo, else the physical memory.
    static func availableBytes() -> Double {
        if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) {
            for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
                let digits = line.split(separator: " ").compactMap { Double($0) }
                if let kilobytes = digits.first { return kilobytes * 1024 }
            }
        }
        return Double(ProcessInfo.processInfo.physicalMemory)
    }

    static func describe(_ bytes: Double) -> String { LinearAlgebraError.describe(bytes: bytes) }
}

/// The N-length vectors a matrix-free run holds at its peak, in complex vectors of N
/// (16 N bytes; a real vector counts ½, an Int32 index ¼), counted from the code and
/// checked against the peak resident set (docs/benchmarks-krylov.md, "Memory"):
///
/// - the model: Σ^R(E) (1), the grid's digits and index of −k ((d + 1)/4), and the SCBA's
///   FFT of U0·C where its convolution runs by FFT (1);
/// - the SCBA on a shifted grid: for white noise Σ is one number (its buffer, the result,
///   the band energies: 3); correlated, Σ is iterated as N numbers with Anderson mixing over
///   6 steps (12 differences, the previous iterate and residual, F(Σ) − Σ, the next
///   iterate, the buffer and the result made from it: 18), beside Σ itself, the band
///   energies ε(k ± q/2) and the retarded result (3), and the FFT's own scratch (½);
/// - the kinetic fields ΔG, s, ΔΣ and the real M (3.5);
/// - the operator: u = 𝕊s (1), U^sing (1), the real U0·C (½); its action: the FFT vector (1)
///   and the kernels' transforms (U^sing 1, U0·C real ½);
/// - the λ0 solve (`KrylovDiffusion`): e, r = P𝕃e, y, Px, the projected model's g and COCG's
///   x, r, z, p, 𝕃p (10);
/// - the closure's current solve (`CurrentRelaxation`): j, the previous solution, COCG's five,
///   and one for COCG's best iterate or its rounding-floor probe (8);
/// - the matrix-free checks: the operators and actions at q and at 0, four probe vectors and
///   two products (6 beside the two operators).
///
/// - the resolution diagnostic's SCBA on the grid of L + 1 points (`comparesNextSize`: up to
///   N = 262144), which holds that grid's own index tables, convolver and SCBA vectors at
///   ((L + 1)/L)^d times the size, beside the model.
///
/// The peak is the model plus the largest of these phases, plus half a vector for what the
/// count leaves out (FFTW's execution buffers, the allocator's rounding to pages: the
/// measured peaks lie 0–0.7 vectors above the count).
struct MatrixFreeFootprint: Sendable, Equatable {
    enum Solve: Sendable, Equatable {
        case diffusionMode, currentRelaxation, identityChecks

        var name: String {
            switch self {
            case .diffusionMode: return "diffusion (matrix-free Krylov)"
            case .currentRelaxation: return "closure (matrix-free current solves)"
            case .identityChecks: return "check (matrix-free)"
            }
        }
    }

    var solve: Solve
    var dimension: Int
    var whiteNoise: Bool
    var convolverByFourierTransform: Bool
    var singularVertex: Bool
    /// ((L + 1)/L)^d when the model also solves the SCBA on the L + 1 grid, else nil.
    var nextSizeRatio: Double?
    /// Bytes the LU fallback may hold where COCG stalls (closure: --direct-memory).
    var directMemoryLimit = DirectFallback.memoryLimit

    /// The runtime without the vectors, with FFTW's plans and thread stacks (measured: 32 MiB
    /// on the smallest grids, 6 MiB of it the pages of the HDF5 library and the libraries it
    /// loads, libcurl and libcrypto among them).
    static let fixedBytes = 38.0 * 1_048_576

    init(_ solve: Solve, parameters p: ModelParameters) {
        let correlation = DisorderCorrelation(radius: p.correlationRadius, dimension: p.dimension)
        self.solve = solve
        dimension = p.dimension
        whiteNoise = correlation.isWhiteNoise
        convolverByFourierTransform = correlation.convolvesByFourierTransform(gridPoints: p.gridPointCount)
        singularVertex = p.singular != .none
        nextSizeRatio = comparesNextSize(p) ? pow(Double(p.size + 1) / Double(p.size), Double(p.dimension)) : nil
    }

    /// Complex vectors of N at the peak.
    var peakVectors: Double {
        let grid = Double(dimension + 1) / 4, convolver = convolverByFourierTransform ? 1.0 : 0
        let model = 1 + grid + convolver
        let scba = whiteNoise ? 3.0 : 21.5
        // The L + 1 grid: its tables, its convolver (and the FFT's planning scratch), its SCBA.
        let nextSize = nextSizeRatio.map { $0 * (grid + 2 * convolver + scba) } ?? 0
        let fields = 3.5
        let singular = singularVertex ? 1.0 : 0, regular = whiteNoise ? 0 : 0.5
        let transform = singularVertex || !whiteNoise ? 1.0 : 0
        let operatorAndAction = 1 + singular + regular + transform + singular + regular
        let solve: Double
        switch self.solve {
        case .diffusionMode: solve = fields + operatorAndAction + 10
        case .currentRelaxation: solve = fields + operatorAndAction + 8
        case .identityChecks: solve = 2 * (fields + operatorAndAction) + 6
        }
        return model + max(scba, solve, nextSize) + 0.5
    }
}
