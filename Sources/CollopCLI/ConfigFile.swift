import CollisionOperator
import Foundation
import TOMLKit

/// A config file's values: the model keys of docs/model.md §5 (`size = 24`, `singular =
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
        /// Anything no parameter takes (a table, a date, a mixed array, null): its type
        /// and its text as written.
        case other(type: String, written: String)

        /// The value in file syntax, as the user wrote it: 3, 0.5, "16", true, [0.1, 0].
        var written: String {
            switch self {
            case .number(let d): return format(d)
            case .integer(let i): return "\(i)"
            case .text(let s): return jsonString(s)
            case .boolean(let b): return "\(b)"
            case .list(let l): return "[" + l.map(Self.element).joined(separator: ", ") + "]"
            case .other(_, let written): return written
            }
        }

        /// An array element: integers without ".0", as they are usually written.
        private static func element(_ d: Double) -> String {
            d == d.rounded() && abs(d) < 1e15 ? "\(Int(d))" : format(d)
        }

        /// "an integer", "a string" …, for "value "16" is a string, not an integer".
        var typeName: String {
            switch self {
            case .number: return "a float"
            case .integer: return "an integer"
            case .text: return "a string"
            case .boolean: return "a boolean"
            case .list: return "an array"
            case .other(let type, _): return type
            }
        }
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
        let raw: [(key: String, value: Value)]
        if isJSON {
            raw = try Self.parseJSON(text, path: path)
        } else {
            raw = try Self.parseTOML(text, path: path)
        }
        var values: [ParameterName: Value] = [:]
        for entry in raw.sorted(by: { $0.key < $1.key }) {
            guard let name = ParameterName(key: entry.key) else {
                let keys = ParameterName.allCases.map(\.key)
                let suggestion = nearestName(to: entry.key, among: keys)
                throw InputError("config key '\(entry.key)' in \(path) is not a model option\(suggestion.map { "; did you mean '\($0)'?" } ?? ""); allowed keys: \(keys.joined(separator: ", "))")
            }
            if case .other(let type, let written) = entry.value {
                throw InputError("config key '\(entry.key)' in \(path): value \(written) is \(type), which no model key takes (allowed: \(name.allowed))")
            }
            values[name] = entry.value
        }
        self.values = values
    }

    private static func parseTOML(_ text: String, path: String) throws(InputError) -> [(key: String, value: Value)] {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw InputError("--config: \(path) is not valid TOML at line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)")
        } catch {
            throw InputError("--config: \(path) is not valid TOML: \(error)")
        }
        var entries: [(key: String, value: Value)] = []
        for (key, value) in table {
            entries.append((key, convert(toml: value)))
        }
        return entries
    }

    private static func convert(toml value: TOMLValueConvertible) -> Value {
        switch value.type {
        case .int: if let i = value.int { return .integer(i) }
        case .double: if let d = value.double { return .number(d) }
        case .string: if let s = value.string { return .text(s) }
        case .bool: if let b = value.bool { return .boolean(b) }
        case .array:
            guard let array = value.array else { break }
            var numbers: [Double] = []
            for element in array {
                if let d = element.double { numbers.append(d) } else if let i = element.int { numbers.append(Double(i)) } else {
                    let elements = array.map { convert(toml: $0).written }
                    return .other(type: "an array that is not all numbers", written: "[" + elements.joined(separator: ", ") + "]")
                }
            }
            return .list(numbers)
        case .table: return .other(type: "a table", written: "{…}")
        default: break
        }
        return .other(type: "a TOML \(value.type.rawValue)", written: "\(value)")
    }

    /// Strict JSON (RFC 8259): no trailing commas, no comments, no duplicate keys, one
    /// object at the top level. Errors carry the line and column.
    private static func parseJSON(_ text: String, path: String) throws(InputError) -> [(key: String, value: Value)] {
        var parser = StrictJSON(text)
        do {
            return try parser.topLevelObject()
        } catch {
            throw InputError("--config: \(path) is not valid JSON at line \(error.line), column \(error.column): \(error.message)")
        }
    }
}

/// A small strict JSON reader for flat config objects: keeps the source text of every
/// value (for messages) and its JSON type (1 is an integer, 1.0 a float, "1" a string).
struct StrictJSON {
    struct Failure: Error { var line: Int; var column: Int; var message: String }

    private let bytes: [UInt8]
    private var position = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    /// The members of the top-level object, in file order.
    mutating func topLevelObject() throws(Failure) -> [(key: String, value: ConfigFile.Value)] {
        skipWhitespace()
        guard peek == UInt8(ascii: "{") else { throw failure("expected a JSON object '{' of model keys at the top level") }
        let members = try object()
        skipWhitespace()
        guard position == bytes.count else { throw failure("unexpected text after the top-level object") }
        return members
    }

    private var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    private func failure(_ message: String, at offset: Int? = nil) -> Failure {
        var line = 1, column = 1
        for byte in bytes[..<min(offset ?? position, bytes.count)] {
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return Failure(line: line, column: column, message: message)
    }

    private mutating func skipWhitespace() {
        while let b = peek, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { position += 1 }
    }

    private mutating func expect(_ character: Character, _ context: String) throws(Failure) {
        skipWhitespace()
        guard peek == character.asciiValue else {
            throw failure("expected '\(character)' \(context)\(peek.map { ", found '\(Character(UnicodeScalar($0)))'" } ?? ", found the end of the file")")
        }
        position += 1
    }

    private mutating func object() throws(Failure) -> [(key: String, value: ConfigFile.Value)] {
        try expect("{", "to open an object")
        var members: [(key: String, value: ConfigFile.Value)] = []
        var seen: [String: Int] = [:]
        skipWhitespace()
        if peek == UInt8(ascii: "}") { position += 1; return members }
        while true {
            skipWhitespace()
            let keyStart = position
            guard peek == UInt8(ascii: "\"") else {
                throw failure(peek == UInt8(ascii: "}") ? "trailing comma before '}'" : "expected a key in double quotes")
            }
            let key = try string()
            if let first = seen[key] {
                let earlier = failure("", at: first)
                throw failure("duplicate key '\(key)' (first at line \(earlier.line), column \(earlier.column))", at: keyStart)
            }
            seen[key] = keyStart
            try expect(":", "after the key '\(key)'")
            skipWhitespace()
            let value = try value(nested: false)
            members.append((key, value))
            skipWhitespace()
            if peek == UInt8(ascii: ",") { position += 1; continue }
            try expect("}", "or ',' after the value of '\(key)'")
            return members
        }
    }

    /// A value; nested objects and non-numeric arrays become `.other` with their text.
    private mutating func value(nested: Bool) throws(Failure) -> ConfigFile.Value {
        skipWhitespace()
        let start = position
        func text() -> String { String(decoding: bytes[start..<position], as: UTF8.self) }
        guard let b = peek else { throw failure("expected a value, found the end of the file") }
        switch b {
        case UInt8(ascii: "\""): return .text(try string())
        case UInt8(ascii: "{"):
            _ = try object()
            return .other(type: "a JSON object", written: text())
        case UInt8(ascii: "["):
            position += 1
            var elements: [ConfigFile.Value] = []
            skipWhitespace()
            if peek == UInt8(ascii: "]") { position += 1 } else {
                while true {
                    elements.append(try value(nested: true))
                    skipWhitespace()
                    if peek == UInt8(ascii: ",") {
                        position += 1
                        skipWhitespace()
                        if peek == UInt8(ascii: "]") { throw failure("trailing comma before ']'") }
                        continue
                    }
                    try expect("]", "or ',' in an array")
                    break
                }
            }
            var numbers: [Double] = []
            for element in elements {
                switch element {
                case .number(let d): numbers.append(d)
                case .integer(let i): numbers.append(Double(i))
                default: return .other(type: "an array that is not all numbers", written: text())
                }
            }
            return .list(numbers)
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            for (word, result) in [("true", ConfigFile.Value.boolean(true)), ("false", .boolean(false)),
                                   ("null", .other(type: "null", written: "null"))] where bytes[position...].starts(with: word.utf8) {
                position += word.utf8.count
                return result
            }
            throw failure("expected a value (a number, a string, true, false, an array)")
        default:
            return try number()
        }
    }

    private mutating func number() throws(Failure) -> ConfigFile.Value {
        let start = position
        var isInteger = true
        if peek == UInt8(ascii: "-") { position += 1 }
        func digits() -> Int {
            let from = position
            while let b = peek, (0x30...0x39).contains(b) { position += 1 }
            return position - from
        }
        let integerDigits = digits()
        guard integerDigits > 0 else { throw failure("expected a value (a number, a string, true, false, an array)", at: start) }
        if integerDigits > 1 && bytes[position - integerDigits] == UInt8(ascii: "0") {
            throw failure("a number may not have a leading zero", at: start)
        }
        if peek == UInt8(ascii: ".") {
            position += 1; isInteger = false
            guard digits() > 0 else { throw failure("expected digits after the decimal point") }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            position += 1; isInteger = false
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw failure("expected digits in the exponent") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isInteger, let i = Int(text) { return .integer(i) }
        guard let d = Double(text) else { throw failure("the number \(text) cannot be read", at: start) }
        return .number(d)
    }

    private mutating func string() throws(Failure) -> String {
        position += 1  // the opening quote
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() { scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars); run.removeAll() }
        while true {
            guard let b = peek else { throw failure("unterminated string") }
            position += 1
            switch b {
            case UInt8(ascii: "\""):
                flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush()
                guard let e = peek else { throw failure("unterminated string") }
                position += 1
                switch e {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{8}")
                case UInt8(ascii: "f"): scalars.append("\u{C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    guard position + 4 <= bytes.count,
                          let code = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16) else {
                        throw failure("bad \\u escape")
                    }
                    position += 4
                    scalars.append(UnicodeScalar(code) ?? "\u{FFFD}")
                default: throw failure("bad escape in a string", at: position - 2)
                }
            case 0x00..<0x20:
                throw failure("control character in a string (escape it)", at: position - 1)
            default:
                run.append(b)
            }
        }
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
