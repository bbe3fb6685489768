import CollisionOperator
import Foundation
import TOMLKit

/// A config file's values: the model keys of DESIGN §5 (`size = 24`, `singular =
/// "lorentzian"`, `q = [0.1, 0]` …) from a flat TOML table or a JSON object.
/// Format is chosen by extension (.toml / .json), else by the first non-blank character.
struct ConfigFile {
    /// A value as written in the file, before it is checked against its parameter.
    enum Value: Equatable {
        case number(Double)
        case integer(Int)
        case text(String)
        case boolean(Bool)
        case list([Double])
    }

    let path: String
    let values: [ParameterName: Value]

    /// Reads and parses `path`. Every failure is an `InputError` naming the file (and
    /// line/column for syntax errors, the key for unknown or mistyped keys).
    init(path: String) throws(InputError) {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw InputError("--config: cannot read \(path) (\(exists ? "permission denied or not a regular file" : "no such file")); allowed: a readable TOML or JSON file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError("--config: \(path) is not UTF-8 text; allowed: a TOML or JSON file")
        }
        let lower = path.lowercased()
        let firstCharacter = text.first { !$0.isWhitespace }
        let isJSON = lower.hasSuffix(".json") || (!lower.hasSuffix(".toml") && firstCharacter == "{")
        var raw: [(key: String, value: Value?, type: String)]
        if isJSON {
            raw = try Self.parseJSON(text, data: data, path: path)
        } else {
            raw = try Self.parseTOML(text, path: path)
        }
        var values: [ParameterName: Value] = [:]
        for entry in raw.sorted(by: { $0.key < $1.key }) {
            guard let name = ParameterName(rawValue: entry.key) else {
                let suggestion = nearestName(to: entry.key, among: ParameterName.allCases.map(\.rawValue))
                throw InputError("config key '\(entry.key)' in \(path) is not a model option\(suggestion.map { "; did you mean '\($0)'?" } ?? ""); allowed keys: \(ParameterName.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let value = entry.value else {
                throw InputError("config key '\(entry.key)' in \(path): a \(entry.type) is not a valid value (allowed: \(name.allowed))")
            }
            values[name] = value
        }
        self.values = values
    }

    private static func parseTOML(_ text: String, path: String) throws(InputError) -> [(key: String, value: Value?, type: String)] {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw InputError("--config: \(path) is not valid TOML at line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)")
        } catch {
            throw InputError("--config: \(path) is not valid TOML: \(error)")
        }
        var entries: [(key: String, value: Value?, type: String)] = []
        for (key, value) in table {
            entries.append((key, convert(toml: value), value.type.rawValue))
        }
        return entries
    }

    private static func convert(toml value: TOMLValueConvertible) -> Value? {
        switch value.type {
        case .int: return value.int.map(Value.integer)
        case .double: return value.double.map(Value.number)
        case .string: return value.string.map(Value.text)
        case .bool: return value.bool.map(Value.boolean)
        case .array:
            guard let array = value.array else { return nil }
            var numbers: [Double] = []
            for element in array {
                if let d = element.double { numbers.append(d) } else if let i = element.int { numbers.append(Double(i)) } else { return nil }
            }
            return .list(numbers)
        default: return nil
        }
    }

    private static func parseJSON(_ text: String, data: Data, path: String) throws(InputError) -> [(key: String, value: Value?, type: String)] {
        // JSONSerialization reports where the syntax breaks; JSONDecoder keeps the value types apart.
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw InputError("--config: \(path) is not valid JSON\(jsonLocation(detail, text: text)): \(detail)")
        }
        guard let dictionary = try? JSONDecoder().decode([String: JSONValue].self, from: data) else {
            throw InputError("--config: \(path) must hold a JSON object of model keys at the top level")
        }
        return dictionary.map { key, value in (key, value.configValue, value.typeName) }
    }

    /// A JSON value with its type kept (true is not 1, 1 is not 1.5).
    private enum JSONValue: Decodable {
        case boolean(Bool), integer(Int), number(Double), text(String), list([Double]), other

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Bool.self) { self = .boolean(value) }
            else if let value = try? container.decode(Int.self) { self = .integer(value) }
            else if let value = try? container.decode(Double.self) { self = .number(value) }
            else if let value = try? container.decode(String.self) { self = .text(value) }
            else if let value = try? container.decode([Double].self) { self = .list(value) }
            else { self = .other }
        }

        var configValue: Value? {
            switch self {
            case .boolean(let b): return .boolean(b)
            case .integer(let i): return .integer(i)
            case .number(let d): return .number(d)
            case .text(let s): return .text(s)
            case .list(let l): return .list(l)
            case .other: return nil
            }
        }

        /// Only consulted when `configValue` is nil.
        var typeName: String { "JSON object, null or mixed array" }
    }

    /// " at line L, column C" from Foundation's "around character N" / "line L, column C".
    private static func jsonLocation(_ detail: String, text: String) -> String {
        if detail.contains("line") { return "" }
        guard let range = detail.range(of: "character "),
              let offset = Int(detail[range.upperBound...].prefix { $0.isNumber }) else { return "" }
        var line = 1, column = 1
        for (index, byte) in text.utf8.enumerated() {
            if index >= offset { break }
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
        }
        return " at line \(line), column \(column)"
    }
}

/// The candidate closest to `word` in edit distance, if it is plausibly a typo of it.
func nearestName(to word: String, among candidates: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
    let target = Array(word.lowercased())
    let scored = candidates.map { ($0, distance(target, Array($0))) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    return best.1 <= max(2, target.count / 3) ? best.0 : nil
}
