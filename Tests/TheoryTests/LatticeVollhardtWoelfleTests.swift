import Foundation
import Numerics
import Testing
import Theory

/// The lattice variant of VW (42): its momentum sum, and its continuum limit as L grows.
@Suite("VW (42) on the grid")
struct LatticeVollhardtWoelfleTests {
    func kernel(d: Int, size: Int, cutoff: Double? = nil, l: Double = 5) throws -> LatticeVollhardtWoelfle {
        // γ = 1/2 (τ = 1), v_F = 2γl = l, D_RA = v_F l/d as for white noise; ρ is a free input.
        try LatticeVollhardtWoelfle(dimension: d, size: size, densityOfStates: 0.15, gamma: 0.5, onShellDiffusion: l * l / Double(d),
                                    fermiSeaDiffusion: 0.1, meanFreePath: l, latticeCutoff: cutoff)
    }

    @Test(arguments: [(1, 17), (2, 16), (2, 9), (3, 8)])
    func momentumSumIsTheWholeGrid(d: Int, size: Int) throws {
        let k = try kernel(d: d, size: size)
        let n = pow(Double(size), Double(d))
        // Σ_Q 1 = N and Σ_Q Q̂² = 2dN (the mean of 2(1 − cos Q) over a period is 2), exactly up to round-off.
        #expect(k.pointsSummed == n)
        let second = zip(k.momentumSquared, k.weights).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(second - 2 * Double(d) * n) < 1e-12 * 2 * Double(d) * n)
        #expect(abs(k.slopeAtZero - 1 / (Double.pi * 0.15)) < 1e-15 / 0.15)
    }

    @Test func tendsToTheContinuumAsLGrows() throws {
        // With |Q̂| < x_l/l the lattice equation is (★) at λ = λ_eff, x0 = x_l·πλ_eff and Q̂² ≈ Q²: the
        // difference falls with L (Riemann sum of a shell integral, O(1/(L·k0)) from the boundary shell).
        let xl = 2.0, omega = 0.1
        var differences: [Double] = []
        for size in [48, 192, 768] {
            let lattice = try kernel(d: 2, size: size, cutoff: xl)
            let lambda = try #require(lattice.effectiveLambda)
            let continuum = try VollhardtWoelfleSolution.solve(try VollhardtWoelfleContinuum(dimension: 2, lambda: lambda, cutoff: xl * Double.pi * lambda),
                                                               omegas: [omega * lattice.tau])
            let solved = try lattice.solve(omegas: [omega])
            differences.append((solved.rows[0].relativeDiffusion - continuum.rows[0].relativeDiffusion).length)
        }
        #expect(differences[1] < differences[0] && differences[2] < differences[1])
        #expect(differences[2] < 2e-3)
    }

    @Test func finiteGridLocalizesThroughTheZeroMomentumTerm() throws {
        // Whole zone, τ_s = 0: Φ(t) ≥ t/(πρN) grows without bound, so ξ exists even in d = 3.
        let k = try kernel(d: 3, size: 8)
        let solution = try k.solve(omegas: [1e-3, 1e-12])
        #expect(solution.staticLimit.localizationLength != nil)
        // With τ_s > 0 it does not.
        let broken = try k.solve(omegas: [1e-12], tauSRatio: 0.5)
        #expect(broken.staticLimit.localizationLength == nil)
        #expect(broken.rows[0].relativeDiffusion.real > 0)
        #expect(abs(broken.rows[0].relativeDiffusion.imaginary) < 1e-9 * broken.rows[0].relativeDiffusion.real)
    }

    @Test func badCutoffIsRefused() {
        #expect(throws: TheoryInputError.self) { try kernel(d: 2, size: 8, cutoff: 0) }
    }
}
