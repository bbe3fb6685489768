import ArgumentParser
import CollisionOperator
import Foundation
import SpectralAnalysis

/// `collop hierarchy`: the M0 / M1 / M∞ classification by scaling and by structure.
struct HierarchyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hierarchy",
        abstract: "Classify the spectrum into M0 (λ ~ ω), M1 (λ ~ 1), M∞ (λ ~ 1/ω) by scaling and by the structure of 𝕃1.",
        discussion: """
            Scaling: 𝕃 is diagonalized at each ω of --omegas, branches are followed by the optimal assignment on eigenvector overlaps |v_iᴴ w_j|, and p = d log|λ|/d log ω is fitted: M0 if p > 1 − δ (or |λ| ≤ 1e-9·max|λ| at every ω: an exact zero mode, p = nan), M1 if |p| < δ, M∞ if p < −1 + δ, X (crossover) otherwise — never forced into a class. Structure: rank 𝕃1 (cutoff printed) predicts |M∞|; Suslov (80) predicts the M∞ values, the secular matrix (82) on the null space of 𝕃1 the M0 ⊕ M1 values. Every disagreement is listed. The summary heads stdout as # lines; the main table is at the smallest ω; further tables (branches, structure, ward) follow after blank lines.

            What this is and is not: the singular vertex is supplied from outside (\(ParameterName.singular.flag)), so the tool shows Suslov's decomposition (74)–(82) for that vertex, not his self-consistent structure: here M0 holds only the exact zero mode at q = 0 and no eigenvalue scales ∝ ω, whereas Suslov's M0 is infinite and |M∞| = |M0′| through the self-consistency (72). At q ≠ 0 the diffusion mode carries the streaming term (s, Ms)/(s, s) = −iD_RR q², which does not vanish as ω → 0, so it is classed M1 (docs/model.md §4).
            """
    )

    static let modelUse = ModelUse("hierarchy").except(.omega, "the ladder is --omegas")

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var resources: ResourceOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("The ω ladder: ≥ 2 distinct finite numbers > 0, comma-separated.", valueName: "ω1,ω2,…"))
    var omegas: String = "1e-3,1e-4,1e-5"

    @Option(parsing: .unconditional, help: ArgumentHelp("Class half-width δ of the exponent windows: a number in (0, 0.5].", valueName: "δ"))
    var delta: String = "0.25"

    /// The ladder, validated: ≥ 2 values, all finite and > 0, distinct.
    static func parseLadder(_ text: String) throws(InputError) -> [Double] {
        let allowed = "at least 2 distinct finite numbers > 0, comma-separated"
        let values = try parseNumberList(text, flag: "--omegas", allowed: allowed)
        guard values.count >= 2 else { throw InputError("--omegas: value \(text) has \(values.count) value (allowed: \(allowed))") }
        if let bad = values.first(where: { !($0.isFinite && $0 > 0) }) {
            throw InputError("--omegas: value \(text) contains \(format(bad)) (allowed: \(allowed))")
        }
        guard Set(values).count == values.count else {
            throw InputError("--omegas: value \(text) repeats a frequency (allowed: \(allowed))")
        }
        return values
    }

    func run() throws {
        let ladder = try Self.parseLadder(omegas)
        guard let delta = Double(delta.trimmingCharacters(in: .whitespaces)), delta > 0, delta <= 0.5 else {
            throw InputError("--delta: value \(self.delta) is out of range (allowed: a number in (0, 0.5])")
        }
        let run = try PreparedRun(model: model, reads: Self.modelUse, output: output, resources: resources) { _, probe in
            probe.omega = ladder.min()!
        } workload: { _ in .hierarchy }
        if try run.finishDryRun(resources, command: "hierarchy", omegas: ladder) { return }
        let built = run.model
        let floor = try run.resolutionFloor(at: ladder.min()!, consequence: "M1 eigenvalues lose their digits and their classification is not reliable")
        let progress = run.progress(threshold: 512)
        let analysis = try HierarchyAnalysis(model: built, probes: run.probe.ladder(omegas: ladder), delta: delta, symmetry: run.symmetry) { progress.stage($0) }

        var report = Report(command: "hierarchy")
        report.header = run.modelHeader() + resolutionFloorHeader(floor)
        report.add("omegas", analysis.omegas.map(format).joined(separator: ","))
        report.add("table_omega", .parameter(analysis.omegas.last!))
        report.add("delta", .parameter(delta))
        report.add("scaling_rule", "M0: p > 1-delta or |lambda| <= 1e-9 max|lambda| at every omega (p = nan); M1: |p| < delta; Minf: p < -1+delta; X: otherwise")
        let scaling = analysis.scalingCounts, structural = analysis.structuralCounts
        for family in SpectralFamily.allCases { report.add("scaling_\(family.rawValue)", scaling[family] ?? 0) }
        if let structure = analysis.structure {
            for family in SpectralFamily.allCases where family != .crossover { report.add("structural_\(family.rawValue)", structural[family] ?? 0) }
            report.add("rank_L1", structure.rank)
            report.add("rank_cutoff", "|eta| > \(formatNumber(structure.threshold)) = \(structure.relativeCutoff) * max(omega * scale of the unprojected S, max|eta|)")
            report.add("null_L1_M0_count", structure.zeroCount)
            let disagreements = analysis.disagreements
            report.add("agreement", "\(analysis.branches.count - disagreements.count) of \(analysis.branches.count)")
            let listed = disagreements.prefix(40).map { "s=\($0.index):\($0.fit.family.rawValue)/\($0.structural!.family.rawValue)" }
            report.add("disagreements", disagreements.isEmpty ? "none"
                       : listed.joined(separator: ",") + (disagreements.count > 40 ? ",… (\(disagreements.count) in all: rows with agrees = no in the structure table)" : ""))
        } else {
            report.add("structural", "not applicable: the cooperon has no L1 = omega*Lsing (only Q = 0 is singular in omega)")
        }
        let crossings = analysis.avoidedCrossings
        report.add("avoided_crossings", crossings.isEmpty ? "none"
                   : crossings.map { "s=\($0.index)(\(String(format: "%.3f", $0.minimumConfidence)))" }.joined(separator: ","))
        report.add("avoided_crossing_threshold", BranchTracker.avoidedCrossingThreshold)
        if !analysis.ward.isEmpty {
            report.add("ward_max_overlap_L1", analysis.ward.map(\.singularOverlap).max() ?? 0)
            report.add("ward_max_overlap_L", analysis.ward.flatMap(\.fullOverlaps).max() ?? 0)
            let exponents = analysis.ward.compactMap(\.exponent)
            report.add("ward_min_exponent", exponents.isEmpty ? "none (all overlaps below \(HierarchyAnalysis.wardFloor): cancelled to round-off)"
                       : formatNumber(exponents.min()!))
        }

        var main = Table(name: "hierarchy", columns: ["s", "re", "im", "abs", "w0", "class", "p", "residual"])
        var branchTable = Table(name: "branches", columns: ["s", "omega", "re", "im", "abs", "overlap", "class"])
        var structure = Table(name: "structure", columns: ["s", "class", "structural", "predicted_re", "predicted_im", "agrees", "min_overlap"])
        for branch in analysis.branches {
            let value = branch.values.last!
            main.rows.append([.integer(branch.index), .number(value.real), .number(value.imaginary), .number(value.length),
                              .number(branch.zeroModeOverlap), .text(branch.fit.family.rawValue),
                              .number(branch.fit.exponent ?? .nan), .number(branch.fit.residual)])
            for (k, omega) in analysis.omegas.enumerated() {
                let v = branch.values[k]
                branchTable.rows.append([.integer(branch.index), .parameter(omega), .number(v.real), .number(v.imaginary),
                                         .number(v.length), .number(k == 0 ? 1 : branch.confidences[k - 1]),
                                         .text(branch.fit.family.rawValue)])
            }
            if let prediction = branch.structural {
                structure.rows.append([.integer(branch.index), .text(branch.fit.family.rawValue), .text(prediction.family.rawValue),
                                       .number(prediction.value.real), .number(prediction.value.imaginary),
                                       .text(branch.agrees ? "yes" : "no"), .number(branch.minimumConfidence)])
            }
        }
        report.tables = [main, branchTable]
        if analysis.structure != nil { report.tables.append(structure) }
        if !analysis.ward.isEmpty {
            var ward = Table(name: "ward", columns: ["s", "eta_re", "eta_im", "overlap_L1"]
                             + analysis.omegas.indices.map { "overlap_omega\($0 + 1)" } + ["exponent"])
            for entry in analysis.ward {
                ward.rows.append([.integer(entry.branch), .number(entry.eta.real), .number(entry.eta.imaginary), .number(entry.singularOverlap)]
                                 + entry.fullOverlaps.map { .number($0) } + [.number(entry.exponent ?? .nan)])
            }
            report.tables.append(ward)
        }
        try run.write(report)
    }
}
