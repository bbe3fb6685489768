import Foundation
import Numerics
import Testing
import Theory

/// Closed forms of (★) (docs/model.md §6), each against the solver. Tolerances: the solver
/// stops Newton at |Δ log t| ≤ 1e-14, so quantities computed from one solution are good to
/// ~1e-12 relative; where a closed form is a limit (ω → 0, λ → 0, δ → 0), the tolerance is the
/// size of the first neglected term, stated at each test.
@Suite("VW (42): the continuum self-consistency (★)")
struct VollhardtWoelfleTests {
    func solve(_ d: Int, _ lambda: Double, cutoff: Double = 1, omegas: [Double], ratio: Double = 0) throws -> VollhardtWoelfleSolution {
        try VollhardtWoelfleSolution.solve(try VollhardtWoelfleContinuum(dimension: d, lambda: lambda, cutoff: cutoff),
                                           omegas: omegas, tauSRatio: ratio)
    }

    @Test(arguments: [(0.3, 1.0), (0.5, 0.7), (0.15, 2.0)])
    func twoDimensionalLocalizationLength(lambda: Double, cutoff: Double) throws {
        let kernel = try VollhardtWoelfleContinuum(dimension: 2, lambda: lambda, cutoff: cutoff)
        let solution = try VollhardtWoelfleSolution.solve(kernel, omegas: [1e-3, 1e-12, 1e-20])
        let exact = (expm1(1 / lambda)).squareRoot() / kernel.cutoffMomentum
        let xi = try #require(solution.staticLimit.localizationLength)
        #expect(abs(xi / exact - 1) < 1e-12)
        // From the table: iD/ω → ξ² with a relative O(ω ξ²/D0) correction (≤ 1e-12 at ω = 1e-20 here).
        let row = solution.rows[2]
        let fromTable = (Complex(0, 1) * row.relativeDiffusion).multiplied(by: kernel.bareDiffusion / row.omega).real
        #expect(abs(fromTable / (exact * exact) - 1) < 1e-9)
        #expect(abs(try #require(solution.omega0Squared) - 0.5 / (exact * exact)) < 1e-12 * 0.5 / (exact * exact))
    }

    @Test func twoDimensionalWeakCouplingTendsToSeed43() throws {
        // ξk0 e^{−1/(2λ)} = (1 − e^{−1/λ})^{1/2} → 1: at λ = 0.05 the difference is e^{−20}/2 ≈ 1e-9.
        let kernel = try VollhardtWoelfleContinuum(dimension: 2, lambda: 0.05)
        let limit = try SelfConsistentSolver(kernel: kernel, breakingRate: 0, equation: "test").staticLimit()
        let xi = try #require(limit.localizationLength)
        #expect(abs(xi * kernel.cutoffMomentum * exp(-1 / (2 * 0.05)) - 1) < 1e-8)
    }

    @Test(arguments: [0.3, 0.03, 1e-4])
    func oneDimensionalLocalizationLength(lambda: Double) throws {
        let kernel = try VollhardtWoelfleContinuum(dimension: 1, lambda: lambda)
        let solution = try VollhardtWoelfleSolution.solve(kernel, omegas: [1e-6, 1e-16])
        let xi = try #require(solution.staticLimit.localizationLength)
        let k = kernel.cutoffMomentum
        let x = k * xi
        #expect(abs(x * atan(x) / (Double.pi * k) - 1) < 1e-13)          // X·arctan X = πK
        // K → ∞: X = 2K + 2/π + O(1/K), so ξ = 2 + 2/(πK) + O(1/K²) (l = 1).
        if k > 1000 { #expect(abs(xi - 2 - 2 / (Double.pi * k)) < 10 / (k * k)) }
        // Γ_M τ = D0/(ξ²Φ′(ξ²)): the table's M = −ω0²/ω + iΓ_M + O(ω).
        let gamma = try #require(solution.staticLimit.localizedDamping)
        let row = solution.rows[1]
        #expect(abs(row.memory.imaginary / gamma - 1) < 1e-6)
        #expect(abs(-row.memory.real * row.omega / (try #require(solution.omega0Squared)) - 1) < 1e-9)
        if k > 1000 { #expect(abs(gamma - 2) < 1e-3) }   // Γ_M → 2/τ, not VW (44)'s 1/τ
        // Re σ/σ0 ≈ Γ_M ω²/ω0⁴ at small ω.
        let w0sq = try #require(solution.omega0Squared)
        #expect(abs(row.conductivity / (gamma * row.omega * row.omega / (w0sq * w0sq)) - 1) < 1e-6)
    }

    @Test(arguments: [0.3, 0.5, 0.9])
    func threeDimensionalMetalAndCriticalLambda(fraction: Double) throws {
        let kernel = try VollhardtWoelfleContinuum(dimension: 3, lambda: fraction / 3, cutoff: 1)
        #expect(kernel.criticalLambda == 1.0 / 3)
        let solution = try VollhardtWoelfleSolution.solve(kernel, omegas: [1e-20])
        #expect(solution.staticLimit.localizationLength == nil)
        #expect(abs(solution.staticLimit.staticDiffusion / kernel.bareDiffusion - (1 - fraction)) < 1e-15)
        // D(ω) = D(0) + O(ω^{1/2}): at ωτ = 1e-20 the correction is ~1e-10 relative.
        let y = solution.rows[0].relativeDiffusion
        #expect(abs(y.real - (1 - fraction)) < 1e-8 && abs(y.imaginary) < 1e-8)
    }

    @Test(arguments: [1e-2, 1e-3, 1e-4])
    func threeDimensionalLocalizationLength(delta: Double) throws {
        let cutoff = 0.8
        let lambdaC = 1 / (3 * cutoff)
        let lambda = lambdaC * (1 + delta)
        let kernel = try VollhardtWoelfleContinuum(dimension: 3, lambda: lambda, cutoff: cutoff)
        let limit = try SelfConsistentSolver(kernel: kernel, breakingRate: 0, equation: "test").staticLimit()
        let x = try #require(limit.localizationLength) * kernel.cutoffMomentum
        #expect(abs(atan(x) / x - (1 - lambdaC / lambda)) < 1e-13)   // the exact ω → 0 equation
        // ξk0 = (π/2)λ/(λ − λ_c) − 2/π + O(δ): the remainder is below δ (≈ 4δ/π³·… in practice).
        let asymptote = Double.pi / 2 * lambda / (lambda - lambdaC) - 2 / Double.pi
        #expect(abs(x - asymptote) < delta)
        #expect(abs(x - asymptote) > 0 || delta > 0)
    }

    @Test func criticalPointCubeRoot() throws {
        // At λ_c: D/D0 = (3π²/(4k0²))^{1/3}(−iω)^{1/3}(1 + O(ω^{1/3})).
        let kernel = try VollhardtWoelfleContinuum(dimension: 3, lambda: 1.0 / 3)
        let omegas = [1e-6, 1e-10, 1e-14]
        let solution = try VollhardtWoelfleSolution.solve(kernel, omegas: omegas)
        let k0 = kernel.cutoffMomentum
        var differences: [Double] = []
        for row in solution.rows {
            let leading = Complex.exp(Complex.log(Complex(0, -row.omega)).multiplied(by: 1.0 / 3)).multiplied(by: cbrt(3 * Double.pi * Double.pi / (4 * k0 * k0)))
            differences.append((row.relativeDiffusion / leading - Complex(1, 0)).length)
        }
        // The relative difference falls like ω^{1/3}: factor 10^{4/3} ≈ 21.5 per 4 decades (±10 %).
        #expect(abs(differences[0] / differences[1] / pow(1e4, 1.0 / 3) - 1) < 0.1)
        #expect(abs(differences[1] / differences[2] / pow(1e4, 1.0 / 3) - 1) < 0.1)
        #expect(differences[2] < 1e-4)
    }

    @Test func criticalExponentFits() throws {
        let fits = try CriticalExponentFits(cutoff: 1, omega: 1e-20)
        #expect(abs(fits.nu.exponent - 1) < 1e-4)
        #expect(abs(fits.s.exponent - 1) < 1e-4)
        // A pure power law is biased by the analytic correction ξ ∝ δ⁻¹(1 + 1.6δ).
        #expect(abs(fits.nuPowerLaw.exponent - 0.994) < 2e-3)
        #expect(fits.nu.exponentError < 1e-4)
        // At ωτ = 1e-10 the window moves above the crossover (δ ≈ 6e-4) to [9.3e-3, 9.3e-2]; what is left
        // is the finite-ω term of D, relative (B²ω/δ³)^{1/2} ≈ 1e-2 at the low end (s within 3e-2), and
        // the O(δ²) analytic terms of ξ at δ ≈ 0.1 (ν within 3e-3).
        let finite = try CriticalExponentFits(cutoff: 1, omega: 1e-10)
        #expect(finite.window.lower > 6e-4)
        #expect(abs(finite.nu.exponent - 1) < 3e-3)
        #expect(abs(finite.s.exponent - 1) < 3e-2)
    }

    @Test(arguments: [1, 2])
    func timeReversalBreakingPreventsLocalization(d: Int) throws {
        for ratio in [0.01, 0.3] {
            let solution = try solve(d, 0.3, omegas: [1e-4, 1e-20], ratio: ratio)
            let y = solution.rows[1].relativeDiffusion
            #expect(solution.staticLimit.localizationLength == nil)
            #expect(y.real > 0 && y.real.isFinite)
            #expect(abs(y.imaginary) < 1e-12 * y.real)
            #expect(abs(y.real - solution.staticLimit.staticDiffusion / solution.bareDiffusion) < 1e-10 * y.real)
        }
    }

    @Test(arguments: [2, 3])
    func weakCouplingAtFixedFrequency(d: Int) throws {
        // D/D0 − 1 = O(λ log(1/λ)) at fixed ω: ten times smaller λ, at least five times closer to 1.
        let far = try solve(d, 1e-3, omegas: [1e-3]).rows[0].relativeDiffusion
        let near = try solve(d, 1e-4, omegas: [1e-3]).rows[0].relativeDiffusion
        #expect((near - Complex(1, 0)).length < 0.2 * (far - Complex(1, 0)).length)
        #expect((near - Complex(1, 0)).length < 5e-3)
    }

    @Test func ladderIsRobustDownTo1e20() throws {
        let ladder = (0...20).map { pow(10, -Double($0)) }
        for d in 1...3 {
            for lambda in [0.05, 0.2, 1.0 / 3, 0.6] {
                let solution = try solve(d, lambda, omegas: ladder)
                for row in solution.rows {
                    #expect(row.relativeDiffusion.real >= -1e-12 * row.relativeDiffusion.length)
                    #expect(row.conductivity >= -1e-12 && row.conductivity.isFinite)
                }
            }
        }
    }

    @Test func badInputNamesTheParameter() {
        #expect(throws: TheoryInputError.self) { try VollhardtWoelfleContinuum(dimension: 4, lambda: 0.1) }
        #expect(throws: TheoryInputError.self) { try VollhardtWoelfleContinuum(dimension: 2, lambda: -1) }
        #expect(throws: TheoryInputError.self) { try VollhardtWoelfleContinuum(dimension: 2, lambda: 0.1, cutoff: 0) }
        #expect(throws: TheoryInputError.self) { try solve(2, 0.1, omegas: [0]) }
        #expect(throws: TheoryInputError.self) { try solve(2, 0.1, omegas: [1e-3], ratio: -1) }
    }
}
