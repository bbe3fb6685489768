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
        // Every input error before any warning: the coarse-grid warning of this model (printed
        // when it runs, below) does not precede the refusal.
        #expect(result.stderr.hasPrefix("Error: --qmax:") && !result.stderr.contains("warning"), "\(result.stderr)")
        // Given explicitly inside the zone, the same model runs.
        let given = try runCollop(["diffusion", "--singular", "none", "--size", "8", "--hopping", "0.01", "--qmax", "1", "--quiet"])
        #expect(given.status == 0, "\(given.stderr)")
        let warned = try runCollop(["diffusion", "--singular", "none", "--size", "8", "--hopping", "0.01", "--qmax", "1", "--nq", "2"])
        #expect(warned.status == 0 && warned.stderr.contains("warning: the grid is too coarse"), "\(warned.stderr)")
    }

    /// An unknown --sector is refused before the coarse-grid warning of its model is printed.
    @Test func unknownSectorBeforeWarnings() throws {
        let refused = try runCollop(["spectrum", "--size", "6", "--sector", "bogus"])
        #expect(refused.status == 2)
        #expect(refused.stderr.hasPrefix("Error: --sector: value bogus is not a symmetry block of this run (allowed: A1, A2, B1, B2, E)"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("warning"))
        let run = try runCollop(["spectrum", "--size", "6", "--sector", "A1"])
        #expect(run.status == 0 && run.stderr.contains("warning: the grid is too coarse"), "\(run.stderr)")
    }

    /// `exact` in d = 1 at a disorder too weak to measure ξ_L names the flag and the weakest
    /// W it measures (was "steps per segment: value 15625 is not allowed", naming no flag).
    @Test(arguments: [(["--disorder", "1e-10"], "--disorder: value W = 1e-10"), (["--disorders", "1,1e-10"], "--disorders: value W = 1e-10")])
    func exactTooWeakDisorderNamesItsFlag(arguments: [String], prefix: String) throws {
        let result = try runCollop(["exact", "--dim", "1"] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("Error: \(prefix) is too weak for the d = 1 run"), "\(result.stderr)")
        #expect(result.stderr.contains("(allowed: W ≥ 0.0306 at this E and t, where ξ_L ≤ 100000 sites)"), "\(result.stderr)")
        #expect(!result.stderr.contains("steps per segment"))
    }

    /// --dry-run's help says what the dry run of each command does, and --symmetry's what
    /// it does there: no diagonalization anywhere in `vw`'s help (which never diagonalizes),
    /// the λ0(q) ladder in `diffusion`, a diagonalization in `spectrum`.
    @Test func dryRunHelpIsTruePerCommand() throws {
        let vw = try runCollop(["vw", "--help"])
        let spectrum = try runCollop(["spectrum", "--help"])
        let diffusion = try runCollop(["help", "diffusion"])
        #expect(vw.status == 0 && spectrum.status == 0 && diffusion.status == 0)
        // The text of the option's own entry (an indented "--dry-run" at a line's start, not a
        // mention in the discussion), its wrapped lines joined.
        let line = { (text: String) in
            (text.components(separatedBy: "\n  --dry-run").dropFirst().first ?? "").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        #expect(line(vw.stdout).contains("before the VW equation is solved") && !vw.stdout.contains("diagonaliz"), "\(line(vw.stdout))")
        #expect(line(spectrum.stdout).contains("stop before any diagonalization"))
        #expect(line(diffusion.stdout).contains("the λ0(q) ladder is solved"), "\(line(diffusion.stdout))")
    }

    /// The header does not depend on --threads (tables are byte-identical at any thread
    /// count): a blocked run's memory_estimate is given for one block at a time plus what
    /// each further thread adds (it once grew with --threads, visibly at L = 64).
    @Test func memoryEstimateDoesNotDependOnThreads() throws {
        let model = ["spectrum", "--dry-run", "--size", "64", "--vectors", "16"]
        let one = try runCollop(model + ["--threads", "1"])
        let two = try runCollop(model + ["--threads", "2"])
        #expect(one.status == 0 && two.status == 0)
        let header = { (text: String) in text.split(separator: "\n").filter { !$0.hasPrefix("# blas_threads = ") } }
        #expect(header(one.stdout) == header(two.stdout))
        #expect(headerValue(one.stdout, "memory_estimate")?.contains("with one block solved at a time, up to 37 MiB more per further --threads") == true,
                "\(headerValue(one.stdout, "memory_estimate") ?? "")")
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
