import CollisionOperator
import DenseLinearAlgebra
import SpectralAnalysis

/// The `# key = value` lines every table starts with: every parameter actually used,
/// the derived γ, Σ^R, F, N and the numerical back end (DESIGN §5).
func modelHeader(_ model: CollisionModel, fields: KineticFields? = nil) -> [(key: String, value: Cell)] {
    let p = model.parameters
    var header: [(key: String, value: Cell)] = []
    func add(_ key: String, _ value: Cell) { header.append((key, value)) }
    add("dim", .integer(p.dimension))
    add("size", .integer(p.size))
    add("N", .integer(model.grid.count))
    add("hopping", .parameter(p.hopping))
    add("energy", .parameter(p.energy))
    add("omega", .parameter(p.omega))
    add("q", .text(p.momentum.map(format).joined(separator: ",")))
    switch p.disorder {
    case .width(let w): add("disorder", .parameter(w))
    case .vertex: break
    }
    add("u0", .parameter(p.u0))
    add("correlation", .parameter(p.correlationRadius))
    if !model.correlation.isWhiteNoise { add("correlation_vectors", .integer(model.correlation.vectors.count)) }
    switch p.selfEnergy {
    case .scba:
        add("self-energy", .text("scba"))
        add("gamma", .number(model.gamma))
        add("scba_tolerance", .number(model.solver.tolerance))
        add("scba-max-iterations", .integer(p.scbaMaximumIterations))
    case .fixed(let gamma):
        add("self-energy", .text("fixed"))
        add("gamma", .parameter(gamma))
    }
    if let fields {
        let sigma = fields.retardedSelfEnergy.mean
        add("sigma_R_re", .number(sigma.real))
        add("sigma_R_im", .number(sigma.imaginary))
        if p.selfEnergy == .scba { add("scba_iterations", .integer(fields.retardedSelfEnergy.iterations)) }
    }
    add("singular", .text(p.singular.rawValue))
    if p.singular == .localized || p.singular == .lorentzian { add("xi", .parameter(p.xi)) }
    if p.singular == .localized {
        add("range", .parameter(p.range))
        add("profile", .text(p.profile.rawValue))
        if p.profile == .power { add("zeta", .parameter(p.zeta)) }
        add("correlator_vectors", .integer(model.vertex.correlatorSize ?? 0))
    }
    if p.singular != .none {
        add("amplitude", p.amplitude.map(Cell.parameter) ?? .number(model.amplitude))
        if p.amplitude == nil { add("amplitude_rule", .text("2*gamma*u0")) }
        add("ward-projection", .text(p.wardProjection ? "on" : "off"))
    }
    if p.singular == .cooperon {
        add("d0", p.d0.map(Cell.parameter) ?? .number(model.cooperonDiffusion))
        if p.d0 == nil { add("d0_rule", .text("Kubo-Greenwood D")) }
    }
    add("D_KG", .number(model.kuboGreenwood.diffusion))
    add("lapack_backend", .text(LinearAlgebraBackend.description))
    add("blas_threads", .integer(LinearAlgebraBackend.threadCount))
    return header
}

/// Resolves the options into a model; parameter errors are phrased for their source.
func buildModel(_ resolved: ResolvedModel, quiet: Bool) throws -> CollisionModel {
    for warning in resolved.warnings { Progress.warn(warning, quiet: quiet) }
    do {
        let model = try CollisionModel(parameters: resolved.parameters)
        let p = model.parameters
        if p.singular == .cooperon {
            let thouless = model.cooperonDiffusion * model.grid.spacing * model.grid.spacing
            if p.omega < thouless {
                Progress.warn("warning: ω = \(format(p.omega)) < D0(2π/L)² = \(thouless): the cooperon pole at Q = 0 dominates (finite-size / Thouless regime)", quiet: quiet)
            }
        }
        return model
    } catch let error as ParameterError {
        throw inputError(error, sources: resolved.sources)
    }
}
