import CollisionOperator
import Foundation

/// One value of a table or header.
enum Cell: Sendable, Equatable {
    case integer(Int)
    case number(Double)
    case text(String)
    /// A parameter as the user wrote it: shortest form that reads back exactly.
    case parameter(Double)

    /// TSV form: numbers with 17 significant digits (DESIGN §5).
    var tsv: String {
        switch self {
        case .integer(let i): return "\(i)"
        case .number(let d): return formatNumber(d)
        case .text(let s): return s
        case .parameter(let d): return format(d)
        }
    }

    var json: String {
        switch self {
        case .integer(let i): return "\(i)"
        case .number(let d): return d.isFinite ? formatNumber(d) : "null"
        case .text(let s): return jsonString(s)
        case .parameter(let d): return d.isFinite ? format(d) : "null"
        }
    }
}

/// A table: column names and rows of cells.
struct Table: Sendable {
    var name: String
    var columns: [String]
    var rows: [[Cell]] = []
}

/// What a subcommand prints: `# key = value` header lines (every parameter used and the
/// derived quantities), then its tables. Rendered as TSV or JSON with the same fields.
struct Report: Sendable {
    var command: String
    var header: [(key: String, value: Cell)] = []
    var tables: [Table] = []

    mutating func add(_ key: String, _ value: Cell) { header.append((key, value)) }
    mutating func add(_ key: String, _ value: String) { header.append((key, .text(value))) }
    mutating func add(_ key: String, _ value: Double) { header.append((key, .number(value))) }
    mutating func add(_ key: String, _ value: Int) { header.append((key, .integer(value))) }

    /// Comment header, header row, data rows; further tables follow after two blank
    /// lines (gnuplot's `index` separator) with a `# table = name` line.
    func tsv() -> String {
        var out = "# collop \(collopVersion) \(command)\n"
        for (key, value) in header { out += "# \(key) = \(value.tsv)\n" }
        for (position, table) in tables.enumerated() {
            if position > 0 { out += "\n\n# table = \(table.name)\n" }
            out += table.columns.joined(separator: "\t") + "\n"
            for row in table.rows { out += row.map(\.tsv).joined(separator: "\t") + "\n" }
        }
        return out
    }

    /// {"tool", "version", "command", "header": {…}, "<table>": {"columns": […], "rows": [{…}]}}.
    func json() -> String {
        var out = "{\n  \"tool\": \"collop\",\n  \"version\": \(jsonString(collopVersion)),\n  \"command\": \(jsonString(command)),\n  \"header\": {"
        out += header.map { "\n    \(jsonString($0.key)): \($0.value.json)" }.joined(separator: ",")
        out += "\n  }"
        for table in tables {
            let columns = table.columns.map(jsonString).joined(separator: ", ")
            out += ",\n  \(jsonString(table.name)): {\n    \"columns\": [\(columns)],\n    \"rows\": ["
            let rows: [String] = table.rows.map { row in
                let fields: [String] = zip(table.columns, row).map { pair in "\(jsonString(pair.0)): \(pair.1.json)" }
                return "\n      {" + fields.joined(separator: ", ") + "}"
            }
            out += rows.joined(separator: ",")
            out += table.rows.isEmpty ? "]\n  }" : "\n    ]\n  }"
        }
        return out + "\n}\n"
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
