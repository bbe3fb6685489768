import Foundation
import TestSupport
import Testing

/// Issue #10, item 4: `spectrum --sector LABEL` per block and scripts/merge-sectors.py give
/// the table of one whole run, byte for byte.
@Suite("Per-block runs and their merge")
struct SectorMergeTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: [["--dim", "2", "--size", "8"], ["--dim", "3", "--size", "6", "--q", "0,0,0.3", "--values-only"],
                      ["--dim", "3", "--size", "5", "--correlation", "0.6", "--disorder", "5", "--values-only"]])
    func mergedBlocksEqualTheWholeRun(model: [String]) throws {
        let whole = try runCollop(["spectrum", "--quiet"] + model)
        #expect(whole.status == 0)
        let labels = try #require(headerValue(whole.stdout, "symmetry_sectors")).split(separator: ",").map { String($0.split(separator: ":")[0]) }
        #expect(labels.count > 1)
        let directory = try makeTemporaryDirectory(prefix: "collop-sectors")
        defer { try? FileManager.default.removeItem(at: directory) }
        var files: [String] = []
        for label in labels.reversed() {                                  // any order
            let block = try runCollop(["spectrum", "--quiet", "--sector", label] + model)
            #expect(block.status == 0, "\(label): \(block.stderr)")
            #expect(headerValue(block.stdout, "sector_only") == label)
            let file = directory.appendingPathComponent("\(label).tsv")
            try block.stdout.write(to: file, atomically: true, encoding: .utf8)
            files.append(file.path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.root.appendingPathComponent("scripts/merge-sectors.py").path] + files
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let merged = String(decoding: data, as: UTF8.self)
        #expect(dataRows(merged) == dataRows(whole.stdout))
        #expect(dataRows(merged).count == Int(headerValue(whole.stdout, "N") ?? "0"))
        #expect(Double(headerValue(merged, "trace_residual") ?? "1")! <= 1e-10)
        if !model.contains("--values-only") { #expect(headerValue(merged, "lambda0_mode") == headerValue(whole.stdout, "lambda0_mode")) }
    }

    @Test func unknownSectorIsRefused() throws {
        let result = try runCollop(["spectrum", "--dim", "2", "--size", "6", "--sector", "T9"])
        #expect(result.status == 2 && result.stderr.contains("--sector") && result.stderr.contains("A1"))
    }
}
