import Numerics

/// How the regular vertex strength U0 is given: by the box-disorder width W
/// (U0 = W²/12) or directly.
public enum DisorderStrength: Sendable, Equatable {
    case width(Double)
    case vertex(Double)

    /// The white-noise vertex U0.
    public var u0: Double {
        switch self {
        case .width(let w): return w * w / 12
        case .vertex(let u0): return u0
        }
    }
}

/// The self-energy entering the Green functions (docs/model.md §2 "Self-energy").
public enum SelfEnergyModel: Sendable, Equatable {
    /// Self-consistent Born approximation on the grid (Ward identity exact).
    case scba
    /// Σ^R = −iγ with the given γ (breaks the Ward identity on purpose).
    case fixed(gamma: Double)
}

/// The singular vertex U^sing(Q), Q = k + k' (docs/model.md §2 "Singular part").
public enum SingularModel: String, Sendable, Equatable, CaseIterable {
    /// U^sing = 0: the metallic ladder alone.
    case none
    /// (iF/ω)·A(Q), A a finite-range wave-function correlator (Suslov (61)–(63), (66)).
    case localized
    /// (iF/ω)/(1 + ξ²Q̂²): infinite range.
    case lorentzian
    /// F/(−iω + D0 Q̂²): the Vollhardt–Wölfle cooperon, VW (40).
    case cooperon
}

/// Radial profile a_x of the `localized` correlator.
public enum CorrelatorProfile: String, Sendable, Equatable, CaseIterable {
    /// a_x ∝ e^{−|x|/ξ}.
    case exp
    /// a_x ∝ max(|x|,1)^{−d−ζ} for |x| ≤ ξ, continued exponentially beyond (Suslov (66)).
    case power
}

/// Every input of the model, with the defaults of docs/model.md §2: the physics only. The
/// point (q, ω) where the operator is evaluated is a `Probe`, apart from the model.
/// `validate()` is the one place where ranges are enforced (`validate(with:)` with a probe);
/// everything downstream may assume a valid value.
public struct ModelParameters: Sendable, Equatable {
    public var dimension = 2
    public var size = 16
    public var hopping = 1.0
    public var energy = 0.3
    public var disorder = DisorderStrength.width(2)
    /// Disorder correlation radius r_c (0: white noise).
    public var correlationRadius = 0.0
    public var selfEnergy = SelfEnergyModel.scba
    public var singular = SingularModel.localized
    public var xi = 1.5
    /// Range R of the `localized` correlator: lattice vectors with |x| ≤ R.
    public var range = 2.0
    public var profile = CorrelatorProfile.exp
    /// Exponent ζ of the `power` profile (Suslov (66); §7.4 argues ζ < 0).
    public var zeta = -0.5
    /// Amplitude F of U^sing; `nil` means the VW cooperon amplitude 2γU0.
    public var amplitude: Double? = nil
    /// Cooperon diffusion constant D0, complex in general (a self-consistent D(ω) is); `nil`
    /// means the Kubo–Greenwood D of the model.
    public var d0: Complex<Double>? = nil
    public var wardProjection = true
    /// Iteration limit of the SCBA fixed-point loop.
    public var scbaMaximumIterations = 10_000

    public init() {}

    /// N = L^d.
    public var gridPointCount: Int {
        var n = 1
        for _ in 0..<max(dimension, 0) { n = n.multipliedReportingOverflow(by: max(size, 0)).partialValue }
        return n
    }

    /// The white-noise vertex U0.
    public var u0: Double { disorder.u0 }

    /// Whether the singular vertex divides by ω (so ω must be > 0).
    public var singularDividesByOmega: Bool { singular != .none }
}
