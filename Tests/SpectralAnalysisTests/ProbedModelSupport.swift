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
        try self.init(model: model.model, omega: model.probe.omega, direction: direction, maximumMomentum: maximumMomentum,
                      count: count, method: method, symmetry: symmetry)
    }

    static func diffusionPoint(model: ProbedModel, q: [Double], magnitude: Double, omega: Double,
                               method: DiffusionMethod, symmetry: Bool = true) throws -> DiffusionPoint {
        try diffusionPoint(model: model.model, at: Probe(q: q, omega: omega), magnitude: magnitude,
                           method: method, symmetry: symmetry)
    }
}

extension DispersionAnalysis {
    init(model: ProbedModel, direction: [Double]? = nil, maximumMomentum: Double, count: Int,
         method: DiffusionMethod = .auto, symmetry: Bool = true) throws {
        try self.init(model: model.model, omega: model.probe.omega, direction: direction, maximumMomentum: maximumMomentum,
                      count: count, method: method, symmetry: symmetry)
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
