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

    /// Gauss–Legendre nodes and weights on [−1, 1] (Newton on P_n from the Chebyshev guesses).
    static func gaussLegendre(_ n: Int) -> [(node: Double, weight: Double)] {
        (0..<n).map { i in
            var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var derivative = 0.0
            for _ in 0..<100 {
                var p0 = 1.0, p1 = x
                for k in 2...n { (p0, p1) = (p1, ((2 * Double(k) - 1) * x * p1 - Double(k - 1) * p0) / Double(k)) }
                derivative = Double(n) * (x * p1 - p0) / (x * x - 1)
                let step = p1 / derivative
                x -= step
                if abs(step) < 1e-16 { break }
            }
            return (x, 2 / ((1 - x * x) * derivative * derivative))
        }
    }

    /// (★) as the radial integral it abbreviates, not its closed forms: D0/D − 1 −
    /// (1/πk_F^{d−1}) ∫_0^{k0} k^{d−1} dk/(a + Dk²), a = −iω + τ/τ_s, relative to D0/D. The
    /// integral is summed by 20-point Gauss–Legendre on the octaves [k0 2^{−j−1}, k0 2^{−j}],
    /// j < 80, and [0, k0 2^{−80}], so every scale √|a/D| of the integrand is resolved.
    static func starResidual(_ kernel: VollhardtWoelfleContinuum, omega: Double, ratio: Double, relativeDiffusion y: Complex<Double>) -> Double {
        let rule = gaussLegendre(20)
        let d0 = kernel.bareDiffusion, k0 = kernel.cutoffMomentum
        let diffusion = y.multiplied(by: d0), a = Complex(ratio, -omega)
        var integral = Complex<Double>.zero
        for j in 0...80 {
            let upper = k0 * pow(2, -Double(j)), lower = j == 80 ? 0 : upper / 2
            let half = (upper - lower) / 2, middle = (upper + lower) / 2
            for (node, weight) in rule {
                let k = middle + half * node
                integral += (Complex(pow(k, Double(kernel.dimension - 1))) / (a + diffusion.multiplied(by: k * k))).multiplied(by: weight * half)
            }
        }
        let left = Complex(d0) / diffusion
        let right = Complex(1) + integral.divided(by: Double.pi * pow(kernel.fermiMomentum, Double(kernel.dimension - 1)))
        return (left - right).length / left.length
    }

    /// The solver's D(ω) satisfies (★) written as the integral, in every dimension, on both
    /// sides of the d = 3 transition, with and without τ_s (measured residuals ≲ 1e-14; bound 1e-12).
    @Test(arguments: [1, 2, 3])
    func solutionSatisfiesTheIntegralEquation(d: Int) throws {
        for lambda in [0.05, 0.2, 0.45] {
            for ratio in [0, 0.3] {
                let omegas = [1e-2, 1e-5, 1e-9]
                let kernel = try VollhardtWoelfleContinuum(dimension: d, lambda: lambda, cutoff: 1)
                let solution = try VollhardtWoelfleSolution.solve(kernel, omegas: omegas, tauSRatio: ratio)
                for row in solution.rows {
                    let residual = Self.starResidual(kernel, omega: row.omega, ratio: ratio, relativeDiffusion: row.relativeDiffusion)
                    #expect(residual < 1e-12, "d = \(d), λ = \(lambda), τ/τ_s = \(ratio), ω = \(row.omega): \(residual)")
                }
            }
        }
    }

    @Test(arguments: [0.3, 0.5, 0.9])
    func threeDimensionalMetalAndCriticalLambda(fraction: Double) throws {
        let kernel = try VollhardtWoelfleContinuum(dimension: 3, lambda: fraction / 3, cutoff: 1)
        let solution = try VollhardtWoelfleSolution.solve(kernel, omegas: [1e-20])
        #expect(solution.staticLimit.localizationLength == nil)
        // D(0) from the integral form of (★) at ω = 1e-20, and λ_c where D(0), linear in λ
        // (D0/D(0) − 1 = k0/(πk_F²D(0)) with k0 ∝ k_F ∝ 1/λ), extrapolates to zero.
        let staticRow = solution.staticLimit.staticDiffusion / kernel.bareDiffusion
        #expect(Self.starResidual(kernel, omega: 1e-20, ratio: 0, relativeDiffusion: Complex(staticRow)) < 1e-9)
        let other = try VollhardtWoelfleContinuum(dimension: 3, lambda: fraction / 6, cutoff: 1)
        let otherStatic = try VollhardtWoelfleSolution.solve(other, omegas: [1e-20]).staticLimit.staticDiffusion / other.bareDiffusion
        let extrapolated = kernel.lambda + staticRow * (kernel.lambda - other.lambda) / (otherStatic - staticRow)
        #expect(abs(extrapolated - (try #require(kernel.criticalLambda))) < 1e-14)
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
        // Expanding arctan X = π/2 − 1/X + 1/(3X³) − … in arctan X / X = ε, ε = 1 − λ_c/λ = δ/(1 + δ), gives
        // X = π/(2ε) − 2/π − (8/π³)ε + c₂ε² + …, with π/(2ε) = (π/2)λ/(λ − λ_c). The remainder after the
        // first two terms is therefore −(8/π³)ε (≈ −0.26δ), not merely "below δ"; c₂ ≈ −0.12 (measured by
        // solving the scalar equation in double precision at δ = 1e-2, 1e-3), so the bound is 0.25ε² plus
        // the round-off of X itself, measured 1.3e-12·X at δ = 1e-4 (X ≈ 1.6e4): 1e-11·X.
        let epsilon = 1 - lambdaC / lambda
        let asymptote = Double.pi / 2 * lambda / (lambda - lambdaC) - 2 / Double.pi
        let nextTerm = -8 * epsilon / pow(Double.pi, 3)
        #expect(abs(x - asymptote - nextTerm) < 0.25 * epsilon * epsilon + 1e-11 * x)
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
        // A pure power law is biased by the analytic correction: ξ = X/k0 with arctan X / X = δ/(1 + δ)
        // exactly at ω → 0 and k0 ∝ 1/λ, so ξ ∝ δ⁻¹(1 + bδ + O(δ²)), b = 2 − 4/π². Derived here twice,
        // without the solver: (i) the least-squares slope of ln ξ(δ) from that scalar equation on the
        // fit's nine δ; (ii) to first order, ν = 1 − b·S with S = cov(δ, ln δ)/var(ln δ) on those δ
        // (the two differ by the O(δ²) terms, 3e-5 here: bound 3e-4).
        let deltas = (0..<9).map { fits.window.lower * pow(10, Double($0) / 8) }
        let logDelta = deltas.map { log($0) }
        let logXi = deltas.map { delta -> Double in
            let lambda = (1.0 / 3) * (1 + delta), epsilon = delta / (1 + delta)
            var x = Double.pi / (2 * epsilon)
            for _ in 0..<60 { x -= (atan(x) / x - epsilon) / (1 / ((1 + x * x) * x) - atan(x) / (x * x)) }
            return log(x * Double.pi * lambda)      // ξ = X/k0, k0 = x0/(πλ), x0 = 1
        }
        func slope(_ y: [Double]) -> Double {
            let mx = logDelta.reduce(0, +) / 9, my = y.reduce(0, +) / 9
            return zip(logDelta, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / logDelta.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        }
        #expect(abs(fits.nuPowerLaw.exponent + slope(logXi)) < 1e-8)
        let firstOrder = 1 - (2 - 4 / (Double.pi * Double.pi)) * slope(deltas)
        #expect(abs(fits.nuPowerLaw.exponent - firstOrder) < 3e-4)
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

    /// At δ = 1.39e-3 on the localized side of the d = 3 transition Newton's continuation ends in a
    /// 2-cycle at round-off (t ≈ 1.4e6 alternating in the 13th digit); found by issue 27's tests
    /// (collop vw --dim 3 --lambda 0.33379649849812437 --omegas 1e-20 exited 3). Such a cycle is
    /// convergence to the attainable accuracy: the solution satisfies VW (42) to round-off.
    @Test func localizedSideNearTheTransitionConverges() throws {
        let kernel = try VollhardtWoelfleContinuum(dimension: 3, lambda: 0.33379649849812437)
        let solution = try VollhardtWoelfleSolution.solve(kernel, omegas: [1e-20])
        let row = try #require(solution.rows.first)
        // Localized: D(ω) = −iωξ² with ξ from the exact ω → 0 equation arctan X/X = 1 − λ_c/λ.
        let limit = try SelfConsistentSolver(kernel: kernel, breakingRate: 0, equation: "test").staticLimit()
        let xi = try #require(limit.localizationLength)
        let xiSquared = -kernel.bareDiffusion * row.relativeDiffusion.imaginary / 1e-20
        #expect(abs(xiSquared / (xi * xi) - 1) <= 1e-6)
        #expect(abs(row.relativeDiffusion.real) <= 1e-6 * abs(row.relativeDiffusion.imaginary))
    }

    @Test func badInputNamesTheParameter() {
        #expect(throws: TheoryInputError.self) { try VollhardtWoelfleContinuum(dimension: 4, lambda: 0.1) }
        #expect(throws: TheoryInputError.self) { try VollhardtWoelfleContinuum(dimension: 2, lambda: -1) }
        #expect(throws: TheoryInputError.self) { try VollhardtWoelfleContinuum(dimension: 2, lambda: 0.1, cutoff: 0) }
        #expect(throws: TheoryInputError.self) { try solve(2, 0.1, omegas: [0]) }
        #expect(throws: TheoryInputError.self) { try solve(2, 0.1, omegas: [1e-3], ratio: -1) }
    }
}
