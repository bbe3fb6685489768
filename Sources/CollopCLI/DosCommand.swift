import ArgumentParser
import CollisionOperator
import DenseLinearAlgebra
import ExactModel
import Foundation
import Synchronization

/// `collop dos`: the SCBA's one-particle quantities across the band, E by E.
struct DosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dos",
        abstract: "ρ(E), Σ(E), γ(E), the mean free path l(E), D_RA(E) and D_RR(E) across the band, from the SCBA of the model.",
        discussion: """
            At each E of --energies (default: \(defaultPointCount) points from −E_max to E_max, E_max = 2d·t + tail, tail = W/2 with W = √(12 U0), the reach of box disorder beyond the bare band; with --self-energy fixed tail = 10γ) the model's SCBA is solved on the grid as every other command solves it at --energy (CollisionModel), and the row gives: rho = ρ(E) = −(1/πN) Σ_k Im G^R_k; sigma_re, sigma_im = (1/N) Σ_k Σ^R_k(E) (Σ itself for white noise); gamma = −(1/N) Σ_k Im Σ^R_k(E); l = v_F/(2γ), the mean free path of the header's mean_free_path, with v_F² the mean square velocity on the broadened Fermi surface (v_F column); D_RA, D_RR and D_KG = D_RA + D_RR, the Kubo–Greenwood parts along axis 1 (docs/model.md §3.7). Each row equals the header of `spectrum --energy E` (gamma, D_RA, D_RR, mean_free_path) to the last bit.
            Where the grid's SCBA has no solution with γ > 0 (beyond the broadened band, or a level spacing above γ) the row has scba = none and NaN in every derived column; where the iteration does not converge within --scba-max-iterations, scba = unconverged. Neither stops the run.
            Model options read: --dim, --size, --hopping, --disorder or --u0, --correlation, --self-energy, --gamma, --scba-max-iterations. --energy is replaced by --energies (warned about); the probe and the singular vertex (--omega, --q, --singular and its parameters) do not enter the SCBA and are passed over (ignored_options). The energies run in parallel on --threads workers (default all cores); the rows do not depend on the count.
            Examples:
              collop dos --dim 2 --size 64 --disorder 2
              collop dos --dim 3 --size 24 --energies 0,0.5,1,1.5
            """
    )

    /// The parameters of the SCBA; the energy is swept, the probe and the vertex do not enter.
    static let modelUse = ModelUse("dos").defaulting(.singular, to: "none")
        .except(.energy, "the energies are --energies")
        .passingOver([.omega, .q, .singular, .xi, .range, .profile, .zeta, .amplitude, .d0, .wardProjection])
    static let defaultPointCount = 201

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var resources: ResourceOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Energies E: distinct finite numbers, comma-separated. [default: --points values evenly from −E_max to E_max, E_max = 2d·t + W/2 (10γ with --self-energy fixed)]", valueName: "E1,E2,…"))
    var energies: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Number of energies of the default grid (symmetric about 0): an odd integer 3…100001, not with --energies. [default: \(defaultPointCount)]", valueName: "n"))
    var points: String?

    /// --energies as numbers: at least one, all finite, none repeated.
    static func parseEnergies(_ text: String) throws(InputError) -> [Double] {
        let allowed = "distinct finite numbers, comma-separated"
        return try parseDistinctFiniteList(text, flag: "--energies", allowed: allowed, noun: "an energy")
    }

    /// The default grid: E_j = E_max·(j − m)/m, j = 0 … 2m, so that E_{2m−j} = −E_j exactly.
    static func defaultEnergies(halfWidth: Double, count: Int) -> [Double] {
        let m = count / 2
        return (0...(2 * m)).map { halfWidth * Double($0 - m) / Double(m) }
    }

    /// The reach E_max of the default grid: the bare band 2d·t plus the disorder's tail,
    /// W/2 for box disorder of variance U0 = W²/12 (the edge of the exact spectrum), 10γ for
    /// a fixed self-energy (a Lorentzian keeps 6 % of its weight beyond).
    static func defaultReach(_ p: ModelParameters) -> (value: Double, rule: String) {
        let band = TightBindingBand(hopping: p.hopping).halfWidth(dimension: p.dimension)
        switch p.selfEnergy {
        case .scba: return (band + (12 * p.u0).squareRoot() / 2, "2d*t + W/2, W = sqrt(12 u0)")
        case .fixed(let gamma): return (band + 10 * gamma, "2d*t + 10 gamma")
        }
    }

    func run() throws {
        let start = ContinuousClock.now, lapackAtStart = LapackClock.seconds
        _ = try output.resolvedFormat()
        let destination = try output.destination()
        try resources.applyThreads()
        let resolved = try model.resolve(for: Self.modelUse)
        for warning in resolved.warnings { Progress.warn(warning, quiet: output.quiet) }
        let p = resolved.parameters
        let plan = try resources.admit(.densityOfStates, parameters: p, q: resolved.probe.q)
        let grid: [Double], gridRule: String
        if let energies {
            if let points { throw InputError("--points: value \(points) sets the default grid, which --energies replaces (allowed: only without --energies)") }
            grid = try Self.parseEnergies(energies)
            gridRule = "given (--energies)"
        } else {
            var count = Self.defaultPointCount
            if let points {
                guard let value = Int(points.trimmingCharacters(in: .whitespaces)), (3...100_001).contains(value), value % 2 == 1 else {
                    throw InputError("--points: value \(points.isEmpty ? "\"\"" : points) is out of range (allowed: an odd integer 3…100001)")
                }
                count = value
            }
            let reach = Self.defaultReach(p)
            grid = Self.defaultEnergies(halfWidth: reach.value, count: count)
            gridRule = "\(count) points evenly in [-E_max, E_max], E_max = \(reach.rule) = \(format(reach.value))"
        }

        var report = Report(command: "dos")
        report.header = Self.header(p, ignored: resolved.ignored)
        report.add("energies", .parameters(grid))
        report.add("energies_rule", gridRule)
        report.add("l_rule", "l = v_F/(2 gamma), v_F^2 = sum_k |v_k|^2 A_k / sum_k A_k, A_k = -Im G^R_k (as mean_free_path)")
        report.add("sigma_rule", "(1/N) sum_k Sigma^R_k(E) on the unshifted grid; gamma = -(1/N) sum_k Im Sigma^R_k(E)")
        report.add("scba_rule", "ok; none: no SCBA solution with gamma > 0 on this grid (NaN columns); unconverged: no fixed point within scba-max-iterations (NaN columns)")
        report.add("memory_estimate", plan.headerDescription)
        if resources.dryRun {
            report.add("dry_run", "yes: input valid, \(grid.count) energies, no SCBA solved")
            try output.write(report, to: destination)
            return
        }

        let progress = Progress(enabled: !output.quiet && grid.count * p.gridPointCount >= 1 << 20)
        let done = Atomic<Int>(0)
        let workers = LinearAlgebraBackend.threadCount
        progress.stage("SCBA at \(grid.count) energies on N = \(p.gridPointCount) points, \(workers) workers")
        let rows = try ParallelTasks.map(count: grid.count, threads: workers) { index in
            let point = DensityOfStatesPoint(parameters: p, energy: grid[index])
            let finished = done.add(1, ordering: .relaxed).newValue
            if finished % max(grid.count / 10, 1) == 0 { progress.stage("\(finished) of \(grid.count) energies") }
            return point
        }
        if let failure = rows.lazy.compactMap(\.failure).first { throw failure.error }
        var table = Table(name: "dos", columns: ["energy", "scba"] + DensityOfStatesPoint.columns)
        table.rows = zip(grid, rows).map { energy, point in [.parameter(energy)] + point.cells }
        report.tables = [table]
        try output.write(report, to: destination)
        if resources.timing { printTiming(since: start, lapackAtStart: lapackAtStart) }
    }

    /// The header: the parameters of the SCBA as `modelHeader` writes them, and the back end.
    static func header(_ p: ModelParameters, ignored: [ParameterName]) -> [(key: String, value: Cell)] {
        var header: [(key: String, value: Cell)] = [
            ("units", .text("t = 1, lattice spacing a = 1, hbar = 1 (energies and rates in t, lengths in a, D in a^2 t/hbar)")),
            (ParameterName.dim.key, .integer(p.dimension)), (ParameterName.size.key, .integer(p.size)), ("N", .integer(p.gridPointCount)),
            (ParameterName.hopping.key, .parameter(p.hopping))]
        if case .width(let w) = p.disorder { header.append((ParameterName.disorder.key, .parameter(w))) }
        header += [(ParameterName.u0.key, .parameter(p.u0)), (ParameterName.correlation.key, .parameter(p.correlationRadius))]
        switch p.selfEnergy {
        case .scba:
            header += [(ParameterName.selfEnergy.key, .text("scba")), (ParameterName.scbaMaxIterations.key, .integer(p.scbaMaximumIterations))]
        case .fixed(let gamma):
            header += [(ParameterName.selfEnergy.key, .text("fixed")), (ParameterName.gamma.key, .parameter(gamma))]
        }
        header += [("ignored_options", .text(ignored.isEmpty ? "none" : ignored.map(\.key).joined(separator: ","))),
                   ("workers", .integer(LinearAlgebraBackend.threadCount))]
        return header
    }
}

/// One row of `dos`: ρ, Σ, γ, l, v_F and the Kubo–Greenwood parts of the model built at E
/// (`CollisionModel`: its SCBA, sums and mean free path, exactly as every command's header
/// has them), or why the SCBA has no solution there. Only the numbers are kept, not the
/// model's fields of N points.
struct DensityOfStatesPoint: Sendable {
    enum Status: String, Sendable {
        case ok
        /// No SCBA solution with γ > 0 at E on this grid.
        case none
        /// The SCBA iteration did not converge.
        case unconverged
    }

    /// An error of another kind: a numerical failure of the run, thrown after the sweep.
    struct Failure: @unchecked Sendable { let error: Error }

    static let columns = ["rho", "sigma_re", "sigma_im", "gamma", "l", "v_F", "D_RA", "D_RR", "D_KG"]

    var status: Status
    /// The `columns`, NaN unless ok.
    var values: [Double]
    var failure: Failure?

    init(parameters: ModelParameters, energy: Double) {
        var p = parameters
        p.energy = energy
        values = [Double](repeating: .nan, count: Self.columns.count)
        failure = nil
        do {
            let model = try CollisionModel(parameters: p)
            let kg = model.kuboGreenwood, sigma = model.selfEnergyAtEnergy.mean
            values = [kg.densityOfStates, sigma.real, sigma.imaginary, model.gamma, model.resolution.meanFreePath,
                      kg.fermiVelocity, kg.onShellDiffusion, kg.fermiSeaDiffusion, kg.diffusion]
            status = .ok
        } catch let error as ParameterError where error.parameter == .energy {
            status = .none
        } catch ModelComputationError.selfEnergyNotConverged {
            status = .unconverged
        } catch {
            status = .none
            failure = Failure(error: error)
        }
    }

    /// scba, then the `columns`.
    var cells: [Cell] { [.text(status.rawValue)] + values.map(Cell.number) }
}
