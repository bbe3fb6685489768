import Foundation
import TestSupport
import Testing

/// The model options are one table (`ParameterName.option`): every parameter has a flag, a
/// config key, a header key and an allowed text, and they agree; what a command reads is
/// declared once, so its dry run prints the header of its real run.
@Suite("Model option table")
struct ModelOptionTableTests {
    /// The config keys, as the message for an unknown key lists them.
    static func configKeys() throws -> [String] {
        let result = try runConfig("bogus_key = 1\n")
        let marker = "allowed keys: "
        guard let range = result.stderr.range(of: marker) else { return [] }
        return result.stderr[range.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
            .components(separatedBy: ", ")
    }

    static func runConfig(_ text: String, _ arguments: [String] = ["spectrum", "--dry-run", "--size", "6"]) throws -> (status: Int32, stdout: String, stderr: String) {
        let directory = try makeTemporaryDirectory(prefix: "collop-table")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.toml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return try runCollop(arguments + ["--config", url.path])
    }

    /// The text of "(allowed: …)" at the end of an error message.
    static func allowedText(_ stderr: String) -> String? {
        guard let range = stderr.range(of: "(allowed: ", options: .backwards) else { return nil }
        let rest = stderr[range.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
        guard rest.hasSuffix(")") else { return nil }
        return String(rest.dropLast())
    }

    /// The `# key = value` lines of a table, as (key, value).
    static func headerLines(_ tsv: String) -> [(key: String, value: String)] {
        tsv.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("# "), let equals = line.range(of: " = ") else { return nil }
            return (String(line[line.index(line.startIndex, offsetBy: 2)..<equals.lowerBound]), String(line[equals.upperBound...]))
        }
    }

    /// Dry-run headers of models that between them read every parameter.
    static let modelsReadingEveryParameter: [[String]] = [
        ["--profile", "power"],                                        // localized: xi, range, profile, zeta
        ["--singular", "cooperon", "--u0", "0.4"],                     // d0, u0 given directly
        ["--self-energy", "fixed", "--gamma", "0.3", "--singular", "none"],
    ]

    @Test func everyParameterHasAFlagAKeyAHeaderLineAndAnAllowedText() throws {
        let keys = try Self.configKeys()
        #expect(keys.count == 20, "\(keys)")
        let dump = try runCollop(["spectrum", "--experimental-dump-help"])
        var headerKeys = Set<String>()
        for model in Self.modelsReadingEveryParameter {
            let run = try runCollop(["spectrum", "--dry-run", "--size", "6"] + model)
            #expect(run.status == 0, "\(model): \(run.stderr)")
            headerKeys.formUnion(Self.headerLines(run.stdout).map(\.key))
        }
        for key in keys {
            // The flag: declared, and spelled as the key.
            #expect(dump.stdout.contains("\"name\" : \"\(key)\""), "no flag --\(key)")
            // The header key.
            #expect(headerKeys.contains(key), "no header line for \(key)")
            // The same allowed text from a bad flag value and from a config value no key takes.
            let flag = try runCollop(["spectrum", "--size", "6", "--\(key)", "@"])
            let config = try Self.runConfig("\(key) = { a = 1 }\n")
            #expect(flag.status == 2 && config.status == 2, "\(key): \(flag.stderr) \(config.stderr)")
            #expect(flag.stderr.hasPrefix("Error: --\(key): value @ "), "\(flag.stderr)")
            #expect(config.stderr.hasPrefix("Error: config key '\(key)' in "), "\(config.stderr)")
            let allowed = Self.allowedText(flag.stderr)
            #expect(allowed.map { !$0.isEmpty } == true, "\(key): \(flag.stderr)")
            #expect(allowed == Self.allowedText(config.stderr), "\(key): \(flag.stderr) vs \(config.stderr)")
        }
    }

    /// A flag and the same config key give the same header value.
    @Test func flagAndConfigKeyReachTheSameHeaderLine() throws {
        let settings: [(key: String, flag: String, toml: String, header: String)] = [
            ("size", "7", "7", "7"), ("energy", "-0.4", "-0.4", "-0.4"), ("correlation", "0.5", "0.5", "0.5"),
            ("scba-max-iterations", "500", "500", "500"), ("ward-projection", "off", "\"off\"", "off"),
            ("range", "2.5", "2.5", "2.5"), ("singular", "lorentzian", "\"lorentzian\"", "lorentzian"),
        ]
        for setting in settings {
            let base = ["spectrum", "--dry-run"]
            let flag = try runCollop(base + ["--\(setting.key)", setting.flag])
            let config = try Self.runConfig("\(setting.key) = \(setting.toml)\n", base)
            #expect(headerValue(flag.stdout, setting.key) == headerValue(config.stdout, setting.key), "\(setting.key)")
            let expected = setting.key == "range" || setting.key == "correlation" || setting.key == "energy"
                ? "\(Double(setting.header)!)" : setting.header
            #expect(headerValue(flag.stdout, setting.key) == expected, "\(setting.key): \(flag.stderr)")
        }
    }

    /// One rule says which parameters a model reads: a given option is warned about exactly
    /// when its header line is absent.
    @Test(arguments: [["--singular", "none"], ["--singular", "lorentzian"], ["--singular", "cooperon"],
                      ["--profile", "power"], ["--self-energy", "fixed", "--gamma", "0.3"]])
    func warningsAndHeaderAgreeOnWhatTheModelReads(model: [String]) throws {
        var given: [String: String] = ["xi": "2", "range": "2.5", "profile": "exp", "zeta": "-1", "amplitude": "0.2",
                                        "d0": "3", "ward-projection": "on", "scba-max-iterations": "400"]
        for index in stride(from: 0, to: model.count, by: 2) { given[String(model[index].dropFirst(2))] = nil }
        let arguments = ["spectrum", "--dry-run", "--size", "8"] + model + given.sorted { $0.key < $1.key }.flatMap { ["--\($0.key)", $0.value] }
        let run = try runCollop(arguments)
        #expect(run.status == 0, "\(run.stderr)")
        let printed = Set(Self.headerLines(run.stdout).map(\.key))
        for key in given.keys {
            let warned = run.stderr.contains("warning: --\(key) has no effect without ")
            #expect(warned == !printed.contains(key), "\(model) --\(key): warned \(warned), printed \(printed.contains(key))")
        }
    }

    /// The dry run writes the header of the real run: the real run's `#` lines, without the
    /// keys only a run computes, are the dry run's without `dry_run`.
    @Test(arguments: [
        ["spectrum", "--size", "6"],
        ["spectrum", "--size", "6", "--singular", "cooperon", "--q", "0.1,0"],
        ["check", "--size", "6", "--singular", "lorentzian"],
        ["diffusion", "--size", "8", "--singular", "none", "--q", "0.1,0"],
        ["dispersion", "--size", "8", "--singular", "cooperon", "--nq", "2"],
        ["hierarchy", "--size", "6", "--omega", "0.01"],
        ["flow", "--size", "6", "--steps", "2"],
        ["vw", "--lattice", "--size", "8", "--singular", "cooperon", "--omegas", "1e-2"],
        ["closure", "--singular", "cooperon", "--size", "8", "--d0", "2", "--omegas", "1e-2"],
        ["spectrum", "--size", "8", "--singular", "lorentzian", "--xi", "vw", "--disorder", "4"],
        ["spectrum", "--size", "6", "--self-energy", "fixed", "--gamma", "0.3", "--singular", "none", "--u0", "0.2"],
    ])
    func dryRunWritesTheRealRunsHeader(arguments: [String]) throws {
        let real = try runCollop(arguments)
        let dry = try runCollop(arguments + ["--dry-run"])
        #expect(real.status == 0 && dry.status == 0, "\(real.stderr) \(dry.stderr)")
        // The model's header, up to its last line (blas_threads), is the same line for line;
        // of the lines after it the dry run has those about resources, which the run ends with.
        func split(_ lines: [(key: String, value: String)]) -> (model: [String], rest: [(key: String, value: String)]) {
            let end = (lines.firstIndex { $0.key == "blas_threads" } ?? lines.count - 1) + 1
            return (lines[..<end].map { "\($0.key) = \($0.value)" }, Array(lines[end...]))
        }
        let dryHeader = split(Self.headerLines(dry.stdout).filter { $0.key != "dry_run" })
        let realHeader = split(Self.headerLines(real.stdout))
        #expect(dryHeader.model.count > 20)
        #expect(realHeader.model == dryHeader.model, "\(arguments)")
        let dryKeys = Set(dryHeader.rest.map(\.key))
        #expect(realHeader.rest.filter { dryKeys.contains($0.key) }.map { "\($0.key) = \($0.value)" } == dryHeader.rest.map { "\($0.key) = \($0.value)" }, "\(arguments)")
        // The same warnings too (the dry run's are the real run's first ones).
        let dryWarnings = dry.stderr.split(separator: "\n").filter { $0.contains("warning:") }
        #expect(Array(real.stderr.split(separator: "\n").filter { $0.contains("warning:") }.prefix(dryWarnings.count)) == dryWarnings, "\(arguments)")
    }
}
