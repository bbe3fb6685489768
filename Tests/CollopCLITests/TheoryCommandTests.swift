import Foundation
import TestSupport
import Testing

/// `collop vw` and `collop scaling`: columns, header keys and the closed forms through the CLI.
@Suite("collop vw, scaling")
struct TheoryCommandTests {
    func number(_ text: String?) -> Double { Double(text ?? "") ?? .nan }

    /// The continuum `collop vw` (no --lattice) does not use the model options, but a malformed
    /// value is still bad input: exit 2 naming the flag (it exited 0 until issue 27 found it).
    @Test func continuumVWRefusesABadModelOption() throws {
        for arguments in [["--size", "abc"], ["--scba-max-iterations", "💥"], ["--singular", "bogus"]] {
            let result = try runCollop(["vw"] + arguments + ["--quiet"])
            #expect(result.status == 2 && result.stderr.hasPrefix("Error: \(arguments[0]): value "), "\(arguments): \(result.stderr)")
        }
        // A well-formed model option is still only warned about.
        let warned = try runCollop(["vw", "--size", "12"])
        #expect(warned.status == 0 && warned.stderr.contains("--size has no effect without --lattice"))
    }

    @Test func vwTwoDimensionsHeaderAndColumns() throws {
        let lambda = 0.25
        let result = try runCollop(["vw", "--dim", "2", "--lambda", "\(lambda)", "--omegas", "1e-2,1e-20"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("\nomega\tD_re\tD_im\tM_re\tM_im\tsigma_re\n"))
        let k0 = 1 / (Double.pi * lambda)
        let xi = (expm1(1 / lambda)).squareRoot() / k0
        // 17 significant digits printed: the closed form to 1e-12.
        #expect(abs(number(headerValue(result.stdout, "localization_length")) / xi - 1) < 1e-12)
        #expect(abs(number(headerValue(result.stdout, "omega0")) / (0.5 / (xi * xi)).squareRoot() - 1) < 1e-12)
        let rows = dataRows(result.stdout)
        #expect(rows.count == 2)
        // D = −iωξ² at ω = 1e-20 (units D0): Im D/D0 = −ωξ²/D0.
        #expect(abs(number(rows[1][2]) / (-1e-20 * xi * xi / 0.5) - 1) < 1e-9)
    }

    @Test func vwThreeDimensionsCriticalLambdaAndFits() throws {
        let result = try runCollop(["vw", "--dim", "3", "--lambda", "0.2", "--cutoff", "1.25", "--omegas", "1e-20"])
        #expect(result.status == 0)
        #expect(abs(number(headerValue(result.stdout, "critical_lambda")) - 1 / 3.75) < 1e-15)
        #expect(abs(number(headerValue(result.stdout, "D_zero_frequency")) - (1 - 0.2 * 3.75)) < 1e-14)
        #expect(abs(number(headerValue(result.stdout, "nu_fit")) - 1) < 1e-4)
        #expect(abs(number(headerValue(result.stdout, "s_fit")) - 1) < 1e-4)
        #expect(headerValue(result.stdout, "nu_fit_power_law") != nil)
        #expect(result.stdout.contains("# table = suslov112"))
    }

    @Test func vwLatticeRuns() throws {
        let result = try runCollop(["vw", "--lattice", "--dim", "2", "--size", "24", "--omegas", "1e-2,1e-3", "--quiet"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("\nomega\tD_over_D0_re\tD_over_D0_im\tM_re\tM_im\tsigma_re\tD_total_re\tD_total_im\n"))
        #expect(headerValue(result.stdout, "mode") == "lattice")
        #expect(headerValue(result.stdout, "D0") == headerValue(result.stdout, "D_RA"))
        #expect(dataRows(result.stdout).count == 2)
    }

    @Test func vwBadInputNamesTheFlag() throws {
        let cases: [([String], String)] = [
            (["vw", "--dim", "4"], "--dim"), (["vw", "--lambda", "-1"], "--lambda"), (["vw", "--cutoff", "0"], "--cutoff"),
            (["vw", "--omegas", "1e-3,0"], "--omegas"), (["vw", "--tau-s-ratio", "-0.1"], "--tau-s-ratio"),
            (["vw", "--lattice-cutoff", "1"], "--lattice-cutoff"), (["vw", "--lattice", "--lambda", "0.1"], "--lambda"),
        ]
        for (arguments, flag) in cases {
            let result = try runCollop(arguments)
            #expect(result.status == 2 && result.stderr.contains(flag), "\(arguments)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func scalingCriticalPointAndCollapse() throws {
        let result = try runCollop(["scaling", "--dim", "3", "--b", "2", "--tau", "0", "--omegas", "1e-3,1e-9", "--taus", "-0.01,0,0.01"])
        #expect(result.status == 0)
        #expect(headerValue(result.stdout, "nu") == "1")
        #expect(result.stdout.contains("\nomega\tD0_re\tD0_im\n"))
        let rows = dataRows(result.stdout)
        for row in rows {
            // D0 = B^{2/3}(−iω)^{1/3}: modulus B^{2/3}ω^{1/3}, argument −π/6.
            let omega = number(row[0])
            let re = number(row[1]), im = number(row[2])
            #expect(abs((re * re + im * im).squareRoot() / (pow(2, 2.0 / 3) * cbrt(omega)) - 1) < 1e-12)
            #expect(abs(atan2(im, re) + Double.pi / 6) < 1e-12)
        }
        let blocks = result.stdout.components(separatedBy: "\n\n\n")
        #expect(blocks.count == 2 && dataRows(blocks[1]).count == 6)
        #expect(abs(number(headerValue(result.stdout, "nu_fit")) - 1) < 1e-6)
    }

    @Test func scalingBadInputNamesTheFlag() throws {
        for (arguments, flag) in [(["scaling", "--dim", "2"], "--dim"), (["scaling", "--a", "0"], "--a"), (["scaling", "--b", "x"], "--b"),
                                  (["scaling", "--tau", "inf"], "--tau"), (["scaling", "--omegas", "-1"], "--omegas")] {
            let result = try runCollop(arguments)
            #expect(result.status == 2 && result.stderr.contains(flag), "\(arguments)")
        }
    }
}
