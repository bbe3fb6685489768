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
        // λ0 and λ_M at each printed q against `NaiveCollisionOperator` (its own SCBA, matrix and
        // inverse iteration), and the remainder against their difference.
        let direction = try #require(headerValue(result.stdout, "direction")).split(separator: ",").map { Double($0)! }
        let length = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for row in rows {
            let q = try #require(Double(row[0]))
            let naive = NaiveCollisionOperator(.init(dimension: 2, size: 8, hopping: 1, energy: 0.3, u0: 4.0 / 12, correlationRadius: 0,
                                                     vertex: .localized(range: 2, xi: 1.5), q: direction.map { q * $0 / length }, omega: 1e-3))
            let lambda0 = naive.eigenvalue(), stream = naive.streamingTerm
            let value = row[1...7].map { Double($0)! }
            let size = lambda0.length
            #expect(hypot(value[0] - lambda0.real, value[1] - lambda0.imaginary) <= 1e-10 * size, "λ0 at q = \(q): \(value) vs \(lambda0)")
            #expect(hypot(value[3] - stream.real, value[4] - stream.imaginary) <= 1e-10 * stream.length, "λ_M at q = \(q): \(value) vs \(stream)")
            #expect(hypot(value[5] - (lambda0.real - stream.real), value[6] - (lambda0.imaginary - stream.imaginary)) <= 1e-10 * size)
        }
        let bad = try runCollop(["dispersion", "--qmax", "-1"])
        #expect(bad.status == 2 && bad.stderr.contains("--qmax"))
    }
}
