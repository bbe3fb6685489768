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
            """
    )

    static let modelUse = ModelUse("diffusion").except(.q, "the q ladder is --direction, --qmax and --nq")

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var resources: ResourceOptions

    @OptionGroup var ladder: LadderOptions

    func run() throws {
        guard let ladderRun = try LadderRun.prepare(.diffusion, model: model, reads: Self.modelUse, output: output, resources: resources, ladder: ladder) else { return }
        let built = ladderRun.run.model
        let probes = ladderRun.probes()
        let analysis = try DiffusionAnalysis(model: built, probes: probes, method: ladderRun.options.method,
                                             symmetry: ladderRun.run.symmetry, progress: ladderRun.beforeSolve,
                                             newtonProgress: ladderRun.newtonStep)
        var report = ladderRun.report(analysis.ladder, krylov: analysis.krylovReport)
        report.add("fit", DiffusionAnalysis.fitForm(pointCount: analysis.points.count))
        report.add("D_omega_re", analysis.diffusionAtOmega.real)
        report.add("D_omega_im", analysis.diffusionAtOmega.imaginary)
        report.add("fit_residual", analysis.fitResidual)
        report.add("D_fit_re", analysis.fitted.real)
        report.add("D_fit_im", analysis.fitted.imaginary)
        report.add("D_fit_limit", analysis.staticDiffusion != nil ? "omega -> 0" : "omega as given")
        report.add("D_KG_direction", analysis.kuboGreenwood)
        // The current channel D_cur = −i(j, 𝕃⁻¹j)/(s, s) at q = 0 and the given ω (docs/model.md §4):
        // with the closure's fixed point as --d0 it returns D_cur = D*.
        do {
            let current = try CurrentRelaxation.currentDiffusion(model: built, omega: ladderRun.run.probe.omega)
            report.add("D_current_re", current.diffusion.real)
            report.add("D_current_im", current.diffusion.imaginary)
            report.add("D_current_residual", current.residual)
            report.add("D_current_backward_error", current.backwardError)
        } catch {
            report.add("D_current", "not computed: \(describeFailure(error))")
        }
        report.add("relative_difference", analysis.relativeDifference)
        if analysis.einsteinApplies {
            report.add("einstein_tolerance", DiffusionAnalysis.einsteinTolerance)
            report.add("einstein_status", analysis.relativeDifference <= DiffusionAnalysis.einsteinTolerance ? "PASS" : "FAIL")
        } else {
            report.add("einstein_status", "not an identity for this model (needs white noise and \(ParameterName.singular.flag) none)")
        }
        var table = Table(name: "diffusion", columns: ["q", "lambda0_re", "lambda0_im", "w0", "D_re", "D_im"])
        for point in analysis.points {
            table.rows.append([.number(point.q), .number(point.lambda0.real), .number(point.lambda0.imaginary),
                               .number(point.zeroModeOverlap), .number(point.diffusion.real), .number(point.diffusion.imaginary)])
        }
        report.tables.append(table)
        try ladderRun.run.write(report)
    }
}
