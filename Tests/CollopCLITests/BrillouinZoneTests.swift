import Foundation
import TestSupport
import Testing

/// The external momentum must lie in the Brillouin zone |q_i| ≤ π: outside it a shift by 2π
/// maps the grid onto itself only for even L, and beyond ~1e16 the cosines are round-off.
@Suite("q outside the Brillouin zone")
struct BrillouinZoneTests {
    @Test(arguments: [["1e300", "0"], ["3.2", "0"], ["0", "-3.1416"], ["1e17", "0.1"]])
    func refusedWithTheFlagTheValueAndTheZone(components: [String]) throws {
        let directory = try makeTemporaryDirectory(prefix: "collop-zone")
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("table.tsv")
        let result = try runCollop(["spectrum", "--size", "8", "--q", components.joined(separator: ","), "--output", output.path])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("Error: --q: value "))
        #expect(result.stderr.contains("Brillouin zone"))
        #expect(result.stderr.contains("(allowed: dim finite numbers in [−π, π], comma-separated)"))
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    /// Inside the zone, up to its edge, q is accepted; a config file's q is checked the same way.
    @Test func edgeAcceptedAndConfigChecked() throws {
        let inside = try runCollop(["spectrum", "--size", "8", "--q", "3.14159,-3.14159", "--values-only"])
        #expect(inside.status == 0, "\(inside.stderr)")
        let directory = try makeTemporaryDirectory(prefix: "collop-zone")
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("model.toml")
        try "size = 8\nq = [4.0, 0.0]\n".write(to: config, atomically: true, encoding: .utf8)
        let outside = try runCollop(["spectrum", "--config", config.path])
        #expect(outside.status == 2)
        #expect(outside.stderr.contains("config key 'q' in \(config.path)") && outside.stderr.contains("Brillouin zone"))
    }
}

/// A command's own default for a model option: the closure feeds only the cooperon, so it is
/// the vertex `closure` takes when none is given, and another vertex is still refused.
@Suite("closure's default vertex")
struct ClosureDefaultVertexTests {
    @Test func cooperonWithoutTheFlagAndOthersRefused() throws {
        let base = ["closure", "--dim", "1", "--size", "64", "--disorder", "2.4", "--omegas", "1e-2"]
        let implicit = try runCollop(base)
        #expect(implicit.status == 0, "\(implicit.stderr)")
        #expect(headerValue(implicit.stdout, "singular") == "cooperon")
        let explicit = try runCollop(base + ["--singular", "cooperon"])
        #expect(dataRows(explicit.stdout) == dataRows(implicit.stdout))
        let other = try runCollop(base + ["--singular", "lorentzian"])
        #expect(other.status == 2)
        #expect(other.stderr.contains("--singular: value lorentzian") && other.stderr.contains("(allowed: cooperon)"))
        // The command default is not "given": no warning about options the vertex ignores.
        #expect(!implicit.stderr.contains("has no effect"))
    }
}
