import Foundation
import TestSupport
import Testing

/// `collop exact`: the header keys and columns other tools read, exit statuses, refusal of
/// model options the exact model does not have, and thread independence.
@Suite("collop exact")
struct ExactCommandTests {
    static let chain = ["exact", "--dim", "1", "--energy", "-0.35", "--disorder", "3", "--size", "256",
                        "--length", "240", "--samples", "8", "--window", "0.4", "--quiet"]
    static let strip = ["exact", "--dim", "2", "--energy", "0", "--disorders", "4,9", "--widths", "3,4",
                        "--precision", "0.05", "--quiet"]

    /// Everything but the `# threads` line, which records the setting itself.
    func withoutThreadLine(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("# threads = ") }.joined(separator: "\n")
    }

    @Test(arguments: [chain, strip])
    func sameBytesAtOneAndTwoThreads(arguments: [String]) throws {
        let one = try runCollop(arguments + ["--threads", "1"])
        let two = try runCollop(arguments + ["--threads", "2"])
        #expect(one.status == 0 && two.status == 0, "\(one.stderr) \(two.stderr)")
        #expect(withoutThreadLine(one.stdout) == withoutThreadLine(two.stdout))
        #expect(!dataRows(one.stdout).isEmpty)
    }

    @Test func chainHeaderHasTheKeysTheChecksRead() throws {
        let result = try runCollop(Self.chain)
        #expect(result.status == 0, "\(result.stderr)")
        for key in ["localization_length", "localization_length_error", "lyapunov_length", "lyapunov_length_error", "mean_free_path"] {
            let value = try #require(headerValue(result.stdout, key).flatMap(Double.init), "\(key)")
            #expect(value.isFinite && value > 0, "\(key) = \(value)")
        }
        // ξ_L inside [ξ_Thouless/2, 2ξ_Thouless] at W = 3 (ξ_Thouless = 24·3.8775/9 = 10.3): the
        // transfer products ran on the model's E and W.
        let xiL = try #require(headerValue(result.stdout, "lyapunov_length").flatMap(Double.init))
        #expect(xiL > 5 && xiL < 21)
    }

    @Test func stripTableHasColumnsAndOneVerdictPerDisorder() throws {
        let result = try runCollop(Self.strip + ["--threads", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        let header = result.stdout.split(separator: "\n").first { !$0.hasPrefix("#") }.map { $0.split(separator: "\t").map(String.init) }
        #expect(Array((header ?? []).prefix(7)) == ["disorder", "width", "xi", "xi_error", "Lambda", "Lambda_error", "verdict"])
        let rows = dataRows(result.stdout)
        #expect(rows.count == 4)
        for disorder in ["4.0", "9.0"] {
            let verdicts = Set(rows.filter { $0[0] == disorder }.map { $0[6] })
            #expect(verdicts.count == 1, "\(disorder): \(verdicts)")
        }
        // Λ_M = ξ_M/M on every row.
        for row in rows {
            let (m, xi, lambda) = (Double(row[1])!, Double(row[2])!, Double(row[4])!)
            #expect(abs(lambda - xi / m) <= 1e-12 * lambda)
        }
    }

    /// A precision not reached within --max-steps: exit 3 naming the width, the disorder and
    /// the precision reached, and no output file.
    @Test func precisionNotReachedIsExitThreeWithoutFile() throws {
        let directory = try makeTemporaryDirectory(prefix: "exact")
        let file = directory.appendingPathComponent("out.tsv")
        let result = try runCollop(["exact", "--dim", "3", "--energy", "0", "--disorder", "16.5", "--widths", "4",
                                    "--precision", "1e-4", "--max-steps", "1000", "--quiet", "--output", file.path])
        #expect(result.status == 3)
        #expect(result.stderr.contains("M = 4") && result.stderr.contains("W = 16.5") && result.stderr.contains("relative error"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: file.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    static let refused: [([String], String)] = [
        (["--dim", "1", "--xi", "2"], "--xi"),
        (["--dim", "2", "--correlation", "1"], "--correlation"),
        (["--dim", "1", "--singular", "none"], "--singular"),
        (["--dim", "2", "--size", "16"], "--size"),
        (["--dim", "4"], "--dim"),
        (["--dim", "2", "--widths", "1,4"], "--widths"),
        (["--dim", "2", "--precision", "0"], "--precision"),
        (["--dim", "2", "--max-steps", "10"], "--max-steps"),
        (["--dim", "2", "--window", "0.1"], "--window"),
        (["--dim", "1", "--widths", "4"], "--widths"),
        (["--dim", "1", "--length", "10"], "--length"),
        (["--dim", "1", "--disorders", "1,1"], "--disorders"),
        (["--dim", "1", "--disorders", "1,2", "--disorder", "3"], "--disorders"),
        (["--dim", "1", "--seed", "-1"], "--seed"),
        (["--dim", "1", "--threads", "0"], "--threads"),
    ]

    /// Bad input: exit 2 with "Error: --flag: …" naming the flag and what is allowed.
    @Test(arguments: refused)
    func badInputIsExitTwoNamingTheFlag(arguments: [String], flag: String) throws {
        let result = try runCollop(["exact", "--quiet"] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("Error: \(flag)") && result.stderr.contains("allowed"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
