import ArgumentParser
import Foundation
import HDF5IO
#if canImport(Glibc)
import Glibc
#endif

/// Output options shared by the subcommands.
struct OutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Table format: tsv, json or hdf5 (hdf5 needs --output FILE; layout in docs/guide/output.md).", valueName: "tsv|json|hdf5"))
    var format: String = "tsv"
    @Option(help: ArgumentHelp("Write the table to FILE instead of stdout (- is stdout), atomically (temp file + rename): no partial file on failure.", valueName: "file"))
    var output: String?
    @Flag(help: "No progress or warnings on stderr.")
    var quiet = false

    enum Format: String { case tsv, json, hdf5 }

    /// The format, or an input error naming --format.
    func resolvedFormat() throws(InputError) -> Format {
        guard let f = Format(rawValue: format.lowercased()) else {
            throw InputError("--format: value \(format) is not a table format (allowed: tsv, json or hdf5)")
        }
        return f
    }

    /// Checked before any computation, so a bad path fails fast with exit status 2: the
    /// directory exists and a temporary file can be created in it (which is what the
    /// atomic write needs), or the path is an existing device or pipe that can be opened
    /// (not for hdf5, which is written only to a file).
    func destination() throws(InputError) -> OutputDestination {
        let toFile = try resolvedFormat() == .hdf5
        guard let output else {
            if toFile { throw InputError("--format: value hdf5 needs --output FILE: an HDF5 file cannot go to stdout (allowed: --output FILE with hdf5; tsv or json for stdout)") }
            return .standardOutput
        }
        let fileOnly = "a file path in an existing, writable directory"
        func refuse(_ reason: String, allowed: String = toFile ? fileOnly : "\(fileOnly), or - for stdout") -> InputError {
            InputError("--output: value \(output.isEmpty ? "\"\"" : output) \(reason) (allowed: \(allowed))")
        }
        guard output != "-" else {
            if toFile { throw refuse("is stdout, which cannot hold an HDF5 file (--format hdf5)") }
            return .standardOutput
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
                if toFile { throw refuse("is a device or pipe, which cannot hold an HDF5 file (--format hdf5)") }
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

    /// Writes `report` to `destination`: TSV and JSON chunk by chunk as they are rendered (a
    /// streamed table is never held as text), HDF5 through its library (`writeHDF5`).
    func write(_ report: Report, to destination: OutputDestination) throws {
        switch try resolvedFormat() {
        case .tsv: try destination.write { (emit: (String) throws(InputError) -> Void) throws(InputError) in try report.tsv(into: emit) }
        case .json: try destination.write { (emit: (String) throws(InputError) -> Void) throws(InputError) in try report.json(into: emit) }
        case .hdf5: try destination.writeHDF5(report)
        }
    }
}

/// A failure while the output file is written, after it was created (a full disk, a file-size
/// limit): exit status 3, and nothing is left of the file.
public struct OutputWriteError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
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

    /// Writes `report` as HDF5 (docs/guide/output.md) to the file: into the temporary file next
    /// to it, flushed to disk, then renamed onto it. Creating the temporary file or renaming
    /// it fails as in `write(_:)` (exit 2); a failure in between (HDF5's reason, e.g. a full
    /// disk) is an `OutputWriteError` (exit 3). Either way nothing is left of the file.
    func writeHDF5(_ report: Report) throws {
        guard case .file(let url) = self else {
            throw InputError("--format: value hdf5 needs --output FILE (allowed: --output FILE with hdf5; tsv or json for stdout)")
        }
        let temporary = Self.temporaryPath(for: url)
        SignalGuard.setTemporaryFile(temporary)
        defer { SignalGuard.setTemporaryFile(nil) }
        let file: HDF5File
        do {
            file = try HDF5File.create(temporary)
        } catch {
            unlink(temporary)
            throw InputError("--output: cannot write \(url.path): creating the temporary file \(temporary) failed: \(error.reason) (nothing was written)")
        }
        do {
            try report.hdf5(into: file)
            try file.close()
        } catch {
            try? file.close()
            unlink(temporary)
            throw OutputWriteError("--output: cannot write \(url.path): \(error) (nothing was written)")
        }
        let fd = open(temporary, O_RDONLY | O_CLOEXEC)
        guard fd >= 0, fsync(fd) == 0 else {
            let code = errno
            if fd >= 0 { close(fd) }
            unlink(temporary)
            throw OutputWriteError("--output: cannot write \(url.path): flushing failed: \(systemReason(code)) (nothing was written)")
        }
        close(fd)
        guard rename(temporary, url.path) == 0 else {
            let code = errno
            unlink(temporary)
            throw InputError("--output: cannot write \(url.path): renaming the temporary file onto it failed: \(systemReason(code)) (nothing was written)")
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
