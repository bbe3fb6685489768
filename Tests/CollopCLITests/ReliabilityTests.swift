import CollisionOperator
import CollopCLI
import DenseLinearAlgebra
import Foundation
import SpectralAnalysis
import TestSupport
import Testing

/// Issue #6: every failure is clear, contained and has its own exit status.
@Suite("Failures are contained")
struct ReliabilityTests {
    func temporaryDirectory() throws -> URL { try makeTemporaryDirectory(prefix: "collop-reliability") }

    /// SIGINT / SIGTERM during a long diagonalization: status 130 / 143, no file, no temp file.
    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func signalsLeaveNoPartialFile(signal: Int32, expected: Int32) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("table.tsv")
        let process = Process()
        process.executableURL = collopExecutable()
        process.arguments = ["spectrum", "--dim", "2", "--size", "48", "--symmetry", "off", "--quiet", "--output", file.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 1.0)
        #expect(process.isRunning, "the run must still be diagonalizing when the signal arrives")
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == expected)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(leftovers.isEmpty)
    }

    @Test func gridLargerThanMaxNIsRefusedBeforeAllocating() throws {
        let result = try runCollop(["spectrum", "--dim", "3", "--size", "12", "--max-n", "1000"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--size") && result.stderr.contains("1728") && result.stderr.contains("--max-n"))
        #expect(result.stderr.contains("MiB"), "the estimate is in the message")
    }

    @Test func gridThatCannotFitInMemoryIsRefused() throws {
        let result = try runCollop(["hierarchy", "--dim", "4", "--size", "40", "--max-n", "100000000"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("GiB") && result.stderr.contains("available"))
        let huge = try runCollop(["spectrum", "--dim", "3", "--size", "60"])
        #expect(huge.status == 2 && huge.stderr.contains("--size"))
    }

    /// The matrix-free paths are refused before they start when their estimate (about 290 GiB
    /// at d = 3, L = 1000) exceeds the available memory: exit 2, the estimate and the memory
    /// available named.
    @Test(arguments: [["diffusion", "--method", "krylov", "--singular", "cooperon"],
                      ["dispersion", "--method", "krylov", "--singular", "cooperon"], ["closure"]])
    func matrixFreeRunThatCannotFitIsRefused(command: [String]) throws {
        let result = try runCollop(command + ["--dim", "3", "--size", "1000"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--size") && result.stderr.contains("available memory"))
        #expect(result.stderr.contains("GiB (matrix-free:"), "the estimate is in the message: \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    /// The secular path needs no N × N matrix, so a large metallic grid is admitted.
    @Test func secularDiffusionAdmitsLargeGrids() throws {
        let result = try runCollop(["diffusion", "--singular", "none", "--dim", "3", "--size", "40", "--dry-run"])
        #expect(result.status == 0)
        #expect(headerValue(result.stdout, "memory_estimate")?.contains("O(N)") == true)
    }

    @Test func dryRunStopsBeforeDiagonalizing() throws {
        let result = try runCollop(["hierarchy", "--dry-run"])
        #expect(result.status == 0)
        #expect(headerValue(result.stdout, "gamma") != nil)
        #expect(headerValue(result.stdout, "dry_run") != nil)
        #expect(dataRows(result.stdout).isEmpty)
    }

    @Test func threadsOptionIsValidatedAndApplied() throws {
        let bad = try runCollop(["spectrum", "--threads", "0"])
        #expect(bad.status == 2 && bad.stderr.contains("--threads"))
        let one = try runCollop(["spectrum", "--size", "6", "--threads", "1"])
        #expect(one.status == 0 && headerValue(one.stdout, "blas_threads") == "1")
    }

    /// A non-finite matrix element (F/ω overflows) is a numerical failure, never passed to LAPACK.
    @Test func nonFiniteOperatorIsANumericalFailure() throws {
        let result = try runCollop(["spectrum", "--amplitude", "1e300", "--omega", "1e-10"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("NaN or infinite element") && result.stderr.contains("LAPACK was not called"))
        #expect(result.stdout.isEmpty)
    }

    /// Each numerical failure class maps to status 3 with its own message.
    @Test func numericalFailuresMapToStatusThree() {
        let failures: [(Error, String)] = [
            (ModelComputationError.selfEnergyNotConverged(energy: 0.3, shift: [0, 0], iterations: 5, lastChange: 1e-3, tolerance: 1e-14), "did not converge"),
            (LinearAlgebraError.algorithmFailure(routine: "zgeev", info: 7, detail: "the QR algorithm failed"), "info = 7"),
            (LinearAlgebraError.nonFiniteInput(routine: "zgeev", row: 1, column: 2), "NaN or infinite"),
            (SpectrumError.nearExceptionalPoint(mode: 4, condition: 3e9), "exceptional point"),
            (SpectrumError.traceMismatch(residual: 1e-6, tolerance: 1e-10), "trace check"),
        ]
        var messages = Set<String>()
        for (error, phrase) in failures {
            let (status, message) = Collop.exitStatus(for: error)
            #expect(status == 3)
            #expect(message.contains(phrase), "\(message)")
            messages.insert(message)
        }
        #expect(messages.count == failures.count, "distinct messages")
        #expect(Collop.exitStatus(for: ParameterError(.size, value: "1")).0 == 2)
        #expect(Collop.exitStatus(for: ChecksFailed(names: ["trace"])).0 == 1)
    }

    /// A spectrum at an exceptional point is flagged with its condition, so the commands
    /// that need c-normalized vectors refuse it (SpectrumError.nearExceptionalPoint, status 3).
    @Test func exceptionalPointIsFlaggedInTheSpectrum() throws {
        let jordan = try ComplexMatrix(rows: 2, columns: 2, columnMajor: [.one, .init(0, 1), .init(0, 1), .init(-1, 0)])
        let spectrum = try Spectrum(matrix: jordan, zeroMode: nil, computeVectors: true)
        let flagged = spectrum.modes.filter { $0.nearExceptional }
        #expect(!flagged.isEmpty)
        #expect(flagged.allSatisfy { ($0.condition ?? 0) > 1e8 })
        #expect(spectrum.modes.allSatisfy { $0.value.length < 1e-6 }, "a nilpotent Jordan block: λ = 0 twice")
        // What `spectrum --vectors K` runs before writing (exit status 3 through the mapping
        // above): no physical model reaches |vᵀv| < 1e-8, since near an exceptional point
        // vᵀv ∝ |p − p_EP|^½ would need a parameter tuned to 1e-16, so the defective matrix stands in.
        #expect(throws: SpectrumError.nearExceptionalPoint(mode: flagged[0].index, condition: flagged[0].condition!)) {
            try spectrum.requireNormalizedVectors(count: 2)
        }
        try spectrum.requireNormalizedVectors(count: 0)
        let healthy = try Spectrum(matrix: try ComplexMatrix(rows: 2, columns: 2, columnMajor: [.one, .init(0, 0.5), .init(0, 0.5), .init(-1, 0)]),
                                   zeroMode: nil, computeVectors: true)
        #expect(healthy.modes.allSatisfy { !$0.nearExceptional && ($0.condition ?? .infinity) < 2 })
        try healthy.requireNormalizedVectors(count: 2)
    }
}
