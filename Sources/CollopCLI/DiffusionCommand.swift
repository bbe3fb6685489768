import ArgumentParser
import CollisionOperator
import Foundation
import SpectralAnalysis

/// `collop diffusion`: the diffusion pole λ0(q) at small q, D_fit and D_KG.
struct DiffusionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diffusion",
        abstract: "λ0(q) at small q along a direction, D_fit = lim iλ0/q² and the Kubo–Greenwood D_KG.",
        discussion: """
            Rows: q, λ0(q) (the mode of largest w0), w0 and D(ω,q) = iλ0/q² (Suslov (55)) at the given ω. D(ω) is the q → 0 intercept of a least-squares fit iλ0/q² = D + Bq² + Cq⁴. For the metallic ladder (\(ParameterName.singular.flag) none) D_fit is the same fit at ω → 0 (the operator at ω = 0), which for white noise equals D_KG = σ/ρ (Einstein relation, docs/model.md §3.7). --method secular solves the diagonal-plus-rank-one secular equation in O(N) per q; dense uses zgeev.
            --omegas ω1,ω2,…: the same at each ω on one model (grid, SCBA at E and band solved once): the table diffusion gets an omega column first, and a second table fit has one row per ω with everything the one-ω header gives per ω (D_omega, fit_residual, D_fit, D_current, relative_difference, einstein_status, the ladder's and the round-off floor's verdicts); each row equals that of `diffusion --omega ω_i` (docs/guide/diffusion.md). The header keeps what does not depend on ω, with omegas, lambda0_solves and estimated_flops (also in --dry-run).
            """
    )

    static let modelUse = ModelUse("diffusion").except(.q, "the q ladder is --direction, --qmax and --nq")
    /// With --omegas: --omega is not read (given together, both are refused).
    static let omegaLadderUse = modelUse.except(.omega, "the frequencies are --omegas")

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var resources: ResourceOptions

    @OptionGroup var ladder: LadderOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Frequencies of the ladder, one q ladder each: distinct finite numbers, each as --omega allows (> 0; ≥ 0 with \(ParameterName.singular.flag) none), comma-separated; not together with --omega. Adds the omega column and the fit table.", valueName: "ω1,ω2,…"))
    var omegas: String?

    /// The --omegas list: ≥ 1 finite, distinct numbers (each checked against the model as
    /// --omega is, in `LadderRun.prepare`); refused together with --omega, flag or config key.
    func parseOmegas(_ text: String) throws(InputError) -> [Double] {
        let allowed = "distinct finite numbers, each > 0 (≥ 0 with \(ParameterName.singular.flag) none), comma-separated; not together with --omega"
        if let given = model.omega {
            throw InputError("--omega: value \(given) and --omegas: value \(text) are given together (allowed: one of them, --omega for one frequency or --omegas for a list)")
        }
        if let path = model.config, try ConfigFile(path: path).values[.omega] != nil {
            throw InputError("config key 'omega' in \(path) and --omegas: value \(text) are given together (allowed: one of them, omega for one frequency or --omegas for a list)")
        }
        return try parseDistinctFiniteList(text, flag: "--omegas", allowed: allowed, noun: "a frequency")
    }

    func run() throws {
        let omegaLadder = try omegas.map(parseOmegas)
        guard let ladderRun = try LadderRun.prepare(.diffusion, model: model, reads: omegaLadder == nil ? Self.modelUse : Self.omegaLadderUse,
                                                    output: output, resources: resources, ladder: ladder, omegas: omegaLadder) else { return }
        if let omegaLadder {
            try ladderRun.run.write(try namingOmegas { try Self.omegaLadderReport(ladderRun, omegas: omegaLadder) })
            return
        }
        let result = try DiffusionAtOmega(ladderRun, omega: ladderRun.run.probe.omega, several: false)
        var report = ladderRun.report(result.analysis.ladder, krylov: result.analysis.krylovReport)
        report.add("fit", DiffusionAnalysis.fitForm(pointCount: result.analysis.points.count))
        for (key, value) in result.fitLines { report.add(key, value) }
        let analysis = result.analysis
        report.add("D_fit_limit", analysis.staticDiffusion != nil ? "omega -> 0" : "omega as given")
        report.add("D_KG_direction", analysis.kuboGreenwood)
        // The current channel D_cur = −i(j, 𝕃⁻¹j)/(s, s) at q = 0 and the given ω (docs/model.md §4):
        // with the closure's fixed point as --d0 it returns D_cur = D*.
        switch result.current {
        case .success(let current):
            report.add("D_current_re", current.diffusion.real)
            report.add("D_current_im", current.diffusion.imaginary)
            report.add("D_current_residual", current.residual)
            report.add("D_current_backward_error", current.backwardError)
        case .failure(let error):
            report.add("D_current", "not computed: \(describeFailure(error))")
        }
        report.add("relative_difference", analysis.relativeDifference)
        if analysis.einsteinApplies {
            report.add("einstein_tolerance", DiffusionAnalysis.einsteinTolerance)
            report.add("einstein_status", result.einsteinStatus)
        } else {
            report.add("einstein_status", Self.einsteinNotApplicable)
        }
        var table = Table(name: "diffusion", columns: Self.rowColumns)
        table.rows = analysis.points.map(Self.row)
        report.tables.append(table)
        try ladderRun.run.write(report)
    }

    static let einsteinNotApplicable = "not an identity for this model (needs white noise and \(ParameterName.singular.flag) none)"
    static let rowColumns = ["q", "lambda0_re", "lambda0_im", "w0", "D_re", "D_im"]

    static func row(_ point: DiffusionPoint) -> [Cell] {
        [.number(point.q), .number(point.lambda0.real), .number(point.lambda0.imaginary),
         .number(point.zeroModeOverlap), .number(point.diffusion.real), .number(point.diffusion.imaginary)]
    }

    /// `--omegas`: one `DiffusionAtOmega` per ω on the one model; the header holds what does
    /// not depend on ω, the table `diffusion` the rows of every ω (omega first), the table
    /// `fit` per ω what the one-ω header gives.
    static func omegaLadderReport(_ ladderRun: LadderRun, omegas: [Double]) throws -> Report {
        var results: [DiffusionAtOmega] = []
        for (index, omega) in omegas.enumerated() {
            ladderRun.progress.stage("ω = \(format(omega)) (\(index + 1) of \(omegas.count))")
            // The metallic ladder's ω = 0 ladder (for D_fit) is solved once, at the first ω ≠ 0.
            let staticLadder = results.lazy.compactMap(\.analysis.staticLadder).first
            results.append(try DiffusionAtOmega(ladderRun, omega: omega, several: true, reusing: staticLadder))
        }
        let first = results[0].analysis
        let krylov = results.compactMap(\.analysis.krylovReport).reduce(nil as KrylovReport?) { ($0 ?? KrylovReport()).merging($1) }
        // The ladder's header without its per-ω verdicts (those are columns of fit).
        var report = ladderRun.report(first.ladder, krylov: nil, verdicts: false)
        report.header += try ladderRun.options.omegaLadderLines(ladderRun.run.model.parameters, omegas: omegas)
        if let krylov { report.header += krylovHeader(krylov) }
        report.add("fit", DiffusionAnalysis.fitForm(pointCount: first.points.count))
        report.add("D_fit_limit", first.staticDiffusion != nil ? "omega -> 0" : "omega as given")
        report.add("D_KG_direction", first.kuboGreenwood)
        if first.einsteinApplies {
            report.add("einstein_tolerance", DiffusionAnalysis.einsteinTolerance)
        } else {
            report.add("einstein_rule", einsteinNotApplicable)
        }
        let extraKeys = results[0].perOmegaLines.map(\.key)
        var table = Table(name: "diffusion", columns: ["omega"] + rowColumns)
        var fit = Table(name: "fit", columns: ["omega"] + results[0].fitLines.map(\.key)
                        + ["D_current_re", "D_current_im", "D_current_residual", "D_current_backward_error", "D_current_status",
                           "relative_difference", "einstein_status"] + extraKeys)
        for (omega, result) in zip(omegas, results) {
            table.rows += result.analysis.points.map { [.parameter(omega)] + row($0) }
            let current: [Cell]
            switch result.current {
            case .success(let c):
                current = [.number(c.diffusion.real), .number(c.diffusion.imaginary), .number(c.residual), .number(c.backwardError), .text("computed")]
            case .failure(let error):
                current = [.number(.nan), .number(.nan), .number(.nan), .number(.nan), .text("not computed: \(describeFailure(error))")]
            }
            fit.rows.append([.parameter(omega)] + result.fitLines.map(\.value) + current
                            + [.number(result.analysis.relativeDifference),
                               .text(result.analysis.einsteinApplies ? result.einsteinStatus : "not_applicable")]
                            + result.perOmegaLines.map(\.value))
        }
        report.tables = [table, fit]
        return report
    }
}

/// Everything `diffusion` computes at one ω on the prepared model: the analysis, the
/// current channel (or why it failed), the round-off floor and the ω-dependent verdicts.
struct DiffusionAtOmega {
    let analysis: DiffusionAnalysis
    let current: Result<CurrentRelaxation.Result, Error>
    let floor: ResolutionFloor
    /// The fit's header lines in the one-ω order: D_omega_re … D_fit_im.
    let fitLines: [(key: String, value: Cell)]
    /// The other lines that depend on ω: the ladder's verdicts (`LadderDiagnostics`), the
    /// round-off floor, the cooperon's Thouless ratio and, on the Krylov path, its cost.
    let perOmegaLines: [(key: String, value: Cell)]

    var einsteinStatus: String {
        analysis.relativeDifference <= DiffusionAnalysis.einsteinTolerance ? "PASS" : "FAIL"
    }

    /// - Parameters:
    ///   - several: one of several ω (`--omegas`): the ladder's warnings name ω.
    ///   - staticLadder: the ω = 0 ladder of the metallic ladder, solved at another ω.
    init(_ ladderRun: LadderRun, omega: Double, several: Bool, reusing staticLadder: DiffusionLadder? = nil) throws {
        let built = ladderRun.run.model
        let probe = ladderRun.run.probe.at(omega: omega)
        floor = omega == ladderRun.floor.omega ? ladderRun.floor : try ladderRun.run.resolutionFloor(at: omega, consequence: LadderRun.floorConsequence)
        let probes = ladderRun.probes(at: omega)
        analysis = try DiffusionAnalysis(model: built, probes: probes, method: ladderRun.options.method,
                                         symmetry: ladderRun.run.symmetry, progress: ladderRun.beforeSolve,
                                         newtonProgress: ladderRun.newtonStep, reusing: staticLadder)
        current = Result { try CurrentRelaxation.currentDiffusion(model: built, omega: omega) }
        fitLines = [("D_omega_re", .number(analysis.diffusionAtOmega.real)), ("D_omega_im", .number(analysis.diffusionAtOmega.imaginary)),
                    ("fit_residual", .number(analysis.fitResidual)),
                    ("D_fit_re", .number(analysis.fitted.real)), ("D_fit_im", .number(analysis.fitted.imaginary))]
        let thouless = ResolutionDiagnostics(model: built, probe: probe).header.filter { ResolutionDiagnostics.probeKeys.contains($0.key) }
        let diagnostics = LadderDiagnostics(points: analysis.points, model: built)
        if several { ladderRun.warn(diagnostics, at: omega) }
        perOmegaLines = diagnostics.header + resolutionFloorHeader(floor) + thouless
            + (analysis.krylovReport.map(krylovHeader) ?? []).filter { $0.key != "krylov_inner_tolerance" }
    }
}
