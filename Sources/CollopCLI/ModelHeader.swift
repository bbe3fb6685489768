import CollisionOperator
import Foundation
import DenseLinearAlgebra
import SpectralAnalysis

/// The `# key = value` lines every table starts with: every parameter the model and the
/// command (`use`) read, with what is derived from it (N, γ, F …), Σ^R when the command prints
/// it and `fields` are given, the resolution verdicts (`ResolutionDiagnostics`), the options
/// given but not read (`ignored`: `ignored_options`), and the numerical back end
/// (docs/model.md §5); omega and q are the probe's. Keys and the rule which parameter a model
/// reads come from `ParameterName.option`.
func modelHeader(_ model: CollisionModel, probe: Probe, fields: KineticFields?, use: ModelUse,
                 ignored: [ParameterName]) -> [(key: String, value: Cell)] {
    let p = model.parameters
    var header: [(key: String, value: Cell)] = []
    func isPrinted(_ parameter: ParameterName) -> Bool { use.reads(parameter) && parameter.option.requirement(p) == nil }
    /// A parameter's own line.
    func add(_ parameter: ParameterName, _ value: Cell) {
        if isPrinted(parameter) { header.append((parameter.key, value)) }
    }
    /// A derived line; with `parameter`, only where that parameter's line is printed.
    func add(_ key: String, _ value: Cell, of parameter: ParameterName? = nil) {
        if parameter.map(isPrinted) ?? true { header.append((key, value)) }
    }
    add("units", .text("t = 1, lattice spacing a = 1, hbar = 1 (energies and rates in t, q in 1/a, D in a^2 t/hbar)"))
    add(.dim, .integer(p.dimension))
    add(.size, .integer(p.size))
    add("N", .integer(model.grid.count), of: .size)
    add(.hopping, .parameter(p.hopping))
    add(.energy, .parameter(p.energy))
    add(.omega, .parameter(probe.omega))
    add(.q, .parameters(probe.q))
    if case .width(let w) = p.disorder { add(.disorder, .parameter(w)) }
    add(.u0, .parameter(p.u0))
    add(.correlation, .parameter(p.correlationRadius))
    if !model.correlation.isWhiteNoise { add("disorder_support_vectors", .integer(model.correlation.vectors.count), of: .correlation) }
    switch p.selfEnergy {
    case .scba:
        add(.selfEnergy, .text("scba"))
        add(.gamma, .number(model.gamma))
        add("scba_tolerance", .number(model.solver.tolerance), of: .scbaMaxIterations)
        add(.scbaMaxIterations, .integer(p.scbaMaximumIterations))
    case .fixed(let gamma):
        add(.selfEnergy, .text("fixed"))
        add(.gamma, .parameter(gamma))
    }
    if let fields, use.printsSelfEnergy {
        let sigma = fields.retardedSelfEnergyMean
        add("sigma_R_re", .number(sigma.real))
        add("sigma_R_im", .number(sigma.imaginary))
        if p.selfEnergy == .scba { add("scba_iterations", .integer(fields.retardedSelfEnergyIterations)) }
    }
    add(.singular, .text(p.singular.rawValue))
    add(.xi, .parameter(p.xi))
    add(.range, .parameter(p.range))
    add(.profile, .text(p.profile.rawValue))
    add(.zeta, .parameter(p.zeta))
    if p.singular == .localized {
        // The correlator A(Q) of the envelope set by ξ, R and the profile.
        add("correlator_vectors", .integer(model.vertex.correlatorSize ?? 0), of: .range)
        add("d0_correlator", .number(model.vertex.correlator?.secondMoment ?? 0), of: .range)
    }
    add(.amplitude, p.amplitude.map(Cell.parameter) ?? .number(model.amplitude))
    if p.amplitude == nil {
        add("amplitude_rule", .text(model.correlation.isWhiteNoise
            ? "2*gamma*u0 (VW (40), point scatterers)"
            : "2*gamma*u0, a default only: VW (40) is for point scatterers, with r_c > 0 the cooperon residue involves u0*C(2k) (docs/model.md §2); set \(ParameterName.amplitude.flag) for another F"), of: .amplitude)
    }
    add(.wardProjection, .text(p.wardProjection ? "on" : "off"))
    let d0 = model.cooperonDiffusion
    add(.d0, p.d0 != nil ? .parameter(d0.real) : .number(d0.real))
    if d0.imaginary != 0 { add("d0_im", .parameter(d0.imaginary), of: .d0) }
    if p.d0 == nil { add("d0_rule", .text("Kubo-Greenwood D"), of: .d0) }
    let kg = model.kuboGreenwood
    add("D_KG", .number(kg.diffusion))
    add("D_RA", .number(kg.onShellDiffusion))
    add("D_RR", .number(kg.fermiSeaDiffusion))
    if let next = model.kuboGreenwoodNextSize {
        add("D_RR_next_size", .number(next.fermiSeaDiffusion))
    }
    add("mean_free_path", .number(model.resolution.meanFreePath))
    add("size_over_mean_free_path", .number(model.resolution.sizeOverMeanFreePath))
    add("states_in_broadening", .number(model.resolution.statesInBroadening))
    header += ResolutionDiagnostics(model: model, probe: probe).header
    add("ignored_options", .text(ignored.isEmpty ? "none" : ignored.map(\.key).joined(separator: ",")))
    add("lapack_backend", .text(LinearAlgebraBackend.description))
    add("blas_threads", .integer(LinearAlgebraBackend.threadCount))
    return header
}

/// Resolves the options into a model; parameter errors are phrased for their source.
/// Returns with it the warnings for stderr (the options' own, and where the grid or the
/// vertex make the numbers untrustworthy), which the caller prints once every input error
/// has had its chance (`PreparedRun`). `--d0 vw` / `--xi vw` are resolved around it by
/// `buildConnectedModel` (VWConnection.swift); here they keep their defaults.
func buildModel(_ resolved: ResolvedModel) throws -> (model: CollisionModel, warnings: [String]) {
    do {
        let model = try CollisionModel(parameters: resolved.parameters,
                                       compareNextSize: comparesNextSize(resolved.parameters))
        return (model, allWarnings(resolved, model))
    } catch let error as ParameterError {
        throw inputError(error, sources: resolved.sources)
    }
}

/// The options' warnings, then the model's (`modelWarnings`), as printed lines.
func allWarnings(_ resolved: ResolvedModel, _ model: CollisionModel) -> [String] {
    resolved.warnings + modelWarnings(model, probe: resolved.probe).map { "warning: " + $0 }
}

/// Whether the resolution check solves the SCBA on the L + 1 grid too: up to N = 262144
/// (every d = 1 grid, d = 2 to L = 512, d = 3 to L = 64). Beyond, that second SCBA and its
/// sums cost a quarter of an O(N) run, on grids large enough that the parity swing of D_RR
/// has faded (README, How D converges with L); `D_RR_next_size` is then absent.
func comparesNextSize(_ parameters: ModelParameters) -> Bool {
    parameters.gridPointCount <= 262_144
}

/// What a user must know before trusting the numbers of `model`: the verdicts of
/// `ResolutionDiagnostics` (grid, Thouless regime) and a `localized` envelope of one point.
func modelWarnings(_ model: CollisionModel, probe: Probe) -> [String] {
    let p = model.parameters
    var warnings = ResolutionDiagnostics(model: model, probe: probe).warnings
    if model.vertex.correlatorIsConstant && p.wardProjection {
        let consequence = "A(Q) ≡ 1, which the Ward projection removes entirely (𝕃sing = 0)"
        if p.range < 2 {
            warnings.append("\(ParameterName.range.flag) \(format(p.range)) < 2 leaves a one-point envelope: \(consequence); take \(ParameterName.range.flag) ≥ 2 for a localized vertex")
        } else {
            warnings.append("\(ParameterName.xi.flag) \(format(p.xi)) is so short that the envelope vanishes beyond x = 0 in double precision (a one-point envelope): \(consequence); take a larger \(ParameterName.xi.flag) for a localized vertex")
        }
    }
    return warnings
}
