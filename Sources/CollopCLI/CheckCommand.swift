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
            The check always diagonalizes the dense N × N matrix (--symmetry has no effect), so it is independent of the symmetry blocking the other commands use.
            """
    )

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var resources: ResourceOptions

    func run() throws {
        let run = try PreparedRun(model: model, output: output, resources: resources) { _ in .check }
        if try run.finishDryRun(resources, command: "check") { return }
        let built = run.model
        let progress = run.progress()
        let results = try IdentityChecker(model: built).run { progress.stage($0) }
        let failed = results.filter { $0.status == .fail }

        var report = Report(command: "check")
        report.header = modelHeader(built)
        report.add("identities", results.count)
        report.add("failed", failed.count)
        for result in results { report.add("statement_\(result.name)", result.statement) }
        var table = Table(name: "identities", columns: ["identity", "residual", "tolerance", "status", "detail"])
        for result in results {
            table.rows.append([.text(result.name), .number(result.residual), .number(result.tolerance),
                               .text(result.status.rawValue), .text(result.detail.isEmpty ? "-" : result.detail)])
        }
        report.tables.append(table)
        try run.write(report)
        if !failed.isEmpty { throw ChecksFailed(names: failed.map(\.name)) }
    }
}
