import Foundation
import TestSupport
import Testing

/// `collop closure` through the CLI, and the closure checked from outside: `collop diffusion`
/// with the fixed point as a complex --d0 prints D_current = D*.
@Suite("collop closure")
struct ClosureCommandTests {
    static let model = ["--singular", "cooperon", "--dim", "1", "--size", "512", "--energy", "-0.35", "--disorder", "1.6"]

    /// The published d = 2 weak-coupling slope of docs/closure.md §5 (E = 0.3, W = 2, L = 256,
    /// ωτ = 0.05 … 0.007): with F = 1e-3·2γU0 and D0 = D_RA, δ = (D_cur − D_cur(none))/1e-3
    /// fitted as a + b ln ω gives b = 0.1327 + 0.0040i = 1.033 × GLK's 1/(4π²ρ) = 0.12847, the
    /// docs' row (measured 1.0329, Im b = 0.031 GLK): bounds [1.02, 1.06] and |Im b| < 0.05 GLK.
    /// About 9 s (eleven runs on N = 65536).
    @Test func twoDimensionalWeakCouplingSlopeIsGLK() throws {
        let model = ["--dim", "2", "--size", "256", "--disorder", "2", "--energy", "0.3", "--quiet"]
        func header(_ arguments: [String]) throws -> (String) -> Double {
            let run = try runCollop(arguments + model)
            #expect(run.status == 0, "\(run.stderr)")
            return { Double(headerValue(run.stdout, $0) ?? "") ?? .nan }
        }
        let vw = try header(["vw", "--lattice", "--omegas", "1e-2"])
        let (rho, gamma, u0, dra) = (vw("rho"), vw("gamma"), vw("u0"), vw("D0"))
        let amplitude = 1e-3 * 2 * gamma * u0
        var xs: [Double] = [], re: [Double] = [], im: [Double] = []
        for omegaTau in [0.05, 0.03, 0.02, 0.01, 0.007] {
            let omega = "\(omegaTau * 2 * gamma)"
            let bare = try header(["diffusion", "--singular", "none", "--omega", omega, "--nq", "2"])
            let dressed = try header(["diffusion", "--singular", "cooperon", "--amplitude", "\(amplitude)", "--d0", "\(dra)",
                                      "--method", "krylov", "--omega", omega, "--nq", "2"])
            xs.append(log(omegaTau * 2 * gamma))
            re.append((dressed("D_current_re") - bare("D_current_re")) / 1e-3)
            im.append((dressed("D_current_im") - bare("D_current_im")) / 1e-3)
        }
        func slope(_ y: [Double]) -> Double {
            let mx = xs.reduce(0, +) / Double(xs.count), my = y.reduce(0, +) / Double(y.count)
            return zip(xs, y).map { ($0 - mx) * ($1 - my) }.reduce(0, +) / xs.map { ($0 - mx) * ($0 - mx) }.reduce(0, +)
        }
        let glk = 1 / (4 * Double.pi * Double.pi * rho)
        #expect(slope(re) / glk > 1.02 && slope(re) / glk < 1.06, "fitted/GLK = \(slope(re) / glk)")
        #expect(abs(slope(im)) < 0.05 * glk, "imaginary slope \(slope(im))")
    }

    @Test func closureTableAndTheCheckFromOutside() throws {
        let result = try runCollop(["closure"] + Self.model + ["--omegas", "1e-2,1e-3"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("\nomega\tD_re\tD_im\titerations\tresidual\tthouless\tvw_re\tvw_im\tbackward_error\tproducts\tsolver\n"))
        #expect(headerValue(result.stdout, "current_backward_error").flatMap(Double.init).map { $0 <= 1e-12 } == true)
        let rows = dataRows(result.stdout)
        #expect(rows.count == 2 && rows[0][0] == "0.01" && rows[1][0] == "0.001")
        for row in rows { #expect(Double(row[4])! <= 1e-8 && Double(row[8])! <= 1e-12) }
        #expect(headerValue(result.stdout, "ends") != nil)
        #expect(headerValue(result.stdout, "D_RA") != nil && headerValue(result.stdout, "D_RR") != nil)
        // D* at ω = 1e-3, fed back as --d0: the current channel reproduces it.
        let star = "\(rows[1][1]),\(rows[1][2])"
        let check = try runCollop(["diffusion"] + Self.model + ["--omega", "1e-3", "--d0", star, "--nq", "2"])
        #expect(check.status == 0)
        let re = try #require(headerValue(check.stdout, "D_current_re").flatMap(Double.init))
        let im = try #require(headerValue(check.stdout, "D_current_im").flatMap(Double.init))
        let dRe = Double(rows[1][1])!, dIm = Double(rows[1][2])!
        let scale = (dRe * dRe + dIm * dIm).squareRoot()
        #expect(abs(re - dRe) <= 1e-8 * scale && abs(im - dIm) <= 1e-8 * scale)
        // The single-mode closure suppresses more than the full operator (off-shell leakage).
        let vw = (Double(rows[1][6])!, Double(rows[1][7])!)
        #expect((vw.0 * vw.0 + vw.1 * vw.1).squareRoot() < scale)
    }

    /// --direct-memory: recorded in the header in GiB; values out of [0.01, 1024] GiB, or more
    /// than the machine has, are refused with the flag and the value named, before any output.
    @Test func directMemoryIsRecordedOrRefused() throws {
        let small = ["closure", "--singular", "cooperon", "--dim", "1", "--size", "64", "--omegas", "1e-2"]
        let run = try runCollop(small + ["--direct-memory", "0.5", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(headerValue(run.stdout, "direct_memory_gib").flatMap(Double.init) == 0.5)
        #expect(headerValue(try runCollop(small + ["--quiet"]).stdout, "direct_memory_gib").flatMap(Double.init) == 1)
        for value in ["0", "nan", "-1", "2000", "lots", ""] {
            let refused = try runCollop(small + ["--direct-memory", value])
            #expect(refused.status == 2, "--direct-memory \(value)")
            #expect(refused.stderr.contains("--direct-memory") && refused.stderr.contains("allowed"), "\(refused.stderr)")
            #expect(refused.stdout.isEmpty)
        }
        // 1000 GiB is inside the range but beyond this machine's memory: refused by what is available.
        let beyond = try runCollop(small + ["--direct-memory", "1000"])
        #expect(beyond.status == 2 && beyond.stderr.contains("available"), "\(beyond.stderr)")
    }

    @Test func closureNeedsTheCooperon() throws {
        let result = try runCollop(["closure", "--singular", "localized", "--size", "8"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--singular") && result.stderr.contains("cooperon"))
        #expect(result.stdout.isEmpty)
    }
}
