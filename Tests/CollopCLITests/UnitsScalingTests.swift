import Foundation
import TestSupport
import Testing

/// Units (docs/model.md §0): t, E, ω, Σ, γ and λ are energies and D is a²t/ħ, so multiplying
/// t, E, ω and γ by c — and U0 by c² (Σ = U0⟨G⟩ with G ~ 1/energy, i.e. W by c) — multiplies
/// every eigenvalue, γ and D by c. The default amplitude F = 2γU0 then scales as c³, so
/// U^sing = iF/ω·A (c²), F/(−iω + D0Q̂²) (c²) and 𝕊 ∝ U^sing·ΔG (c) follow. c = 2.5 is not a
/// power of two, so the scaled run does not repeat the unscaled arithmetic bit for bit.
@Suite("Units: --hopping scales every energy")
struct UnitsScalingTests {
    static let c = 2.5

    /// Base and scaled arguments for a vertex: t = 1 → c, E, ω, W, γ (fixed) → c·…
    static func arguments(_ command: String, singular: String, scale: Double, fixed: Bool) -> [String] {
        var result = [command, "--quiet", "--size", "8", "--singular", singular, "--hopping", "\(scale)",
                      "--energy", "\(0.3 * scale)", "--omega", "\(2e-3 * scale)", "--disorder", "\(2.2 * scale)"]
        if fixed { result += ["--self-energy", "fixed", "--gamma", "\(0.2 * scale)"] }
        return result
    }

    /// Largest distance from each value of `a` to its nearest unused partner in `b`.
    static func multisetDistance(_ a: [(Double, Double)], _ b: [(Double, Double)]) -> Double {
        guard a.count == b.count else { return .infinity }
        var used = [Bool](repeating: false, count: b.count)
        var worst = 0.0
        for x in a {
            var best = 0, distance = Double.infinity
            for (j, y) in b.enumerated() where !used[j] && hypot(x.0 - y.0, x.1 - y.1) < distance {
                best = j
                distance = hypot(x.0 - y.0, x.1 - y.1)
            }
            used[best] = true
            worst = max(worst, distance)
        }
        return worst
    }

    /// The spectrum at (c t, c E, c ω, c W) is c times the spectrum at (t, E, ω, W), for every
    /// vertex, and γ scales by c. Tolerance 1e-11 of max|λ| (two independent eigen-solves; the
    /// parity identity of docs/model.md §3.4 allows 1e-10 for the same situation).
    @Test(arguments: [("none", false), ("localized", false), ("lorentzian", false), ("cooperon", false), ("localized", true)])
    func spectrumScalesWithTheHopping(singular: String, fixed: Bool) throws {
        let base = try runCollop(Self.arguments("spectrum", singular: singular, scale: 1, fixed: fixed) + ["--values-only"])
        let scaled = try runCollop(Self.arguments("spectrum", singular: singular, scale: Self.c, fixed: fixed) + ["--values-only"])
        #expect(base.status == 0 && scaled.status == 0, "\(base.stderr) \(scaled.stderr)")
        let values = dataRows(base.stdout).map { (Self.c * Double($0[1])!, Self.c * Double($0[2])!) }
        let scaledValues = dataRows(scaled.stdout).map { (Double($0[1])!, Double($0[2])!) }
        #expect(values.count == 64 && scaledValues.count == 64)
        let largest = values.map { hypot($0.0, $0.1) }.max() ?? 0
        #expect(Self.multisetDistance(values, scaledValues) <= 1e-11 * largest)
        let gamma = try #require(headerValue(base.stdout, "gamma").flatMap(Double.init))
        let scaledGamma = try #require(headerValue(scaled.stdout, "gamma").flatMap(Double.init))
        #expect(abs(scaledGamma - Self.c * gamma) <= 1e-13 * scaledGamma)
    }

    /// D_KG, D_RA and the fitted D scale by c (a = 1), the mean free path v_F/(2γ) not at all.
    @Test func diffusionScalesWithTheHopping() throws {
        let base = try runCollop(Self.arguments("diffusion", singular: "none", scale: 1, fixed: false))
        let scaled = try runCollop(Self.arguments("diffusion", singular: "none", scale: Self.c, fixed: false))
        #expect(base.status == 0 && scaled.status == 0, "\(base.stderr) \(scaled.stderr)")
        for key in ["D_KG", "D_RA", "D_fit_re"] {
            let d = try #require(headerValue(base.stdout, key).flatMap(Double.init))
            let dScaled = try #require(headerValue(scaled.stdout, key).flatMap(Double.init))
            #expect(abs(dScaled - Self.c * d) <= 1e-11 * abs(dScaled), "\(key): \(dScaled) vs \(Self.c) × \(d)")
        }
        let l = try #require(headerValue(base.stdout, "mean_free_path").flatMap(Double.init))
        let lScaled = try #require(headerValue(scaled.stdout, "mean_free_path").flatMap(Double.init))
        #expect(abs(lScaled - l) <= 1e-12 * l)
    }
}
