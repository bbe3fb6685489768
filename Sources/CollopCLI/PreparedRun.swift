import CollisionOperator
import Theory
import DenseLinearAlgebra
import Foundation
import SpectralAnalysis

/// What every subcommand does before its own work: check the output options, apply
/// --threads, resolve and validate the model, refuse what will not fit in memory, solve
/// the SCBA; and, with --dry-run, print the header and stop.
struct PreparedRun {
    let destination: OutputDestination
    let model: CollisionModel
    /// The point (q, ω) of --q and --omega (or the one the command set in `adjust`).
    let probe: Probe
    /// `--d0 vw` / `--xi vw`: the lattice VW solution the vertex took its number from.
    let connection: VWConnection?
    let plan: MemoryPlan
    let output: OutputOptions
    /// Whether to block by the lattice reflections (--symmetry).
    let symmetry: Bool
    let timing: Bool
    /// The model options the command reads (its header's parameters).
    let use: ModelUse
    /// The options given that neither the command nor the model reads (`ignored_options`).
    let ignored: [ParameterName]
    let start = ContinuousClock.now
    let lapackAtStart = LapackClock.seconds

    /// - Parameters:
    ///   - use: the model options the command reads, declared once per command.
    ///   - adjust: command-specific changes or checks of the parameters and the probe (e.g.
    ///     the ω of a ladder's VW connection).
    ///   - workload: the memory workload for the final parameters.
    ///   - validate: the command's input checks that need the built model (e.g. a default
    ///     q_max derived from γ): they run before the model's warnings are printed, so that
    ///     every input error comes before any warning.
    init(model options: ModelOptions, reads use: ModelUse, output: OutputOptions, resources: ResourceOptions,
         adjust: (inout ModelParameters, inout Probe) throws -> Void = { _, _ in },
         workload: (ModelParameters) -> Workload,
         validate: (CollisionModel, Probe) throws -> Void = { _, _ in }) throws {
        _ = try output.resolvedFormat()
        destination = try output.destination()
        try resources.applyThreads()
        symmetry = try resources.symmetryEnabled()
        timing = resources.timing
        self.use = use
        var resolved = try options.resolve(for: use)
        try adjust(&resolved.parameters, &resolved.probe)
        probe = resolved.probe
        ignored = resolved.ignored
        plan = try resources.admit(workload(resolved.parameters), parameters: resolved.parameters, q: resolved.probe.q)
        let warnings: [String]
        (model, connection, warnings) = try buildConnectedModel(resolved)
        try validate(model, probe)
        for warning in warnings { Progress.warn(warning, quiet: output.quiet) }
        self.output = output
    }

    /// The model's header lines for this command (`modelHeader`); Σ^R from `fields` where
    /// the command prints it.
    func modelHeader(fields: KineticFields? = nil) -> [(key: String, value: Cell)] {
        CollopCLI.modelHeader(model, probe: probe, fields: fields, use: use, ignored: ignored)
    }

    /// Header lines about the run's resources.
    var resourceHeader: [(key: String, value: Cell)] {
        [("memory_estimate", .text(plan.headerDescription))]
    }

    /// The header with the VW connection's lines after the parameter they set (`d0_im` or
    /// `d0`, `xi`); unchanged when there is none or the command leaves that parameter out.
    func withConnection(_ header: [(key: String, value: Cell)]) -> [(key: String, value: Cell)] {
        guard let connection else { return header }
        let anchors = connection.target == .d0 ? ["d0_im", ParameterName.d0.key] : [ParameterName.xi.key]
        guard let anchor = anchors.lazy.compactMap({ key in header.lastIndex { $0.key == key } }).first else { return header }
        var spliced = header
        spliced.insert(contentsOf: connection.header, at: anchor + 1)
        return spliced
    }

    /// A progress reporter, enabled for runs long enough to need one.
    func progress(threshold: Int = 1024) -> Progress {
        Progress(enabled: !output.quiet && model.grid.count >= threshold)
    }

    /// With --dry-run: solves the SCBA wherever the real run will (at E, and at E + ω on the
    /// grids shifted by ±q/2 for each ω of `omegas`, default the probe's ω), writes the
    /// model's header as the real run writes it and returns true; the caller then stops
    /// before any diagonalization. A failure there is the real run's failure, reported now.
    /// `extra`: the command's own lines (e.g. the count of its solves), before `dry_run`.
    func finishDryRun(_ resources: ResourceOptions, command: String, omegas: [Double]? = nil,
                      extra: [(key: String, value: Cell)] = []) throws -> Bool {
        guard resources.dryRun else { return false }
        var fields: KineticFields?
        for omega in omegas ?? [probe.omega] {
            let solved = try model.fields(at: probe.at(omega: omega))
            if fields == nil { fields = solved }
        }
        var report = Report(command: command)
        report.header = withConnection(modelHeader(fields: fields)) + resourceHeader + extra
        report.add("dry_run", "yes: input valid, SCBA solved at E and E + omega, nothing diagonalized")
        try output.write(report, to: destination)
        return true
    }

    func write(_ report: Report) throws {
        var report = report
        report.header = withConnection(report.header) + resourceHeader
        try output.write(report, to: destination)
        if timing { printTiming(since: start, lapackAtStart: lapackAtStart) }
    }
}

/// --timing: the wall time since `start` and the part of it inside LAPACK/BLAS, on stderr.
func printTiming(since start: ContinuousClock.Instant, lapackAtStart: Double) {
    let (seconds, attoseconds) = (ContinuousClock.now - start).components
    let wall = Double(seconds) + Double(attoseconds) * 1e-18
    let lapack = LapackClock.seconds - lapackAtStart
    let line = String(format: "collop: timing: wall %.3f s, LAPACK/BLAS %.3f s (%.1f%%), outside %.3f s, %d LAPACK/BLAS calls\n",
                      wall, lapack, 100 * lapack / max(wall, 1e-9), wall - lapack, LapackClock.callCount)
    FileHandle.standardError.write(Data(line.utf8))
}

extension PreparedRun {
    /// The round-off floor of this run's eigen-solves at `omega` (default the probe's ω; a
    /// ladder passes its smallest): warns on stderr when it swamps the modes below 2γ,
    /// naming what that costs this command (`consequence`), and returns the floor for the
    /// header (`resolutionFloorHeader`).
    func resolutionFloor(at omega: Double? = nil, consequence: String) throws -> ResolutionFloor {
        let floor = try ResolutionFloor(model: model, at: omega.map { probe.at(omega: $0) } ?? probe)
        if !floor.isResolved {
            Progress.warn("warning: at ω = \(format(floor.omega)) the round-off of 𝕃sing (ε·‖𝕃sing‖ ≈ \(String(format: "%.2g", floor.absolute))) is \(String(format: "%.2g", floor.relative)) of the M1 scale 2γ = \(String(format: "%.4g", floor.regularScale)): \(consequence); keep the smallest ω above \(String(format: "%.2g", floor.smallestResolvedOmega))", quiet: output.quiet)
        }
        return floor
    }
}

/// The header keys of a round-off floor: `resolution_floor` = ε·‖𝕃sing‖ (eigenvalues below it
/// carry no digits), `resolution_floor_over_2gamma` and `resolution_floor_rule` (resolved or not, and the rule).
func resolutionFloorHeader(_ floor: ResolutionFloor) -> [(key: String, value: Cell)] {
    [("resolution_floor", .number(floor.absolute)),
     ("resolution_floor_over_2gamma", .number(floor.relative)),
     ("resolution_floor_rule", .text(floor.isResolved
        ? "resolved: eps*|L_sing| <= \(format(ResolutionFloor.relativeLimit)) * 2 gamma"
        : "unresolved: eps*|L_sing| > \(format(ResolutionFloor.relativeLimit)) * 2 gamma; eigenvalues below the floor (the zero mode, M1) carry no digits"))]
}
