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
}

extension LadderOptions.Resolved {
    /// `diffusion --omegas`: the header lines of the ω ladder — the frequencies, the number
    /// of λ0 solves (one q ladder per ω, and for the `none` vertex its ω = 0 ladder once,
    /// shared by every ω ≠ 0) and, for the dense and Krylov paths, that
    /// number times the estimated flops per λ0 by which `auto` chose (the choice itself does
    /// not depend on the count: both costs grow with it alike).
    func omegaLadderLines(_ parameters: ModelParameters, omegas: [Double]) throws -> [(key: String, value: Cell)] {
        let choice = try DiffusionMethodChoice(method, parameters: parameters)
        let staticLadder = parameters.singular == .none && omegas.contains { $0 != 0 }
        let solves = count * (omegas.count + (staticLadder ? 1 : 0))
        var lines: [(key: String, value: Cell)] = [("omegas", .parameters(omegas)), ("lambda0_solves", .integer(solves))]
        switch choice.method {
        case .dense: lines.append(("estimated_flops", .number(Double(solves) * DiffusionMethodChoice.denseCost(gridPoints: parameters.gridPointCount, dimension: parameters.dimension))))
        case .krylov: lines.append(("estimated_flops", .number(Double(solves) * DiffusionMethodChoice.krylovCost(gridPoints: parameters.gridPointCount))))
        case .secular, .auto: lines.append(("estimated_flops", .text("O(N) per solve (secular equation)")))
        }
        return lines
    }
}

/// Runs `body` of `diffusion --omegas`: an error about ω (a `ParameterError` naming it,
/// from the probe's check or the SCBA at E + ω) names --omegas, which set it.
func namingOmegas<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ParameterError where error.parameter == .omega {
        throw InputError("--omegas: \(phrase(error))")
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
    /// - Parameter omegas: `diffusion --omegas`: the frequencies of the ladders (each checked
    ///   as --omega is, an error naming --omegas); the probe takes the smallest, and the dry
    ///   run solves the SCBA at each and counts the λ0 solves of them all (`omegaLadderLines`).
    static func prepare(_ kind: LadderCommandKind, model: ModelOptions, reads use: ModelUse, output: OutputOptions,
                        resources: ResourceOptions, ladder: LadderOptions, omegas: [Double]? = nil) throws -> LadderRun? {
        var options: LadderOptions.Resolved?
        let run = try PreparedRun(model: model, reads: use, output: output, resources: resources) { parameters, probe in
            options = try ladder.resolve(dimension: parameters.dimension, defaultCount: kind.defaultCount)
            try options!.checkZone(dimension: parameters.dimension)
            if let omegas {
                for omega in omegas { try namingOmegas { try parameters.validate(with: probe.at(omega: omega)) } }
                probe.omega = omegas.min()!
            }
        } workload: { parameters in
            options!.workload(parameters, denseUpTo: kind.denseUpTo, dense: kind.denseWorkload)
        }
        /// With --omegas, an error about ω names --omegas.
        func naming<T>(_ body: () throws -> T) throws -> T { omegas == nil ? try body() : try namingOmegas(body) }
        let ladderLines = try omegas.map { try options!.omegaLadderLines(run.model.parameters, omegas: $0) } ?? []
        if try naming({ try run.finishDryRun(resources, command: kind.rawValue, omegas: omegas, extra: ladderLines) }) { return nil }
        let floor = try naming { try run.resolutionFloor(consequence: floorConsequence) }
        return LadderRun(kind: kind, run: run, options: options!, progress: run.progress(), quiet: output.quiet, floor: floor)
    }

    /// What the round-off floor costs a q ladder, for its warning.
    static let floorConsequence = "λ0 at small q (|λ0| ≈ Dq² < 2γ) loses its digits"

    /// The ladder q_j = qmax·j/nq along the direction at `omega` (default the model's ω);
    /// without --qmax, qmax = `defaultValue` (checked against the zone like a given one).
    func probes(at omega: Double? = nil, defaultMaximum defaultValue: (value: Double, rule: String)) throws(InputError) -> [Probe] {
        let dimension = run.model.parameters.dimension
        try options.checkZone(dimension: dimension, defaultValue: defaultValue)
        let unit = DiffusionAnalysis.unitDirection(options.direction, dimension: dimension)
        return run.probe.at(omega: omega ?? run.probe.omega).ladder(direction: unit, maximum: options.qmax ?? defaultValue.value, count: options.count)
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
    /// The diagnostics' warnings on stderr (`at`: the ω of one of several ladders, named).
    func warn(_ diagnostics: LadderDiagnostics, at omega: Double? = nil) {
        let prefix = omega.map { "at ω = \(format($0)): " } ?? ""
        for warning in diagnostics.warnings { Progress.warn("warning: " + prefix + warning, quiet: quiet) }
    }
    func newtonStep(_ step: Int, _ lambda: Complex<Double>, _ products: Int) {
        progress.stage("  Newton step \(step): λ = \(String(format: "%.6e", lambda.real)) \(String(format: "%+.6e", lambda.imaginary))i after \(products) COCG products")
    }

    /// The report's header for the solved ladder (its diagnostics warned about on stderr).
    /// `verdicts` false (`diffusion --omegas`): without the ladder's diagnostics and round-off
    /// floor, which the caller gives per ω.
    func report(_ ladder: DiffusionLadder, krylov: KrylovReport?, verdicts: Bool = true) -> Report {
        var report = Report(command: kind.rawValue)
        report.header = run.modelHeader()
        if verdicts {
            let diagnostics = LadderDiagnostics(points: ladder.points, model: run.model)
            warn(diagnostics)
            report.header += diagnostics.header + resolutionFloorHeader(floor)
        }
        report.add("direction", ladder.direction.map(format).joined(separator: ","))
        report.add("qmax", ladder.points.last?.q ?? 0)
        report.add("nq", ladder.points.count)
        report.add("method", ladder.method.rawValue)
        report.add("method_rule", ladder.choice.reason)
        if let krylov { report.header += krylovHeader(krylov) }
        return report
    }
}
