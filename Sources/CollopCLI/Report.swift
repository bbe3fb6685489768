import CollisionOperator
import Foundation

/// One value of a table or header.
enum Cell: Sendable, Equatable {
    case integer(Int)
    case number(Double)
    case text(String)
    /// A parameter as the user wrote it, or a fixed constant (a tolerance, a threshold):
    /// shortest form that reads back exactly (Swift's description: 1e-12, 0.1, 2.0).
    case parameter(Double)
    /// A list of parameters (q, the ω ladder, a direction): comma-separated in TSV, an
    /// array of numbers in JSON, each element in the shortest round-trip form.
    case parameters([Double])

    /// TSV form: numbers with 17 significant digits (docs/model.md §5).
    var tsv: String {
        switch self {
        case .integer(let i): return "\(i)"
        case .number(let d): return formatNumber(d)
        case .text(let s): return s
        case .parameter(let d): return format(d)
        case .parameters(let list): return list.map(format).joined(separator: ",")
        }
    }

    var json: String {
        switch self {
        case .integer(let i): return "\(i)"
        case .number(let d): return d.isFinite ? formatNumber(d) : "null"
        case .text(let s): return jsonString(s)
        case .parameter(let d): return d.isFinite ? format(d) : "null"
        case .parameters(let list): return "[" + list.map { $0.isFinite ? format($0) : "null" }.joined(separator: ", ") + "]"
        }
    }
}

extension Cell {
    /// The number an integer, number or parameter cell holds; nil for text and lists.
    var numericValue: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .number(let d), .parameter(let d): return d
        case .text, .parameters: return nil
        }
    }

    var isNumeric: Bool { numericValue != nil }
}

/// A table: column names and rows of cells.
struct Table: Sendable {
    var name: String
    var columns: [String]
    var rows: [[Cell]] = []
}

/// A table too large to hold as cells (K eigenvectors of N components): its rows are
/// produced while it is written, in `groups` groups (one eigenvector each), group g by `rows(g)`.
/// In HDF5 its complex pair X_re, X_im is the groups × rows matrix `matrix`, its `groupColumns`
/// (constant within a group) hold one value per group, and its other columns one value per
/// row of a group (the same in every group).
struct RowStream: Sendable {
    var name: String
    var columns: [String]
    var groupColumns: [String]
    var matrix: String
    var groups: Int
    var rows: @Sendable (Int) -> [[Cell]]
}

/// What a subcommand prints: `# key = value` header lines (every parameter used and the
/// derived quantities), then its tables (the streamed one last). Rendered as TSV or JSON with
/// the same fields, in chunks of about `chunkSize` characters.
struct Report: Sendable {
    var command: String
    var header: [(key: String, value: Cell)] = []
    var tables: [Table] = []
    var stream: RowStream? = nil

    /// Characters handed to the writer at a time while rows are rendered.
    static let chunkSize = 1 << 20

    /// Header keys that are fixed constants or inputs, whichever cell their producer
    /// chose: tolerances and thresholds print in shortest round-trip form (1e-12, not
    /// 9.9999999999999998e-13), never as computed 17-digit numbers.
    static func isParameterKey(_ key: String) -> Bool {
        key.hasSuffix("_tolerance") || key.hasSuffix("_threshold")
    }

    /// A table cell in its canonical kind: computed numbers in a column of fixed
    /// constants (check's `tolerance`) are parameters.
    static func canonical(_ cell: Cell, column: String) -> Cell {
        if case .number(let d) = cell, column == "tolerance" || isParameterKey(column) { return .parameter(d) }
        return cell
    }

    /// Header keys whose value is a list of parameters (JSON arrays of numbers).
    static let listKeys: Set<String> = [ParameterName.q.key, "omegas", "direction"]

    /// The header with every cell in its canonical kind: parameter keys as `.parameter`,
    /// list keys given as "a,b,c" text as `.parameters`.
    var canonicalHeader: [(key: String, value: Cell)] {
        header.map { entry in
            switch entry.value {
            case .number(let d) where Self.isParameterKey(entry.key):
                return (entry.key, .parameter(d))
            case .text(let text) where Self.listKeys.contains(entry.key):
                let parts = text.split(separator: ",", omittingEmptySubsequences: false)
                    .map { Double($0.trimmingCharacters(in: .whitespaces)) }
                guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return entry }
                return (entry.key, .parameters(parts.map { $0! }))
            default:
                return entry
            }
        }
    }

    mutating func add(_ key: String, _ value: Cell) { header.append((key, value)) }
    mutating func add(_ key: String, _ value: String) { header.append((key, .text(value))) }
    mutating func add(_ key: String, _ value: Double) { header.append((key, .number(value))) }
    mutating func add(_ key: String, _ value: Int) { header.append((key, .integer(value))) }

    /// The held tables (one group of rows each), then the streamed one, as (name, columns,
    /// group count, rows of group g).
    private var allTables: [(name: String, columns: [String], groups: Int, rows: (Int) -> [[Cell]])] {
        tables.map { table in (table.name, table.columns, 1, { _ in table.rows }) }
            + (stream.map { [($0.name, $0.columns, $0.groups, $0.rows)] } ?? [])
    }

    /// Comment header, header row, data rows; further tables follow after two blank
    /// lines (gnuplot's `index` separator) with a `# table = name` line. Handed to `emit`
    /// in chunks.
    func tsv<E: Error>(into emit: (String) throws(E) -> Void) throws(E) {
        var out = "# collop \(collopVersion) \(command)\n"
        for (key, value) in canonicalHeader { out += "# \(key) = \(value.tsv)\n" }
        for (position, table) in allTables.enumerated() {
            if position > 0 { out += "\n\n# table = \(table.name)\n" }
            out += table.columns.joined(separator: "\t") + "\n"
            for group in 0..<table.groups {
                for row in table.rows(group) {
                    out += zip(table.columns, row).map { Self.canonical($1, column: $0).tsv }.joined(separator: "\t") + "\n"
                    if out.utf8.count >= Self.chunkSize { try emit(out); out = "" }
                }
            }
        }
        try emit(out)
    }

    /// {"tool", "version", "command", "header": {…}, "<table>": {"columns": […], "rows": [{…}]}},
    /// handed to `emit` in chunks.
    func json<E: Error>(into emit: (String) throws(E) -> Void) throws(E) {
        var out = "{\n  \"tool\": \"collop\",\n  \"version\": \(jsonString(collopVersion)),\n  \"command\": \(jsonString(command)),\n  \"header\": {"
        out += canonicalHeader.map { "\n    \(jsonString($0.key)): \($0.value.json)" }.joined(separator: ",")
        out += "\n  }"
        for table in allTables {
            let columns = table.columns.map(jsonString).joined(separator: ", ")
            out += ",\n  \(jsonString(table.name)): {\n    \"columns\": [\(columns)],\n    \"rows\": ["
            var empty = true
            for group in 0..<table.groups {
                for row in table.rows(group) {
                    let fields: [String] = zip(table.columns, row).map { pair in "\(jsonString(pair.0)): \(Self.canonical(pair.1, column: pair.0).json)" }
                    out += (empty ? "" : ",") + "\n      {" + fields.joined(separator: ", ") + "}"
                    empty = false
                    if out.utf8.count >= Self.chunkSize { try emit(out); out = "" }
                }
            }
            out += empty ? "]\n  }" : "\n    ]\n  }"
        }
        try emit(out + "\n}\n")
    }
}

/// %.17g: every double printed with 17 significant digits, so it reads back exactly.
func formatNumber(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    return String(format: "%.17g", value)
}

func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default:
            if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
        }
    }
    return out + "\""
}
