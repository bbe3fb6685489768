import ArgumentParser
import Foundation

/// Output options shared by the subcommands.
struct OutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Table format: tsv or json. [default: tsv]", valueName: "tsv|json"))
    var format: String = "tsv"
    @Option(help: ArgumentHelp("Write the table to FILE instead of stdout, atomically (temp file + rename): no partial file on failure.", valueName: "file"))
    var output: String?
    @Flag(help: "No progress or warnings on stderr.")
    var quiet = false

    enum Format: String { case tsv, json }

    /// The format, or an input error naming --format.
    func resolvedFormat() throws(InputError) -> Format {
        guard let f = Format(rawValue: format.lowercased()) else {
            throw InputError("--format: value \(format) is not a table format (allowed: tsv or json)")
        }
        return f
    }

    /// Checked before any computation, so a bad path fails fast with exit status 2.
    func destination() throws(InputError) -> OutputDestination {
        guard let output else { return .standardOutput }
        guard !output.isEmpty else { throw InputError("--output: value \"\" is empty (allowed: a file path in an existing directory)") }
        let url = URL(fileURLWithPath: output)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError("--output: value \(output) is in a missing directory \(directory) (allowed: a file path in an existing directory)")
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw InputError("--output: value \(output) is in a directory that is not writable (allowed: a file path in a writable directory)")
        }
        if FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory), isDirectory.boolValue {
            throw InputError("--output: value \(output) is a directory (allowed: a file path)")
        }
        return .file(url)
    }

    func render(_ report: Report) throws(InputError) -> String {
        switch try resolvedFormat() {
        case .tsv: return report.tsv()
        case .json: return report.json()
        }
    }
}

/// Where a table goes: stdout in one write, or a file written through temp + rename.
enum OutputDestination {
    case standardOutput
    case file(URL)

    func write(_ text: String) throws {
        let data = Data(text.utf8)
        switch self {
        case .standardOutput:
            FileHandle.standardOutput.write(data)
        case .file(let url):
            let directory = url.deletingLastPathComponent()
            let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).collop-\(getpid()).tmp")
            SignalGuard.setTemporaryFile(temporary.path)
            defer { SignalGuard.setTemporaryFile(nil) }
            do {
                try data.write(to: temporary)
                guard rename(temporary.path, url.path) == 0 else {
                    throw InputError("--output: cannot rename the temporary file onto \(url.path): \(String(cString: strerror(errno)))")
                }
            } catch {
                try? FileManager.default.removeItem(at: temporary)
                throw error
            }
        }
    }
}

/// Stage messages on stderr for runs long enough to need them.
struct Progress: Sendable {
    let enabled: Bool
    let start = Date()

    func stage(_ message: String) {
        guard enabled else { return }
        let elapsed = String(format: "%.1f", Date().timeIntervalSince(start))
        FileHandle.standardError.write(Data("collop [\(elapsed) s]: \(message)\n".utf8))
    }

    static func warn(_ message: String, quiet: Bool) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data("collop: \(message)\n".utf8))
    }
}
