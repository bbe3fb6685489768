import Foundation
import DenseLinearAlgebra
import Numerics

/// A validated model with everything that does not depend on the probe (q, ω): the grid,
/// the band, the disorder correlator, the self-energy at E on the unshifted grid and the
/// derived γ, F and D0. `operator(at:)` builds L̂ from it at a `Probe`.
public struct CollisionModel: Sendable {
    public private(set) var parameters: ModelParameters
    public let grid: MomentumGrid
    public let band: TightBindingBand
    public let correlation: DisorderCorrelation
    public let vertex: SingularVertex
    public let solver: SCBASolver
    /// Σ^R(E) on the unshifted grid (q = 0, ω → 0): defines γ and the Kubo–Greenwood D.
    public let selfEnergyAtEnergy: SelfEnergyField
    /// γ = −(1/N) Σ_k Im Σ^R_k(E) (the given γ for `fixed`).
    public let gamma: Double
    /// U^sing amplitude F (default 2γU0, VW (40)).
    public let amplitude: Double
    /// Kubo–Greenwood diffusion constant along axis 1 (docs/model.md §3.7).
    public let kuboGreenwood: KuboGreenwood
    /// D0 of the `cooperon` model (default: the Kubo–Greenwood D).
    public private(set) var cooperonDiffusion: Complex<Double>
    /// The mean free path against L and the states within the broadening.
    public let resolution: GridResolution
    /// The Kubo–Greenwood D on the grid of L + 1 points (nil unless asked for at init, or
    /// where that grid has no SCBA solution).
    public let kuboGreenwoodNextSize: KuboGreenwood?

    /// Validates the parameters and solves the SCBA at E.
    /// - Parameter compareNextSize: also solve the SCBA on the L + 1 grid for the
    ///   resolution diagnostic (`kuboGreenwoodNextSize`).
    /// - Throws: `ParameterError` for bad input (including an energy where SCBA gives
    ///   γ = 0), `ModelComputationError` when the SCBA does not converge.
    public init(parameters: ModelParameters, compareNextSize: Bool = false) throws {
        try parameters.validate()
        self.parameters = parameters
        grid = MomentumGrid(dimension: parameters.dimension, size: parameters.size)
        band = TightBindingBand(hopping: parameters.hopping)
        correlation = DisorderCorrelation(radius: parameters.correlationRadius, dimension: parameters.dimension)
        vertex = try SingularVertex(parameters: parameters)
        solver = SCBASolver(grid: grid, band: band, u0: parameters.u0, correlation: correlation,
                            maximumIterations: parameters.scbaMaximumIterations)
        let zero = [Double](repeating: 0, count: parameters.dimension)
        selfEnergyAtEnergy = try Self.retardedSelfEnergy(parameters: parameters, solver: solver,
                                                         energy: parameters.energy, shift: zero)
        gamma = selfEnergyAtEnergy.gamma
        amplitude = parameters.amplitude ?? 2 * gamma * parameters.u0
        kuboGreenwood = KuboGreenwood(grid: grid, band: band, energy: parameters.energy,
                                      selfEnergy: selfEnergyAtEnergy, direction: [1] + zero.dropFirst())
        cooperonDiffusion = parameters.d0 ?? Complex(kuboGreenwood.diffusion)
        resolution = GridResolution(kuboGreenwood: kuboGreenwood, gamma: gamma, grid: grid)
        // A diagnostic only: where the L + 1 grid has no SCBA solution, there is no comparison.
        kuboGreenwoodNextSize = compareNextSize ? try? Self.kuboGreenwood(parameters: parameters, size: parameters.size + 1,
                                                                          band: band, correlation: correlation) : nil
    }

    /// The same model with the cooperon's D0 replaced (no new SCBA: D0 enters only U^sing).
    /// - Throws: `ParameterError` (`d0`) for a D0 outside the physical half plane.
    public func withCooperonDiffusion(_ d0: Complex<Double>) throws(ParameterError) -> CollisionModel {
        var changed = self
        changed.parameters.d0 = d0
        try changed.parameters.validate()
        changed.cooperonDiffusion = d0
        return changed
    }

    /// The Kubo–Greenwood D of the model on a grid of `size` points per axis (its own SCBA):
    /// D_RR changes sign between L and L + 1 on grids that do not resolve the Fermi sea.
    static func kuboGreenwood(parameters: ModelParameters, size: Int, band: TightBindingBand,
                              correlation: DisorderCorrelation) throws -> KuboGreenwood {
        var p = parameters
        p.size = size
        let grid = MomentumGrid(dimension: p.dimension, size: size)
        let solver = SCBASolver(grid: grid, band: band, u0: p.u0, correlation: correlation,
                                maximumIterations: p.scbaMaximumIterations)
        let zero = [Double](repeating: 0, count: p.dimension)
        let sigma = try retardedSelfEnergy(parameters: p, solver: solver, energy: p.energy, shift: zero)
        var axis = zero
        axis[0] = 1
        return KuboGreenwood(grid: grid, band: band, energy: p.energy, selfEnergy: sigma, direction: axis)
    }

    /// Σ^R(z) on the grid shifted by `shift`: SCBA, or −iγ for `fixed`. An SCBA solution
    /// with γ = 0 means there are no states at z: reported as a bad energy E.
    /// `start` is the first iterate (the solution at E on the unshifted grid, for the nearby
    /// shifted grids and E + ω); the fixed point and its tolerance do not depend on it.
    static func retardedSelfEnergy(parameters: ModelParameters, solver: SCBASolver, energy: Double,
                                   shift: [Double], bandEnergies: [Double]? = nil,
                                   start: [Complex<Double>]? = nil) throws -> SelfEnergyField {
        switch parameters.selfEnergy {
        case .fixed(let gamma):
            return SelfEnergyField(values: [Complex](repeating: Complex(0, -gamma), count: solver.grid.count),
                                   iterations: 0, residual: 0)
        case .scba:
            let field = try solver.retarded(energy: energy, shift: shift, bandEnergies: bandEnergies, start: start)
            let scale = max(parameters.u0, 1e-300)
            if field.gamma <= 1e-10 * scale || field.values.contains(where: { $0.imaginary > 0 }) {
                let edge = solver.band.halfWidth(dimension: parameters.dimension)
                if energy != parameters.energy && abs(energy) > edge && abs(parameters.energy) <= edge {
                    throw ParameterError(.omega, value: String(format: "%.6g", energy - parameters.energy),
                                         reason: "too large for E = \(format(parameters.energy)): z = E + ω = \(format(energy)) lies beyond the band edge |ε| ≤ \(format(edge)), where the SCBA has no solution with γ > 0")
                }
                throw ParameterError(.energy, value: format(parameters.energy),
                                     reason: "outside the disorder-broadened band of this grid: the SCBA has no solution with γ > 0 at z = \(format(energy)) (it converges to γ = \(field.gamma)); either |E| is beyond the band edge (bare band |ε| ≤ \(format(edge))) or the disorder is too weak for L = \(parameters.size), whose level spacing then exceeds γ — take a larger L or a stronger disorder")
            }
            return field
        }
    }

    /// Checks a probe against this model (ω > 0 where the vertex divides by ω, q of the
    /// model's dimension, both finite). Throws a `ParameterError` naming `omega` or `q`.
    public func validate(_ probe: Probe) throws(ParameterError) {
        try probe.validate(for: parameters)
    }

    /// The fields at the probe (q, ω): Σ^R on the grid k + q/2 at E + ω and Σ^A on the
    /// grid k − q/2 at E, each self-consistent on its own shifted grid so that the Ward
    /// identity (13) holds at every q. The band energies ε(k ± q/2) are computed once, for
    /// the SCBA and the Green functions alike.
    /// The probe is not validated here: the fields do not involve the vertex, so they exist
    /// at ω = 0 for every model (the streaming identity takes them there).
    public func fields(at probe: Probe) throws -> KineticFields {
        let q = probe.q, omega = probe.omega
        let half = q.map { $0 / 2 }
        let atZero = probe.isZeroMomentum
        let plus = band.energies(on: grid, shiftedBy: half)
        let minus = atZero ? plus : band.energies(on: grid, shiftedBy: half.map { -$0 })
        let retarded = try Self.retardedSelfEnergy(parameters: parameters, solver: solver, energy: parameters.energy + omega,
                                                   shift: half, bandEnergies: plus, start: selfEnergyAtEnergy.values)
        // Σ^R on the grid k − q/2 at E; the fields take its conjugate Σ^A point by point.
        let advancedConjugate: SelfEnergyField
        if atZero && omega == 0 {
            advancedConjugate = retarded
        } else if atZero {
            advancedConjugate = selfEnergyAtEnergy
        } else {
            advancedConjugate = try Self.retardedSelfEnergy(parameters: parameters, solver: solver, energy: parameters.energy,
                                                            shift: half.map { -$0 }, bandEnergies: minus,
                                                            start: selfEnergyAtEnergy.values)
        }
        return try KineticFields(grid: grid, energy: parameters.energy, probe: probe, plus: plus, minus: minus,
                                 retarded: retarded, advancedConjugate: advancedConjugate, source: parameters)
    }

    /// L̂ = L̂reg + L̂sing at the probe (q, ω).
    /// - Throws: `ParameterError` (`omega`, `q`) for a probe this model cannot take,
    ///   `ModelComputationError` when the SCBA or the kernels fail there.
    public func `operator`(at probe: Probe) throws -> CollisionOperator {
        try validate(probe)
        return try `operator`(reusing: fields(at: probe))
    }

    /// L̂ at the probe of `fields`, which come from `fields(at:)` of this model or of one that
    /// differs from it only in the cooperon's D0 (`withCooperonDiffusion`: D0 enters U^sing,
    /// not the fields), so a sequence of operators at one (q, ω) solves the SCBA once.
    /// - Throws: as `operator(at:)`; `ModelComputationError.fieldsOfAnotherModel` when the
    ///   fields were solved by a model that differs from this one in more than D0.
    public func `operator`(reusing fields: KineticFields) throws -> CollisionOperator {
        let probe = fields.probe
        try validate(probe)
        var source = fields.source
        source?.d0 = parameters.d0
        guard fields.count == grid.count, source == parameters else {
            throw ModelComputationError.fieldsOfAnotherModel(
                detail: fields.count == grid.count ? "its parameters differ in more than D0"
                    : "\(fields.count) grid points where this model has \(grid.count)")
        }
        let omega = probe.omega
        let project = parameters.wardProjection
        let singular = vertex.values(on: grid, omega: omega, amplitude: amplitude, d0: cooperonDiffusion,
                                     removingConstant: project)
        let regular = correlation.isWhiteNoise ? nil : correlation.values(on: grid).map { $0 * parameters.u0 }
        // A kernel beyond double range makes every view of 𝕃 non-finite: refuse it here, where
        // the element (k, 0), which holds U^sing(k + 0), names it.
        if let kernel = singular, let bad = kernel.firstIndex(where: { !$0.isFinite }) {
            throw ModelComputationError.nonFiniteOperator(
                row: bad, column: 0,
                detail: "U^sing(Q) = \(kernel[bad]) at grid momentum \(bad) (F = \(amplitude), ω = \(omega)) — an input (amplitude F, ω, disorder) is beyond double precision")
        }
        // u = 𝕊s, the projection's rank-one vector, by FFT: O(N log N) instead of O(N²).
        let u = try singular.map { try Self.projectedVectorByFourierTransform(grid: grid, fields: fields, kernel: $0) }
            ?? [Complex<Double>](repeating: .zero, count: grid.count)
        // ū: the vertex's weight within the Green functions' momentum width 1/l, the part that
        // couples k to −k alone (docs/closure.md §1); the tail beyond 1/l is left out.
        let l = resolution.meanFreePath.isFinite ? resolution.meanFreePath : Double(grid.size)
        let weight = vertex.values(on: grid, omega: omega, amplitude: amplitude, d0: cooperonDiffusion).map { whole in
            let momenta = SingularVertex.latticeMomentaSquared(on: grid)
            return compensatedSum((0..<grid.count).map { whole[$0] / Complex(1 + l * l * momenta[$0]) }) / Complex(Double(grid.count))
        } ?? .zero
        return CollisionOperator(grid: grid, fields: fields, u0: parameters.u0, correlation: correlation, regularKernel: regular,
                                 singularKernel: singular, singularScale: singularScale(fields: fields, omega: omega),
                                 singularWeight: weight, wardProjection: project, projectedVector: u)
    }

    /// The size of the unprojected singular operator, max_Q |U^sing(Q)|·(1/N)Σ_k |ΔG_k|
    /// (a bound on |𝕊_kk'| summed over a row): the scale against which "zero" is measured
    /// for 𝕃sing, whose projection may remove all of it.
    public func singularScale(fields: KineticFields, omega: Double) -> Double {
        guard let full = vertex.values(on: grid, omega: omega, amplitude: amplitude, d0: cooperonDiffusion) else { return 0 }
        let largest = full.reduce(0) { max($0, $1.length) }
        return largest * fields.deltaG.reduce(0) { $0 + $1.length } / Double(grid.count)
    }

    /// The Ward residual max_k |ΔΣ_k − (1/N) Σ_k' U0 C(k−k') ΔG_k'| / max_k |ΔΣ_k|
    /// (docs/model.md §3.3), from the real-space moments of ΔG: O(N·|x|).
    public func wardResidual(_ fields: KineticFields) -> Double {
        let n = grid.count
        // The same convolution the SCBA used (real-space moments or FFT), so the residual
        // measures the self-consistency, not a difference of two methods' round-off.
        let predicted = (try? (solver.convolver ?? correlation.convolver(on: grid, u0: parameters.u0)).convolve(fields.deltaG))
            ?? correlation.convolve(fields.deltaG, on: grid, u0: parameters.u0)
        var worst = 0.0, scale = 0.0
        for k in 0..<n {
            worst = max(worst, (fields.deltaSigma[k] - predicted[k]).length)
            scale = max(scale, fields.deltaSigma[k].length)
        }
        return scale > 0 ? worst / scale : worst
    }
}
