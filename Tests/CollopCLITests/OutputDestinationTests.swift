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

    @Test func readOnlyDirectoryIsRefusedWithoutPartialFile() throws {
        guard getuid() != 0 else { return }  // root may write anywhere
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
    @Test func writeFailureAtTheEndIsAPlainMessage() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
        let result = try runCollop(["spectrum", "--size", "6", "--quiet", "--output", "/dev/full"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--output") && result.stderr.contains("/dev/full") && result.stderr.contains("No space left"))
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))
    }
}
