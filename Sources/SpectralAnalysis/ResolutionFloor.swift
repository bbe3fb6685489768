import CollisionOperator

/// The round-off floor of an eigen-solve of 𝕃 at frequency ω: a backward-stable solver
/// returns each eigenvalue to ≈ ε·‖𝕃‖, and ‖𝕃‖ ≥ ‖𝕃sing‖ ≈ (scale of 𝕊) grows like F/ω. When
/// this floor is not small against the regular scale 2γ of M1 (the rate of ΔΣ), the modes
/// of |λ| below it — the exact zero mode at q = 0, λ0 at small q, the M1 eigenvalues — carry
/// no digits: the zero mode comes out at |λ| ≈ floor and merges with the ΔΣ cluster.
public struct ResolutionFloor: Sendable, Equatable {
    /// ε·‖𝕃sing‖ (0 without a singular vertex).
    public let absolute: Double
    /// The regular scale 2γ the floor is measured against.
    public let regularScale: Double
    /// The frequency ω of the operator.
    public let omega: Double

    /// The floor relative to 2γ above which M1 eigenvalues keep fewer than six significant digits.
    public static let relativeLimit = 1e-6

    /// The floor of 𝕃 at `probe`: ε times the scale of 𝕊 (`CollisionModel.singularScale`)
    /// on the fields at `probe`, against 2γ.
    public init(model: CollisionModel, at probe: Probe) throws {
        let scale = model.parameters.singular == .none ? 0
            : model.singularScale(fields: try model.fields(at: probe), omega: probe.omega)
        absolute = Double.ulpOfOne * scale
        regularScale = 2 * model.gamma
        omega = probe.omega
    }

    /// absolute / 2γ.
    public var relative: Double { absolute / regularScale }
    /// Whether the floor is small against 2γ (the modes below 2γ keep six digits).
    public var isResolved: Bool { !(relative > Self.relativeLimit) }
    /// The smallest ω at which the floor (∝ 1/ω) stays below `relativeLimit` of 2γ.
    public var smallestResolvedOmega: Double { omega * relative / Self.relativeLimit }
}
