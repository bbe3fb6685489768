import CollisionOperator
import Foundation
import Numerics
import Theory

extension VWConnection {
    /// The header lines, spliced in after `d0`/`d0_im` or `xi` (PreparedRun).
    var header: [(key: String, value: Cell)] {
        var lines: [(key: String, value: Cell)] = []
        switch target {
        case .d0: lines.append(("d0_rule", .text("lattice VW (42) at omega: D(omega) of the same model (D_RA, rho, gamma; whole zone, tau_s = 0), without D_RR")))
        case .xi: lines.append(("xi_rule", .text("lattice VW (42) at omega: localization length, D = -i omega xi^2 + O(omega^2), in lattice spacings (localized: xi < L and |i D/omega - xi^2| <= \(format(DiffusionRegime.localizedTolerance)) xi^2)")))
        }
        lines.append(("vw_omega", .parameter(omega)))
        lines.append(("vw_iterations", .integer(iterations)))
        lines.append(("vw_D_RA", .number(bareDiffusion)))
        switch target {
        case .d0:
            // d0 (and d0_im) above are D(ω) itself; where D(ω) stands against VW's ξ:
            if let xi2 = localizationLengthSquared {
                lines.append(("vw_localization_length", .number(xi2.squareRoot())))
                lines.append(("vw_localized_by", .text(isLocalizedByDisorder == true
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

    /// Solves the lattice VW on `model` at ω, its failures as input errors naming `label`.
    static func solve(_ target: VWTarget, model: CollisionModel, omega: Double, label: String) throws -> VWConnection {
        do {
            return try VWConnection.solve(target, model: model, omega: omega)
        } catch let error as TheoryInputError {
            throw InputError("\(label): value vw cannot be solved at ω = \(format(omega)): \(error.parameter.rawValue) \(error.value) \(error.reason) (allowed: \(error.allowed))")
        } catch VWConnectionError.noSolution {
            throw InputError("\(label): value vw gave no VW solution at ω = \(format(omega)) (allowed: a number)")
        }
    }
}

/// Builds the model of `resolved`; with `--d0 vw` (cooperon) or `--xi vw` (lorentzian) it first
/// builds it with the default in place, solves the lattice VW at its ω and then builds the
/// final model with VW's number. `--xi vw` with `localized` is refused (its finite range caps
/// d(0) below R²/(2d)); a `vw` the chosen vertex does not use only draws the usual warning.
/// Returns the model's warnings with it (`buildModel`).
func buildConnectedModel(_ resolved: ResolvedModel) throws -> (model: CollisionModel, connection: VWConnection?, warnings: [String]) {
    let p = resolved.parameters
    let target: VWTarget
    switch p.singular {
    case .cooperon where resolved.vwRequests[.d0] != nil: target = .d0
    case .lorentzian where resolved.vwRequests[.xi] != nil, .localized where resolved.vwRequests[.xi] != nil: target = .xi
    default:
        let (model, warnings) = try buildModel(resolved)
        return (model, nil, warnings)
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
    let warnings: [String]
    switch target {
    case .d0:
        let d = connection.diffusion
        do {
            model = try base.withCooperonDiffusion(d)
        } catch {
            // DiffusionRegime.isPhysical(d) is false.
            throw InputError("\(label): value vw gives D(ω = \(format(connection.omega))) = \(describeComplex(d)), outside the physical half plane (allowed: re > 0, or re = 0 and im < 0; give a number)")
        }
        warnings = allWarnings(resolved, model)
    case .xi:
        let xi2 = try localizationLengthSquared(connection, parameters: p, label: label)
        var final = resolved
        final.parameters.xi = xi2.squareRoot()
        final.vwRequests = [:]
        (model, warnings) = try buildModel(final)
    }
    return (model, connection, warnings)
}

/// VW's ξ² for `--xi vw` (`VWConnection.lengthSquaredForVertex`), its refusals spelled as
/// input errors naming `label`.
private func localizationLengthSquared(_ c: VWConnection, parameters p: ModelParameters,
                                       label: String) throws(InputError) -> Double {
    let omega = format(c.omega)
    let xiText = c.localizationLengthSquared.map { "VW's ξ² = \(short($0)) (ξ = \(short($0.squareRoot())))" }
        ?? "VW's solution does not localize"
    do {
        return try c.lengthSquaredForVertex(p)
    } catch {
        switch error {
        case .finiteRange(let range, let cap, let d0):
            var comparison = ""
            if let xi2 = c.localizationLengthSquared {
                comparison = xi2 >= cap ? ", above the cap" : ""
                if let d0 { comparison += "; an envelope of length ξ = VW's ξ gives d(0) = \(short(d0)) ≠ ξ²" }
            }
            throw InputError("\(label): value vw cannot be used with \(ParameterName.singular.flag) localized: its correlator has finite range |x| ≤ R = \(format(range)), which caps d(0) = Σ a_x|x|²/(2d) below R²/(2d) = \(short(cap)), and its ξ is an envelope length, not VW's; VW's localized cooperon (iF/ω)/(1 + ξ²Q̂²) needs d(0) = ξ² at all Q: \(xiText)\(comparison) (allowed: vw only with \(ParameterName.singular.flag) lorentzian, which is that cooperon exactly; or a number for the envelope length)")
        case .notLocalized, .noSolution:
            throw InputError("\(label): value vw needs a localized VW solution, but at ω = \(omega) it is not localized: \(xiText) (allowed: a number, or vw where VW localizes)")
        case .localizedByGridOnly:
            throw InputError("\(label): value vw needs a VW solution localized by disorder, but ξ = \(short(c.localizationLengthSquared!.squareRoot())) ≥ L = \(c.size): only the finite grid localizes it (its Q = 0 term), disorder does not at this size (allowed: a number; or vw on a grid with ξ < L, e.g. stronger \(ParameterName.disorder.flag) or \(ParameterName.dim.flag) 1)")
        case .notYetLocalized(let deviation, let below):
            throw InputError("\(label): value vw needs the VW solution localized at ω = \(omega), but there D(ω) = \(describeComplex(c.diffusion)) is not yet −iωξ² (|iD/ω − ξ²|/ξ² = \(short(deviation)) > \(format(DiffusionRegime.localizedTolerance)), ξ = \(short(c.localizationLengthSquared!.squareRoot()))) (allowed: a number; or vw at a smaller \(ParameterName.omega.flag), about ≤ \(short(below)))")
        }
    }
}

/// Four significant digits, for messages.
private func short(_ value: Double) -> String { String(format: "%.4g", value) }
