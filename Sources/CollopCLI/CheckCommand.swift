import ArgumentParser
import CollisionOperator
import SpectralAnalysis

/// `collop check`: every exact identity of docs/model.md §3 that applies, with PASS/FAIL.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify the exact identities of the model (docs/model.md §3); exit status 1 if any fails.",
        discussion: """
            complex_symmetry  ‖𝕃 − 𝕃ᵀ‖ ≤ 1e-14 ‖𝕃‖
            zero_mode_q0      ‖𝕃 √ΔG‖ ≤ 1e-12 ‖𝕃‖‖√ΔG‖ at q = 0
            L0_zero_mode_q    the same for L̂0 = 𝕃 − diag M at q ≠ 0
            ward_residual_*   the Ward identity (13): ≤ 1e-12 with SCBA
            parity_*          𝕃_kk'(q) = 𝕃_{−k,−k'}(−q) and λ_s(q) = λ_s(−q)
            trace             |Σλ − tr 𝕃| ≤ 1e-10 |tr 𝕃|
            zero_eigenvalue_q0 min|λ| ≤ 1e-12 ‖𝕃‖ at q = 0
            rank_L1           rank 𝕃1 = |X| − 1 (|X| without projection)
            einstein          D_fit = D_KG to 1e-3 (white noise, none)
            streaming_fermi_sea i(s, Ms)/((s, s) q²) → D_RR (white noise)
            With --method dense (auto up to N = 4096) the check diagonalizes the dense N × N matrix (--symmetry has no effect), so it is independent of the symmetry blocking the other commands use. With --method krylov (auto above N = 4096) it needs no matrix: symmetry, zero modes and parity are tested through the FFT action on fixed pseudo-random vectors, and the identities that need the spectrum (trace, zero_eigenvalue_q0, parity_spectrum, rank_L1) are listed as skipped in the header.
            """
    )

    static let modelUse = ModelUse("check")

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var resources: ResourceOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("dense (the N × N matrix and its spectrum), krylov (matrix-free: no spectrum), or auto (dense up to N = 4096).", valueName: "method"))
    var method: String = "auto"

    /// Grids above this N are checked matrix-free with --method auto.
    static let denseLimit = 4096

    func run() throws {
        guard ["auto", "dense", "krylov"].contains(method.lowercased()) else {
            throw InputError("--method: value \(method) is not a check method (allowed: auto, dense or krylov)")
        }
        var matrixFree = false
        let run = try PreparedRun(model: model, reads: Self.modelUse, output: output, resources: resources) { _, _ in } workload: { parameters in
            matrixFree = method.lowercased() == "krylov" || (method.lowercased() == "auto" && parameters.gridPointCount > Self.denseLimit)
            return matrixFree ? .matrixFree(MatrixFreeFootprint(.identityChecks, parameters: parameters)) : .check
        }
        if try run.finishDryRun(resources, command: "check") { return }
        let built = run.model
        let progress = run.progress()
        let checker = IdentityChecker(model: built, at: run.probe)
        let (results, skipped) = matrixFree ? try checker.runMatrixFree { progress.stage($0) }
                                            : (try checker.run { progress.stage($0) }, [])
        let failed = results.filter { $0.status == .fail }
        let unresolved = results.filter { $0.status == .unresolved }

        var report = Report(command: "check")
        report.header = run.modelHeader()
        report.add("method", matrixFree ? "krylov (matrix-free)" : "dense")
        if !skipped.isEmpty { report.add("skipped", skipped.joined(separator: ",") + " (they need the spectrum; use --method dense where N allows)") }
        report.add("identities", results.count)
        report.add("failed", failed.count)
        report.add("unresolved", unresolved.count)
        for result in results { report.add("statement_\(result.name)", result.statement) }
        var table = Table(name: "identities", columns: ["identity", "residual", "tolerance", "status", "detail"])
        for result in results {
            table.rows.append([.text(result.name), .number(result.residual), .number(result.tolerance),
                               .text(result.status.rawValue), .text(result.detail.isEmpty ? "-" : result.detail)])
        }
        report.tables.append(table)
        try run.write(report)
        if !failed.isEmpty || !unresolved.isEmpty { throw ChecksFailed(names: failed.map(\.name), unresolved: unresolved.map(\.name)) }
    }
}
