import Foundation
import TestSupport
import Testing

/// --output: checked before computing, "-" is stdout, failures are plain messages.
@Suite("Output destination")
struct OutputDestinationTests {
    @Test func unwritableDirectoryIsRefusedBeforeComputing() throws {
        // /proc exists but no file can be created in it: refused at once, before the SCBA.
        let result = try runCollop(["spectrum", "--size", "6", "--output", "/proc/x.tsv"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("Error: --output: value /proc/x.tsv"), "\(result.stderr)")
        #expect(result.stderr.contains("/proc") && result.stderr.contains("cannot be written"))
        #expect(!result.stderr.contains("NSCocoaErrorDomain") && !result.stderr.contains("Code="))
        #expect(!result.stderr.contains("warning"), "refused before the model is built: \(result.stderr)")
    }

    /// Root may write anywhere, so this one runs only for other users (the report says when it
    /// was skipped); `fileInPlaceOfADirectoryIsRefused` covers the refusal as root.
    @Test(.enabled(if: getuid() != 0, "root may write into a read-only directory"))
    func readOnlyDirectoryIsRefusedWithoutPartialFile() throws {
        let directory = try makeTemporaryDirectory(prefix: "collop-output")
        defer {
            chmod(directory.path, 0o755)
            try? FileManager.default.removeItem(at: directory)
        }
        chmod(directory.path, 0o555)
        let file = directory.appendingPathComponent("t.tsv").path
        let result = try runCollop(["spectrum", "--size", "6", "--output", file])
        #expect(result.status == 2 && result.stderr.contains("--output") && result.stderr.contains(file))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    /// A parent that is a regular file cannot hold the output, for root too: refused before
    /// computing, and nothing is created.
    @Test func fileInPlaceOfADirectoryIsRefused() throws {
        let directory = try makeTemporaryDirectory(prefix: "collop-output")
        defer { try? FileManager.default.removeItem(at: directory) }
        let parent = directory.appendingPathComponent("plain")
        try Data("x".utf8).write(to: parent)
        let file = parent.appendingPathComponent("t.tsv").path
        let result = try runCollop(["spectrum", "--size", "6", "--output", file])
        #expect(result.status == 2 && result.stderr.contains("--output") && result.stderr.contains(file), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["plain"])
        #expect(try String(contentsOf: parent, encoding: .utf8) == "x")
    }

    @Test func dashMeansStandardOutput() throws {
        let directory = try makeTemporaryDirectory(prefix: "collop-output")
        defer { try? FileManager.default.removeItem(at: directory) }
        let dash = try runCollop(["spectrum", "--size", "6", "--quiet", "--output", "-"], currentDirectory: directory)
        let plain = try runCollop(["spectrum", "--size", "6", "--quiet"], currentDirectory: directory)
        #expect(dash.status == 0)
        #expect(dash.stdout == plain.stdout && !dash.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "no file named -")
    }

    @Test func devicesAreWrittenInPlace() throws {
        let result = try runCollop(["spectrum", "--size", "6", "--quiet", "--output", "/dev/null"])
        #expect(result.status == 0 && result.stdout.isEmpty && result.stderr.isEmpty)
        var status = stat()
        #expect(stat("/dev/null", &status) == 0 && (status.st_mode & S_IFMT) == S_IFCHR, "/dev/null is still a device")
    }

    /// A write that fails at the end (here: the device is full) is a plain message.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "needs the /dev/full device"))
    func writeFailureAtTheEndIsAPlainMessage() throws {
        let result = try runCollop(["spectrum", "--size", "6", "--quiet", "--output", "/dev/full"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--output") && result.stderr.contains("/dev/full") && result.stderr.contains("No space left"))
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))
    }
}
