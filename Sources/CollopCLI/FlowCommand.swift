import ArgumentParser
import CollisionOperator
import SpectralAnalysis

/// `collop flow`: Suslov's Fig. 4, the spectrum of 𝕃sing + t·𝕃reg for t from 0 to 1.
struct FlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flow",
        abstract: "Eigenvalues of 𝕃sing + t·𝕃reg for t = 0, 1/K, …, 1, tracked branch by branch (Suslov Fig. 4).",
        discussion: """
            At t = 0 the spectrum is 𝕃sing's: N − rank 𝕃1 exact zeros and rank 𝕃1 values ~1/ω. Switching on 𝕃reg turns the zeros into M0 (~ω) and M1 (~1) while the 1/ω values barely move. One row per (branch, t): t, branch (its row at t = 1), λ, the overlap of the match from the previous t (1 at t = 0) and the branch's structural class at t = 1.
            """
    )

    static let modelUse = ModelUse("flow")

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var resources: ResourceOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Number of steps K of the t grid: an integer 1…1000.", valueName: "K"))
    var steps: String = "20"

    func run() throws {
        guard let k = Int(steps.trimmingCharacters(in: .whitespaces)), (1...1000).contains(k) else {
            throw InputError("--steps: value \(steps.isEmpty ? "\"\"" : steps) is out of range (allowed: an integer 1…1000)")
        }
        let run = try PreparedRun(model: model, reads: Self.modelUse, output: output, resources: resources) { parameters, _ in
            guard parameters.singular != .none else {
                throw InputError("\(ParameterName.singular.flag): value none has no 𝕃sing to start the flow from (allowed: localized, lorentzian or cooperon)")
            }
        } workload: { _ in .flow }
        if try run.finishDryRun(resources, command: "flow") { return }
        let built = run.model
        let floor = try run.resolutionFloor(consequence: "the M0 and M1 eigenvalues at t = 1 lose their digits")
        let progress = run.progress(threshold: 512)
        let flow = try FlowAnalysis(model: built, at: run.probe, steps: k, symmetry: run.symmetry) { progress.stage($0) }

        var report = Report(command: "flow")
        report.header = run.modelHeader() + resolutionFloorHeader(floor)
        report.add("steps", k)
        // 𝕃1 = ω𝕃sing exists only for the ω-independent correlators (localized, lorentzian);
        // the cooperon's 𝕃sing depends on ω through its pole, so it has no rank 𝕃1.
        let hasL1 = built.parameters.singular == .localized || built.parameters.singular == .lorentzian
        if hasL1 { report.add("rank_L1", flow.rank) }
        report.add("zero_modes_at_t0", flow.zeroModesAtStart)
        if hasL1 { report.add("N_minus_rank_L1", built.grid.count - flow.rank) }
        report.add("zero_threshold", "|lambda| <= 1e-9 max|lambda| at t = 0")
        if flow.branches.first?.family != nil {
            let counts = Dictionary(grouping: flow.branches.compactMap(\.family), by: { $0 }).mapValues(\.count)
            for family in SpectralFamily.allCases where family != .crossover { report.add("final_\(family.rawValue)", counts[family] ?? 0) }
        } else {
            report.add("final_class", "not applicable: the cooperon has no structural classification (class column '-')")
        }
        let weak = flow.branches.filter { ($0.confidences.min() ?? 1) < BranchTracker.avoidedCrossingThreshold }
        report.add("avoided_crossings", weak.isEmpty ? "none" : weak.map { "\($0.index)" }.joined(separator: ","))
        var table = Table(name: "flow", columns: ["t", "branch", "re", "im", "abs", "overlap", "class"])
        for branch in flow.branches {
            for (step, t) in flow.couplings.enumerated() {
                let v = branch.values[step]
                table.rows.append([.parameter(t), .integer(branch.index), .number(v.real), .number(v.imaginary), .number(v.length),
                                   .number(step == 0 ? 1 : branch.confidences[step - 1]), .text(branch.family?.rawValue ?? "-")])
            }
        }
        report.tables = [table]
        try run.write(report)
    }
}
