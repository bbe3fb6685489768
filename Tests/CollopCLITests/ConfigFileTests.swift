import Foundation
import TestSupport
import Testing

/// Config files: strict JSON, typed TOML/JSON values, messages that show the value as written.
@Suite("Config file values and syntax")
struct ConfigFileTests {
    func run(_ name: String, _ text: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let directory = try makeTemporaryDirectory(prefix: "collop-config")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return try runCollop(["spectrum", "--config", url.path, "--dry-run"])
    }

    static let wrongTypes: [(String, String, [String])] = [
        ("singular.toml", "singular = 3\n", ["'singular'", "value 3 ", "an integer", "none, localized, lorentzian or cooperon"]),
        ("size.toml", "size = \"16\"\n", ["'size'", "value \"16\"", "a string, not an integer"]),
        ("q.toml", "q = \"0.1,0\"\n", ["'q'", "value \"0.1,0\"", "a string, not an array of numbers"]),
        ("energy.toml", "energy = true\n", ["'energy'", "value true", "a boolean, not a number"]),
        ("xi.json", "{\"xi\": \"2\"}", ["'xi'", "value \"2\"", "a string, not a number"]),
        ("profile.json", "{\"profile\": 1.5}", ["'profile'", "value 1.5", "a float", "exp or power"]),
        ("ward.toml", "ward-projection = 1\n", ["'ward-projection'", "value 1 ", "on or off"]),
    ]

    @Test(arguments: wrongTypes)
    func wrongTypeIsRefused(name: String, text: String, mentions: [String]) throws {
        let result = try run(name, text)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        for word in mentions { #expect(result.stderr.contains(word), "\(word) in \(result.stderr)") }
        #expect(!result.stderr.contains("integer(") && !result.stderr.contains("text(") && !result.stderr.contains("number("))
    }

    static let badJSON: [(String, [String])] = [
        ("{\"size\": 6,\n \"xi\": 2,\n}", ["trailing comma", "line 3, column 1"]),
        ("{\"q\": [0.1, 0,],\n \"xi\": 2}", ["trailing comma", "line 1"]),
        ("{\"size\": 6,\n  \"size\": 8}", ["duplicate key 'size'", "line 2, column 3", "line 1"]),
        ("{\"size\": 6} {\"xi\": 2}", ["after the top-level object"]),
        ("[6]", ["JSON object"]),
    ]

    @Test(arguments: badJSON)
    func strictJSONIsEnforced(text: String, mentions: [String]) throws {
        let result = try run("model.json", text)
        #expect(result.status == 2)
        for word in mentions { #expect(result.stderr.contains(word), "\(word) in \(result.stderr)") }
    }

    /// Well-typed files still give the same table as the flags.
    @Test func wellTypedFilesAreAccepted() throws {
        let reference = try runCollop(["spectrum", "--size", "6", "--q", "0.1,0", "--singular", "lorentzian", "--dry-run"])
        let toml = try run("ok.toml", "size = 6\nq = [0.1, 0]\nsingular = \"lorentzian\"\n")
        let json = try run("ok.json", "{\"size\": 6, \"q\": [0.1, 0], \"singular\": \"lorentzian\", \"ward-projection\": true}")
        #expect(reference.status == 0 && toml.status == 0 && json.status == 0)
        #expect(toml.stdout == reference.stdout && json.stdout == reference.stdout)
    }
}
