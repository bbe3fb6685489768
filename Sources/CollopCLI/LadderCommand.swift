import CollisionOperator
import Foundation
import Numerics
import SpectralAnalysis

/// What sets `diffusion` and `dispersion` apart; everything else about the two q-ladder
/// commands is `LadderRun`.
enum LadderCommandKind: String {
    /// λ0(q) at small q, the fit D(ω) and the Einstein relation.
    case diffusion
    /// λ0(q) beyond the small-q fit, with the streaming term.
    case dispersion

    var defaultCount: Int { self == .diffusion ? 5 : 10 }
    /// `auto` resolves to dense up to this N even where the secular equation applies.
    var denseUpTo: Int { self == .diffusion ? 0 : DiffusionMethodChoice.largeMomentumDenseLimit }
    var denseWorkload: Workload { self == .diffusion ? .diffusionDense : .dispersionDense }
    /// q_max without --qmax, with the rule that gives it: 0.1·γ/t for the small-q fit, 1 for the dispersion.
    func defaultMaximum(_ model: CollisionModel) -> (value: Double, rule: String) {
        self == .diffusion ? (DiffusionAnalysis.defaultMaximumMomentum(model: model), "0.1·γ/t") : (1, "1")
    }
}

/// The shared part of `diffusion` and `dispersion`: options, dry run, the probes of the q
/// ladder, progress lines and the ladder's header.
struct LadderRun {
    let kind: LadderCommandKind
    let run: PreparedRun
    let options: LadderOptions.Resolved
    let progress: Progress
    let quiet: Bool
    /// The round-off floor of the solves at the model's ω (warned about when it swamps λ0).
    let floor: ResolutionFloor

    /// Validates the options and prepares the model; nil after a dry run (already written).
    static func prepare(_ kind: LadderCommandKind, model: ModelOptions, reads use: ModelUse, output: OutputOptions,
                        resources: ResourceOptions, ladder: LadderOptions) throws -> LadderRun? {
        var options: LadderOptions.Resolved?
        let run = try PreparedRun(model: model, reads: use, output: output, resources: resources) { parameters, _ in
            options = try ladder.resolve(dimension: parameters.dimension, defaultCount: kind.defaultCount)
            try options!.checkZone(dimension: parameters.dimension)
        } workload: { parameters in
            options!.workload(parameters, denseUpTo: kind.denseUpTo, dense: kind.denseWorkload)
        } validate: { model, _ in
            try options!.checkZone(dimension: model.parameters.dimension, defaultValue: kind.defaultMaximum(model))
        }
        if try run.finishDryRun(resources, command: kind.rawValue) { return nil }
        let floor = try run.resolutionFloor(consequence: "λ0 at small q (|λ0| ≈ Dq² < 2γ) loses its digits")
        return LadderRun(kind: kind, run: run, options: options!, progress: run.progress(), quiet: output.quiet, floor: floor)
    }

    /// The ladder q_j = qmax·j/nq along the direction at the model's ω; without --qmax,
    /// qmax = `kind.defaultMaximum` (checked against the zone like a given one in `prepare`).
    func probes() -> [Probe] {
        let unit = DiffusionAnalysis.unitDirection(options.direction, dimension: run.model.parameters.dimension)
        return run.probe.ladder(direction: unit, maximum: options.qmax ?? kind.defaultMaximum(run.model).value, count: options.count)
    }

    /// The method `auto` resolves to for this command.
    func methodChoice() throws -> DiffusionMethodChoice {
        try DiffusionMethodChoice(options.method, parameters: run.model.parameters, denseUpTo: kind.denseUpTo)
    }

    /// Progress lines: one per dense or Krylov solve, one per Newton step.
    func beforeSolve(_ done: Int, _ total: Int) { progress.stage("λ0(q): solve \(done + 1) of \(total)") }
    /// `beforeSolve` for one ladder of `total` solves, counting them.
    func beforeEachSolve(of total: Int) -> () -> Void {
        var done = 0
        return {
            beforeSolve(done, total)
            done += 1
        }
    }
    func newtonStep(_ step: Int, _ lambda: Complex<Double>, _ products: Int) {
        progress.stage("  Newton step \(step): λ = \(String(format: "%.6e", lambda.real)) \(String(format: "%+.6e", lambda.imaginary))i after \(products) COCG products")
    }

    /// The report's header for the solved ladder (its diagnostics warned about on stderr).
    func report(_ ladder: DiffusionLadder, krylov: KrylovReport?) -> Report {
        let built = run.model
        let diagnostics = LadderDiagnostics(points: ladder.points, model: built)
        for warning in diagnostics.warnings { Progress.warn("warning: " + warning, quiet: quiet) }
        var report = Report(command: kind.rawValue)
        report.header = run.modelHeader() + diagnostics.header + resolutionFloorHeader(floor)
        report.add("direction", ladder.direction.map(format).joined(separator: ","))
        report.add("qmax", ladder.points.last?.q ?? 0)
        report.add("nq", ladder.points.count)
        report.add("method", ladder.method.rawValue)
        report.add("method_rule", ladder.choice.reason)
        if let krylov { report.header += krylovHeader(krylov) }
        return report
    }
}
