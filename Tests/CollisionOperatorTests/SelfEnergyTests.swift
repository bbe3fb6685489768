import CollisionOperator
import DenseLinearAlgebra
import Foundation
import Numerics
import TestSupport
import Testing

@Suite("Self-consistent Born approximation")
struct SelfEnergyTests {
    /// Σ_k = (1/N) Σ_k' U0 C(k−k') / (z − ε(k'+shift) − Σ_k') checked by a direct O(N²) sum.
    @Test(arguments: [
        ModelCase(dimension: 1, size: 30, energy: 0.3, q: [0], singular: .none),
        ModelCase(dimension: 2, size: 8, energy: -0.7, q: [0, 0], singular: .none, correlation: 0.8, disorder: 5),
        ModelCase(dimension: 3, size: 6, energy: 1.0, q: [0, 0, 0], singular: .none, correlation: 0.6, disorder: 5),
        // a support of 129 vectors > 4 log₂N: the convolution runs by FFT
        ModelCase(dimension: 2, size: 13, energy: 0.4, q: [0, 0], singular: .none, correlation: 1.5, disorder: 5),
    ])
    func fixedPointIsSelfConsistent(_ modelCase: ModelCase) throws {
        let model = try modelCase.parameters.model()
        let shift = (0..<modelCase.dimension).map { 0.11 * Double($0 + 1) }
        let z = modelCase.energy + 0.01
        let field = try model.solver.retarded(energy: z, shift: shift)
        let grid = model.grid
        let energies = model.band.energies(on: grid, shiftedBy: shift)
        var worst = 0.0
        for k in 0..<grid.count {
            var sum = Complex<Double>.zero
            for k2 in 0..<grid.count {
                let c = directCorrelation(model.model, zip(grid.momentum(k), grid.momentum(k2)).map { $0 - $1 })
                sum += Complex(model.parameters.u0 * c) / (Complex(z - energies[k2]) - field.values[k2])
            }
            sum = sum / Complex(Double(grid.count))
            worst = max(worst, (sum - field.values[k]).length)
            #expect(field.values[k].imaginary < 0, "retarded: Im Σ < 0")
        }
        #expect(worst < 1e-13)
    }

    @Test func nonConvergenceIsAnError() throws {
        var p = ModelSetup()
        p.scbaMaximumIterations = 2
        #expect(throws: ModelComputationError.self) { try p.model() }
    }

    @Test func energyOutsideTheBandIsABadEnergy() {
        var p = ModelSetup()
        p.energy = 9
        do {
            _ = try p.model()
            Issue.record("E = 9 accepted")
        } catch let error as ParameterError {
            #expect(error.parameter == .energy)
            #expect(error.reason.description.contains("outside"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    /// γ and the default F = 2γU0 (VW (40)) against `NaiveCollisionOperator`'s own SCBA
    /// (direct sums over the grid polished by Newton's method; both stop at ~1e-15, so 1e-12
    /// relative), white noise and correlated disorder.
    @Test(arguments: [0.0, 0.7])
    func gammaAndDefaultAmplitude(radius: Double) throws {
        var parameters = ModelParameters()
        parameters.size = 10
        parameters.correlationRadius = radius
        let model = try CollisionModel(parameters: parameters)
        let naive = NaiveCollisionOperator(.init(dimension: 2, size: 10, hopping: 1, energy: 0.3, u0: 4.0 / 12, correlationRadius: radius,
                                                 vertex: .none, q: [0, 0], omega: 1e-3))
        #expect(abs(model.gamma - naive.gamma) < 1e-12 * naive.gamma)
        #expect(abs(model.amplitude - naive.amplitude) < 1e-12 * naive.amplitude)
        guard radius == 0 else { return }
        // The Born estimate γ ≈ πρU0 with the SCBA density of states (white noise: exact).
        #expect(abs(model.gamma - Double.pi * model.kuboGreenwood.densityOfStates * model.parameters.u0) < 1e-12)
    }
}
