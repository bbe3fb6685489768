import ArgumentParser
import Foundation
import Numerics
import CollisionOperator
import Theory

/// `collop scaling`: Suslov's scaling equation (112), its physical root and the scaling collapse.
struct ScalingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaling",
        abstract: "Solve Suslov's scaling equation (112), D0 = Aτ + B(−iω/D0)^{1/(2ν)}, on its physical branch.",
        discussion: """
            ν from Suslov (18): 1/(d − 2) for 2 < d < 4, 1/2 for d ≥ 4 (any real d > 2); τ is the distance to the transition (τ > 0 metal). Of the roots exactly one has Re D0 > 0 (at τ = 0, ν = 1 a second root lies on the boundary D0 = +i|D0|); it is followed from its exact value at τ = 0, D0 = B^{2ν/(2ν+1)}(−iω)^{1/(2ν+1)}. Regimes (116a): metal D0 → Aτ; insulator D0 → (−iω)(B/(A|τ|))^{2ν}. Tables: scaling (omega D0_re D0_im) at --tau; collapse (D0·ω^{−1/(2ν+1)} against τ·ω^{−1/(2ν+1)}) for every τ of --taus and ω of --omegas. Header: nu, s = 1, and s, ν fitted from solutions over |τ| ∈ [1e-3, 1e-2] at a frequency with |τ|ω^{−1/(2ν+1)} ≥ 1e8 (in logarithms).
            Examples:
              collop scaling --dim 3 --tau 0 --omegas 1e-2,1e-4,1e-6
              collop scaling --dim 5 --a 2 --b 0.5 --tau -0.01
            """
    )

    @OptionGroup var output: OutputOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Dimension d: a real number > 2.", valueName: "d"))
    var dim: String = "3"
    @Option(name: .customLong("a"), parsing: .unconditional, help: ArgumentHelp("Amplitude A: a finite number > 0.", valueName: "A"))
    var a: String = "1"
    @Option(name: .customLong("b"), parsing: .unconditional, help: ArgumentHelp("Amplitude B: a finite number > 0.", valueName: "B"))
    var b: String = "1"
    @Option(parsing: .unconditional, help: ArgumentHelp("Distance to the transition τ (> 0 metal, < 0 insulator): a finite number.", valueName: "τ"))
    var tau: String = "0"
    @Option(parsing: .unconditional, help: ArgumentHelp("Frequencies: distinct numbers in [1e-250, 1e250], comma-separated.", valueName: "ω1,ω2,…"))
    var omegas: String = "1e-2,1e-3,1e-4,1e-5,1e-6,1e-8,1e-10"
    @Option(parsing: .unconditional, help: ArgumentHelp("Distances τ of the collapse table: finite numbers, comma-separated.", valueName: "τ1,τ2,…"))
    var taus: String = "-0.1,-0.03,-0.01,-0.003,-0.001,0,0.001,0.003,0.01,0.03,0.1"

    func run() throws {
        _ = try output.resolvedFormat()
        let destination = try output.destination()
        let d = try parseTheoryNumber(dim, flag: "--dim", allowed: "a real number > 2") { $0.isFinite && $0 > 2 }
        let aValue = try parseTheoryNumber(a, flag: "--a", allowed: "a finite number > 0") { $0.isFinite && $0 > 0 }
        let bValue = try parseTheoryNumber(b, flag: "--b", allowed: "a finite number > 0") { $0.isFinite && $0 > 0 }
        let tauValue = try parseTheoryNumber(tau, flag: "--tau", allowed: "a finite number") { $0.isFinite }
        let ladder = try parseFrequencyLadder(omegas)
        let collapseTaus = try parseNumberList(taus, flag: "--taus", allowed: "finite numbers, comma-separated")
        if let bad = collapseTaus.first(where: { !$0.isFinite }) {
            throw InputError("--taus: value \(taus) contains \(format(bad)) (allowed: finite numbers, comma-separated)")
        }
        let equation = try theoryCall { try SuslovScaling(dimension: d, a: aValue, b: bValue) }
        let fits = try theoryCall { try equation.fittedExponents() }

        var report = Report(command: "scaling")
        report.add("equation", "Suslov (112): D0 = A tau + B (-i omega/D0)^(1/(2 nu)), root with Re D0 > 0")
        report.add("dim", .parameter(d))
        report.add("a", .parameter(aValue))
        report.add("b", .parameter(bValue))
        report.add("tau", .parameter(tauValue))
        report.add("omegas", .parameters(ladder))
        report.add("nu", equation.nu)
        report.add("nu_rule", d < 4 ? "Suslov (18): 1/(d - 2), 2 < d < 4" : "Suslov (18): 1/2, d >= 4")
        report.add("s", .parameter(1))
        report.add("critical_exponent", equation.criticalExponent)
        report.add("regime", tauValue > 0 ? "metal: D0 -> A tau as omega -> 0" : tauValue < 0 ? "insulator: D0 -> (-i omega)(B/(A|tau|))^(2 nu)" : "critical: D0 = B^(2nu/(2nu+1)) (-i omega)^(1/(2nu+1))")
        report.add("fit_window", "|tau| in [1e-3, 1e-2], 9 points, |tau| omega^(-1/(2nu+1)) >= 1e8")
        report.add("s_fit", fits.s.exponent)
        report.add("s_fit_error", fits.s.exponentError)
        report.add("nu_fit", fits.nu.exponent)
        report.add("nu_fit_error", fits.nu.exponentError)

        var table = Table(name: "scaling", columns: ["omega", "D0_re", "D0_im"])
        for omega in ladder {
            let d0 = try theoryCall { try equation.solve(tau: tauValue, omega: omega) }
            table.rows.append([.parameter(omega), .number(d0.real), .number(d0.imaginary)])
        }
        report.tables.append(table)
        var collapse = Table(name: "collapse", columns: ["tau", "omega", "x", "y_re", "y_im"])
        let exponent = equation.criticalExponent
        for omega in ladder {
            let scale = pow(omega, -exponent)
            for t in collapseTaus {
                let d0 = try theoryCall { try equation.solve(tau: t, omega: omega) }
                collapse.rows.append([.parameter(t), .parameter(omega), .number(t * scale), .number(d0.real * scale), .number(d0.imaginary * scale)])
            }
        }
        report.tables.append(collapse)
        try output.write(report, to: destination)
    }
}
