import Foundation
import TestSupport
import Testing

/// `--d0 vw` and `--xi vw`: the vertex takes its number from the lattice VW (42) solution of
/// the same model at its ω (docs/model.md §6.4). Each test compares with `collop vw --lattice`
/// run separately on the same model options.
@Suite("--d0 vw, --xi vw")
struct VWConnectionTests {
    func number(_ text: String?) -> Double { Double(text ?? "") ?? .nan }

    func relative(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), .leastNormalMagnitude) }

    /// D(ω) of `collop vw --lattice` at one ω: the D/D_RA columns times the header's D0 = D_RA.
    func latticeVW(_ model: [String], omega: String) throws -> (d: (re: Double, im: Double), output: String) {
        let result = try runCollop(["vw", "--lattice", "--omegas", omega, "--quiet"] + model)
        #expect(result.status == 0, "\(result.stderr)")
        let rows = dataRows(result.stdout)
        let d0 = number(headerValue(result.stdout, "D0"))
        #expect(rows.count == 1)
        return ((number(rows.first?[1]) * d0, number(rows.first?[2]) * d0), result.stdout)
    }

    /// The published check of docs/model.md §6.4 (d = 1, L = 64, E = 0.3, W = 2, ω = 1e-3):
    /// ξ = 10.77 a, deviation 0.021, and the spectra of `lorentzian --xi vw` and `cooperon --d0
    /// vw` agree in |λ| to 4.4e-3 (largest relative difference of the sorted |λ|, zero mode
    /// excluded; measured 4.42e-3), below D's distance from −iωξ² — each to the digits printed.
    @Test func xiVWAndD0VWSpectraAgreeAsPublished() throws {
        let model = ["spectrum", "--dim", "1", "--size", "64", "--energy", "0.3", "--disorder", "2", "--omega", "1e-3", "--quiet"]
        let lorentzian = try runCollop(model + ["--singular", "lorentzian", "--xi", "vw"])
        let cooperon = try runCollop(model + ["--singular", "cooperon", "--d0", "vw"])
        #expect(lorentzian.status == 0 && cooperon.status == 0, "\(lorentzian.stderr)\(cooperon.stderr)")
        #expect(abs(number(headerValue(lorentzian.stdout, "xi")) - 10.77) < 0.005)
        let deviation = number(headerValue(lorentzian.stdout, "vw_localized_deviation"))
        #expect(abs(deviation - 0.021) < 0.0005)
        let magnitudes = { (text: String) in dataRows(text).map { Double($0[3])! }.sorted().dropFirst() }
        let a = magnitudes(lorentzian.stdout), b = magnitudes(cooperon.stdout)
        #expect(a.count == 63 && b.count == 63)
        let largest = zip(a, b).map { abs($0 - $1) / $1 }.max()!
        #expect(abs(largest - 4.4e-3) < 0.05e-3 && largest < deviation, "largest relative |λ| difference \(largest)")
    }

    /// The published leakage of docs/closure.md §2 (d = 1, E = −0.35, W = 1.6, L = 256): at
    /// D0 = D_VW and ω = 1e-5 the full operator's current channel gives D_cur/D_VW = 5.255 +
    /// 0.046i, and the pair-diagonal estimate R = ⟨v²⟩⟨v²|G|⁴⟩/⟨v²|G|²⟩², summed here over the
    /// zone from the printed Σ^R (independently of collop's sums), is 5.231 — 0.5 % apart.
    @Test func offShellLeakageMatchesItsEstimate() throws {
        let model = ["--dim", "1", "--energy", "-0.35", "--disorder", "1.6", "--size", "256", "--quiet"]
        let run = try runCollop(["diffusion", "--singular", "cooperon", "--d0", "vw", "--omega", "1e-5", "--nq", "2"] + model)
        let dry = try runCollop(["spectrum", "--dry-run"] + model)
        #expect(run.status == 0 && dry.status == 0, "\(run.stderr)\(dry.stderr)")
        let (a, b) = (number(headerValue(run.stdout, "d0")), number(headerValue(run.stdout, "d0_im")))          // D_VW
        let (c, d) = (number(headerValue(run.stdout, "D_current_re")), number(headerValue(run.stdout, "D_current_im")))
        let ratio = (re: (c * a + d * b) / (a * a + b * b), im: (d * a - c * b) / (a * a + b * b))
        #expect(abs(ratio.re - 5.255) < 0.0005 && abs(ratio.im - 0.046) < 0.0005, "D_cur/D_VW = \(ratio)")
        let (sigmaRe, sigmaIm) = (number(headerValue(dry.stdout, "sigma_R_re")), number(headerValue(dry.stdout, "sigma_R_im")))
        var v2 = 0.0, v2g2 = 0.0, v2g4 = 0.0
        for n in 0..<256 {
            let k = 2 * Double.pi * Double(n) / 256
            let (x, y) = (-0.35 + 2 * cos(k) - sigmaRe, -sigmaIm)                 // 1/G = E − ε_k − Σ
            let g2 = 1 / (x * x + y * y), v = 2 * sin(k)
            v2 += v * v; v2g2 += v * v * g2; v2g4 += v * v * g2 * g2
        }
        let estimate = v2 * v2g4 / (v2g2 * v2g2)
        #expect(abs(estimate - 5.231) < 0.001, "R = \(estimate)")
        #expect(abs(ratio.re - estimate) / estimate < 0.006)
    }

    @Test func d0FromVWEqualsLatticeVWAtOmega() throws {
        let model = ["--dim", "2", "--size", "10", "--omega", "0.01"]
        let run = try runCollop(["spectrum", "--singular", "cooperon", "--d0", "vw", "--quiet"] + model)
        #expect(run.status == 0, "\(run.stderr)")
        let (d, vw) = try latticeVW(model, omega: "0.01")
        #expect(relative(number(headerValue(run.stdout, "d0")), d.re) < 1e-13)
        #expect(relative(number(headerValue(run.stdout, "d0_im")), d.im) < 1e-13)
        #expect(d.im < 0 && d.re > 0)
        #expect(headerValue(run.stdout, "d0_rule")?.hasPrefix("lattice VW (42) at omega") == true)
        // The same continuation, the same iterations and the same ξ.
        #expect(headerValue(run.stdout, "vw_iterations") == headerValue(vw, "newton_iterations"))
        #expect(number(headerValue(run.stdout, "vw_omega")) == 0.01)
        #expect(headerValue(run.stdout, "vw_D_RA") == headerValue(vw, "D0"))
        #expect(headerValue(run.stdout, "vw_localization_length") == headerValue(vw, "localization_length"))
        // The operator was built with that D0: the spectrum ran, and its zero mode is there.
        let rows = dataRows(run.stdout)
        #expect(rows.count == 100)
        #expect(number(rows.first?[3]) < 1e-10)
    }

    @Test func xiFromVWEqualsLatticeLocalizationLength() throws {
        // d = 1, L = 64: ξ ≈ 10.8 < L, and D(10⁻³) within 2 % of −iωξ².
        let model = ["--dim", "1", "--size", "64"]
        let run = try runCollop(["spectrum", "--singular", "lorentzian", "--xi", "vw", "--quiet"] + model)
        #expect(run.status == 0, "\(run.stderr)")
        let (d, vw) = try latticeVW(model, omega: "0.001")
        // Both in lattice spacings: the lattice equation's t = iD/ω → ξ² is in a².
        #expect(headerValue(vw, "units")?.contains("lattice spacing a = 1") == true)
        let xiVW = number(headerValue(vw, "localization_length"))
        let xi = number(headerValue(run.stdout, "xi"))
        #expect(relative(xi, xiVW) < 1e-15)
        #expect(xi < 64)
        #expect(headerValue(vw, "localized_by") == "disorder (xi < L)")
        #expect(headerValue(run.stdout, "xi_rule")?.hasPrefix("lattice VW (42) at omega") == true)
        #expect(relative(number(headerValue(run.stdout, "vw_D_re")), d.re) < 1e-13)
        #expect(relative(number(headerValue(run.stdout, "vw_D_im")), d.im) < 1e-13)
        // Localized at ω: D ≈ −iωξ², the deviation printed is |iD/ω − ξ²|/ξ².
        let deviation = number(headerValue(run.stdout, "vw_localized_deviation"))
        let direct = ((d.re / 0.001) * (d.re / 0.001) + (-d.im / 0.001 - xi * xi) * (-d.im / 0.001 - xi * xi)).squareRoot() / (xi * xi)
        #expect(deviation < 0.1)
        #expect(relative(deviation, direct) < 1e-9)
        #expect(dataRows(run.stdout).count == 64)
    }

    @Test func xiVWWithLocalizedIsRefusedForItsFiniteRange() throws {
        let model = ["--dim", "1", "--size", "64"]
        let run = try runCollop(["spectrum", "--singular", "localized", "--xi", "vw", "--dry-run", "--quiet"] + model)
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("--xi: value vw cannot be used with --singular localized"))
        #expect(run.stderr.contains("R²/(2d) = 2,"))  // R = 2, d = 1
        let xi = number(headerValue(try latticeVW(model, omega: "0.001").output, "localization_length"))
        #expect(run.stderr.contains("VW's ξ² = \(String(format: "%.4g", xi * xi))"))
        #expect(run.stderr.contains("allowed: vw only with --singular lorentzian"))
    }

    @Test func xiVWRefusedWhereOnlyTheGridLocalizes() throws {
        // The 2D defaults: ξ ≈ 23 ≥ L = 16.
        let run = try runCollop(["spectrum", "--singular", "lorentzian", "--xi", "vw", "--dry-run", "--quiet"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--xi: value vw needs a VW solution localized by disorder"))
        #expect(run.stderr.contains("≥ L = 16: only the finite grid localizes it"))
        let vw = try latticeVW([], omega: "0.001").output
        #expect(headerValue(vw, "localized_by")?.hasPrefix("the grid's Q = 0 term") == true)
    }

    @Test func xiVWRefusedAboveTheLocalizedRegime() throws {
        let run = try runCollop(["spectrum", "--singular", "lorentzian", "--xi", "vw", "--dim", "1", "--size", "64",
                                 "--omega", "0.05", "--dry-run", "--quiet"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--xi: value vw needs the VW solution localized at ω = 0.05"))
        #expect(run.stderr.contains("is not yet −iωξ²"))
        #expect(run.stderr.contains("allowed: a number; or vw at a smaller --omega"))
    }

    @Test func configStringVW() throws {
        let directory = try makeTemporaryDirectory(prefix: "collop-vw")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("vw.toml")
        try "singular = \"cooperon\"\nd0 = \"vw\"\nsize = 10\nomega = 0.01\n".write(to: url, atomically: true, encoding: .utf8)
        let fromConfig = try runCollop(["spectrum", "--config", url.path, "--dry-run", "--quiet"])
        #expect(fromConfig.status == 0, "\(fromConfig.stderr)")
        let fromFlags = try runCollop(["spectrum", "--singular", "cooperon", "--d0", "vw", "--size", "10", "--omega", "0.01", "--dry-run", "--quiet"])
        #expect(fromFlags.status == 0)
        for key in ["d0", "d0_im", "vw_iterations"] {
            #expect(headerValue(fromConfig.stdout, key) != nil)
            #expect(headerValue(fromConfig.stdout, key) == headerValue(fromFlags.stdout, key))
        }
        // A refusal names the config key.
        let lorentzian = directory.appendingPathComponent("xi.toml")
        try "singular = \"lorentzian\"\nxi = \"VW\"\n".write(to: lorentzian, atomically: true, encoding: .utf8)
        let refused = try runCollop(["spectrum", "--config", lorentzian.path, "--dry-run", "--quiet"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("config key 'xi' in \(lorentzian.path): value vw needs a VW solution localized by disorder"))
    }

    @Test func hierarchySolvesAtTheSmallestOmega() throws {
        let model = ["--singular", "cooperon", "--d0", "vw", "--size", "8", "--dry-run", "--quiet"]
        let ladder = try runCollop(["hierarchy", "--omegas", "1e-2,1e-4"] + model)
        #expect(ladder.status == 0, "\(ladder.stderr)")
        #expect(headerValue(ladder.stdout, "vw_omega") == "0.0001")
        let single = try runCollop(["spectrum", "--omega", "1e-4"] + model)
        #expect(headerValue(ladder.stdout, "d0") == headerValue(single.stdout, "d0"))
        #expect(headerValue(ladder.stdout, "d0_im") == headerValue(single.stdout, "d0_im"))
    }

    @Test func vwWithoutItsVertexOnlyWarns() throws {
        let d0 = try runCollop(["spectrum", "--singular", "lorentzian", "--d0", "vw", "--size", "8", "--dry-run"])
        #expect(d0.status == 0)
        #expect(d0.stderr.contains("warning: --d0 has no effect without --singular cooperon"))
        #expect(headerValue(d0.stdout, "vw_iterations") == nil)
        #expect(headerValue(d0.stdout, "xi") == "1.5")
        let xi = try runCollop(["spectrum", "--singular", "cooperon", "--xi", "vw", "--size", "8", "--dry-run"])
        #expect(xi.status == 0)
        #expect(xi.stderr.contains("warning: --xi has no effect without --singular localized or lorentzian"))
        #expect(headerValue(xi.stdout, "d0_rule") == "Kubo-Greenwood D")
        // A bad value still names what is allowed, vw among it.
        let bad = try runCollop(["spectrum", "--singular", "cooperon", "--d0", "vx", "--dry-run"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--d0: value vx"))
        #expect(bad.stderr.contains("or vw"))
    }
}
