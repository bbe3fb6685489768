import ArgumentParser
import Foundation
import CollisionOperator
import SpectralAnalysis

/// `collop dispersion`: λ0(q), the streaming term λ_M and D(ω, q) along a direction.
struct DispersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispersion",
        abstract: "λ0(q), its streaming term λ_M = (s, Ms)/(s, s), the remainder and D(ω,q) = iλ0/q² along a direction.",
        discussion: """
            λ0 is the mode of largest overlap w0 with √ΔG. The streaming term λ_M = (s, Ms)/(s, s) (columns lambda0_stream_re/im) is −iD_RR q² at small q, the Fermi-sea part of the Einstein relation (docs/model.md §3.7): it is O(q²), part of Suslov's λ0⁽²⁾ in (40), not his λ0⁽¹⁾, which vanishes by (39). It does not vanish as ω → 0, while in the localized model the remainder λ0 − λ_M scales ∝ ω. Rows: q_j = qmax·j/nq, j = 1…nq.
            """
    )

    static let modelUse = ModelUse("dispersion").except(.q, "the q ladder is --direction, --qmax and --nq")

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var resources: ResourceOptions
    @OptionGroup var ladder: LadderOptions

    func run() throws {
        var options: LadderOptions.Resolved?
        let run = try PreparedRun(model: model, reads: Self.modelUse, output: output, resources: resources) { parameters, _ in
            options = try ladder.resolve(dimension: parameters.dimension, defaultCount: 10)
            try options!.checkZone(dimension: parameters.dimension)
        } workload: { parameters in
            options!.workload(parameters, denseUpTo: DispersionAnalysis.denseAutoLimit, dense: .dispersionDense)
        }
        if try run.finishDryRun(resources, command: "dispersion") { return }
        let built = run.model
        let progress = run.progress()
        let analysis = try DispersionAnalysis(model: built, omega: run.probe.omega, direction: options!.direction, maximumMomentum: options!.qmax ?? 1,
                                              count: options!.count, method: options!.method, symmetry: run.symmetry) {
            progress.stage("λ0(q): solve \($0 + 1) of \($1)")
        } newtonProgress: { step, lambda, products in
            progress.stage("  Newton step \(step): λ = \(String(format: "%.6e", lambda.real)) \(String(format: "%+.6e", lambda.imaginary))i after \(products) COCG products")
        }
        let diagnostics = LadderDiagnostics(points: analysis.points, model: built)
        for warning in diagnostics.warnings { Progress.warn("warning: " + warning, quiet: output.quiet) }
        var report = Report(command: "dispersion")
        report.header = run.modelHeader() + diagnostics.header
        report.add("direction", analysis.direction.map(format).joined(separator: ","))
        report.add("qmax", analysis.points.last?.q ?? 0)
        report.add("nq", analysis.points.count)
        report.add("method", analysis.method.rawValue)
        if let krylov = analysis.krylovReport { report.header += krylovHeader(krylov) }
        var table = Table(name: "dispersion", columns: ["q", "lambda0_re", "lambda0_im", "w0", "lambda0_stream_re", "lambda0_stream_im",
                                                        "remainder_re", "remainder_im", "D_re", "D_im"])
        for point in analysis.points {
            table.rows.append([.number(point.q), .number(point.lambda0.real), .number(point.lambda0.imaginary), .number(point.zeroModeOverlap),
                               .number(point.streamingTerm.real), .number(point.streamingTerm.imaginary),
                               .number(point.remainder.real), .number(point.remainder.imaginary),
                               .number(point.diffusion.real), .number(point.diffusion.imaginary)])
        }
        report.tables = [table]
        try run.write(report)
    }
}
