import Foundation
import Numerics
import Testing
import Theory

/// Suslov (112) against its exact regimes (116a) and its closed form at τ = 0.
@Suite("Suslov (112): the scaling equation")
struct SuslovScalingTests {
    func power(_ z: Complex<Double>, _ e: Double) -> Complex<Double> { Complex.exp(Complex.log(z).multiplied(by: e)) }

    /// ν of Suslov (18) — the published values 1/(d − 2) below d = 4 and 1/2 above — read off
    /// the solutions rather than the formula: deep in the insulator D0 = (−iω)(B/(A|τ|))^{2ν}, so
    /// ln(D0(τ = −0.01)/D0(τ = −0.1)) = 2ν ln 10 up to the corrections of regimes116a (≤ 1e-6 at
    /// ω = 1e-30).
    @Test(arguments: [(2.5, 2.0), (3.0, 1.0), (3.7, 1 / 1.7), (4.0, 0.5), (5.5, 0.5)])
    func nuFromEquation18(d: Double, published: Double) throws {
        let equation = try SuslovScaling(dimension: d, a: 1, b: 1)
        #expect(abs(equation.nu - published) < 1e-15)
        let near = try equation.solve(tau: -0.01, omega: 1e-30), far = try equation.solve(tau: -0.1, omega: 1e-30)
        let measured = log(near.length / far.length) / (2 * log(10.0))
        #expect(abs(measured - published) < 1e-6 * published)
    }

    @Test(arguments: [(3.0, 1.0, 1.0), (2.5, 0.7, 2.0), (5.0, 2.0, 0.3), (3.3, 1.0, 0.5)])
    func rootSatisfiesTheEquationWithPositiveRealPart(d: Double, a: Double, b: Double) throws {
        let equation = try SuslovScaling(dimension: d, a: a, b: b)
        for tau in [-0.3, -1e-3, 0, 1e-3, 0.3] {
            for omega in [1e-2, 1e-6, 1e-12] {
                let d0 = try equation.solve(tau: tau, omega: omega)
                #expect(d0.real > 0)
                let rhs = Complex(a * tau, 0) + power(Complex(0, -omega) / d0, equation.p).multiplied(by: b)
                // Newton stops at |Δ log X| ≤ 1e-15: the residual is round-off of the terms' size.
                #expect((d0 - rhs).length <= 1e-12 * (d0.length + abs(a * tau)))
            }
        }
    }

    @Test(arguments: [2.5, 3.0, 4.5])
    func criticalPointIsExact(d: Double) throws {
        let equation = try SuslovScaling(dimension: d, a: 1.3, b: 0.8)
        let nu = equation.nu
        for omega in [1e-3, 1e-9, 1e-15] {
            let exact = power(Complex(0, -omega), 1 / (2 * nu + 1)).multiplied(by: pow(0.8, 2 * nu / (2 * nu + 1)))
            #expect((try equation.solve(tau: 0, omega: omega) - exact).length < 1e-13 * exact.length)
        }
    }

    @Test func quadraticCaseAboveFourDimensions() throws {
        // d > 4, ν = 1/2: D0² − AτD0 + iBω... exactly: D0 = (Aτ + √(A²τ² − 4iBω))/2 on the branch Re > 0.
        let equation = try SuslovScaling(dimension: 6, a: 1, b: 1)
        for tau in [-0.01, 0, 0.02] {
            let omega = 1e-4
            let disc = Complex.sqrt(Complex(tau * tau, -4 * omega))
            let candidates = [(Complex(tau, 0) + disc).multiplied(by: 0.5), (Complex(tau, 0) - disc).multiplied(by: 0.5)]
            let physical = candidates.filter { $0.real > 0 }
            #expect(physical.count == 1)
            #expect((try equation.solve(tau: tau, omega: omega) - physical[0]).length < 1e-13)
        }
    }

    @Test(arguments: [3.0, 2.6, 6.0])
    func regimes116a(d: Double) throws {
        let (a, b) = (1.5, 0.7)
        let equation = try SuslovScaling(dimension: d, a: a, b: b)
        let nu = equation.nu
        // Metal: D0 → Aτ with relative corrections (ω^{1/(2ν+1)}/τ)^{(2ν+1)/(2ν)}; here ≤ 1e-6.
        let omega = 1e-30
        let metal = try equation.solve(tau: 0.1, omega: omega)
        #expect(abs(metal.real / (a * 0.1) - 1) < 1e-6)
        // Insulator: D0 → (−iω)(B/(A|τ|))^{2ν}.
        let insulator = try equation.solve(tau: -0.1, omega: omega)
        let expected = Complex(0, -omega).multiplied(by: pow(b / (a * 0.1), 2 * nu))
        #expect((insulator / expected - Complex(1, 0)).length < 1e-6)
    }

    @Test(arguments: [2.2, 3.0, 3.5, 5.0])
    func fittedExponentsEqualEquation18(d: Double) throws {
        let equation = try SuslovScaling(dimension: d, a: 1, b: 1)
        let fits = try equation.fittedExponents()
        // Deep in both regimes (|T| ≥ 1e8) the corrections are ≤ 1e-8·…: the fits are exact to 1e-6.
        #expect(abs(fits.s.exponent - 1) < 1e-6)
        #expect(abs(fits.nu.exponent - equation.nu) < 1e-6 * equation.nu)
    }

    @Test func vwCriticalPointIsSuslov112() throws {
        // The d = 3 VW solution at λ_c is (112) with ν = 1, A = 1, τ = 0, B = √3π/(2k0 l), whose
        // solution is the pure power D1 = (π²(−iω)/(36k0²))^{1/3} (D in units l²/τ). The next term:
        // at λ_c, (★) reads D = g(z)/3 with z = k0²D/(−iω) → ∞, and g(z) = π/(2√z) − 1/z + O(z^{−3/2});
        // putting D = D1(1 + ε) gives (3/2)ε = −(−iω)/(3k0²D1²), so the relative difference is
        // |ε| = (2/9)(36/π²)^{2/3} k0^{−2/3} ω^{1/3} (= 0.543 ω^{1/3} at x0 = 1). Its own relative
        // correction is 0.35 ω^{1/3} (measured by solving D = g(z)/3 directly at ω = 1e-6 … 1e-14);
        // bound ω^{1/3}.
        let kernel = try VollhardtWoelfleContinuum(dimension: 3, lambda: 1.0 / 3)
        let k0 = kernel.cutoffMomentum
        let b = 3.0.squareRoot() * Double.pi / (2 * k0)
        let suslov = try SuslovScaling(dimension: 3, a: 1, b: b)
        let coefficient = 2.0 / 9 * pow(36 / (Double.pi * Double.pi), 2.0 / 3) * pow(k0, -2.0 / 3)
        let omegas = [1e-6, 1e-10, 1e-14]
        let vw = try VollhardtWoelfleSolution.solve(kernel, omegas: omegas)
        for (row, omega) in zip(vw.rows, omegas) {
            let d112 = try suslov.solve(tau: 0, omega: omega)
            let relative = (row.relativeDiffusion - d112).length / d112.length
            #expect(abs(relative / (coefficient * cbrt(omega)) - 1) < cbrt(omega), "ω = \(omega): \(relative)")
        }
    }

    @Test func badInputNamesTheParameter() {
        #expect(throws: TheoryInputError.self) { try SuslovScaling(dimension: 2, a: 1, b: 1) }
        #expect(throws: TheoryInputError.self) { try SuslovScaling(dimension: 3, a: 0, b: 1) }
        #expect(throws: TheoryInputError.self) { try SuslovScaling(dimension: 3, a: 1, b: -1) }
    }
}
