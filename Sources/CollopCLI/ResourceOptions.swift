import ArgumentParser
import CollisionOperator
import DenseLinearAlgebra
import Foundation

/// Options about how a run uses the machine, shared by every subcommand.
struct ResourceOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Threads for LAPACK/BLAS: an integer 1…1024. Eigenvalue problems run one symmetry block per thread, each block single-threaded, so tables are identical at any thread count; other BLAS calls use n OpenBLAS threads. [default: OpenBLAS's own, all cores]", valueName: "n"))
    var threads: String?

    @Option(name: .customLong("max-n"), parsing: .unconditional,
            help: ArgumentHelp("Refuse grids with more than n points (N = L^d) before allocating: an integer ≥ 1. [default: the largest N whose memory estimate fits in the available memory]", valueName: "n"))
    var maxN: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Block-diagonalize by the lattice reflections k_i → −k_i that fix q (axes with q_i = 0): on, or off for one dense N × N zgeev.", valueName: "on|off"))
    var symmetry: String = "on"

    @Flag(help: "Print on stderr the wall time and the time spent inside LAPACK/BLAS when the run ends.")
    var timing = false

    @Flag(name: .customLong("dry-run"), help: "Validate the input, solve the SCBA, print the header with the memory estimate and stop before any diagonalization.")
    var dryRun = false

    /// Whether the reflection sectors are used.
    func symmetryEnabled() throws(InputError) -> Bool {
        switch symmetry.trimmingCharacters(in: .whitespaces).lowercased() {
        case "on", "true", "yes": return true
        case "off", "false", "no": return false
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
    func admit(_ workload: Workload, parameters: ModelParameters) throws(InputError) -> MemoryPlan {
        let plan = MemoryPlan(workload: workload, gridPoints: parameters.gridPointCount)
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
            throw InputError("--size: value \(parameters.size) gives \(grid) grid points, above the limit N ≤ \(limit) (\(source)); \(workload.name) needs about \(MemoryPlan.describe(plan.bytes)) (\(plan.explanation)) (allowed: a smaller --size or --dim, or raise --max-n)")
        }
        guard plan.bytes <= available else {
            throw InputError("--size: value \(parameters.size) gives \(grid) grid points; \(workload.name) needs about \(MemoryPlan.describe(plan.bytes)) (\(plan.explanation)) but only \(MemoryPlan.describe(available)) of memory is available (allowed: N ≤ \(plan.largestAdmissibleGrid(availableBytes: available)))")
        }
        return plan
    }
}

/// What a run keeps in memory at its peak, in units of one N × N complex matrix
/// (16 N² bytes), plus O(N) fields. Calibrated against measured peak RSS (e.g. dense
/// spectrum with vectors at N = 2304: 2.0 buffers; docs/benchmarks.md): upper bounds.
enum Workload: Sendable {
    case eigenvalues, eigenvectors, check, diffusionDense, diffusionSecular, diffusionKrylov, hierarchy, flow, dispersionDense

    var name: String {
        switch self {
        case .eigenvalues: return "spectrum --values-only"
        case .eigenvectors: return "spectrum"
        case .check: return "check"
        case .diffusionDense: return "diffusion (dense)"
        case .diffusionSecular: return "diffusion (secular)"
        case .diffusionKrylov: return "diffusion (matrix-free Krylov)"
        case .hierarchy: return "hierarchy"
        case .flow: return "flow"
        case .dispersionDense: return "dispersion (dense)"
        }
    }

    /// Peak number of N × N complex buffers.
    var denseMatrices: Double {
        switch self {
        case .eigenvalues: return 1.2        // 𝕃 (consumed by zgeev) + workspace
        case .eigenvectors: return 2.3       // 𝕃 + eigenvectors during zgeev; eigenvectors + complement basis after
        case .check: return 4.5              // 𝕃(q), 𝕃(0), 𝕃(−q), a copy for zgeev, 𝕃1
        case .diffusionDense, .dispersionDense: return 3.5
        case .diffusionSecular, .diffusionKrylov: return 0
        case .hierarchy, .flow: return 5.5   // two spectra with vectors, overlaps, assignment costs; the structural products
        }
    }
}

/// A memory estimate for a workload on N grid points.
struct MemoryPlan: Sendable {
    let workload: Workload
    let gridPoints: Int

    /// Bytes at the peak: matrices, plus 4 KB per grid point of fields and tables, plus 64 MB of runtime.
    var bytes: Double { Self.bytes(workload, gridPoints) }

    static func bytes(_ workload: Workload, _ n: Int) -> Double {
        let points = Double(n)
        return workload.denseMatrices * 16 * points * points + 4096 * points + 64 * 1_048_576
    }

    var explanation: String {
        workload.denseMatrices > 0
            ? "\(workload.denseMatrices) complex N × N buffers of \(Self.describe(16 * Double(gridPoints) * Double(gridPoints))) each, with workspace"
            : "O(N) fields only"
    }

    /// The largest N whose estimate fits in `availableBytes`.
    func largestAdmissibleGrid(availableBytes: Double) -> Int {
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

    static func describe(_ bytes: Double) -> String {
        if bytes >= Double(1 << 30) { return String(format: "%.1f GiB", bytes / Double(1 << 30)) }
        return String(format: "%.0f MiB", bytes / Double(1 << 20))
    }
}
