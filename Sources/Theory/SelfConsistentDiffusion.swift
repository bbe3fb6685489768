import CollisionOperator
import Foundation
import Numerics

/// The momentum sum of a Vollhardt–Wölfle-type self-consistency, written for t = D/a with
/// a = −iω + 1/τ_s: multiplying (★) by D gives
///
///     a·t + Φ(t) = D0,   Φ(t) = D·(1/πN_F)∫ dᵈk/(2π)ᵈ 1/(a + Dk²),
///
/// in which a cancels: Φ depends on t alone. At ω → 0 a localized solution has t → ξ².
public protocol DiffusionKernel: Sendable {
    /// D0, the bare diffusion constant.
    var bareDiffusion: Double { get }
    /// Φ(t) and Φ′(t) on the physical sheet.
    func phi(_ t: Complex<Double>) -> (value: Complex<Double>, derivative: Complex<Double>)
    /// Φ′(0) (so that t ≈ D0/(a + Φ′(0)) at large ω).
    var slopeAtZero: Double { get }
    /// The largest k² of the sum (the scale beyond which |a| makes the correction small).
    var largestMomentumSquared: Double { get }
    /// lim_{t→∞} Φ(t) for real t, or nil when it diverges (then every τ_s = 0 solution is localized).
    var phiAtInfinity: Double? { get }
}

/// One frequency of a solved self-consistency.
public struct SelfConsistentPoint: Sendable, Equatable {
    public let omega: Double
    /// D(ω), in the units of D0.
    public let diffusion: Complex<Double>
    /// t = D/a.
    public let ratio: Complex<Double>
    /// Newton iterations spent on the continuation from the previous requested ω to this one.
    public let iterations: Int
}

/// ω → 0 limits of a self-consistency: the localization length when the solution localizes,
/// or the static D when it does not.
public struct StaticLimit: Sendable, Equatable {
    /// ξ² from D = −iωξ² + O(ω²): the root of Φ(ξ²) = D0 (τ_s = 0 only).
    public let localizationLengthSquared: Double?
    /// D(ω → 0) (0 on the localized side; positive on the metallic side or with τ_s > 0).
    public let staticDiffusion: Double
    /// Γ_M τ-like rate: M = −ω0²/ω + iΓ_M with Γ_M = D0/(ξ²Φ′(ξ²)) (units of the kernel's 1/τ = 1
    /// for the continuum), nil when not localized.
    public let localizedDamping: Double?

    public var localizationLength: Double? { localizationLengthSquared.map { $0.squareRoot() } }

    /// The ω → 0 regime in the terms of `DiffusionRegime`: localized with ξ² when
    /// iD/ω → ξ² (the distance from −iωξ² vanishes as ω → 0), diffusive when D(0) > 0, and
    /// undetermined at D(0) = 0 without localization (the critical point).
    public var regime: DiffusionRegime {
        if let xi2 = localizationLengthSquared { return .localized(lengthSquared: xi2) }
        return staticDiffusion == 0 ? .undetermined : .diffusive
    }
}

/// Solves a self-consistency `a·t + Φ(t) = D0` along a frequency ladder by Newton's method on
/// log t, continued in log ω from a large frequency (where D ≈ D0) down to each requested ω:
/// the predictor extrapolates log t linearly in log ω, exact for the power laws of the metallic
/// (t ∝ 1/ω), critical (t ∝ ω^{−2/3}) and localized (t → ξ²) regimes; a step that fails is halved.
/// Every accepted point has Re D ≥ 0 (the physical branch).
public struct SelfConsistentSolver: Sendable {
    public let kernel: any DiffusionKernel
    /// 1/τ_s in the kernel's units (time-reversal breaking, VW (42)).
    public let breakingRate: Double
    public let equation: String

    public init(kernel: any DiffusionKernel, breakingRate: Double, equation: String) {
        self.kernel = kernel
        self.breakingRate = breakingRate
        self.equation = equation
    }

    static let newtonTolerance = 1e-14
    static let maximumNewtonIterations = 60
    static let smallestStep = 1e-9

    func rate(_ omega: Double) -> Complex<Double> { Complex(breakingRate, -omega) }

    /// Newton on F(Y) = a e^Y + Φ(e^Y) − D0. Returns Y and the iteration count, or nil.
    func newton(from start: Complex<Double>, a: Complex<Double>, iterations: inout Int,
                trail: inout [Complex<Double>]) -> Complex<Double>? {
        var y = start
        let d0 = kernel.bareDiffusion
        var previousStep = Double.infinity
        for _ in 0..<Self.maximumNewtonIterations {
            iterations += 1
            let t = Complex.exp(y)
            let (phi, dphi) = kernel.phi(t)
            let f = a * t + phi - Complex(d0, 0)
            let df = t * (a + dphi)
            guard f.isFinite, df.isFinite, df != .zero else { return nil }
            var step = -(f / df)
            if step.length > 1 { step = step.divided(by: step.length) }
            var halvings = 0
            while !(y + step).imaginary.isFinite || (y + step).imaginary > Double.pi || (y + step).imaginary < -Double.pi {
                step = step.divided(by: 2)
                halvings += 1
                if halvings > 40 { return nil }
            }
            y = y + step
            trail.append(Complex.exp(y))
            if trail.count > 8 { trail.removeFirst() }
            // Converged: a step below the tolerance, or, within 10³ of it, a step that no longer
            // shrinks (Newton cycling at round-off, as near λ_c where t ~ 10⁶).
            let bound = Self.newtonTolerance * max(1, y.length)
            let atRoundOff = step.length <= 1e3 * bound && step.length >= previousStep
            previousStep = step.length
            if step.length <= bound || atRoundOff {
                let d = a * Complex.exp(y)
                // The physical branch, Re D ≥ 0 (up to round-off of the product a·t).
                guard d.real >= -1e-12 * d.length else { return nil }
                return y
            }
        }
        return nil
    }

    /// D(ω) at each frequency of `omegas` (any order, each > 0), in that order.
    public func solve(omegas: [Double]) throws(TheoryConvergenceError) -> [SelfConsistentPoint] {
        let targets = Array(Set(omegas)).sorted(by: >)
        let d0 = kernel.bareDiffusion
        let scale = abs(kernel.slopeAtZero) + d0 * kernel.largestMomentumSquared + breakingRate + 1
        var logOmega = Foundation.log(max(100 * scale, 10 * (targets.first ?? 1)))
        var a = rate(Foundation.exp(logOmega))
        var iterations = 0
        var trail: [Complex<Double>] = []
        let guess = Complex(d0, 0) / (a + Complex(kernel.slopeAtZero, 0))
        guard let y0 = newton(from: Complex.log(guess), a: a, iterations: &iterations, trail: &trail) else {
            throw TheoryConvergenceError(equation: equation, detail: "no convergence at the starting frequency ω = \(Foundation.exp(logOmega))",
                                         iterations: iterations, lastIterates: trail)
        }
        var history: [(logOmega: Double, y: Complex<Double>)] = [(logOmega, y0)]
        var step = 0.1 * Foundation.log(10.0)
        var results: [Double: SelfConsistentPoint] = [:]
        var spent = 0
        for target in targets {
            let logTarget = Foundation.log(target)
            while logOmega > logTarget {
                let next = max(logTarget, logOmega - step)
                let current = history[history.count - 1]
                var predicted = current.y
                if history.count >= 2 {
                    let previous = history[history.count - 2]
                    let slope = (current.y - previous.y).divided(by: current.logOmega - previous.logOmega)
                    predicted = current.y + slope.multiplied(by: next - current.logOmega)
                }
                if predicted.imaginary > Double.pi || predicted.imaginary < -Double.pi { predicted = current.y }
                a = rate(Foundation.exp(next))
                var used = 0
                if let y = newton(from: predicted, a: a, iterations: &used, trail: &trail) {
                    iterations += used
                    spent += used
                    history.append((next, y))
                    if history.count > 3 { history.removeFirst() }
                    logOmega = next
                    step = min(step * 1.5, 0.5 * Foundation.log(10.0))
                } else {
                    iterations += used
                    step /= 2
                    if step < Self.smallestStep {
                        throw TheoryConvergenceError(equation: equation,
                                                     detail: "Newton continuation stalled between ω = \(Foundation.exp(logOmega)) and ω = \(target)",
                                                     iterations: iterations, lastIterates: trail)
                    }
                }
            }
            // The loop ends on log ω = log(target); polish at the exact ω (exp∘log may differ by an ulp).
            a = rate(target)
            var y = history[history.count - 1].y
            var used = 0
            if let polished = newton(from: y, a: a, iterations: &used, trail: &trail) { y = polished }
            spent += used
            iterations += used
            let t = Complex.exp(y)
            results[target] = SelfConsistentPoint(omega: target, diffusion: a * t, ratio: t, iterations: spent)
            spent = 0
        }
        return omegas.map { results[$0]! }
    }

    /// The ω → 0 limits: ξ² (root of Φ(ξ²) = D0 when τ_s = 0 and one exists), D(0), Γ_M.
    public func staticLimit() throws(TheoryConvergenceError) -> StaticLimit {
        let d0 = kernel.bareDiffusion
        let r = breakingRate
        func lhs(_ t: Double) -> Double { r * t + kernel.phi(Complex(t, 0)).value.real }
        if r == 0, let limit = kernel.phiAtInfinity, limit <= d0 {
            return StaticLimit(localizationLengthSquared: nil, staticDiffusion: d0 - limit, localizedDamping: nil)
        }
        // Bracket the root of lhs(t) = D0 in t > 0 (lhs increases from 0).
        var hi = 1.0
        var count = 0
        while lhs(hi) < d0 {
            hi *= 4
            count += 1
            if count > 600 || !hi.isFinite {
                throw TheoryConvergenceError(equation: equation, detail: "no root of the ω → 0 equation below t = \(hi)",
                                             iterations: count, lastIterates: [Complex(hi, 0)])
            }
        }
        // Bisection in log t, then Newton polish.
        var lo = hi / 4
        while lhs(lo) >= d0 && lo > 1e-300 { lo /= 4; count += 1 }
        var t = (lo * hi).squareRoot()
        for _ in 0..<200 {
            count += 1
            let mid = (lo * hi).squareRoot()
            if lhs(mid) < d0 { lo = mid } else { hi = mid }
            t = mid
            if hi / lo - 1 < 1e-6 { break }
        }
        for _ in 0..<20 {
            count += 1
            let (value, derivative) = kernel.phi(Complex(t, 0))
            let f = r * t + value.real - d0
            let df = r + derivative.real
            guard df > 0 else { break }
            let next = t - f / df
            if !(next > 0) { break }
            let change = abs(next - t)
            t = next
            if change <= 1e-15 * t { break }
        }
        if r > 0 {
            return StaticLimit(localizationLengthSquared: nil, staticDiffusion: r * t, localizedDamping: nil)
        }
        let derivative = kernel.phi(Complex(t, 0)).derivative.real
        return StaticLimit(localizationLengthSquared: t, staticDiffusion: 0, localizedDamping: d0 / (t * derivative))
    }
}
