import CollisionOperator
import DenseLinearAlgebra
import Foundation
import SpectralAnalysis

/// What every subcommand does before its own work: check the output options, apply
/// --threads, resolve and validate the model, refuse what will not fit in memory, solve
/// the SCBA; and, with --dry-run, print the header and stop.
struct PreparedRun {
    let destination: OutputDestination
    let model: CollisionModel
    let plan: MemoryPlan
    let output: OutputOptions
    /// Whether to block by the lattice reflections (--symmetry).
    let symmetry: Bool
    let timing: Bool
    let start = ContinuousClock.now
    let lapackAtStart = LapackClock.seconds

    /// - Parameters:
    ///   - adjust: command-specific changes or checks of the parameters (e.g. the ω ladder).
    ///   - workload: the memory workload for the final parameters.
    init(model options: ModelOptions, output: OutputOptions, resources: ResourceOptions,
         adjust: (inout ModelParameters) throws -> Void = { _ in },
         workload: (ModelParameters) -> Workload) throws {
        _ = try output.resolvedFormat()
        destination = try output.destination()
        try resources.applyThreads()
        symmetry = try resources.symmetryEnabled()
        timing = resources.timing
        var resolved = try options.resolve()
        try adjust(&resolved.parameters)
        plan = try resources.admit(workload(resolved.parameters), parameters: resolved.parameters)
        model = try buildModel(resolved, quiet: output.quiet)
        self.output = output
    }

    /// The sector decomposition for momentum q (trivial with --symmetry off).
    func sectors(q: [Double]? = nil) -> SectorDecomposition {
        SectorDecomposition(grid: model.grid, q: q ?? model.parameters.momentum, enabled: symmetry)
    }

    /// Header lines about the run's resources.
    var resourceHeader: [(key: String, value: Cell)] {
        [("memory_estimate", .text("\(MemoryPlan.describe(plan.bytes)) (\(plan.explanation))"))]
    }

    /// A progress reporter, enabled for runs long enough to need one.
    func progress(threshold: Int = 1024) -> Progress {
        Progress(enabled: !output.quiet && model.grid.count >= threshold)
    }

    /// With --dry-run: writes the header (model, derived quantities, memory estimate) and
    /// returns true; the caller then stops before any diagonalization.
    func finishDryRun(_ resources: ResourceOptions, command: String) throws -> Bool {
        guard resources.dryRun else { return false }
        var report = Report(command: command)
        report.header = modelHeader(model) + resourceHeader
        report.add("dry_run", "yes: input valid, SCBA solved, nothing diagonalized")
        try destination.write(try output.render(report))
        return true
    }

    func write(_ report: Report) throws {
        var report = report
        report.header += resourceHeader
        try destination.write(try output.render(report))
        if timing {
            let (seconds, attoseconds) = (ContinuousClock.now - start).components
            let wall = Double(seconds) + Double(attoseconds) * 1e-18
            let lapack = LapackClock.seconds - lapackAtStart
            let line = String(format: "collop: timing: wall %.3f s, LAPACK/BLAS %.3f s (%.1f%%), outside %.3f s, %d LAPACK/BLAS calls\n",
                              wall, lapack, 100 * lapack / max(wall, 1e-9), wall - lapack, LapackClock.callCount)
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}
