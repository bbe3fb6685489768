import ArgumentParser
import CollisionOperator
import SpectralAnalysis

/// `collop dispersion`: λ0(q), λ0⁽¹⁾ and D(ω, q) along a direction.
struct DispersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispersion",
        abstract: "λ0(q), its first-order term λ0⁽¹⁾ = (s, Ms)/(s, s), the remainder and D(ω,q) = iλ0/q² along a direction.",
        discussion: """
            λ0 is the mode of largest overlap w0 with √ΔG. λ0⁽¹⁾ is the second term of Suslov (44) (the quantum correction of (46)); it does not vanish as ω → 0, while in the localized model the remainder λ0 − λ0⁽¹⁾ scales ∝ ω. Rows: q_j = qmax·j/nq, j = 1…nq.
            """
    )

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var resources: ResourceOptions
    @OptionGroup var ladder: LadderOptions

    func run() throws {
        var options: LadderOptions.Resolved?
        let run = try PreparedRun(model: model, output: output, resources: resources) { parameters in
            options = try ladder.resolve(dimension: parameters.dimension, defaultCount: 10)
        } workload: { parameters in
            options!.workload(parameters, denseUpTo: DispersionAnalysis.denseAutoLimit, dense: .dispersionDense)
        }
        if try run.finishDryRun(resources, command: "dispersion") { return }
        let built = run.model
        let progress = run.progress()
        let analysis = try DispersionAnalysis(model: built, direction: options!.direction, maximumMomentum: options!.qmax ?? 1,
                                              count: options!.count, method: options!.method, symmetry: run.symmetry) {
            progress.stage("λ0(q): solve \($0 + 1) of \($1)")
        }
        var report = Report(command: "dispersion")
        report.header = modelHeader(built)
        report.add("direction", analysis.direction.map(format).joined(separator: ","))
        report.add("qmax", analysis.points.last?.q ?? 0)
        report.add("nq", analysis.points.count)
        report.add("method", analysis.method.rawValue)
        var table = Table(name: "dispersion", columns: ["q", "lambda0_re", "lambda0_im", "w0", "first_re", "first_im",
                                                        "remainder_re", "remainder_im", "D_re", "D_im"])
        for point in analysis.points {
            table.rows.append([.number(point.q), .number(point.lambda0.real), .number(point.lambda0.imaginary), .number(point.zeroModeOverlap),
                               .number(point.firstOrder.real), .number(point.firstOrder.imaginary),
                               .number(point.remainder.real), .number(point.remainder.imaginary),
                               .number(point.diffusion.real), .number(point.diffusion.imaginary)])
        }
        report.tables = [table]
        try run.write(report)
    }
}
