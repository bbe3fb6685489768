import CollisionOperator

/// A test's model parameters together with the probe (q, ω) it evaluates the operator at,
/// set the way tests write them: `$0.size = 8; $0.omega = 1e-4; $0.q = [0.1, 0]` (the
/// parameters' fields by dynamic member lookup; `omega` and `q` are the probe's).
@dynamicMemberLookup
public struct ModelSetup: Sendable {
    public var parameters = ModelParameters()
    public var omega = Probe.defaultOmega
    /// nil: q = 0 in the parameters' dimension.
    public var q: [Double]? = nil

    public init() {}

    public init(_ change: (inout ModelSetup) -> Void) {
        change(&self)
    }

    public subscript<T>(dynamicMember path: WritableKeyPath<ModelParameters, T>) -> T {
        get { parameters[keyPath: path] }
        set { parameters[keyPath: path] = newValue }
    }

    public var momentum: [Double] { q ?? [Double](repeating: 0, count: max(parameters.dimension, 0)) }
    public var probe: Probe { Probe(q: momentum, omega: omega) }

    /// The parameters and the probe checked together (the CLI's order).
    public func validate() throws(ParameterError) { try parameters.validate(with: probe) }

    /// The model of the parameters, with the probe beside it.
    public func model(compareNextSize: Bool = false) throws -> ProbedModel {
        try validate()
        return ProbedModel(model: try CollisionModel(parameters: parameters, compareNextSize: compareNextSize), probe: probe)
    }
}

/// A model and the probe a test evaluates it at; reads through to the model's members.
@dynamicMemberLookup
public struct ProbedModel: Sendable {
    public let model: CollisionModel
    public let probe: Probe

    public init(model: CollisionModel, probe: Probe) {
        self.model = model
        self.probe = probe
    }

    public subscript<T>(dynamicMember path: KeyPath<CollisionModel, T>) -> T { model[keyPath: path] }

    /// 𝕃 at the probe, or at another q and/or ω.
    public func `operator`(q: [Double]? = nil, omega: Double? = nil) throws -> CollisionOperator {
        try model.operator(at: Probe(q: q ?? probe.q, omega: omega ?? probe.omega))
    }

    /// The fields at the probe, or at another q and/or ω.
    public func fields(q: [Double]? = nil, omega: Double? = nil) throws -> KineticFields {
        try model.fields(at: Probe(q: q ?? probe.q, omega: omega ?? probe.omega))
    }

    public func wardResidual(_ fields: KineticFields) -> Double { model.wardResidual(fields) }
}
