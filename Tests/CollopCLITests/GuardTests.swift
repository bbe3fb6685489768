import CollopCLI
import Foundation
import TestSupport
import Testing

/// The guards of issue 23, items 3, 4, 5 and 7: the memory estimate against the measured
/// peak, auto's method and its reason in the header, the round-off floor at small ω, one
/// unit per column name.
@Suite("guards: memory, method rule, round-off floor, units")
struct GuardTests {
    func number(_ text: String?) -> Double { Double(text ?? "") ?? .nan }

    /// auto takes Krylov where it is cheaper, says so in `method_rule`, and gives the dense
    /// D(ω) to 1e-9 relative; the dispersion keeps the dense solve at large q and says why.
    @Test func autoMethodAndItsRuleInTheHeader() throws {
        let model = ["--dim", "2", "--size", "16", "--singular", "cooperon", "--quiet"]
        let auto = try runCollop(["diffusion"] + model)
        let dense = try runCollop(["diffusion"] + model + ["--method", "dense"])
        #expect(auto.status == 0 && dense.status == 0, "\(auto.stderr)\(dense.stderr)")
        #expect(headerValue(auto.stdout, "method") == "krylov")
        #expect(headerValue(auto.stdout, "method_rule")?.hasPrefix("auto: the cheaper, estimated flops per lambda0: dense ") == true)
        #expect(headerValue(dense.stdout, "method_rule") == "requested")
        let a = number(headerValue(auto.stdout, "D_omega_re")), d = number(headerValue(dense.stdout, "D_omega_re"))
        #expect(abs(a - d) <= 1e-9 * abs(d), "auto \(a) dense \(d)")

        let dispersion = try runCollop(["dispersion"] + model + ["--nq", "2"])
        #expect(dispersion.status == 0, "\(dispersion.stderr)")
        #expect(headerValue(dispersion.stdout, "method") == "dense")
        #expect(headerValue(dispersion.stdout, "method_rule")?.contains("krylov not chosen: the ladder reaches large q") == true)
    }

    /// At ω = 1e-12 ε·‖𝕃sing‖ swamps the modes below 2γ: spectrum warns and says so in its
    /// header (its zero mode lies within the floor, far from 0); check marks the zero
    /// eigenvalue UNRESOLVED and exits 1. At the default ω both are resolved and check passes.
    @Test func smallOmegaLosesTheZeroModeAndSaysSo() throws {
        let small = ["--omega", "1e-12", "--size", "8"]
        let spectrum = try runCollop(["spectrum"] + small)
        #expect(spectrum.status == 0)
        #expect(spectrum.stderr.contains("warning: at ω = 1e-12 the round-off of 𝕃sing"))
        #expect(headerValue(spectrum.stdout, "resolution_floor_rule")?.hasPrefix("unresolved") == true)
        let floor = number(headerValue(spectrum.stdout, "resolution_floor"))
        let zeroMode = number(dataRows(spectrum.stdout).first?[3])          // abs of the smallest |λ|
        #expect(zeroMode > 1e-9 && zeroMode <= floor, "zero mode \(zeroMode), floor \(floor)")

        let check = try runCollop(["check"] + small)
        #expect(check.status == 1)
        #expect(headerValue(check.stdout, "unresolved") == "1")
        #expect(headerValue(check.stdout, "failed") == "0")
        let row = try #require(dataRows(check.stdout).first { $0.first == "zero_eigenvalue_q0" })
        #expect(row[3] == "UNRESOLVED")
        #expect(row[4].contains("round-off floor"))
        #expect(check.stderr.contains("unresolved below the round-off floor"))

        let resolved = try runCollop(["check", "--size", "8", "--quiet"])
        #expect(resolved.status == 0)
        #expect(headerValue(resolved.stdout, "unresolved") == "0")
        let atDefault = try runCollop(["spectrum", "--size", "8", "--quiet"])
        #expect(headerValue(atDefault.stdout, "resolution_floor_rule")?.hasPrefix("resolved") == true)
        #expect(!atDefault.stderr.contains("round-off"))
    }

    /// Every command that diagonalizes carries the floor in its header and warns at small ω.
    @Test(arguments: ["hierarchy", "flow", "diffusion", "dispersion"])
    func everyDiagonalizingCommandStatesTheFloor(command: String) throws {
        let omega = command == "hierarchy" ? ["--omegas", "1e-12,1e-11"] : ["--omega", "1e-12"]
        let extra = command == "flow" ? ["--steps", "2"] : command.hasSuffix("ion") ? ["--nq", "2", "--singular", "cooperon"] : []
        let result = try runCollop([command, "--size", "8"] + omega + extra)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(headerValue(result.stdout, "resolution_floor_rule")?.hasPrefix("unresolved") == true)
        #expect(result.stderr.contains("the round-off of 𝕃sing"))
    }

    /// `vw --lattice` names its ratio column D_over_D0 (D/D_RA), whose product with D0 is the
    /// absolute D_total less D_RR; the lattice ξ states its unit (lattice spacings) and ξ/l.
    @Test func latticeVWColumnsSayTheirUnits() throws {
        let result = try runCollop(["vw", "--lattice", "--dim", "1", "--size", "64", "--omegas", "1e-2,1e-6", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\nomega\tD_over_D0_re\tD_over_D0_im\tM_re\tM_im\tsigma_re\tD_total_re\tD_total_im\n"))
        let d0 = number(headerValue(result.stdout, "D0"))
        let fermiSea = number(headerValue(result.stdout, "D_RR"))
        for row in dataRows(result.stdout) {
            #expect(abs(number(row[1]) * d0 + fermiSea - number(row[6])) <= 1e-12 * (abs(d0) + abs(fermiSea)))
        }
        #expect(headerValue(result.stdout, "localization_length_unit") == "a (lattice spacings)")
        let xi = number(headerValue(result.stdout, "localization_length"))
        let l = number(headerValue(result.stdout, "mean_free_path"))
        #expect(abs(number(headerValue(result.stdout, "localization_length_over_l")) - xi / l) <= 1e-12 * xi / l)
    }

    /// MemAvailable from /proc/meminfo in bytes (0 where it cannot be read).
    static var availableMemory: Double {
        let text = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix("MemAvailable:") }
        return (line?.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0) * 1024
    }

    /// A large buffer the system refuses is exit status 3 naming its size and what it was
    /// for, with no output file — not "Fatal error: failed to allocate" and exit 134 (issue 23
    /// item 3). Under `ulimit -v 900000` (900 MB of address space: room for the runtime and
    /// OpenBLAS's 128 MB buffer, not for 1 GiB) the memory guard, which reads MemAvailable,
    /// admits the run and the first 1 GiB buffer fails at once: the dense N × N operator
    /// (N = 8192), or the block of order 8193 of d = 1, L = 16384. Needs the estimate
    /// (≈ 2.4 GiB) to fit in the available memory.
    @Test(.enabled(if: GuardTests.availableMemory > 3 * 1_073_741_824.0, "needs 3 GiB available for the guard to admit the run"),
          arguments: [(["--dim", "1", "--size", "8192", "--symmetry", "off"], "1.0 GiB for the N × N collision operator"),
                      (["--dim", "1", "--size", "16384"], "1.0 GiB for the + symmetry block of order m = 8193")])
    func refusedAllocationIsANumericalFailureWithoutOutput(arguments: [String], purpose: String) throws {
        let directory = try makeTemporaryDirectory(prefix: "collop-ulimit")
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("spectrum.tsv")
        let command = (["spectrum", "--threads", "1", "--quiet", "--output", output.path] + arguments).joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -v 900000 && exec '\(collopExecutable().path)' \(command)"]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 3, "\(message)")
        #expect(message.hasPrefix("Error: out of memory: the system refused \(purpose)"), "\(message)")
        #expect(!message.contains("Fatal error"))
        #expect(!FileManager.default.fileExists(atPath: output.path), "no partial output file")
    }

    /// Runs collop under GNU time (scripts/setup.sh installs it) and returns its exit status
    /// and its peak resident set in bytes. (wait4 from this process would not do: a child
    /// spawned from the test runner inherits the runner's high-water mark across exec.)
    func peakResidentBytes(_ arguments: [String]) throws -> (status: Int32, bytes: Double) {
        let time = "/usr/bin/time"
        try #require(FileManager.default.isExecutableFile(atPath: time), "GNU time is needed (scripts/setup.sh installs it)")
        let directory = try makeTemporaryDirectory(prefix: "collop-rss")
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = directory.appendingPathComponent("rss")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: time)
        process.arguments = ["-f", "%M", "-o", report.path, collopExecutable().path] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let text = try String(contentsOf: report, encoding: .utf8)
        let kilobytes = try #require(text.split(separator: "\n").last.flatMap { Double($0) })
        return (process.terminationStatus, kilobytes * 1024)
    }

    /// The matrix-free estimate (`MatrixFreeFootprint`: the N-length vectors counted from the
    /// code) bounds the measured peak RSS and stays within 15 % of it, on the λ0 ladder and on
    /// the closure's current solves (d = 2, N = 65536: the vectors are about half the peak).
    @Test(arguments: [["diffusion", "--method", "krylov", "--dim", "2", "--size", "256", "--singular", "cooperon", "--nq", "1"],
                      ["closure", "--dim", "2", "--size", "256", "--omegas", "1e-2"]])
    func matrixFreeEstimateBoundsThePeakClosely(arguments: [String]) throws {
        let run = try peakResidentBytes(arguments + ["--quiet"])
        #expect(run.status == 0)
        let dry = try runCollop(arguments + ["--dry-run", "--quiet"])
        let estimate = try #require(headerValue(dry.stdout, "memory_estimate"))
        #expect(estimate.contains("matrix-free"))
        let parts = estimate.split(separator: " ")
        let value = try #require(Double(parts[0]))
        let bytes = value * (parts[1] == "GiB" ? 1_073_741_824.0 : 1_048_576.0)
        #expect(bytes >= run.bytes && bytes <= 1.15 * run.bytes, "estimate \(estimate), measured peak \(run.bytes / 1_048_576) MiB")
    }

    /// The memory estimate is at least the measured peak RSS at three sizes with --vectors
    /// (blocked and dense, TSV and JSON): the vectors table is written as it is produced, so
    /// its K·N rows are never held (before: `--size 48 --vectors 2304` peaked at 1.9 GB
    /// against an estimate of 99 MiB; now 54 MB).
    @Test(arguments: [(["--size", "24", "--vectors", "576"], "tsv"), (["--size", "40", "--vectors", "200"], "json"),
                      (["--size", "24", "--vectors", "300", "--symmetry", "off"], "tsv")])
    func memoryEstimateBoundsThePeakWithVectors(arguments: [String], format: String) throws {
        let directory = try makeTemporaryDirectory(prefix: "collop-memory")
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("spectrum.\(format)")
        let run = try peakResidentBytes(["spectrum", "--format", format, "--output", output.path, "--quiet", "--threads", "1"] + arguments)
        #expect(run.status == 0)
        let dry = try runCollop(["spectrum", "--dry-run", "--threads", "1"] + arguments)
        let estimate = try #require(headerValue(dry.stdout, "memory_estimate"))
        let parts = estimate.split(separator: " ")
        let value = try #require(Double(parts[0]))
        let bytes = value * (parts[1] == "GiB" ? 1_073_741_824.0 : 1_048_576.0)
        #expect(bytes >= run.bytes, "estimate \(estimate), measured peak \(run.bytes / 1_048_576) MiB")
        // The table is complete: K·N vector rows after the spectrum.
        let text = try String(contentsOf: output, encoding: .utf8)
        let k = Int(arguments[arguments.firstIndex(of: "--vectors")! + 1])!, n = Int(arguments[1])! * Int(arguments[1])!
        if format == "tsv" {
            let vectorRows = text.components(separatedBy: "# table = vectors\n").last!.split(separator: "\n").count - 1
            #expect(vectorRows == k * n)
        } else {
            let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            let rows = (json?["vectors"] as? [String: Any])?["rows"] as? [Any]
            #expect(rows?.count == k * n)
        }
    }
}
