import CollisionOperator
import Foundation
import Numerics
import Theory

/// Which model parameter `vw` stands for.
enum VWTarget: String, Sendable, Hashable {
    /// `--d0 vw`: the cooperon's D0 is the lattice VW D(ω) at the model's ω.
    case d0
    /// `--xi vw`: the lorentzian's ξ is the lattice VW localization length.
    case xi
}

/// The connection of docs/model.md §6.4: a vertex parameter taken from the lattice VW (42)
/// solution of the same model (its ρ, γ, D_RA, the whole zone, τ_s = 0) at the model's ω
/// (in hierarchy the smallest ω of the ladder, which is the model's ω there).
///
/// Units are those of `collop vw --lattice`: ω in t, D = (D/D_RA)·D_RA in a²t/ħ (the `D_re`,
/// `D_im` columns times the header's `D0`), ξ² = lim iD/ω in a², so ξ is in lattice spacings.
/// D is VW's own D, without D_RR (VW's theory has no Fermi-sea part; `D_total` adds it
/// unrenormalized, and a negative D_RR would push a localized D ≈ −iωξ² out of Re D0 ≥ 0).
struct VWConnection: Sendable {
    let target: VWTarget
    /// The frequency VW was solved at (the model's ω), in t.
    let omega: Double
    /// Newton iterations of the continuation down to ω.
    let iterations: Int
    /// D_RA, the bare D of the lattice equation.
    let bareDiffusion: Double
    /// D(ω) in a²t/ħ (Re D clamped at 0 against round-off of the product a·t).
    let diffusion: Complex<Double>
    /// ξ² of the ω → 0 limit, in a² (nil when the solution does not localize).
    let localizationLengthSquared: Double?
    /// |iD(ω)/ω − ξ²|/ξ²: how far D(ω) is from the localized form −iωξ² at this ω.
    let localizedDeviation: Double?
    let size: Int

    /// "Localized at ω" for `--xi vw` means ξ < L (localized by disorder, not only by the
    /// grid's Q = 0 term) and D(ω) within this relative distance of −iωξ².
    static let localizedTolerance = 0.1

    /// The header lines, spliced in after `d0`/`d0_im` or `xi` (PreparedRun).
    var header: [(key: String, value: Cell)] {
        var lines: [(key: String, value: Cell)] = []
        switch target {
        case .d0: lines.append(("d0_rule", .text("lattice VW (42) at omega: D(omega) of the same model (D_RA, rho, gamma; whole zone, tau_s = 0), without D_RR")))
        case .xi: lines.append(("xi_rule", .text("lattice VW (42) at omega: localization length, D = -i omega xi^2 + O(omega^2), in lattice spacings (localized: xi < L and |i D/omega - xi^2| <= \(format(Self.localizedTolerance)) xi^2)")))
        }
        lines.append(("vw_omega", .parameter(omega)))
        lines.append(("vw_iterations", .integer(iterations)))
        lines.append(("vw_D_RA", .number(bareDiffusion)))
        switch target {
        case .d0:
            // d0 (and d0_im) above are D(ω) itself; where D(ω) stands against VW's ξ:
            if let xi2 = localizationLengthSquared {
                lines.append(("vw_localization_length", .number(xi2.squareRoot())))
                lines.append(("vw_localized_by", .text(xi2.squareRoot() < Double(size)
                    ? "disorder (xi < L)" : "the grid's Q = 0 term (xi >= L): a finite-size effect")))
            }
        case .xi:
            // xi above is VW's ξ; D(ω) and how close it is to −iωξ²:
            lines.append(("vw_D_re", .number(diffusion.real)))
            lines.append(("vw_D_im", .number(diffusion.imaginary)))
        }
        if let deviation = localizedDeviation { lines.append(("vw_localized_deviation", .number(deviation))) }
        return lines
    }

    /// Solves the lattice VW on `model` at the frequency ω.
    static func solve(_ target: VWTarget, model: CollisionModel, omega: Double, label: String) throws -> VWConnection {
        let kernel: LatticeVollhardtWoelfle
        let solution: VollhardtWoelfleSolution
        do {
            kernel = try LatticeVollhardtWoelfle(model: model)
            solution = try kernel.solve(omegas: [omega])
        } catch let error as TheoryInputError {
            throw InputError("\(label): value vw cannot be solved at ω = \(format(omega)): \(error.parameter.rawValue) \(error.value) \(error.reason) (allowed: \(error.allowed))")
        }
        guard let row = solution.rows.first else {
            throw InputError("\(label): value vw gave no VW solution at ω = \(format(omega)) (allowed: a number)")
        }
        var d = row.relativeDiffusion.multiplied(by: kernel.bareDiffusion)
        // The solver accepts Re D ≥ −1e-12|D| (round-off of a·t); the localized D is −iωξ².
        if d.real < 0 { d = Complex(0, d.imaginary) }
        let xi2 = solution.staticLimit.localizationLengthSquared
        let deviation = xi2.map { xi2 in (Complex(0, 1) * d).divided(by: omega).subtracting(xi2).length / xi2 }
        return VWConnection(target: target, omega: omega, iterations: solution.rows.reduce(0) { $0 + $1.iterations },
                            bareDiffusion: kernel.bareDiffusion, diffusion: d, localizationLengthSquared: xi2,
                            localizedDeviation: deviation, size: kernel.size)
    }
}

private extension Complex where RealType == Double {
    func subtracting(_ x: Double) -> Complex<Double> { Complex(real - x, imaginary) }
}

/// Builds the model of `resolved`; with `--d0 vw` (cooperon) or `--xi vw` (lorentzian) it first
/// builds it with the default in place, solves the lattice VW at its ω and then builds the
/// final model with VW's number. `--xi vw` with `localized` is refused (its finite range caps
/// d(0) below R²/(2d)); a `vw` the chosen vertex does not use only draws the usual warning.
func buildConnectedModel(_ resolved: ResolvedModel, quiet: Bool) throws -> (model: CollisionModel, connection: VWConnection?) {
    let p = resolved.parameters
    let target: VWTarget
    switch p.singular {
    case .cooperon where resolved.vwRequests[.d0] != nil: target = .d0
    case .lorentzian where resolved.vwRequests[.xi] != nil, .localized where resolved.vwRequests[.xi] != nil: target = .xi
    default: return (try buildModel(resolved, quiet: quiet), nil)
    }
    let label = resolved.vwRequests[target]!
    // The placeholder: the same SCBA, Kubo–Greenwood D and grid (d0/xi enter only U^sing).
    let base: CollisionModel
    do {
        base = try CollisionModel(parameters: p, compareNextSize: target == .d0 && comparesNextSize(p))
    } catch let error as ParameterError {
        throw inputError(error, sources: resolved.sources)
    }
    let connection = try VWConnection.solve(target, model: base, omega: resolved.probe.omega, label: label)
    let model: CollisionModel
    switch target {
    case .d0:
        let d = connection.diffusion
        do {
            model = try base.withCooperonDiffusion(d)
        } catch {
            throw InputError("\(label): value vw gives D(ω = \(format(connection.omega))) = \(describeComplex(d)), outside the physical half plane (allowed: re > 0, or re = 0 and im < 0; give a number)")
        }
        for warning in resolved.warnings { Progress.warn(warning, quiet: quiet) }
        for warning in modelWarnings(model, probe: resolved.probe) { Progress.warn("warning: " + warning, quiet: quiet) }
    case .xi:
        let xi2 = try localizationLengthSquared(connection, singular: p.singular, parameters: p, label: label)
        var final = resolved
        final.parameters.xi = xi2.squareRoot()
        final.vwRequests = [:]
        model = try buildModel(final, quiet: quiet)
    }
    return (model, connection)
}

/// VW's ξ² for `--xi vw`, or the reason it cannot be used: `localized` (finite range), no
/// localization, ξ ≥ L (only the grid localizes), or ω above the localized regime.
private func localizationLengthSquared(_ c: VWConnection, singular: SingularModel, parameters p: ModelParameters,
                                       label: String) throws(InputError) -> Double {
    let omega = format(c.omega)
    let xiText = c.localizationLengthSquared.map { "VW's ξ² = \(short($0)) (ξ = \(short($0.squareRoot())))" }
        ?? "VW's solution does not localize"
    if singular == .localized {
        // What the envelope would give with ξ = VW's ξ: d(0) = Σ a_x|x|²/(2d) ≤ R²/(2d).
        var trial = p
        if let xi2 = c.localizationLengthSquared { trial.xi = xi2.squareRoot() }
        let d0 = (try? SingularVertex(parameters: trial))?.correlator?.secondMoment
        let cap = p.range * p.range / Double(2 * p.dimension)
        var comparison = ""
        if let xi2 = c.localizationLengthSquared {
            comparison = xi2 >= cap ? ", above the cap" : ""
            if let d0 { comparison += "; an envelope of length ξ = VW's ξ gives d(0) = \(short(d0)) ≠ ξ²" }
        }
        throw InputError("\(label): value vw cannot be used with --singular localized: its correlator has finite range |x| ≤ R = \(format(p.range)), which caps d(0) = Σ a_x|x|²/(2d) below R²/(2d) = \(short(cap)), and its ξ is an envelope length, not VW's; VW's localized cooperon (iF/ω)/(1 + ξ²Q̂²) needs d(0) = ξ² at all Q: \(xiText)\(comparison) (allowed: vw only with --singular lorentzian, which is that cooperon exactly; or a number for the envelope length)")
    }
    guard let xi2 = c.localizationLengthSquared, let deviation = c.localizedDeviation else {
        throw InputError("\(label): value vw needs a localized VW solution, but at ω = \(omega) it is not localized: \(xiText) (allowed: a number, or vw where VW localizes)")
    }
    let xi = xi2.squareRoot()
    guard xi < Double(c.size) else {
        throw InputError("\(label): value vw needs a VW solution localized by disorder, but ξ = \(short(xi)) ≥ L = \(c.size): only the finite grid localizes it (its Q = 0 term), disorder does not at this size (allowed: a number; or vw on a grid with ξ < L, e.g. stronger --disorder or --dim 1)")
    }
    guard deviation <= VWConnection.localizedTolerance else {
        // The deviation grows ∝ ω at small ω.
        let below = c.omega * VWConnection.localizedTolerance / deviation
        throw InputError("\(label): value vw needs the VW solution localized at ω = \(omega), but there D(ω) = \(describeComplex(c.diffusion)) is not yet −iωξ² (|iD/ω − ξ²|/ξ² = \(short(deviation)) > \(format(VWConnection.localizedTolerance)), ξ = \(short(xi))) (allowed: a number; or vw at a smaller --omega, about ≤ \(short(below)))")
    }
    return xi2
}

/// Four significant digits, for messages.
private func short(_ value: Double) -> String { String(format: "%.4g", value) }
