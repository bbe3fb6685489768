import CollopCLI
import Foundation
import PropertyBased
import Testing

/// Property-based fuzzing of the command line and the model constructor (issue #6):
/// random argument vectors and random config files must never crash collop, must end
/// with a status in {0, 1, 2, 3}, and a status-2 message must name what it refuses.
@Suite("Fuzzing the parser and the model constructor", .serialized)
struct FuzzTests {
    static let commands = ["spectrum", "check", "diffusion", "hierarchy", "flow", "dispersion", "", "merge", "--help"]
    static let flags = ["--dim", "--size", "--hopping", "--energy", "--omega", "--q", "--disorder", "--u0", "--correlation",
                        "--self-energy", "--gamma", "--singular", "--xi", "--range", "--profile", "--zeta", "--amplitude",
                        "--d0", "--ward-projection", "--scba-max-iterations", "--config", "--format", "--vectors",
                        "--values-only", "--omegas", "--delta", "--steps", "--direction", "--qmax", "--nq", "--method",
                        "--threads", "--max-n", "--bogus", "-x", "--", "--size=3", "--q=0.1", "--version", "--help"]
    static let values = ["0", "1", "2", "3", "4", "5", "6", "8", "-1", "1e-3", "0.3", "-0.7", "1e300", "-1e300", "1e-320",
                         "nan", "inf", "-inf", "", " ", "abc", "0x1p3", "1,2", "0,0", "0.1,0.2,0.3", "1.5", "2.5",
                         "localized", "none", "lorentzian", "cooperon", "exp", "power", "scba", "fixed", "on", "off",
                         "tsv", "json", "auto", "secular", "dense", "1e-3,1e-4", "1e-3,0", "1e-3,1e-3",
                         "99999999999999999999999", "💥", "--size", "/nonexistent/dir/x.tsv", "12", "0.5,0.5"]

    /// Maps generator output (indices) to an argument vector.
    static func arguments(_ indices: [Int]) -> [String] {
        guard let first = indices.first else { return [] }
        var arguments: [String] = []
        let command = commands[first % commands.count]
        if !command.isEmpty { arguments.append(command) }
        var rest = indices.dropFirst().makeIterator()
        while let flagIndex = rest.next() {
            arguments.append(flags[flagIndex % flags.count])
            if let valueIndex = rest.next(), valueIndex % 5 != 0 { arguments.append(values[valueIndex % values.count]) }
        }
        return arguments
    }

    /// CI budget × COLLOP_FUZZ_SCALE (default 1): `COLLOP_FUZZ_SCALE=20 swift test -c release
    /// --filter CollopFuzzTests` runs a longer campaign locally.
    static let scale = max(Int(ProcessInfo.processInfo.environment["COLLOP_FUZZ_SCALE"] ?? "") ?? 1, 1)

    static func namesWhatItRefuses(_ message: String) -> Bool {
        message.contains("--") || message.contains("config key") || message.contains("argument '") || message.contains("subcommand")
    }

    /// The properties every run must have: a known status, and a refusal that names what it refuses.
    static func checkOutcome(_ outcome: (status: Int32, message: String?), of arguments: [String], tally: Tally) {
        tally.add(outcome.status)
        #expect([0, 1, 2, 3].contains(outcome.status), "\(arguments)")
        if outcome.status == 2 {
            #expect(namesWhatItRefuses(outcome.message ?? ""), "\(arguments): \(outcome.message ?? "")")
        }
    }

    static let scratch: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("collop-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [Int32: Int] = [:]
        func add(_ status: Int32) { lock.lock(); counts[status, default: 0] += 1; lock.unlock() }
        var summary: String { lock.lock(); defer { lock.unlock() }; return counts.sorted { $0.key < $1.key }.map { "status \($0.key): \($0.value)" }.joined(separator: ", ") }
        var total: Int { lock.lock(); defer { lock.unlock() }; return counts.values.reduce(0, +) }
    }

    /// Thousands of argument vectors through the parser and the model constructor (SCBA),
    /// stopped before any diagonalization by --dry-run.
    @Test func randomArgumentVectors() async throws {
        let tally = Tally()
        let output = Self.scratch.appendingPathComponent("dry.tsv").path
        await propertyCheck(count: 2000 * Self.scale, input: Gen.int(in: 0...10_000).array(of: 0...14)) { indices in
            let arguments = Self.arguments(indices) + ["--dry-run", "--quiet", "--max-n", "400", "--output", output]
            let outcome = Collop.execute(arguments: arguments)
            Self.checkOutcome(outcome, of: arguments, tally: tally)
        }
        print("fuzz: \(tally.total) random argument vectors through parser and model constructor (\(tally.summary))")
        #expect(tally.total >= 2000 * Self.scale)
    }

    /// Fewer vectors, run to the end (eigen-solves included) on small grids.
    @Test func randomArgumentVectorsRunToCompletion() async throws {
        let tally = Tally()
        let output = Self.scratch.appendingPathComponent("full.tsv").path
        await propertyCheck(count: 150 * Self.scale, input: Gen.int(in: 0...10_000).array(of: 0...10)) { indices in
            let arguments = Self.arguments(indices) + ["--quiet", "--max-n", "100", "--output", output]
            let outcome = Collop.execute(arguments: arguments)
            Self.checkOutcome(outcome, of: arguments, tally: tally)
        }
        print("fuzz: \(tally.total) random argument vectors run to completion (\(tally.summary))")
    }

    static let keys = ["dim", "size", "energy", "omega", "q", "disorder", "u0", "correlation", "self-energy", "gamma",
                       "singular", "xi", "range", "profile", "zeta", "amplitude", "d0", "ward-projection",
                       "scba-max-iterations", "sise", "Size", "vectors", "", "a.b", "[table]"]
    static let tomlValues = ["2", "8", "-1", "0.3", "1e-3", "1e400", "nan", "inf", "\"localized\"", "\"none\"", "\"cooperon\"",
                             "\"fixed\"", "true", "false", "\"on\"", "[0.1, 0]", "[0.1, 0, 0]", "[]", "[\"a\"]", "\"\"",
                             "= =", "[1,", "\"unterminated", "{ x = 1 }", "2020-01-01", "0x10", "1_000", "'lit'"]

    /// Random TOML and JSON config files: no crash, status in {0, 2, 3}, and a refusal names
    /// the key (or the file with its line and column).
    @Test func randomConfigFiles() async throws {
        let tally = Tally()
        let output = Self.scratch.appendingPathComponent("config.tsv").path
        await propertyCheck(count: 1000 * Self.scale, input: Gen.int(in: 0...10_000).array(of: 1...12)) { indices in
            let json = indices[0] % 3 == 0
            var lines: [String] = []
            for pair in stride(from: 1, to: indices.count - 1, by: 2) {
                let key = Self.keys[indices[pair] % Self.keys.count]
                let value = Self.tomlValues[indices[pair + 1] % Self.tomlValues.count]
                lines.append(json ? "\"\(key)\": \(value)" : "\(key) = \(value)")
            }
            let text = json ? "{" + lines.joined(separator: ", ") + (indices[0] % 2 == 0 ? "}" : "") : lines.joined(separator: "\n")
            let path = Self.scratch.appendingPathComponent("fuzz-\(indices.hashValue & 0xffff).\(json ? "json" : "toml")")
            try text.write(to: path, atomically: true, encoding: .utf8)
            let outcome = Collop.execute(arguments: ["spectrum", "--config", path.path, "--dry-run", "--quiet",
                                                     "--max-n", "400", "--output", output])
            tally.add(outcome.status)
            #expect([0, 2, 3].contains(outcome.status), "\(text)")
            if outcome.status == 2 {
                let message = outcome.message ?? ""
                #expect(message.contains("config key") || message.contains("--config") || message.contains("--"), "\(text): \(message)")
            }
        }
        print("fuzz: \(tally.total) random config files (\(tally.summary))")
    }
}
