import CollisionOperator
import Numerics

/// Which model parameter `vw` stands for.
public enum VWTarget: String, Sendable, Hashable {
    /// The cooperon's D0 is the lattice VW D(ω) at the model's ω.
    case d0
    /// The lorentzian's ξ is the lattice VW localization length.
    case xi
}

/// The connection of docs/model.md §6.4: a vertex parameter taken from the lattice VW (42)
/// solution of the same model (its ρ, γ, D_RA, the whole zone, τ_s = 0) at the model's ω
/// (in hierarchy the smallest ω of the ladder, which is the model's ω there).
///
/// Units are those of the lattice VW: ω in t, D = (D/D_RA)·D_RA in a²t/ħ, ξ² = lim iD/ω in
/// a², so ξ is in lattice spacings. D is VW's own D, without D_RR (VW's theory has no
/// Fermi-sea part, and a negative D_RR would push a localized D ≈ −iωξ² out of Re D0 ≥ 0).
/// "Localized" is `DiffusionRegime`'s rule.
public struct VWConnection: Sendable {
    public let target: VWTarget
    /// The frequency VW was solved at (the model's ω), in t.
    public let omega: Double
    /// Newton iterations of the continuation down to ω.
    public let iterations: Int
    /// D_RA, the bare D of the lattice equation.
    public let bareDiffusion: Double
    /// D(ω) in a²t/ħ (Re D clamped at 0 against round-off of the product a·t).
    public let diffusion: Complex<Double>
    /// ξ² of the ω → 0 limit, in a² (nil when the solution does not localize).
    public let localizationLengthSquared: Double?
    /// |iD(ω)/ω − ξ²|/ξ²: how far D(ω) is from the localized form −iωξ² at this ω.
    public let localizedDeviation: Double?
    /// L of the grid.
    public let size: Int

    /// ξ < L (`DiffusionRegime.isLocalizedByDisorder`); nil when VW does not localize.
    public var isLocalizedByDisorder: Bool? {
        localizationLengthSquared.map { DiffusionRegime.isLocalizedByDisorder(length: $0.squareRoot(), size: size) }
    }

    /// Solves the lattice VW on `model` at the frequency ω.
    /// - Throws: `TheoryInputError` when VW cannot be solved on this model at ω,
    ///   `VWConnectionError.noSolution` when it returns no row.
    public static func solve(_ target: VWTarget, model: CollisionModel, omega: Double) throws -> VWConnection {
        let kernel = try LatticeVollhardtWoelfle(model: model)
        let solution = try kernel.solve(omegas: [omega])
        guard let row = solution.rows.first else { throw VWConnectionError.noSolution }
        var d = row.relativeDiffusion.multiplied(by: kernel.bareDiffusion)
        // The solver accepts Re D ≥ −1e-12|D| (round-off of a·t); the localized D is −iωξ².
        if d.real < 0 { d = Complex(0, d.imaginary) }
        let xi2 = solution.staticLimit.localizationLengthSquared
        let deviation = xi2.map { DiffusionRegime.localizedDeviation(diffusion: d, omega: omega, lengthSquared: $0) }
        return VWConnection(target: target, omega: omega, iterations: solution.rows.reduce(0) { $0 + $1.iterations },
                            bareDiffusion: kernel.bareDiffusion, diffusion: d, localizationLengthSquared: xi2,
                            localizedDeviation: deviation, size: kernel.size)
    }

    /// VW's ξ² as the lorentzian's ξ², or why it cannot be used: the `localized` envelope
    /// (finite range), no localization, ξ ≥ L (only the grid localizes), or ω above the
    /// localized regime (`DiffusionRegime.isLocalized` fails at ω).
    public func lengthSquaredForVertex(_ parameters: ModelParameters) throws(VWConnectionError) -> Double {
        if parameters.singular == .localized {
            // What the envelope would give with ξ = VW's ξ: d(0) = Σ a_x|x|²/(2d) ≤ R²/(2d).
            var trial = parameters
            if let xi2 = localizationLengthSquared { trial.xi = xi2.squareRoot() }
            throw .finiteRange(range: parameters.range,
                               cap: parameters.range * parameters.range / Double(2 * parameters.dimension),
                               envelopeSecondMoment: (try? SingularVertex(parameters: trial))?.correlator?.secondMoment)
        }
        guard let xi2 = localizationLengthSquared, let deviation = localizedDeviation else { throw .notLocalized }
        let xi = xi2.squareRoot()
        guard DiffusionRegime.isLocalizedByDisorder(length: xi, size: size) else { throw .localizedByGridOnly }
        guard DiffusionRegime.isLocalized(diffusion: diffusion, omega: omega, lengthSquared: xi2) else {
            // The deviation grows ∝ ω at small ω.
            throw .notYetLocalized(deviation: deviation, smallerOmega: omega * DiffusionRegime.localizedTolerance / deviation)
        }
        return xi2
    }
}

/// Why VW's solution cannot stand for a vertex parameter (bad input: exit status 2).
public enum VWConnectionError: Error, Equatable, Sendable {
    /// VW returned no row at ω.
    case noSolution
    /// The `localized` envelope has finite range R, which caps d(0) below R²/(2d) (`cap`);
    /// `envelopeSecondMoment` is d(0) of an envelope of length VW's ξ.
    case finiteRange(range: Double, cap: Double, envelopeSecondMoment: Double?)
    /// VW does not localize.
    case notLocalized
    /// ξ ≥ L: only the grid's Q = 0 term localizes VW.
    case localizedByGridOnly
    /// D(ω) is not yet −iωξ²; about `smallerOmega` would be.
    case notYetLocalized(deviation: Double, smallerOmega: Double)
}
