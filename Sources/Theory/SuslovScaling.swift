import Foundation
import Numerics

/// Suslov's scaling equation (112) near the transition,
///
///     D0 = Aτ + B (−iω/D0)^{1/(2ν)},
///
/// with ν from (18): ν = 1/(d − 2) for 2 < d < 4 and ν = 1/2 for d ≥ 4, and τ the distance to the
/// transition. With p = 1/(2ν), s = (Bω^p)^{1/(1+p)} and D0 = s·X the equation becomes one-parameter,
///
///     X = T + e^{−iπp/2} X^{−p},   T = Aτ/s,
///
/// whose solution with Re X > 0 is unique (Suslov, Fig. 5: one physical branch; the power of
/// −iω/D0 is principal, so at τ = 0, ν = 1 a second root sits on the boundary D0 = +i|D0|).
/// The branch is followed from its exact value at T = 0, X = e^{−iπp/(2(1+p))}, by Newton's method
/// on log X along asinh T.
public struct SuslovScaling: Sendable {
    public let dimension: Double
    public let a: Double
    public let b: Double

    /// ν of Suslov (18).
    public let nu: Double
    /// p = 1/(2ν).
    public var p: Double { 1 / (2 * nu) }
    /// The critical exponent of D0 in ω at τ = 0: 1/(2ν + 1).
    public var criticalExponent: Double { 1 / (2 * nu + 1) }

    /// ν of Suslov (18): 1/(d − 2) for 2 < d < 4, 1/2 for d ≥ 4.
    public static func nu(dimension d: Double) -> Double { d < 4 ? 1 / (d - 2) : 0.5 }

    public init(dimension: Double, a: Double, b: Double) throws(TheoryInputError) {
        guard dimension.isFinite, dimension > 2 else {
            throw TheoryInputError(.dimension, value: "\(dimension)", reason: "has no transition in (18)", allowed: "a real number > 2")
        }
        guard a.isFinite, a > 0 else { throw TheoryInputError(.amplitudeA, value: "\(a)", reason: "is not a positive amplitude", allowed: "a finite number > 0") }
        guard b.isFinite, b > 0 else { throw TheoryInputError(.amplitudeB, value: "\(b)", reason: "is not a positive amplitude", allowed: "a finite number > 0") }
        self.dimension = dimension
        self.a = a
        self.b = b
        nu = Self.nu(dimension: dimension)
    }

    /// Suslov (112) for the VW (42) continuum in d = 3 (ν = 1): A = 1, τ = 1 − λ/λ_c and
    /// B = (√3π/(2k0 l))(λ/λ_c), asymptotically near λ_c (l = 1).
    public static func vollhardtWoelfle(lambda: Double, criticalLambda: Double,
                                        cutoffMomentum k0: Double) throws(TheoryInputError) -> (scaling: SuslovScaling, tau: Double) {
        let b = 3.0.squareRoot() * Double.pi / (2 * k0) * lambda / criticalLambda
        return (try SuslovScaling(dimension: 3, a: 1, b: b), 1 - lambda / criticalLambda)
    }

    /// The scaled root X(T) with Re X > 0 of X = T + e^{−iπp/2} X^{−p}.
    ///
    /// Newton runs on V = log X − iθ with θ = 0 for T ≥ 0 and θ = −π/2 for T < 0: on the insulating
    /// side X ≈ −i|T|^{−1/p} has Re X/|X| ~ |T|^{−1−1/p}, far below the resolution of Im log X
    /// near −π/2, but W = iX is nearly real and its small argument keeps full relative accuracy
    /// (there the equation reads −iW = T + W^{−p}, and Re X = Im W > 0).
    public func scaledRoot(_ tScaled: Double) throws(TheoryConvergenceError) -> Complex<Double> {
        let p = self.p
        let theta = tScaled < 0 ? -Double.pi / 2 : 0
        // e^{iθ} and c·e^{−ipθ} (the coefficient of e^{−pV}), exact: −i and 1 on the insulating side.
        let rotation = tScaled < 0 ? Complex<Double>(0, -1) : Complex<Double>(1, 0)
        let c = tScaled < 0 ? Complex<Double>(1, 0) : Complex.exp(Complex(0, -Double.pi * p / 2))
        // The physical half plane Re X > 0 in V: Im V ∈ (−π/2 − θ, π/2 − θ).
        let lower = -Double.pi / 2 - theta, upper = Double.pi / 2 - theta
        func newton(_ start: Complex<Double>, _ target: Double, trail: inout [Complex<Double>]) -> Complex<Double>? {
            var v = start
            var polished = false
            for _ in 0..<80 {
                let x = rotation * Complex.exp(v)
                let power = c * Complex.exp(v.multiplied(by: -p))
                let f = x - Complex(target, 0) - power
                let df = x + power.multiplied(by: p)
                var step = -(f / df)
                guard step.isFinite else { return nil }
                if step.length > 0.5 { step = step.multiplied(by: 0.5 / step.length) }
                v = v + step
                trail.append(rotation * Complex.exp(v))
                if trail.count > 8 { trail.removeFirst() }
                if step.length <= 1e-13 * max(1, v.length) {
                    if polished { return (v.imaginary > lower && v.imaginary < upper) ? v : nil }
                    polished = true
                }
            }
            return nil
        }
        var trail: [Complex<Double>] = []
        // Direct start from the asymptotes when |T| is large.
        if tScaled > 4, let v = newton(Complex.log(Complex(tScaled, 0)), tScaled, trail: &trail) { return Complex.exp(v) }
        if tScaled < -4 {
            // W = iX ≈ |T|^{−1/p}, just above the real axis.
            let start = Complex(-Foundation.log(-tScaled) / p, 1e-3)
            if let v = newton(start, tScaled, trail: &trail) { return rotation * Complex.exp(v) }
        }
        // Continuation in u = asinh T from the exact root at T = 0.
        var v = Complex(0, -Double.pi * p / (2 * (1 + p)) - theta)
        var u = 0.0
        let goal = asinh(tScaled)
        var step = 0.05
        var iterations = 0
        while u != goal {
            let next = goal > u ? min(goal, u + step) : max(goal, u - step)
            if let solved = newton(v, sinh(next), trail: &trail) {
                v = solved
                u = next
                step = min(step * 1.5, 0.5)
            } else {
                step /= 2
            }
            iterations += 1
            if step < 1e-10 || iterations > 100_000 {
                throw TheoryConvergenceError(equation: "Suslov (112)", detail: "continuation stalled at T = \(sinh(u)) on the way to T = \(tScaled)",
                                             iterations: iterations, lastIterates: trail)
            }
        }
        return rotation * Complex.exp(v)
    }

    /// log s = (log B + p log ω)/(1 + p), the scale of D0 at frequency ω.
    public func logScale(logOmega: Double) -> Double { (Foundation.log(b) + p * logOmega) / (1 + p) }

    /// D0(ω) at distance τ: the root of (112) with Re D0 > 0.
    public func solve(tau: Double, omega: Double) throws -> Complex<Double> {
        guard omega.isFinite, omega > 0 else {
            throw TheoryInputError(.omega, value: "\(omega)", reason: "is not a positive frequency", allowed: "finite numbers > 0")
        }
        guard tau.isFinite else { throw TheoryInputError(.distance, value: "\(tau)", reason: "is not finite", allowed: "a finite real number") }
        let s = Foundation.exp(logScale(logOmega: Foundation.log(omega)))
        return try scaledRoot(a * tau / s).multiplied(by: s)
    }

    /// Exponents fitted from solutions of (112): s from D0(ω → 0) = Aτ^s on the metallic side and ν
    /// from ξ² = Re(iD0/ω) ∝ |τ|^{−2ν} on the insulating side, over |τ| ∈ [1e-3, 1e-2] at a
    /// frequency low enough that |T| ≥ 1e8 (computed in logarithms: for d near 2 that ω is far
    /// below double range).
    public func fittedExponents(points: Int = 9) throws -> (s: PowerLawFit, nu: PowerLawFit) {
        let taus = (0..<points).map { 1e-3 * pow(10, Double($0) / Double(points - 1)) }
        let logS = Foundation.log(a * taus[0] / 1e8)
        let logOmega = ((1 + p) * logS - Foundation.log(b)) / p
        var logD: [Double] = [], logXi: [Double] = []
        for tau in taus {
            let metal = try scaledRoot(a * tau / Foundation.exp(logS))
            logD.append(Foundation.log(metal.real) + logS)
            let insulator = try scaledRoot(-a * tau / Foundation.exp(logS))
            // ξ² = Re(i s X/ω) = −s·Im X/ω.
            logXi.append(0.5 * (Foundation.log(-insulator.imaginary) + logS - logOmega))
        }
        let logTau = taus.map { Foundation.log($0) }
        let sFit = try PowerLawFit(logX: logTau, logY: logD, correction: nil)
        let nuFit = try PowerLawFit(logX: logTau, logY: logXi, correction: nil)
        return (sFit, PowerLawFit(negating: nuFit))
    }
}
