import Foundation
import TestSupport
import Testing

/// Issue #10, item 4 and issue #21, item 4: `spectrum --sector LABEL` per block and
/// `collop merge-sectors` give the spectrum of one whole run; inputs that are not one
/// model's sectors, each once, are refused before anything is written.
@Suite("Per-block runs and their merge")
struct SectorMergeTests {
    /// The one-sector tables of a model, written to `directory` (in reverse order of
    /// symmetry_sectors: the merge must not depend on the order given).
    static func sectorFiles(_ model: [String], labels: [String], format: String = "tsv", in directory: URL) throws -> [String] {
        var files: [String] = []
        for label in labels.reversed() {
            let block = try runCollop(["spectrum", "--quiet", "--sector", label, "--format", format] + model)
            #expect(block.status == 0, "\(label): \(block.stderr)")
            let file = directory.appendingPathComponent("\(label).\(format)")
            try block.stdout.write(to: file, atomically: true, encoding: .utf8)
            files.append(file.path)
        }
        return files
    }

    static func labels(_ table: String) throws -> [String] {
        try #require(headerValue(table, "symmetry_sectors")).split(separator: ",").map { String($0.split(separator: ":")[0]) }
    }

    @Test(arguments: [(["--dim", "2", "--size", "8"], "tsv"), (["--dim", "2", "--size", "8"], "json"),
                      (["--dim", "3", "--size", "6", "--q", "0,0,0.3", "--values-only"], "tsv"),
                      (["--dim", "3", "--size", "5", "--correlation", "0.6", "--disorder", "5", "--values-only"], "tsv")])
    func mergedSectorsEqualTheWholeRun(model: [String], format: String) throws {
        let whole = try runCollop(["spectrum", "--quiet"] + model)
        #expect(whole.status == 0)
        let labels = try Self.labels(whole.stdout)
        #expect(labels.count > 1)
        let directory = try makeTemporaryDirectory(prefix: "collop-sectors")
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try Self.sectorFiles(model, labels: labels, format: format, in: directory)
        let merged = try runCollop(["merge-sectors"] + files)
        #expect(merged.status == 0, "\(merged.stderr)")

        let rows = dataRows(merged.stdout), reference = dataRows(whole.stdout)
        #expect(rows.count == Int(headerValue(whole.stdout, "N") ?? "0"))
        #expect(rows.count == reference.count)
        #expect(rows.map(\.last) == reference.map(\.last), "same sector for every row")
        #expect(rows.map(\.first) == (0..<rows.count).map(String.init), "rows renumbered s = 0…N−1")
        for (row, expected) in zip(rows, reference) {
            let (re, im) = (Double(row[1])!, Double(row[2])!), (reRef, imRef) = (Double(expected[1])!, Double(expected[2])!)
            let scale = max((reRef * reRef + imRef * imRef).squareRoot(), 1e-3)   // the zero mode: absolute 1e-15
            #expect(((re - reRef) * (re - reRef) + (im - imRef) * (im - imRef)).squareRoot() <= 1e-12 * scale,
                    "row \(row[0]): \(re) \(im) vs \(reRef) \(imRef)")
        }
        // The merge re-checks Σλ = tr 𝕃 over all rows.
        #expect(Double(headerValue(merged.stdout, "trace_residual") ?? "1")! <= 1e-10)
        #expect(headerValue(merged.stdout, "trace_re") == headerValue(whole.stdout, "trace_re"))
        #expect(headerValue(merged.stdout, "lapack_routine") == headerValue(whole.stdout, "lapack_routine"))
        if !model.contains("--values-only") {
            #expect(headerValue(merged.stdout, "lambda0_mode") == headerValue(whole.stdout, "lambda0_mode"))
            #expect(headerValue(merged.stdout, "degenerate_clusters") == headerValue(whole.stdout, "degenerate_clusters"))
        }
    }

    /// A missing sector, a sector given twice and a sector of another model: exit status 2,
    /// the message names the file (or the sector) and the reason, and no output file.
    @Test func inconsistentInputsAreRefused() throws {
        let model = ["--dim", "2", "--size", "6"]
        let directory = try makeTemporaryDirectory(prefix: "collop-sectors-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = try runCollop(["spectrum", "--quiet", "--values-only"] + model)
        let labels = try Self.labels(whole.stdout)
        let files = try Self.sectorFiles(model + ["--values-only"], labels: labels, in: directory)
        let other = directory.appendingPathComponent("other.tsv")
        let otherRun = try runCollop(["spectrum", "--quiet", "--values-only", "--disorder", "3", "--sector", labels[0]] + model)
        try otherRun.stdout.write(to: other, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("merged.tsv")

        let cases: [(files: [String], expected: [String])] = [
            (Array(files.dropFirst()), ["sector \(labels.last!) missing"]),
            (files + [files[0]], [files[0], "given twice"]),
            (files.filter { !$0.hasSuffix("/\(labels[0]).tsv") } + [other.path], [other.path, "not the same model", "disorder"]),
        ]
        for (inputs, expected) in cases {
            let result = try runCollop(["merge-sectors", "--output", output.path] + inputs)
            #expect(result.status == 2)
            #expect(result.stderr.hasPrefix("Error: "))
            for word in expected { #expect(result.stderr.contains(word), "\(result.stderr) lacks \(word)") }
            #expect(!FileManager.default.fileExists(atPath: output.path))
        }
        // The same files, complete: the merge succeeds and writes the file.
        let complete = try runCollop(["merge-sectors", "--output", output.path] + files)
        #expect(complete.status == 0 && FileManager.default.fileExists(atPath: output.path))
    }

    @Test func unknownSectorIsRefused() throws {
        let result = try runCollop(["spectrum", "--dim", "2", "--size", "6", "--sector", "T9"])
        #expect(result.status == 2 && result.stderr.contains("--sector") && result.stderr.contains("A1"))
    }
}
