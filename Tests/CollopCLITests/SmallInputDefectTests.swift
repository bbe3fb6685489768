import CollopCLI
import Foundation
import TestSupport
import Testing

/// Inputs a new user reached that were silently mishandled (issue 23, item 8): each now names
/// the flag that causes it, or labels what was computed truthfully.
@Suite("small input defects")
struct SmallInputDefectTests {
    /// t far from 1 underflows v², D and 1/γ: refused naming --hopping, not a NaN inside dgels.
    @Test(arguments: ["1e-300", "1e300", "1e-9"])
    func extremeHoppingRefused(value: String) throws {
        let result = try runCollop(["diffusion", "--singular", "none", "--size", "8", "--hopping", value])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("Error: --hopping: value "))
        #expect(result.stderr.contains("(allowed: a finite number in [1e-8, 1e8])"))
        #expect(!result.stderr.contains("dgels") && !result.stderr.contains("NaN"))
    }

    /// The default qmax = 0.1·γ/t leaves the zone when γ/t > 10π: refused naming --qmax and the
    /// rule, not blamed on --q (which was never given).
    @Test func defaultLadderBeyondTheZoneNamesQmax() throws {
        let result = try runCollop(["diffusion", "--singular", "none", "--size", "8", "--hopping", "0.01"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("Error: --qmax: the default 0.1·γ/t = "))
        #expect(!result.stderr.contains("--q:"))
        // Given explicitly inside the zone, the same model runs.
        let given = try runCollop(["diffusion", "--singular", "none", "--size", "8", "--hopping", "0.01", "--qmax", "1", "--quiet"])
        #expect(given.status == 0, "\(given.stderr)")
    }

    /// The fit label says what was fitted: one point is no fit, two points a line in q².
    @Test func fitLabelFollowsThePointCount() throws {
        var forms: [String] = []
        for count in ["1", "2", "5"] {
            let result = try runCollop(["diffusion", "--singular", "none", "--size", "16", "--nq", count, "--quiet"])
            #expect(result.status == 0)
            forms.append(try #require(headerValue(result.stdout, "fit")))
            #expect(dataRows(result.stdout).count == Int(count)!)
        }
        #expect(forms[0].contains("no fit") && !forms[0].contains("B q^2"))
        #expect(forms[1].contains("B q^2") && !forms[1].contains("C q^4"))
        #expect(forms[2].contains("C q^4"))
        // With one point D_fit is that point's D(ω, q) itself.
        let one = try runCollop(["diffusion", "--singular", "localized", "--size", "16", "--nq", "1", "--quiet"])
        let row = try #require(dataRows(one.stdout).first)
        #expect(headerValue(one.stdout, "D_omega_re").flatMap(Double.init) == Double(row[4]))
    }

    /// A one-point envelope names its cause: R < 2, or ξ so short that e^{−|x|/ξ} underflows.
    @Test func onePointEnvelopeNamesItsCause() throws {
        let shortXi = try runCollop(["spectrum", "--size", "8", "--xi", "1e-300", "--values-only"])
        #expect(shortXi.status == 0)
        #expect(shortXi.stderr.contains("warning: --xi 1e-300 is so short"))
        #expect(!shortXi.stderr.contains("--range"))
        let shortRange = try runCollop(["spectrum", "--size", "8", "--range", "1", "--values-only"])
        #expect(shortRange.stderr.contains("warning: --range 1.0 < 2 leaves a one-point envelope"))
    }

    /// Help shows each default once: an option with a default value gets ArgumentParser's
    /// "(default: …)" and no second "[default: …]" of its own text.
    @Test(arguments: Collop.configuration.subcommands.compactMap { $0.configuration.commandName })
    func helpPrintsDefaultsOnce(command: String) throws {
        let (status, message) = Collop.execute(arguments: [command, "--help"])
        #expect(status == 0)
        let help = try #require(message)
        let flat = help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.range(of: #"\[default: [^\]]*\] \(default:"#, options: .regularExpression) == nil, "\(command)")
    }
}

/// A subnormal correlation radius squared to 0 made the Gaussian envelope 0/0 = NaN and trapped
/// on a force-unwrap (found by fuzzing with r_c = 1e-320): it is white noise on the lattice.
@Suite("subnormal correlation radius")
struct SubnormalCorrelationTests {
    @Test func tinyRadiusIsWhiteNoise() throws {
        let tiny = try runCollop(["spectrum", "--size", "6", "--correlation", "1e-320", "--values-only"])
        #expect(tiny.status == 0, "\(tiny.stderr)")
        let white = try runCollop(["spectrum", "--size", "6", "--correlation", "0", "--values-only"])
        let a = dataRows(tiny.stdout).map { Double($0[1])! }, b = dataRows(white.stdout).map { Double($0[1])! }
        #expect(a.count == 36 && a.count == b.count)
        #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 })
    }
}

/// --ward-projection and --symmetry take on or off, as their help says; yes/true were accepted
/// silently (issue 23 item 8). A config file's boolean stays a boolean.
@Suite("on/off switches")
struct SwitchValueTests {
    @Test(arguments: [["--ward-projection", "yes"], ["--ward-projection", "true"], ["--symmetry", "yes"], ["--symmetry", "false"]])
    func onlyOnOrOff(arguments: [String]) throws {
        let result = try runCollop(["spectrum", "--size", "6", "--values-only"] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("Error: \(arguments[0]): value \(arguments[1]) is not on or off"))
    }

    @Test func configBooleanAndOnOffAgree() throws {
        let directory = try makeTemporaryDirectory(prefix: "collop-switch")
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("model.toml")
        try "size = 6\nward-projection = false\n".write(to: config, atomically: true, encoding: .utf8)
        let fromConfig = try runCollop(["spectrum", "--config", config.path, "--values-only"])
        let fromFlag = try runCollop(["spectrum", "--size", "6", "--ward-projection", "off", "--values-only"])
        #expect(fromConfig.status == 0 && fromFlag.status == 0)
        #expect(dataRows(fromConfig.stdout) == dataRows(fromFlag.stdout))
    }
}

/// `vw --fit-omega` is read only by the continuum d = 3 exponent fits: elsewhere it is refused,
/// as --lambda is with --lattice, instead of being ignored (issue 23 item 8).
@Suite("vw --fit-omega where it is not read")
struct FitOmegaTests {
    @Test(arguments: [["--dim", "2"], ["--dim", "1"], ["--lattice", "--size", "16"]])
    func refusedOutsideTheContinuumThreeDimensions(arguments: [String]) throws {
        let result = try runCollop(["vw", "--fit-omega", "1e-12", "--omegas", "1e-2,1e-3", "--quiet"] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("Error: --fit-omega: value 1e-12 has no effect"))
    }

    @Test func readInThreeDimensions() throws {
        let result = try runCollop(["vw", "--dim", "3", "--lambda", "0.2", "--fit-omega", "1e-12", "--omegas", "1e-2", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(headerValue(result.stdout, "fit_omega").flatMap(Double.init) == 1e-12)
    }
}
