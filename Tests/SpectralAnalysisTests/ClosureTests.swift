import CollisionOperator
import DenseLinearAlgebra
import Foundation
import Numerics
import SpectralAnalysis
import Testing

/// The closure D* = D_cur(ω; D*) (docs/model.md §4): it reduces to D_RA without a vertex,
/// its fixed point is a fixed point, it does not depend on where it starts, it converges
/// along a d = 1 ladder, and at weak coupling it reproduces the Gor'kov–Larkin–Khmel'nitskii
/// correction, the linearization of VW.
@Suite struct ClosureTests {
    /// d = 1, L = 512, E = −0.35, W = 1.6: l ≈ 9 lattice spacings.
    static func model(amplitude: Double? = nil, size: Int = 512, disorder: Double = 1.6) throws -> CollisionModel {
        var p = ModelParameters()
        p.dimension = 1
        p.size = size
        p.energy = -0.35
        p.disorder = .width(disorder)
        p.singular = .cooperon
        p.amplitude = amplitude
        return try CollisionModel(parameters: p)
    }

    /// A vanishing amplitude: D* is D_cur of the operator without a vertex (D_RA at ω → 0).
    @Test func vanishingAmplitudeReturnsTheOnShellPart() throws {
        let model = try Self.model(amplitude: 1e-12)
        let closure = try ClosureAnalysis(model: model, omegas: [1e-3])
        var bare = model.parameters
        bare.singular = .none
        let reference = try CurrentRelaxation.currentDiffusion(model: CollisionModel(parameters: bare), omega: 1e-3)
        #expect((closure.points[0].diffusion - reference.diffusion).length <= 1e-8 * reference.diffusion.length)
        #expect(abs(reference.diffusion.real / model.kuboGreenwood.onShellDiffusion - 1) < 0.02)
    }

    /// Along a ladder: every ω converges, the fixed point satisfies D_cur(D*) = D* to 1e-8
    /// (re-evaluated independently), and a different start finds the same D*.
    @Test func ladderConvergesToAFixedPoint() throws {
        let model = try Self.model()
        let omegas = [1e-2, 3e-3, 1e-3]
        let closure = try ClosureAnalysis(model: model, omegas: omegas)
        #expect(closure.points.map(\.omega) == omegas)
        for point in closure.points {
            #expect(point.residual <= 1e-8, "ω = \(point.omega): residual \(point.residual)")
            let again = try CurrentRelaxation.currentDiffusion(model: model.withCooperonDiffusion(point.diffusion), omega: point.omega)
            #expect((again.diffusion - point.diffusion).length <= 1e-8 * point.diffusion.length)
        }
        // The cooperon suppresses the current channel below D_RA, more at smaller ω.
        let moduli = closure.points.map(\.diffusion.length)
        #expect(moduli[0] < model.kuboGreenwood.onShellDiffusion && moduli[2] < moduli[0])
        let other = try ClosureAnalysis(model: model, omegas: [1e-3], start: Complex(0.5, -0.5))
        #expect((other.points[0].diffusion - closure.points[2].diffusion).length <= 1e-8 * closure.points[2].diffusion.length)
    }

    /// W = 2.4 on L = 512 down to ω = 1e-7 (docs/solvers.md, residual replacement): COCG's
    /// recurrence drifts from the true residual there by the rounding of its large
    /// intermediate residuals, and without reliable updates the current solve at 1e-7 stalled
    /// at a backward error of 1.3e-12; with them every solve of the ladder converges by COCG,
    /// no LU, and D* is a fixed point.
    @Test func residualReplacementCarriesCOCGToItsTolerance() throws {
        let model = try Self.model(disorder: 2.4)
        let closure = try ClosureAnalysis(model: model, omegas: [1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7])
        for point in closure.points {
            #expect(point.currentSolver == .cocg, "ω = \(point.omega): \(point.currentSolver.rawValue)")
            #expect(point.currentBackwardError <= CurrentRelaxation.tolerance)
            #expect(point.residual <= 1e-8)
        }
    }

    /// The docs' ladder down to ω = 1e-8 at W = 1.2 on L = 512 (issue 24: a relative-residual
    /// target stopped such ladders with exit 3): every current solve reaches the backward
    /// error 1e-12, D* is a fixed point there, and the ladder ends localized, D* → −iωξ²
    /// (Im D*/ω constant to 1e-4 over the last two decades, Re D* ≪ |D*|).
    @Test func smallFrequencyLadderReachesItsBackwardError() throws {
        let model = try Self.model(disorder: 1.2)
        let omegas = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8]
        let closure = try ClosureAnalysis(model: model, omegas: omegas)
        for point in closure.points {
            #expect(point.currentBackwardError <= CurrentRelaxation.tolerance, "ω = \(point.omega)")
            #expect(point.residual <= 1e-8, "ω = \(point.omega): fixed-point residual \(point.residual)")
        }
        let last = closure.points.suffix(2).map { -$0.diffusion.imaginary / $0.omega }
        #expect(abs(last[0] - last[1]) <= 1e-4 * last[1])
        #expect(closure.points.last!.diffusion.real < 1e-3 * closure.points.last!.diffusion.length)
        #expect(closure.localizationLength != nil)
    }

    /// Weak coupling, d = 1: with a small F, D_cur − D_RA(ω) is linear in F and its ω^{−1/2}
    /// coefficient is GLK's, δσ = −(1/2π)√(D/(−iω)) per spin (σ = ρD), scaled by F/(2γU0).
    /// Fitted on ωτ from 0.05 to 0.005, above the Thouless scale of L = 2048.
    @Test func weakCouplingReproducesTheGLKCorrection() throws {
        let base = try Self.model(size: 2048)
        let scale = 1e-3
        let amplitude = scale * 2 * base.gamma * base.parameters.u0
        let model = try Self.model(amplitude: amplitude, size: 2048)
        var bare = model.parameters
        bare.singular = .none
        let bareModel = try CollisionModel(parameters: bare)
        let d0 = Complex(model.kuboGreenwood.onShellDiffusion)
        let tau = 1 / (2 * model.gamma)
        let omegas = [0.05, 0.03, 0.02, 0.01, 0.007, 0.005].map { $0 / tau }
        var design = RealMatrix(rows: omegas.count, columns: 2)
        var real = [Double](), imaginary = [Double]()
        for (row, omega) in omegas.enumerated() {
            let with = try CurrentRelaxation.currentDiffusion(model: model.withCooperonDiffusion(d0), omega: omega).diffusion
            let without = try CurrentRelaxation.currentDiffusion(model: bareModel, omega: omega).diffusion
            let delta = (with - without) / Complex(scale)
            design[row, 0] = 1
            design[row, 1] = 1 / omega.squareRoot()
            real.append(delta.real)
            imaginary.append(delta.imaginary)
        }
        let b = Complex(try LeastSquares.solve(design, real).coefficients[1], try LeastSquares.solve(design, imaginary).coefficients[1])
        let rho = model.kuboGreenwood.densityOfStates
        // −(1/2πρ)√(D/(−i)) = −(1/2πρ)√D e^{iπ/4}
        let predicted = Complex(-d0.real.squareRoot() / (2 * Double.pi * rho)) * Complex(cos(Double.pi / 4), sin(Double.pi / 4))
        // The linearization gives δD = −(ū/2πρN) Σ v²|G|⁴, GLK only for the continuum Lorentzian
        // moment ⟨v²|G|⁴⟩/⟨v²|G|²⟩ = 1/(2γ²) (docs/closure.md §5); the lattice moment, summed here
        // over the model's own G, is 1.055, and the fit is 1.048 − 0.007i × GLK. So the coefficient is
        // held to GLK × the lattice moment, where the rest (O(ωτ) terms of the window, F's
        // continuum normalization) measures 1.0 %: bound 3 % (the plain GLK value is 4.8 % away).
        var numerator = 0.0, denominator = 0.0
        for k in 0..<model.grid.count {
            let momentum = 2 * Double.pi * Double(k) / Double(model.grid.count)
            let g = 1 / (Complex(model.parameters.energy + 2 * cos(momentum)) - model.selfEnergyAtEnergy.values[k])
            let v2 = 4 * sin(momentum) * sin(momentum)
            numerator += v2 * g.lengthSquared * g.lengthSquared
            denominator += v2 * g.lengthSquared
        }
        let moment = 2 * model.gamma * model.gamma * numerator / denominator
        print("GLK coefficient: fitted \(b), predicted \(predicted), ratio \(b / predicted), lattice moment \(moment)")
        #expect(abs(moment - 1.055) < 1e-3)
        #expect((b - predicted * Complex(moment)).length <= 0.03 * moment * predicted.length)
    }
}
