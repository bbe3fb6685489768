import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Output options shared by the subcommands.
struct OutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Table format: tsv or json.", valueName: "tsv|json"))
    var format: String = "tsv"
    @Option(help: ArgumentHelp("Write the table to FILE instead of stdout (- is stdout), atomically (temp file + rename): no partial file on failure.", valueName: "file"))
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

    /// Checked before any computation, so a bad path fails fast with exit status 2: the
    /// directory exists and a temporary file can be created in it (which is what the
    /// atomic write needs), or the path is an existing device or pipe that can be opened.
    func destination() throws(InputError) -> OutputDestination {
        guard let output, output != "-" else { return .standardOutput }
        func refuse(_ reason: String, allowed: String = "a file path in an existing, writable directory, or - for stdout") -> InputError {
            InputError("--output: value \(output.isEmpty ? "\"\"" : output) \(reason) (allowed: \(allowed))")
        }
        guard !output.isEmpty else { throw refuse("is empty") }
        let url = URL(fileURLWithPath: output)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw refuse("is in a missing directory \(directory)")
        }
        guard isDirectory.boolValue else { throw refuse("is below \(directory), which is not a directory") }
        var status = stat()
        if stat(output, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFDIR:
                throw refuse("is a directory", allowed: "a file path, or - for stdout")
            case S_IFCHR, S_IFIFO, S_IFSOCK:
                // /dev/null, /dev/stderr, a named pipe: written in place (renaming onto them would replace them).
                let fd = open(output, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
                guard fd >= 0 else { throw refuse("cannot be opened for writing: \(systemReason(errno))") }
                close(fd)
                return .special(output)
            default:
                break
            }
        }
        // The atomic write creates a temporary file next to the target: try it now.
        let probe = OutputDestination.temporaryPath(for: url, suffix: "probe")
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw refuse("cannot be written: no file can be created in \(directory) (\(systemReason(errno)))")
        }
        close(fd)
        unlink(probe)
        return .file(url)
    }

    func render(_ report: Report) throws(InputError) -> String {
        switch try resolvedFormat() {
        case .tsv: return report.tsv()
        case .json: return report.json()
        }
    }

    /// Writes `report` to `destination` chunk by chunk as it is rendered (a streamed table
    /// is never held as text).
    func write(_ report: Report, to destination: OutputDestination) throws(InputError) {
        let format = try resolvedFormat()
        try destination.write { (emit: (String) throws(InputError) -> Void) throws(InputError) in
            switch format {
            case .tsv: try report.tsv(into: emit)
            case .json: try report.json(into: emit)
            }
        }
    }
}

/// strerror(code), e.g. "No such file or directory", "Read-only file system".
func systemReason(_ code: Int32) -> String { String(cString: strerror(code)) }

/// Where a table goes: stdout, a file written through temp + rename, or an existing device
/// or pipe written in place.
enum OutputDestination {
    case standardOutput
    case file(URL)
    case special(String)

    static func temporaryPath(for url: URL, suffix: String = "tmp") -> String {
        url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).collop-\(getpid()).\(suffix)").path
    }

    /// Writes `text`; every failure is an `InputError` naming --output, the path and the
    /// system's reason, and never leaves a partial or temporary file behind.
    func write(_ text: String) throws(InputError) {
        try write { (emit: (String) throws(InputError) -> Void) throws(InputError) in try emit(text) }
    }

    /// Writes the chunks `produce` hands to its argument, in order, as they come; failures as
    /// in `write(_:)`.
    func write(_ produce: ((String) throws(InputError) -> Void) throws(InputError) -> Void) throws(InputError) {
        switch self {
        case .standardOutput:
            try produce { (chunk: String) throws(InputError) in
                if let code = Self.writeAll(chunk, to: STDOUT_FILENO) {
                    throw InputError("--output: cannot write the table to stdout: \(systemReason(code))")
                }
            }
        case .special(let path):
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw InputError("--output: cannot open \(path) for writing: \(systemReason(errno))") }
            defer { close(fd) }
            try produce { (chunk: String) throws(InputError) in
                if let code = Self.writeAll(chunk, to: fd) {
                    throw InputError("--output: cannot write \(path): \(systemReason(code))")
                }
            }
        case .file(let url):
            let temporary = Self.temporaryPath(for: url)
            let fail = { (what: String, code: Int32) -> InputError in
                unlink(temporary)
                return InputError("--output: cannot write \(url.path): \(what) failed: \(systemReason(code)) (nothing was written)")
            }
            SignalGuard.setTemporaryFile(temporary)
            defer { SignalGuard.setTemporaryFile(nil) }
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
            guard fd >= 0 else { throw fail("creating the temporary file \(temporary)", errno) }
            do {
                try produce { (chunk: String) throws(InputError) in
                    if let code = Self.writeAll(chunk, to: fd) { throw fail("writing", code) }
                }
            } catch {
                close(fd)
                unlink(temporary)
                throw error
            }
            guard fsync(fd) == 0 else { let code = errno; close(fd); throw fail("flushing", code) }
            guard close(fd) == 0 else { throw fail("closing", errno) }
            guard rename(temporary, url.path) == 0 else { throw fail("renaming the temporary file onto it", errno) }
        }
    }

    /// Writes every byte of `text`'s UTF-8 (retrying short writes and EINTR), without a
    /// copy; the errno on failure.
    private static func writeAll(_ text: String, to fd: Int32) -> Int32? {
        var text = text
        return text.withUTF8 { bytes -> Int32? in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
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
