import Numerics

/// g(z) = arctan(√z)/√z = ∫₀¹ dt/(1 + z t²), the angular-radial integral of (★) in d = 1 and
/// d = 3, with its derivative and 1 − g(z). Analytic off the cut z ∈ (−∞, −1]; on the physical
/// side of that cut (Im z ≥ 0) the value is the limit from above.
struct ArctanKernel {
    /// Below this |z| the power series is used (30 terms: |z|³⁰ ≤ 1e-30).
    static let seriesRadius = 0.1

    /// g(z).
    static func g(_ z: Complex<Double>) -> Complex<Double> {
        if z.length < seriesRadius {
            // g = Σ (−z)ⁿ/(2n+1)
            var sum = Complex<Double>.zero
            var power = Complex<Double>(1, 0)
            for n in 0..<30 {
                sum = sum + power.divided(by: Double(2 * n + 1))
                power = -power * z
            }
            return sum
        }
        let s = principalRoot(z)
        return arctan(s) / s
    }

    /// 1 − g(z), without cancellation at small z.
    static func oneMinusG(_ z: Complex<Double>) -> Complex<Double> {
        if z.length < seriesRadius {
            // 1 − g = Σ_{n≥1} −(−z)ⁿ/(2n+1)
            var sum = Complex<Double>.zero
            var power = z
            for n in 1..<31 {
                sum = sum + power.divided(by: Double(2 * n + 1))
                power = -power * z
            }
            return sum
        }
        return Complex(1, 0) - g(z)
    }

    /// g′(z) = (1/(1 + z) − g)/(2z); series −1/3 + 2z/5 − 3z²/7 + … near 0.
    static func derivative(_ z: Complex<Double>) -> Complex<Double> {
        if z.length < seriesRadius {
            var sum = Complex<Double>.zero
            var power = Complex<Double>(-1, 0)
            for n in 1..<31 {
                sum = sum + power.multiplied(by: Double(n) / Double(2 * n + 1))
                power = -power * z
            }
            return sum
        }
        return (Complex(1, 0) / (Complex(1, 0) + z) - g(z)) / (z.multiplied(by: 2))
    }

    /// √z on the principal branch, with a negative real z (Im z = ±0) taken from above.
    static func principalRoot(_ z: Complex<Double>) -> Complex<Double> {
        let w = (z.imaginary == 0 && z.real < 0) ? Complex(z.real, 0.0) : z
        return Complex.sqrt(w)
    }

    /// arctan(s) for Re s ≥ 0 (Kahan's formulas): the imaginary part through log1p, so it keeps
    /// its relative accuracy when it is tiny (z nearly real at ωτ ~ 1e-20); the real part through
    /// atan2, continuous up to the cut on the imaginary axis from the right.
    static func arctan(_ s: Complex<Double>) -> Complex<Double> {
        let x = s.real, y = s.imaginary
        let re = 0.5 * Double.atan2(y: 2 * x, x: (1 - y) * (1 + y) - x * x)
        let denominator = x * x + (1 - y) * (1 - y)
        let im = 0.25 * Double.log(onePlus: 4 * y / denominator)
        return Complex(re, im)
    }
}
