import CollisionOperator
import Numerics
import SpectralAnalysis
import TestSupport

// The analyses at a test fixture's probe (ModelSetup.model()): each passes the probe, or
// the ladder built from it, explicitly.

extension HierarchyAnalysis {
    init(model: ProbedModel, omegas: [Double] = defaultOmegas, delta: Double = defaultDelta,
         symmetry: Bool = true) throws {
        try self.init(model: model.model, probes: model.probe.ladder(omegas: omegas), delta: delta, symmetry: symmetry)
    }
}

extension FlowAnalysis {
    init(model: ProbedModel, steps: Int, symmetry: Bool = true) throws {
        try self.init(model: model.model, at: model.probe, steps: steps, symmetry: symmetry)
    }
}

extension DiffusionAnalysis {
    init(model: ProbedModel, direction: [Double]? = nil, maximumMomentum: Double? = nil, count: Int = 5,
         method: DiffusionMethod = .auto, symmetry: Bool = true) throws {
        try self.init(model: model.model,
                      probes: Self.probes(model: model.model, omega: model.probe.omega, direction: direction,
                                          maximumMomentum: maximumMomentum, count: count),
                      method: method, symmetry: symmetry)
    }
}

extension DiffusionLadder {
    /// The dispersion's ladder q_j = qmax·j/count at the fixture's ω (auto as `dispersion` resolves it).
    init(model: ProbedModel, direction: [Double]? = nil, maximumMomentum: Double, count: Int,
         method: DiffusionMethod = .auto, symmetry: Bool = true) throws {
        try self.init(model: model.model,
                      probes: DiffusionAnalysis.probes(model: model.model, omega: model.probe.omega, direction: direction,
                                                       maximumMomentum: maximumMomentum, count: count),
                      choice: DiffusionMethodChoice(method, parameters: model.parameters,
                                                    denseUpTo: DiffusionMethodChoice.largeMomentumDenseLimit),
                      symmetry: symmetry)
    }
}

extension DiffusionModeSolver {
    /// λ0 at the probe (q, ω) of the fixture's model, from λ = 0.
    func point(model: ProbedModel, q: [Double], omega: Double) throws -> DiffusionModeSolution {
        try diffusionMode(of: model.model.operator(at: Probe(q: q, omega: omega)), start: .zero)
    }
}

extension IdentityChecker {
    init(model: ProbedModel) { self.init(model: model.model, at: model.probe) }
}

extension CurrentRelaxation {
    static func currentDiffusion(model: ProbedModel, omega: Double) throws -> Result {
        try currentDiffusion(model: model.model, omega: omega)
    }
}
