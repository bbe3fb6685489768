import ArgumentParser
import CollisionOperator
import Foundation
import Numerics
import Theory

/// `collop vw`: the Vollhardt–Wölfle self-consistent D(ω), VW (42), in the continuum (★) or on
/// the grid of a model (docs/model.md §6).
struct VWCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vw",
        abstract: "Solve the Vollhardt–Wölfle self-consistency VW (42) for D(ω): localization length, ω0, λ_c, exponents.",
        discussion: """
            Continuum (default), units τ = 1, l = v_Fτ = 1 (D0 = 1/d): D0/D(ω) = 1 + (1/πN_F) ∫_{|k|<k0} dᵈk/(2π)ᵈ 1/(−iω + 1/τ_s + D(ω)k²) (★), VW (42) multiplied by −iτ with D = D0(i/τ)/M. λ = 1/(2πE_Fτ) = 1/(πk_F l), k0 = x0·k_F (--cutoff x0), τ/τ_s by --tau-s-ratio. Rows: D/D0, M(0,ω)τ = iD0/D and Re σ(ω)/σ0 = Re i/(ωτ + Mτ) (VW (32)), solved on the physical branch Re D ≥ 0 by Newton continuation from large ω. Header: localization_length ξ (in l; D = −iωξ² + O(ω²)), omega0 (ω0² = v_F²/(dξ²)), gamma_M (M = −ω0²/ω + iΓ_M), in d = 3 critical_lambda = 1/(3x0), the exponents s and ν fitted near λ_c (pure power law and with the analytic correction) and a second table with the Suslov (112) form of the same equation.

            --lattice: the same equation on the grid of the model options (docs/model.md §2): N_F → ρ(E), τ = 1/(2γ), D0 → D_RA, the Q-integral → (1/N)Σ_Q with Q̂² = Σ 2(1 − cos Q_i), the whole zone or |Q̂| < x_l/l (--lattice-cutoff x_l). ω in t; columns D_over_D0_re D_over_D0_im = D/D_RA (a ratio), D_total_re D_total_im absolute (D_RR added unrenormalized); localization_length in lattice spacings a (localization_length_over_l in l). VW's theory has no Fermi-sea part.
            Examples:
              collop vw --dim 2 --lambda 0.2 --omegas 1e-2,1e-6,1e-12
              collop vw --dim 3 --lambda 0.34 --cutoff 1
              collop vw --lattice --dim 2 --size 64 --omegas 1e-2,1e-3
            """
    )

    /// --lattice: the VW equation reads the grid, the disorder and the SCBA, not the vertex
    /// or the probe (its frequencies are --omegas).
    static let modelUse = ModelUse("vw").passingOver([.omega, .q, .singular, .xi, .range, .profile, .zeta, .amplitude, .d0, .wardProjection])

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var resources: ResourceOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Coupling λ = 1/(2πE_Fτ) = 1/(πk_F l) of the continuum: a finite number > 0. [default: 0.2]", valueName: "λ"))
    var lambda: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Continuum cutoff x0 = k0/k_F: a finite number > 0. [default: 1]", valueName: "x0"))
    var cutoff: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Frequencies (ωτ in the continuum, ω in t with --lattice): distinct numbers in [1e-250, 1e250], comma-separated.", valueName: "ω1,ω2,…"))
    var omegas: String = "1,0.1,0.01,1e-3,1e-4,1e-6,1e-8,1e-10,1e-12"
    @Option(name: .customLong("tau-s-ratio"), parsing: .unconditional, help: ArgumentHelp("τ/τ_s, the time-reversal-breaking rate of VW (42) in units of 1/τ: a finite number ≥ 0.", valueName: "r"))
    var tauSRatio: String = "0"
    @Flag(help: "Solve VW (42) on the grid of the model options instead of the continuum.")
    var lattice = false
    @Option(name: .customLong("lattice-cutoff"), parsing: .unconditional, help: ArgumentHelp("With --lattice: sum only |Q̂| < x_l/l (default: the whole zone).", valueName: "x_l"))
    var latticeCutoff: String?
    @Option(name: .customLong("fit-omega"), parsing: .unconditional, help: ArgumentHelp("Continuum d = 3: ωτ at which s and ν are fitted. [default: 1e-20]", valueName: "ω"))
    var fitOmega: String?

    func run() throws {
        _ = try output.resolvedFormat()
        let ladder = try parseFrequencyLadder(omegas)
        let ratio = try parseTheoryNumber(tauSRatio, flag: "--tau-s-ratio", allowed: "a finite number ≥ 0") { $0.isFinite && $0 >= 0 }
        if lattice {
            try runLattice(ladder: ladder, ratio: ratio)
        } else {
            try runContinuum(ladder: ladder, ratio: ratio)
        }
    }

    func runContinuum(ladder: [Double], ratio: Double) throws {
        let destination = try output.destination()
        if latticeCutoff != nil { throw InputError("--lattice-cutoff: value \(latticeCutoff!) needs --lattice (allowed: only with --lattice)") }
        try model.checkReadable()
        let given = model.flagValues.keys.filter { $0 != .dim }.map(\.flag).sorted()
        if !given.isEmpty || model.config != nil {
            Progress.warn("warning: \((given + (model.config != nil ? ["--config"] : [])).joined(separator: ", ")) \(given.count + (model.config != nil ? 1 : 0) == 1 ? "has" : "have") no effect without --lattice", quiet: output.quiet)
        }
        let dimension = try Int(parseTheoryNumber(model.dim ?? "2", flag: ParameterName.dim.flag, allowed: "1, 2 or 3") { [1, 2, 3].contains($0) })
        let lambdaValue = try parseTheoryNumber(lambda ?? "0.2", flag: "--lambda", allowed: "a finite number > 0") { $0.isFinite && $0 > 0 }
        let cutoffValue = try parseTheoryNumber(cutoff ?? "1", flag: "--cutoff", allowed: "a finite number > 0") { $0.isFinite && $0 > 0 }
        if let fitOmega, dimension != 3 {
            throw InputError("--fit-omega: value \(fitOmega) has no effect in d = \(dimension) (allowed: only in the continuum d = 3, where s and ν are fitted)")
        }
        let fitOmegaValue = try parseTheoryNumber(fitOmega ?? "1e-20", flag: "--fit-omega", allowed: "a number in [1e-250, 1e-6]") { $0.isFinite && $0 >= 1e-250 && $0 <= 1e-6 }
        let kernel = try theoryCall { try VollhardtWoelfleContinuum(dimension: dimension, lambda: lambdaValue, cutoff: cutoffValue) }

        var report = Report(command: "vw")
        report.add("units", "tau = 1, l = v_F tau = 1 (omega in 1/tau, lengths in l, D in D0 = v_F^2 tau/d)")
        report.add("equation", "VW (42): D0/D = 1 + (1/(pi N_F)) int_{|k|<k0} d^dk/(2pi)^d 1/(-i omega + 1/tau_s + D k^2)")
        report.add("mode", "continuum")
        report.add("dim", dimension)
        report.add("lambda", .parameter(lambdaValue))
        report.add("cutoff", .parameter(cutoffValue))
        report.add("tau-s-ratio", .parameter(ratio))
        report.add("omegas", .parameters(ladder))
        let ignored = ParameterName.allCases.filter { $0 != .dim && model.flagValues[$0] != nil }.map(\.key) + (model.config != nil ? ["config"] : [])
        report.add("ignored_options", ignored.isEmpty ? "none" : ignored.joined(separator: ","))
        report.add("k_F", kernel.fermiMomentum)
        report.add("k0", kernel.cutoffMomentum)
        report.add("D0", kernel.bareDiffusion)
        if let lc = kernel.criticalLambda { report.add("critical_lambda", lc) }
        if resources.dryRun {
            report.add("dry_run", "yes: input valid, nothing solved")
            try output.write(report, to: destination)
            return
        }
        let solution = try theoryCall { try VollhardtWoelfleSolution.solve(kernel, omegas: ladder, tauSRatio: ratio) }
        addSolutionHeader(&report, solution, dimension: dimension, ratio: ratio, critical: kernel.criticalLambda.map { lambdaValue == $0 } ?? false)
        if let xi = solution.staticLimit.localizationLength {
            // The seed's printed (43): r0 = 4l (d = 1), k0⁻¹e^{1/(2λ)} (d = 2).
            if dimension == 1 { report.add("seed_43_localization_length", .parameter(4)) }
            if dimension == 2 { report.add("seed_43_localization_length", exp(1 / (2 * lambdaValue)) / kernel.cutoffMomentum) }
            _ = xi
        }
        report.add("newton_iterations", solution.rows.reduce(0) { $0 + $1.iterations })
        report.tables.append(solutionTable(solution, lattice: nil))

        if dimension == 3, let lambdaC = kernel.criticalLambda {
            let fits = try theoryCall { try CriticalExponentFits(cutoff: cutoffValue, omega: fitOmegaValue) }
            report.add("fit_omega", .parameter(fitOmegaValue))
            report.add("fit_window", "|lambda - lambda_c|/lambda_c in [\(formatNumber(fits.window.lower)), \(formatNumber(fits.window.upper))], 9 points")
            report.add("fit_model", "log y = c + e log(delta) + b delta (leading analytic correction); *_power_law: without b")
            report.add("s_fit", fits.s.exponent)
            report.add("s_fit_error", fits.s.exponentError)
            report.add("s_fit_power_law", fits.sPowerLaw.exponent)
            report.add("s_fit_power_law_error", fits.sPowerLaw.exponentError)
            report.add("nu_fit", fits.nu.exponent)
            report.add("nu_fit_error", fits.nu.exponentError)
            report.add("nu_fit_power_law", fits.nuPowerLaw.exponent)
            report.add("nu_fit_power_law_error", fits.nuPowerLaw.exponentError)
            let (suslov, tau) = try theoryCall {
                try SuslovScaling.vollhardtWoelfle(lambda: lambdaValue, criticalLambda: lambdaC, cutoffMomentum: kernel.cutoffMomentum)
            }
            report.add("suslov_A", .parameter(suslov.a))
            report.add("suslov_B", suslov.b)
            report.add("suslov_tau", tau)
            var table = Table(name: "suslov112", columns: ["omega", "D112_re", "D112_im", "relative_difference"])
            for row in solution.rows {
                let d112 = try theoryCall { try suslov.solve(tau: tau, omega: row.omega) }
                table.rows.append([.parameter(row.omega), .number(d112.real), .number(d112.imaginary),
                                   .number((row.relativeDiffusion - d112).length / d112.length)])
            }
            report.tables.append(table)
        }
        try output.write(report, to: destination)
    }

    func addSolutionHeader(_ report: inout Report, _ solution: VollhardtWoelfleSolution, dimension: Int, ratio: Double, critical: Bool) {
        let limit = solution.staticLimit
        if case .localized(let xi2) = limit.regime, let w2 = solution.omega0Squared {
            report.add("regime", "localized: D = -i omega xi^2 + O(omega^2)")
            report.add("localization_length", xi2.squareRoot())
            report.add("omega0", w2.squareRoot())
            report.add("omega0_squared", w2)
            if let gamma = limit.localizedDamping { report.add("gamma_M", gamma) }
        } else if ratio > 0 {
            report.add("regime", "not localized: tau_s > 0 cuts the cooperon pole off, D(omega -> 0) real and finite")
            report.add("D_zero_frequency", limit.staticDiffusion / solution.bareDiffusion)
        } else if critical || limit.regime == .undetermined {
            report.add("regime", "critical: D/D0 ~ (-i omega tau)^(1/3)")
            report.add("D_zero_frequency", 0.0)
        } else {
            report.add("regime", "metallic: D(omega -> 0) = D0 (1 - lambda/lambda_c)")
            report.add("D_zero_frequency", limit.staticDiffusion / solution.bareDiffusion)
        }
    }

    func solutionTable(_ solution: VollhardtWoelfleSolution, lattice: LatticeVollhardtWoelfle?) -> Table {
        // On the lattice the model header declares absolute units (D in a²t/ħ), so the ratio
        // D/D_RA is named as a ratio; the continuum header declares D in units of D0.
        var columns = ["omega"] + (lattice == nil ? ["D_re", "D_im"] : ["D_over_D0_re", "D_over_D0_im"]) + ["M_re", "M_im", "sigma_re"]
        if lattice != nil { columns += ["D_total_re", "D_total_im"] }
        var table = Table(name: "vw", columns: columns)
        for row in solution.rows {
            var cells: [Cell] = [.parameter(row.omega), .number(row.relativeDiffusion.real), .number(row.relativeDiffusion.imaginary),
                                 .number(row.memory.real), .number(row.memory.imaginary), .number(row.conductivity)]
            if let lattice {
                let total = row.relativeDiffusion.multiplied(by: lattice.bareDiffusion) + Complex(lattice.fermiSeaDiffusion, 0)
                cells += [.number(total.real), .number(total.imaginary)]
            }
            table.rows.append(cells)
        }
        return table
    }

    func runLattice(ladder: [Double], ratio: Double) throws {
        if lambda != nil { throw InputError("--lambda: value \(lambda!) has no effect with --lattice (allowed: only without --lattice; the grid's coupling is printed as lambda_effective)") }
        if cutoff != nil { throw InputError("--cutoff: value \(cutoff!) has no effect with --lattice (allowed: only without --lattice; use --lattice-cutoff)") }
        if let fitOmega { throw InputError("--fit-omega: value \(fitOmega) has no effect with --lattice (allowed: only in the continuum d = 3, without --lattice)") }
        let xl = try latticeCutoff.map { text throws(InputError) in
            try parseTheoryNumber(text, flag: "--lattice-cutoff", allowed: "a finite number > 0") { $0.isFinite && $0 > 0 }
        }
        let run = try PreparedRun(model: model, reads: Self.modelUse, output: output, resources: resources) { _ in .diffusionSecular }
        if try run.finishDryRun(resources, command: "vw") { return }
        let built = run.model
        let (kernel, solution) = try theoryCall {
            let kernel = try LatticeVollhardtWoelfle(model: built, latticeCutoff: xl)
            return (kernel, try kernel.solve(omegas: ladder, tauSRatio: ratio))
        }
        var report = Report(command: "vw")
        report.header = run.modelHeader()
        report.add("equation", "VW (42) on the grid: D_RA/D = 1 + (1/(pi rho N)) sum_Q 1/(-i omega + 1/tau_s + D Qhat^2), Qhat^2 = sum 2(1 - cos Q_i)")
        report.add("mode", "lattice")
        report.add("omegas", .parameters(ladder))
        report.add("tau-s-ratio", .parameter(ratio))
        report.add("lattice_cutoff", latticeCutoff.map { _ in Cell.parameter(xl!) } ?? .text("none (the whole zone)"))
        report.add("tau", kernel.tau)
        report.add("rho", kernel.densityOfStates)
        report.add("D0", kernel.bareDiffusion)
        report.add("D0_rule", "D_RA (on-shell Kubo-Greenwood D); D_RR added unrenormalized in D_total")
        if let le = kernel.effectiveLambda { report.add("lambda_effective", le) }
        report.add("grid_points_summed", kernel.pointsSummed)
        report.add("distinct_momenta", kernel.momentumSquared.count)
        addSolutionHeader(&report, solution, dimension: kernel.dimension, ratio: ratio, critical: false)
        if let xi = solution.staticLimit.localizationLength {
            // ξ from D = −iωξ² with D and ω absolute: in lattice spacings, as in closure.
            report.add("localization_length_unit", "a (lattice spacings)")
            report.add("localization_length_over_l", xi / built.resolution.meanFreePath)
            report.add("localized_by", DiffusionRegime.isLocalizedByDisorder(length: xi, size: kernel.size)
                       ? "disorder (xi < L)"
                       : "the grid's Q = 0 term (xi >= L): a finite-size effect, not localization by disorder")
        }
        report.add("newton_iterations", solution.rows.reduce(0) { $0 + $1.iterations })
        report.tables.append(solutionTable(solution, lattice: kernel))
        try run.write(report)
    }
}
