import Foundation
import Numerics

/// The continuum Vollhardt–Wölfle self-consistency, VW (42) multiplied by −iτ with
/// D = D0(i/τ)/M(0, ω) (the text after VW (41)), D0 = v_F²τ/d and 1/τ = 2πN_F U0:
///
///     D0/D(ω) = 1 + (1/πN_F) ∫_{|k|<k0} dᵈk/(2π)ᵈ · 1/(−iω + 1/τ_s + D(ω)k²)      (★)
///
/// in units τ = 1, l = v_Fτ = 1 (so v_F = 1, D0 = 1/d). The coupling λ = 1/(2πE_Fτ) = 1/(πk_F l)
/// fixes k_F = 1/(πλ); the cutoff is k0 = x0·k_F and N_F = S_d k_F^{d−1}/(2π)ᵈ per spin, so the
/// prefactor of the radial integral is (1/πN_F)·S_d/(2π)ᵈ = 1/(πk_F^{d−1}). With t = D/a,
/// a = −iω + 1/τ_s and z = k0²t the radial integrals are closed forms:
///
///     d = 1:  Φ = z·g(z)/(πk0),   d = 2:  Φ = (λ/2) ln(1 + z),   d = 3:  Φ = x0λ (1 − g(z)),
///
/// with g(z) = arctan(√z)/√z, and (★) reads a·t + Φ(t) = D0.
public struct VollhardtWoelfleContinuum: DiffusionKernel {
    public let dimension: Int
    public let lambda: Double
    public let cutoff: Double

    /// k_F l = 1/(πλ).
    public var fermiMomentum: Double { 1 / (Double.pi * lambda) }
    /// k0 = x0·k_F (in 1/l).
    public var cutoffMomentum: Double { cutoff * fermiMomentum }
    public var bareDiffusion: Double { 1 / Double(dimension) }
    public var largestMomentumSquared: Double { cutoffMomentum * cutoffMomentum }

    /// λ_c = 1/(3x0) in d = 3 (D(0)/D0 = 1 − λ/λ_c); nil in d ≤ 2, where there is no transition.
    public var criticalLambda: Double? { dimension == 3 ? 1 / (3 * cutoff) : nil }

    /// - Throws: `TheoryInputError` naming `dimension`, `lambda` or `cutoff`.
    public init(dimension: Int, lambda: Double, cutoff: Double = 1) throws(TheoryInputError) {
        guard (1...3).contains(dimension) else {
            throw TheoryInputError(.dimension, value: "\(dimension)", reason: "has no closed form of (★)", allowed: "1, 2 or 3")
        }
        guard lambda.isFinite, lambda > 0 else {
            throw TheoryInputError(.lambda, value: "\(lambda)", reason: "is not a coupling 1/(πk_F l)", allowed: "a finite number > 0")
        }
        guard cutoff.isFinite, cutoff > 0 else {
            throw TheoryInputError(.cutoff, value: "\(cutoff)", reason: "is not a cutoff x0 = k0/k_F", allowed: "a finite number > 0")
        }
        self.dimension = dimension
        self.lambda = lambda
        self.cutoff = cutoff
    }

    public var slopeAtZero: Double {
        let k0 = cutoffMomentum
        switch dimension {
        case 1: return k0 / Double.pi
        case 2: return k0 * k0 * lambda / 2
        default: return k0 * k0 * cutoff * lambda / 3
        }
    }

    public var phiAtInfinity: Double? { dimension == 3 ? cutoff * lambda : nil }

    public func phi(_ t: Complex<Double>) -> (value: Complex<Double>, derivative: Complex<Double>) {
        let k0 = cutoffMomentum
        let k02 = k0 * k0
        let z = t.multiplied(by: k02)
        switch dimension {
        case 1:
            let g = ArctanKernel.g(z)
            let dg = ArctanKernel.derivative(z)
            return ((z * g).divided(by: Double.pi * k0), (g + z * dg).multiplied(by: k0 / Double.pi))
        case 2:
            let value = Complex.log(onePlus: z).multiplied(by: lambda / 2)
            return (value, (Complex(1, 0) / (Complex(1, 0) + z)).multiplied(by: k02 * lambda / 2))
        default:
            let x0l = cutoff * lambda
            return (ArctanKernel.oneMinusG(z).multiplied(by: x0l), ArctanKernel.derivative(z).multiplied(by: -k02 * x0l))
        }
    }
}

/// The continuum VW solution with its derived quantities (units τ = l = 1).
public struct VollhardtWoelfleSolution: Sendable {
    public struct Row: Sendable, Equatable {
        public let omega: Double
        /// D(ω)/D0.
        public let relativeDiffusion: Complex<Double>
        /// M(0, ω)τ = i D0/D (VW: D = D0 (i/τ)/M).
        public let memory: Complex<Double>
        /// Re σ(ω)/σ0 from VW (32): σ/σ0 = i/(ωτ + Mτ).
        public let conductivity: Double
        public let iterations: Int
    }
    public let rows: [Row]
    public let staticLimit: StaticLimit
    public let bareDiffusion: Double

    /// ω0² = v_F²/(dξ²) = D0/ξ² in units 1/τ² (VW, after (44): ω0 = (2E_F/dm)^{1/2}/r0).
    public var omega0Squared: Double? { staticLimit.localizationLengthSquared.map { bareDiffusion / $0 } }

    init(points: [SelfConsistentPoint], staticLimit: StaticLimit, bareDiffusion d0: Double, omegaScale: Double) {
        rows = points.map { p in
            let y = p.diffusion.divided(by: d0)
            let m = Complex(0, 1) / y
            let wt = p.omega * omegaScale
            let sigma = (Complex(0, 1) / (Complex(wt, 0) + m)).real
            return Row(omega: p.omega, relativeDiffusion: y, memory: m, conductivity: sigma, iterations: p.iterations)
        }
        self.staticLimit = staticLimit
        bareDiffusion = d0
    }

    /// Solves (★) at each ω (units 1/τ) with the given τ/τ_s.
    public static func solve(_ kernel: VollhardtWoelfleContinuum, omegas: [Double], tauSRatio: Double = 0) throws -> VollhardtWoelfleSolution {
        try checkLadder(omegas)
        try checkRatio(tauSRatio)
        let solver = SelfConsistentSolver(kernel: kernel, breakingRate: tauSRatio, equation: "VW (42) in d = \(kernel.dimension), λ = \(kernel.lambda)")
        let points = try solver.solve(omegas: omegas)
        return VollhardtWoelfleSolution(points: points, staticLimit: try solver.staticLimit(), bareDiffusion: kernel.bareDiffusion, omegaScale: 1)
    }

    static func checkLadder(_ omegas: [Double]) throws(TheoryInputError) {
        guard !omegas.isEmpty else { throw TheoryInputError(.omega, value: "(none)", reason: "is empty", allowed: "one or more frequencies > 0") }
        if let bad = omegas.first(where: { !($0.isFinite && $0 > 0 && $0 >= 1e-250) }) {
            throw TheoryInputError(.omega, value: "\(bad)", reason: "is not a positive frequency", allowed: "finite numbers in [1e-250, ∞)")
        }
    }

    static func checkRatio(_ ratio: Double) throws(TheoryInputError) {
        guard ratio.isFinite, ratio >= 0 else {
            throw TheoryInputError(.tauSRatio, value: "\(ratio)", reason: "is not a rate ratio τ/τ_s", allowed: "a finite number ≥ 0")
        }
    }
}

/// Exponents of the d = 3 VW transition fitted from solutions of (★) at one small ω:
/// s from D(ω)/D0 on the metallic side λ = λ_c(1 − δ), ν from ξ² = Re(iD/ω)/… on the localized side
/// λ = λ_c(1 + δ), over δ = |λ − λ_c|/λ_c ∈ [δ_lo, 10δ_lo]. Each exponent is fitted twice: as a pure
/// power law and with the leading analytic correction, log y = c + e log δ + bδ. Exactly,
/// D(0)/D0 = δ (s = 1, no correction) and ξk0 = (π/2)λ/(λ − λ_c) − 2/π + O(δ) with k0 ∝ 1/λ, so
/// ξ ∝ δ^{−1}(1 + (2 − 4/π²)δ + …): a pure power law reads the correction as a shift of ν by
/// about −1.6·δ (ν ≈ 0.994 on [1e-3, 1e-2]).
public struct CriticalExponentFits: Sendable {
    public let omega: Double
    public let window: (lower: Double, upper: Double)
    public let s: PowerLawFit
    public let sPowerLaw: PowerLawFit
    public let nu: PowerLawFit
    public let nuPowerLaw: PowerLawFit

    /// δ_lo = max(1e-3, 20(ωτ)^{1/3}): the window stays above the ω-crossover, where the
    /// critical D ∝ (−iωτ)^{1/3} takes over (δ ≈ 1.3(ωτ)^{1/3}, 6e-4 at ωτ = 1e-10).
    public static func lowerWindow(omega: Double) -> Double { max(1e-3, 20 * pow(omega, 1.0 / 3)) }

    public init(cutoff: Double, omega: Double = 1e-20, points: Int = 9) throws {
        let lambdaC = 1 / (3 * cutoff)
        let lower = Self.lowerWindow(omega: omega)
        let deltas = (0..<points).map { lower * pow(10, Double($0) / Double(points - 1)) }
        var logD: [Double] = [], logXi: [Double] = []
        for delta in deltas {
            let metal = try VollhardtWoelfleSolution.solve(try VollhardtWoelfleContinuum(dimension: 3, lambda: lambdaC * (1 - delta), cutoff: cutoff),
                                                           omegas: [omega])
            logD.append(Foundation.log(metal.rows[0].relativeDiffusion.real))
            let kernel = try VollhardtWoelfleContinuum(dimension: 3, lambda: lambdaC * (1 + delta), cutoff: cutoff)
            let localized = try VollhardtWoelfleSolution.solve(kernel, omegas: [omega])
            let xi2 = -kernel.bareDiffusion * localized.rows[0].relativeDiffusion.imaginary / omega
            logXi.append(0.5 * Foundation.log(xi2))
        }
        let logDelta = deltas.map { Foundation.log($0) }
        self.omega = omega
        window = (deltas.first!, deltas.last!)
        s = try PowerLawFit(logX: logDelta, logY: logD, correction: deltas)
        sPowerLaw = try PowerLawFit(logX: logDelta, logY: logD, correction: nil)
        nu = PowerLawFit(negating: try PowerLawFit(logX: logDelta, logY: logXi, correction: deltas))
        nuPowerLaw = PowerLawFit(negating: try PowerLawFit(logX: logDelta, logY: logXi, correction: nil))
    }
}
