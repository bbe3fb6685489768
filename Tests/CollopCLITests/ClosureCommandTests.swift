import Foundation
import TestSupport
import Testing

/// `collop closure` through the CLI, and the closure checked from outside: `collop diffusion`
/// with the fixed point as a complex --d0 prints D_current = D*.
@Suite("collop closure")
struct ClosureCommandTests {
    static let model = ["--singular", "cooperon", "--dim", "1", "--size", "512", "--energy", "-0.35", "--disorder", "1.6"]

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

    @Test func closureNeedsTheCooperon() throws {
        let result = try runCollop(["closure", "--singular", "localized", "--size", "8"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--singular") && result.stderr.contains("cooperon"))
        #expect(result.stdout.isEmpty)
    }
}
