import Foundation
import TestSupport
import Testing

@Suite("collop hierarchy, flow, dispersion")
struct HierarchyCommandTests {
    @Test func hierarchySummaryAndTable() throws {
        let result = try runCollop(["hierarchy"])
        #expect(result.status == 0)
        #expect(headerValue(result.stdout, "scaling_M0") == "1")
        #expect(headerValue(result.stdout, "scaling_M1") == "243")
        #expect(headerValue(result.stdout, "scaling_Minf") == "12")
        #expect(headerValue(result.stdout, "structural_Minf") == "12")
        #expect(headerValue(result.stdout, "rank_L1") == "12")
        #expect(headerValue(result.stdout, "agreement") == "256 of 256")
        #expect(headerValue(result.stdout, "omegas") == "0.001,0.0001,1e-05")
        #expect(result.stdout.contains("\ns\tre\tim\tabs\tw0\tclass\tp\tresidual\n"))
        let rows = dataRows(result.stdout)
        #expect(rows.count == 256)
        #expect(rows[0][5] == "M0" && rows[0][6] == "nan")
        #expect(Dictionary(grouping: rows, by: { $0[5] }).mapValues(\.count) == ["M0": 1, "M1": 243, "Minf": 12])
        // The branches table: one row per (branch, ω).
        let blocks = result.stdout.components(separatedBy: "\n\n\n")
        #expect(dataRows(blocks[1]).count == 256 * 3)
    }

    static let badLadders: [String] = ["1e-3", "1e-3,0", "1e-3,1e-3", "1e-3,-1e-4", "1e-3,abc", "1e-3,inf", ""]

    @Test(arguments: badLadders)
    func badLadderIsRefused(ladder: String) throws {
        let result = try runCollop(["hierarchy", "--size", "6", "--omegas", ladder])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--omegas"))
        #expect(result.stdout.isEmpty)
    }

    @Test func badDeltaIsRefused() throws {
        for delta in ["0", "0.6", "x"] {
            let result = try runCollop(["hierarchy", "--size", "6", "--delta", delta])
            #expect(result.status == 2 && result.stderr.contains("--delta"))
        }
    }

    @Test func flowRowsAndZeroModes() throws {
        let result = try runCollop(["flow", "--size", "8", "--steps", "4"])
        #expect(result.status == 0)
        #expect(headerValue(result.stdout, "zero_modes_at_t0") == headerValue(result.stdout, "N_minus_rank_L1"))
        let rows = dataRows(result.stdout)
        #expect(rows.count == 64 * 5)
        #expect(Set(rows.map { $0[0] }) == ["0.0", "0.25", "0.5", "0.75", "1.0"])
        let refused = try runCollop(["flow", "--singular", "none", "--size", "6"])
        #expect(refused.status == 2 && refused.stderr.contains("--singular"))
        let badSteps = try runCollop(["flow", "--steps", "0"])
        #expect(badSteps.status == 2 && badSteps.stderr.contains("--steps"))
    }

    @Test func dispersionColumns() throws {
        let result = try runCollop(["dispersion", "--size", "8", "--nq", "3", "--qmax", "0.3"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("\nq\tlambda0_re\tlambda0_im\tw0\tlambda0_stream_re\tlambda0_stream_im\tremainder_re\tremainder_im\tD_re\tD_im\n"))
        let rows = dataRows(result.stdout)
        #expect(rows.count == 3)
        for row in rows {
            let lambda = Double(row[1])!, first = Double(row[4])!, remainder = Double(row[6])!
            #expect(abs(lambda - first - remainder) <= 1e-15 + 1e-12 * abs(lambda))
        }
        let bad = try runCollop(["dispersion", "--qmax", "-1"])
        #expect(bad.status == 2 && bad.stderr.contains("--qmax"))
    }
}
