import Foundation
import HDF5IO
import TestSupport
import Testing

/// --format hdf5 (docs/guide/output.md, format_version 1): the file of a run, read back
/// through HDF5IO, holds the TSV of the same run to the last bit — header keys as typed
/// attributes, every table's columns as datasets, X_re/X_im as one compound dataset, the
/// vectors as a chunked matrix — and every failure leaves no file.
@Suite("HDF5 output")
struct HDF5OutputTests {
    /// A TSV output split into its header (in order) and its tables (the first one unnamed).
    struct ParsedTSV {
        var command = ""
        var header: [(key: String, value: String)] = []
        var tables: [(name: String?, columns: [String], rows: [[String]])] = []

        init(_ text: String) {
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.last == "" { lines.removeLast() }
            command = String(lines[0].split(separator: " ").last!)
            var index = 1
            while index < lines.count, lines[index].hasPrefix("# ") {
                let entry = lines[index].dropFirst(2)
                let separator = entry.firstRange(of: " = ")!
                header.append((String(entry[..<separator.lowerBound]), String(entry[separator.upperBound...])))
                index += 1
            }
            var name: String?
            while index < lines.count {
                if lines[index].isEmpty { index += 1; continue }
                if lines[index].hasPrefix("# table = ") { name = String(lines[index].dropFirst("# table = ".count)); index += 1; continue }
                let columns = lines[index].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                index += 1
                var rows: [[String]] = []
                while index < lines.count, !lines[index].isEmpty {
                    rows.append(lines[index].split(separator: "\t", omittingEmptySubsequences: false).map(String.init))
                    index += 1
                }
                tables.append((name, columns, rows))
            }
        }
    }

    /// Runs `arguments` twice, to TSV and to HDF5 files; the TSV text and the opened HDF5 file.
    func runBoth(_ arguments: [String]) throws -> (tsv: ParsedTSV, file: HDF5File) {
        let directory = try makeTemporaryDirectory(prefix: "collop-hdf5")
        defer { try? FileManager.default.removeItem(at: directory) }
        let tsvPath = directory.appendingPathComponent("t.tsv").path, hdf5Path = directory.appendingPathComponent("t.h5").path
        let tsvRun = try runCollop(arguments + ["--quiet", "--output", tsvPath])
        let hdf5Run = try runCollop(arguments + ["--quiet", "--format", "hdf5", "--output", hdf5Path])
        #expect(tsvRun.status == hdf5Run.status && hdf5Run.stdout.isEmpty, "\(hdf5Run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["t.h5", "t.tsv"], "no temporary file left")
        return (ParsedTSV(try String(contentsOfFile: tsvPath, encoding: .utf8)), try HDF5File.open(hdf5Path))
    }

    /// The TSV spelling of a number (%.17g, nan, inf, or a parameter's shortest form) reads
    /// back to exactly `value`, NaN as NaN.
    func same(_ text: String, _ value: Double) -> Bool {
        switch text {
        case "nan": return value.isNaN
        case "inf": return value == .infinity
        case "-inf": return value == -.infinity
        default: return Double(text).map { $0.bitPattern == value.bitPattern } ?? false
        }
    }

    /// `values` equal the TSV cells `texts` in the dataset's kind.
    func same(_ texts: [String], _ values: HDF5Values) -> Bool {
        guard texts.count == values.count else { return false }
        switch values {
        case .int64(let v): return zip(texts, v).allSatisfy { Int64($0) == $1 }
        case .float64(let v): return zip(texts, v).allSatisfy { same($0, $1) }
        case .strings(let v): return texts == v
        case .complex: return false
        }
    }

    func strings(_ values: HDF5Values) -> [String] {
        if case .strings(let v) = values { return v }
        return []
    }

    /// Root attributes equal the TSV header (kinds: integer, float64 scalar or list, text),
    /// every held table's columns equal its datasets, pairs X_re, X_im as one complex dataset;
    /// returns the file's table names.
    @discardableResult
    func expectSameContent(_ tsv: ParsedTSV, _ file: HDF5File, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
        #expect(try file.attribute("format_version").values.count == 1)
        if case .int64(let version) = try file.attribute("format_version").values { #expect(version == [1]) } else { Issue.record("format_version is not int64") }
        #expect(try strings(file.attribute("tool").values) == ["collop"])
        #expect(try strings(file.attribute("command").values) == [tsv.command])
        #expect(try strings(file.attribute("header_keys").values) == tsv.header.map(\.key), sourceLocation: sourceLocation)
        let layoutKeys = ["format_version", "tool", "version", "command", "header_keys", "table_names"]
        #expect(try Set(file.attributeNames()) == Set(tsv.header.map(\.key) + layoutKeys), "no other root attributes", sourceLocation: sourceLocation)
        for (key, text) in tsv.header {
            let (values, isScalar) = try file.attribute(key)
            switch values {
            case .float64(let list) where !isScalar:
                #expect(same(text.split(separator: ",").map(String.init), values), "\(key) = \(text) vs \(list)", sourceLocation: sourceLocation)
            default:
                #expect(isScalar && same([text], values), "\(key) = \(text) vs \(values)", sourceLocation: sourceLocation)
            }
        }
        let names = try strings(file.attribute("table_names").values)
        #expect(names.count == tsv.tables.count && zip(names, tsv.tables).dropFirst().allSatisfy { $0 == $1.name }, "\(names)", sourceLocation: sourceLocation)
        for (name, table) in zip(names, tsv.tables) where name != "vectors" {
            let group = try file.group(name)
            #expect(try strings(group.attribute("columns").values) == table.columns, sourceLocation: sourceLocation)
            if case .int64(let rows) = try group.attribute("rows").values { #expect(rows == [Int64(table.rows.count)]) }
            let pairs = try strings(group.attribute("complex_pairs").values)
            var datasets: [String] = []
            var c = 0
            while c < table.columns.count {
                let column = table.columns[c]
                let pair = pairs.first { (column == "re" && $0 == "value") || column == "\($0)_re" }
                let dataset = try group.dataset(pair ?? column)
                #expect(dataset.shape == [table.rows.count], sourceLocation: sourceLocation)
                if let pair {
                    #expect(table.columns[c + 1] == (pair == "value" ? "im" : "\(pair)_im"), sourceLocation: sourceLocation)
                    guard case .complex(let v) = dataset.values else { Issue.record("\(name)/\(pair) is not {r, i}", sourceLocation: sourceLocation); return names }
                    for (r, row) in table.rows.enumerated() {
                        #expect(same(row[c], v[2 * r]) && same(row[c + 1], v[2 * r + 1]), "\(name)/\(pair) row \(r)", sourceLocation: sourceLocation)
                    }
                    datasets.append(pair)
                    c += 2
                } else {
                    #expect(same(table.rows.map { $0[c] }, dataset.values), "\(name)/\(column): \(dataset.values)", sourceLocation: sourceLocation)
                    datasets.append(column)
                    c += 1
                }
            }
            #expect(try group.memberNames() == datasets.sorted(), "no other datasets", sourceLocation: sourceLocation)
        }
        return names
    }

    @Test func spectrumWithVectorsMatchesTheTSV() throws {
        let (tsv, file) = try runBoth(["spectrum", "--dim", "2", "--size", "8", "--vectors", "3", "--singular", "cooperon"])
        #expect(try expectSameContent(tsv, file) == ["spectrum", "vectors"])
        #expect(try strings(file.group("spectrum").attribute("complex_pairs").values) == ["value"])
        #expect(tsv.header.contains { $0.key == "q" }, "a list-valued key is checked")
        // vectors: s (K), k_index and n1, n2 (N), vector K × N complex, chunked by rows.
        let table = tsv.tables[1], vectors = try file.group("vectors")
        let n = 64, k = 3
        #expect(table.columns == ["s", "k_index", "n1", "n2", "re", "im"] && table.rows.count == k * n)
        #expect(try strings(vectors.attribute("columns").values) == table.columns)
        if case .int64(let rows) = try vectors.attribute("rows").values { #expect(rows == [Int64(k * n)]) }
        #expect(try strings(vectors.attribute("complex_pairs").values) == ["vector"])
        #expect(same(stride(from: 0, to: k * n, by: n).map { table.rows[$0][0] }, try vectors.dataset("s").values))
        for (c, column) in ["k_index", "n1", "n2"].enumerated() {
            #expect(same(table.rows.prefix(n).map { $0[c + 1] }, try vectors.dataset(column).values), "\(column)")
        }
        let matrix = try vectors.dataset("vector")
        #expect(matrix.shape == [k, n])
        #expect(try vectors.chunkShape(of: "vector") == [1, n])
        guard case .complex(let v) = matrix.values else { Issue.record("vector is not {r, i}"); return }
        for (row, cells) in table.rows.enumerated() {
            #expect(same(cells[4], v[2 * row]) && same(cells[5], v[2 * row + 1]), "vector row \(row)")
        }
    }

    @Test func hierarchyTablesMatchTheTSV() throws {
        let (tsv, file) = try runBoth(["hierarchy", "--dim", "2", "--size", "6", "--omegas", "1e-2,1e-3"])
        #expect(try expectSameContent(tsv, file).count >= 3)
        #expect(tsv.header.contains { $0.key == "omegas" })
    }

    @Test func checkMatchesTheTSV() throws {
        let (tsv, file) = try runBoth(["check", "--dim", "2", "--size", "8"])
        try expectSameContent(tsv, file)
        // status and detail are text; tolerance a parameter (float64).
        if case .strings = try file.group("identities").dataset("status").values {} else { Issue.record("status is not text") }
        if case .float64 = try file.group("identities").dataset("tolerance").values {} else { Issue.record("tolerance is not float64") }
    }

    @Test func diffusionMatchesTheTSV() throws {
        let (tsv, file) = try runBoth(["diffusion", "--singular", "none", "--dim", "2", "--size", "12"])
        try expectSameContent(tsv, file)
        #expect(try strings(file.group("diffusion").attribute("complex_pairs").values) == ["lambda0", "D"])
    }

    @Test func closureMatchesTheTSV() throws {
        let (tsv, file) = try runBoth(["closure", "--singular", "cooperon", "--dim", "2", "--size", "12", "--omegas", "1e-2,1e-3"])
        try expectSameContent(tsv, file)
    }

    @Test func exactMatchesTheTSV() throws {
        let (tsv, file) = try runBoth(["exact", "--dim", "1", "--energy", "-0.35", "--disorder", "3", "--size", "128",
                                       "--length", "120", "--samples", "4", "--window", "0.4", "--threads", "1"])
        #expect(try expectSameContent(tsv, file) == ["exact", "profile"])
    }

    @Test func vwMatchesTheTSV() throws {
        let (tsv, file) = try runBoth(["vw", "--dim", "3", "--lambda", "0.2", "--omegas", "1e-2,1e-4"])
        try expectSameContent(tsv, file)
    }

    /// hdf5 is written only to a file: stdout, no --output and devices are refused before computing.
    @Test(arguments: [["--output", "-"], [], ["--output", "/dev/null"]])
    func hdf5WithoutAFileIsRefused(output: [String]) throws {
        let result = try runCollop(["spectrum", "--size", "6", "--format", "hdf5"] + output)
        #expect(result.status == 2 && result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("Error: --") && result.stderr.contains("--output") && result.stderr.contains("--format")
                && result.stderr.contains("allowed"), "\(result.stderr)")
        #expect(!result.stderr.contains("warning"), "refused before the model is built: \(result.stderr)")
    }

    @Test func unwritableDirectoryIsRefusedNamingThePath() throws {
        let result = try runCollop(["spectrum", "--size", "6", "--format", "hdf5", "--output", "/proc/x.h5"])
        #expect(result.status == 2 && result.stderr.hasPrefix("Error: --output: value /proc/x.h5"), "\(result.stderr)")
    }

    /// SIGTERM while the eigenvectors are being written (the temporary file exists): status
    /// 143, and neither the file nor the temporary file remains.
    @Test func signalWhileWritingLeavesNoFile() throws {
        let directory = try makeTemporaryDirectory(prefix: "collop-hdf5")
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = collopExecutable()
        // N = 2304 vectors of 2304 components: 85 MB, written over about a second.
        process.arguments = ["spectrum", "--dim", "2", "--size", "48", "--vectors", "2304", "--quiet", "--format", "hdf5",
                             "--output", directory.appendingPathComponent("v.h5").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline,
              !(try FileManager.default.contentsOfDirectory(atPath: directory.path).contains { $0.hasSuffix(".tmp") }) {
            Thread.sleep(forTimeInterval: 0.005)
        }
        #expect(process.isRunning, "the run must still be writing when the signal arrives")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 143)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    /// A write that fails midway (here the file-size limit, as a full disk would): exit 3,
    /// the path and HDF5's reason in the message, and no file at all.
    @Test func writeFailureIsExitThreeWithoutFile() throws {
        let directory = try makeTemporaryDirectory(prefix: "collop-hdf5")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("v.h5").path
        // 12² = 144 components × 144 vectors × 16 bytes = 332 kB, above a limit of 64 blocks (≤ 64 kB).
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -f 64 && exec \"$0\" spectrum --dim 2 --size 12 --vectors 144 --quiet --format hdf5 --output \"$1\" 2>\"$2\"",
                             collopExecutable().path, file, directory.appendingPathComponent("stderr").path]
        try process.run()
        process.waitUntilExit()
        let stderr = try String(contentsOf: directory.appendingPathComponent("stderr"), encoding: .utf8)
        #expect(process.terminationStatus == 3, "\(stderr)")
        #expect(stderr.hasPrefix("Error: --output: cannot write \(file)") && stderr.contains("File too large"), "\(stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["stderr"], "no file, no temporary file")
    }
}
