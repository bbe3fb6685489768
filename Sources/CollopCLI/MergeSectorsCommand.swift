import ArgumentParser
import CollisionOperator
import DenseLinearAlgebra
import Foundation
import Numerics
import SpectralAnalysis

/// `collop merge-sectors`: the per-sector tables of `spectrum --sector` joined into the
/// table of the whole run.
struct MergeSectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-sectors",
        abstract: "Join the tables of 'spectrum --sector LABEL' into the whole spectrum table.",
        discussion: """
            Each file is the TSV or JSON table of one 'collop spectrum --sector LABEL' run; every sector of the header's symmetry_sectors must be given once, all from the same model (every header line that describes the model agrees). The rows are merged in the order of one whole run (by |λ|, then re, then im, then the sector's place in symmetry_sectors; a sector's own rows keep their order) and renumbered s = 0…N−1, and Σλ is checked against the header's tr 𝕃 (|Σλ − tr 𝕃|/|tr 𝕃| ≤ 1e-10, else exit status 3). The header is the whole run's: frobenius_norm, trace_re, trace_im, trace_residual, the lapack_routine of all blocks and, with eigenvectors, max_condition, near_exceptional_modes, degenerate_clusters and lambda0_mode over all rows. A vectors table (--vectors) is not merged.
            """
    )

    @Argument(help: ArgumentHelp("The per-sector tables, in any order.", valueName: "file"))
    var files: [String]

    @OptionGroup var output: OutputOptions

    func run() throws {
        _ = try output.resolvedFormat()
        let destination = try output.destination()
        let tables = try files.map(SectorTable.init(path:))
        let merged = try SectorMerge(tables)
        for table in tables where table.hasVectors {
            Progress.warn("\(table.path): its vectors table is not merged (run the whole spectrum with --vectors for it)", quiet: output.quiet)
        }
        try output.write(merged.report(), to: destination)
    }
}

/// The table of one `spectrum --sector` run, read back from its TSV or JSON form.
struct SectorTable {
    let path: String
    /// The header in file order, each value in the cell kind that prints it back as read
    /// (lists as `.parameters`, whichever the format).
    let header: [(key: String, value: Cell)]
    let columns: [String]
    /// The spectrum table's rows, each value in the cell kind that prints it back as read.
    let rows: [[Cell]]
    /// Whether a second (vectors) table followed.
    let hasVectors: Bool

    func value(_ key: String) -> Cell? { header.first { $0.key == key }?.value }

    func refuse(_ reason: String) -> InputError { InputError("file '\(path)': \(reason)") }

    init(path: String) throws {
        self.path = path
        guard access(path, R_OK) == 0 else { throw InputError("file '\(path)': cannot be read: \(systemReason(errno)) (allowed: the readable TSV or JSON output of collop spectrum --sector)") }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw InputError("file '\(path)': cannot be read: not UTF-8 text (allowed: the TSV or JSON output of collop spectrum --sector)")
        }
        let parsed = text.hasPrefix("{") ? Self.readJSON(text) : Self.readTSV(text)
        guard let parsed else {
            throw InputError("file '\(path)': not a table of collop spectrum (neither its TSV nor its JSON form)")
        }
        var canonical = Report(command: parsed.command)
        canonical.header = parsed.header
        header = canonical.canonicalHeader
        columns = parsed.columns
        rows = parsed.rows
        hasVectors = parsed.hasVectors
        guard parsed.command == "spectrum" else {
            throw refuse("a table of collop \(parsed.command), not of collop spectrum --sector")
        }
    }

    typealias Parsed = (command: String, header: [(key: String, value: Cell)], columns: [String], rows: [[Cell]], hasVectors: Bool)

    /// "# collop V COMMAND", "# key = value" lines, the column line and the rows up to
    /// the next table.
    static func readTSV(_ text: String) -> Parsed? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard let title = lines.popFirst(), title.hasPrefix("# collop "), let command = title.split(separator: " ").last else { return nil }
        var header: [(key: String, value: Cell)] = []
        while let line = lines.first, line.hasPrefix("# ") {
            lines.removeFirst()
            guard let separator = line.range(of: " = ") else { return nil }
            header.append((String(line[line.index(line.startIndex, offsetBy: 2)..<separator.lowerBound]),
                           cell(reading: String(line[separator.upperBound...]))))
        }
        guard let columnLine = lines.popFirst() else { return nil }
        let columns = columnLine.split(separator: "\t").map(String.init)
        var rows: [[Cell]] = []
        while let line = lines.popFirst(), !line.isEmpty {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == columns.count else { return nil }
            rows.append(fields.map { cell(reading: $0) })
        }
        let hasVectors = lines.contains { $0.hasPrefix("# table = ") }
        return (String(command), header, columns, rows, hasVectors)
    }

    /// Report's JSON, one header entry and one row per line: {"command", "header": {…},
    /// "spectrum": {"columns", "rows"}, …}. Read line by line, the numbers from their
    /// digits (Foundation's JSON numbers do not round-trip 17 digits).
    static func readJSON(_ text: String) -> Parsed? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let command = object["command"] as? String,
              let spectrum = object["spectrum"] as? [String: Any],
              let columns = spectrum["columns"] as? [String] else { return nil }
        var header: [(key: String, value: Cell)] = []
        var rows: [[Cell]] = []
        var section = ""
        for line in text.split(separator: "\n") {
            if line.hasPrefix("  \"") { section = String(line.dropFirst(3).prefix { $0 != "\"" }); continue }
            let entry = line.drop { $0 == " " }
            switch section {
            case "header":
                guard let field = flatFields(entry), field.count == 1, let value = jsonCell(field[0].raw) else { continue }
                header.append((field[0].key, value))
            case "spectrum" where entry.hasPrefix("{"):
                guard let fields = flatFields(entry.dropFirst()), fields.map(\.key) == columns else { return nil }
                var cells: [Cell] = []
                for field in fields {
                    guard let value = jsonCell(field.raw), !(value.numericValue == nil && field.raw.first != "\"") else { return nil }
                    cells.append(value)
                }
                rows.append(cells)
            default:
                continue
            }
        }
        guard rows.count == (spectrum["rows"] as? [Any])?.count else { return nil }
        return (command, header, columns, rows, object["vectors"] != nil)
    }

    /// The `"key": value` pairs of one line of Report's JSON (values unparsed), up to the
    /// closing brace or the line's end.
    static func flatFields(_ line: Substring) -> [(key: String, raw: String)]? {
        var rest = line[...]
        var fields: [(key: String, raw: String)] = []
        /// A JSON string literal at the start of `rest` (quotes included), consumed.
        func string() -> Substring? {
            guard rest.first == "\"" else { return nil }
            var index = rest.index(after: rest.startIndex)
            while index < rest.endIndex, rest[index] != "\"" {
                index = rest.index(after: rest[index] == "\\" ? rest.index(after: index) : index)
            }
            guard index < rest.endIndex else { return nil }
            let literal = rest[...index]
            rest = rest[rest.index(after: index)...]
            return literal
        }
        while let key = string() {
            guard rest.hasPrefix(": ") else { return nil }
            rest = rest.dropFirst(2)
            let raw: Substring
            if rest.first == "\"" {
                guard let literal = string() else { return nil }
                raw = literal
            } else {
                let end = rest.first == "[" ? (rest.firstIndex(of: "]").map { rest.index(after: $0) } ?? rest.endIndex)
                                            : (rest.firstIndex { $0 == "," || $0 == "}" } ?? rest.endIndex)
                raw = rest[..<end]
                rest = rest[end...]
            }
            fields.append((String(key.dropFirst().dropLast()), String(raw)))
            if rest.hasPrefix(", ") { rest = rest.dropFirst(2) } else { break }
        }
        return fields
    }

    /// A JSON value as the cell that prints it back: string, number, list of numbers or null.
    static func jsonCell(_ raw: String) -> Cell? {
        if raw == "null" { return .number(.nan) }
        if raw.hasPrefix("[") {
            let list = raw.dropFirst().dropLast().split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard list.allSatisfy({ $0 != nil }) else { return nil }
            return .parameters(list.map { $0! })
        }
        if raw.hasPrefix("\"") {
            return (try? JSONSerialization.jsonObject(with: Data(raw.utf8), options: .fragmentsAllowed) as? String).map(Cell.text)
        }
        return cell(reading: raw)
    }

    /// The cell that prints `raw` back: an integer, a computed number (17 digits), a
    /// parameter (shortest form) or text.
    static func cell(reading raw: String) -> Cell {
        if let integer = Int(raw) { return .integer(integer) }
        guard let value = Double(raw) else { return .text(raw) }
        if formatNumber(value) == raw { return .number(value) }
        return format(value) == raw ? .parameter(value) : .text(raw)
    }
}

/// The whole run's table from its per-sector tables: checked to be one model with every
/// sector once, merged in the table order of `Spectrum.tableOrder`, the trace re-checked.
struct SectorMerge {
    /// Header keys that differ between the sectors of one model.
    static let perSectorKeys: Set<String> = [
        "sector_only", "trace_residual", "frobenius_norm", "lapack_routine", "memory_estimate", "blas_threads",
        "max_condition", "near_exceptional_modes", "degenerate_clusters", "clusters_with_orthonormal_eigenspace_basis",
        "clusters_not_bilinear_orthogonalized", "lambda0_mode",
    ]

    /// The tables in the order of the header's symmetry_sectors.
    let tables: [SectorTable]
    /// Table rows (table, row) in the whole run's order.
    let order: [(list: Int, position: Int)]
    /// The eigenvalues in that order.
    let values: [Complex<Double>]
    let trace: Complex<Double>
    let traceResidual: Double
    let frobeniusNorm: Double

    init(_ given: [SectorTable]) throws {
        guard let first = given.first else { throw InputError("no table given (allowed: the files of 'collop spectrum --sector LABEL', one per sector)") }
        guard case .text(let list)? = first.value("symmetry_sectors"), list.contains(":") else {
            throw first.refuse("has no symmetry sectors (symmetry_sectors = \(first.value("symmetry_sectors")?.tsv ?? "missing")): nothing to merge")
        }
        let labels = list.split(separator: ",").map { String($0.split(separator: ":")[0]) }
        let model = first.header.filter { !Self.perSectorKeys.contains($0.key) }
        var bySector: [String: SectorTable] = [:]
        for table in given {
            guard case .text(let label)? = table.value("sector_only") else {
                throw table.refuse("not a one-sector table (no sector_only in its header: run collop spectrum --sector LABEL)")
            }
            if let other = bySector[label] { throw table.refuse("sector \(label) given twice (also in \(other.path))") }
            bySector[label] = table
            let own = table.header.filter { !Self.perSectorKeys.contains($0.key) }
            if let difference = zip(model, own).first(where: { $0.0 != $0.1 }) {
                throw table.refuse("not the same model as \(first.path): \(difference.1.key) = \(difference.1.value.tsv) here, \(difference.0.key) = \(difference.0.value.tsv) there")
            }
            guard own.count == model.count else {
                throw table.refuse("not the same model as \(first.path): its header has \(own.count) model lines, \(first.path)'s \(model.count)")
            }
            guard table.columns == first.columns else {
                throw table.refuse("columns \(table.columns.joined(separator: " ")) differ from \(first.path)'s \(first.columns.joined(separator: " "))")
            }
            guard labels.contains(label) else {
                throw table.refuse("sector \(label) is not among the symmetry_sectors \(labels.joined(separator: ", "))")
            }
        }
        let missing = labels.filter { bySector[$0] == nil }
        guard missing.isEmpty else {
            throw InputError("\(missing.count == 1 ? "sector" : "sectors") \(missing.joined(separator: ", ")) missing: none of \(given.map(\.path).joined(separator: ", ")) has it (allowed: one file per sector of \(labels.joined(separator: ", ")))")
        }
        tables = labels.map { bySector[$0]! }

        guard let re = first.columns.firstIndex(of: "re"), let im = first.columns.firstIndex(of: "im") else {
            throw first.refuse("has no re and im columns")
        }
        let lists = try tables.map { table in
            try table.rows.map { row -> Complex<Double> in
                guard let x = row[re].numericValue, let y = row[im].numericValue else { throw table.refuse("a row's re or im is not a number") }
                return Complex(x, y)
            }
        }
        order = Spectrum.tableOrder(lists)
        values = order.map { lists[$0.list][$0.position] }
        let sum = values.reduce(Complex<Double>.zero, +)
        guard let traceRe = first.value("operator_trace_re")?.numericValue, let traceIm = first.value("operator_trace_im")?.numericValue else {
            throw first.refuse("has no operator_trace_re and operator_trace_im")
        }
        trace = Complex(traceRe, traceIm)
        traceResidual = try Spectrum.checkTrace(sum: sum, trace: trace)
        // ‖𝕃‖_F² = Σ over the sectors of each one's dim Γ ‖B_Γ‖_F².
        frobeniusNorm = tables.reduce(0.0) { total, table in
            let norm = table.value("frobenius_norm")?.numericValue ?? .nan
            return total + norm * norm
        }.squareRoot()
    }

    /// The report the whole run writes.
    func report() -> Report {
        let first = tables[0]
        let hasVectors = first.columns.contains("w0")
        var global = tables.map { [Int](repeating: 0, count: $0.rows.count) }
        for (s, entry) in order.enumerated() { global[entry.list][entry.position] = s }

        var report = Report(command: "spectrum")
        for entry in first.header.prefix(while: { $0.key != "frobenius_norm" }) {
            report.header.append(entry.key == "lapack_routine"
                                 ? (entry.key, .text(Spectrum.blockedRoutine(blocks: tables.count, computeVectors: hasVectors))) : entry)
        }
        report.add("frobenius_norm", frobeniusNorm)
        report.add("trace_re", trace.real)
        report.add("trace_im", trace.imaginary)
        report.add("trace_residual", traceResidual)
        if hasVectors, let w0 = first.columns.firstIndex(of: "w0") {
            /// A per-sector list of "count@s=first" entries with its rows renumbered.
            func clusters(_ key: String) -> [Cluster] {
                tables.indices.flatMap { t in
                    Cluster.list(tables[t].value(key)?.tsv ?? "none").map { Cluster(count: $0.count, first: global[t][$0.first]) }
                }.sorted { $0.first < $1.first }
            }
            let overlaps = order.map { tables[$0.list].rows[$0.position][w0].numericValue ?? 0 }
            let degenerate = BilinearEigenbasis.groups(of: values, tolerance: Spectrum.clusterTolerance(norm: frobeniusNorm))
                .filter { $0.count > 1 }
            EigenvectorSummary(
                maxCondition: tables.compactMap { $0.value("max_condition")?.numericValue }.max() ?? 1,
                nearExceptional: tables.indices.flatMap { t in
                    (tables[t].value("near_exceptional_modes")?.tsv ?? "none").split(separator: ",").compactMap { Int($0) }.map { global[t][$0] }
                }.sorted(),
                degenerate: degenerate.map { Cluster(count: $0.count, first: $0[0]) },
                subspaceBasis: clusters("clusters_with_orthonormal_eigenspace_basis"),
                nonOrthogonal: clusters("clusters_not_bilinear_orthogonalized"),
                diffusionMode: overlaps.indices.max { overlaps[$0] < overlaps[$1] }
            ).add(to: &report)
        }
        var table = Table(name: "spectrum", columns: first.columns)
        let s = first.columns.firstIndex(of: "s")
        for (index, entry) in order.enumerated() {
            var row = tables[entry.list].rows[entry.position]
            if let s { row[s] = .integer(index) }
            table.rows.append(row)
        }
        report.tables.append(table)
        return report
    }
}

/// A degenerate cluster as the header lists it: its size and its first row.
struct Cluster {
    var count: Int
    var first: Int

    /// "count@s=first,…", or "none".
    static func describe(_ clusters: [Cluster]) -> String {
        clusters.isEmpty ? "none" : clusters.map { "\($0.count)@s=\($0.first)" }.joined(separator: ",")
    }

    /// The clusters of a header value written by `describe`.
    static func list(_ text: String) -> [Cluster] {
        text.split(separator: ",").compactMap { entry in
            let pieces = entry.split(separator: "@s=")
            guard pieces.count == 2, let count = Int(pieces[0]), let first = Int(pieces[1]) else { return nil }
            return Cluster(count: count, first: first)
        }
    }
}

/// The header lines about the eigenvectors of a spectrum (written with vectors only):
/// conditioning, exceptional points, degenerate clusters and the diffusion mode.
struct EigenvectorSummary {
    var maxCondition: Double
    var nearExceptional: [Int]
    /// One entry per degenerate value, all sectors together.
    var degenerate: [Cluster]
    var subspaceBasis: [Cluster]
    var nonOrthogonal: [Cluster]
    var diffusionMode: Int?

    func add(to report: inout Report) {
        report.add("max_condition", maxCondition)
        report.add("near_exceptional_modes", nearExceptional.isEmpty ? "none" : nearExceptional.map(String.init).joined(separator: ","))
        report.add("near_exceptional_threshold", .parameter(1e-8))
        report.add("degenerate_clusters", Cluster.describe(degenerate))
        if !subspaceBasis.isEmpty { report.add("clusters_with_orthonormal_eigenspace_basis", Cluster.describe(subspaceBasis)) }
        if !nonOrthogonal.isEmpty { report.add("clusters_not_bilinear_orthogonalized", Cluster.describe(nonOrthogonal)) }
        if let diffusionMode { report.add("lambda0_mode", diffusionMode) }
    }
}
