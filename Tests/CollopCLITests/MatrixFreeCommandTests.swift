import Foundation
import TestSupport
import Testing

/// The matrix-free paths through the CLI (docs/model.md §4): `check --method krylov` agrees
/// with the dense check on what both test and names what it skips; `diffusion --method
/// krylov` reports its cost and residuals and equals the dense path; a Krylov failure is a
/// numerical failure (exit 3) that names the residual and the way out.
@Suite("Matrix-free commands")
struct MatrixFreeCommandTests {
    @Test(arguments: [["--size", "12"], ["--size", "10", "--q", "0.1,0.05", "--singular", "cooperon"],
                      ["--size", "10", "--singular", "none", "--correlation", "0.7", "--disorder", "5"]])
    func matrixFreeCheckAgreesWithDense(model: [String]) throws {
        let free = try runCollop(["check", "--method", "krylov"] + model)
        let dense = try runCollop(["check", "--method", "dense"] + model)
        #expect(free.status == 0 && dense.status == 0)
        #expect(headerValue(free.stdout, "method") == "krylov (matrix-free)")
        #expect(headerValue(free.stdout, "skipped")?.contains("trace") == true)
        let freeRows = Dictionary(uniqueKeysWithValues: dataRows(free.stdout).map { ($0[0], $0[3]) })
        let denseRows = Dictionary(uniqueKeysWithValues: dataRows(dense.stdout).map { ($0[0], $0[3]) })
        for (name, status) in freeRows {
            #expect(status == "PASS", "\(name)")
            #expect(denseRows[name] == "PASS", "\(name) is checked by both methods")
        }
        #expect(freeRows["zero_mode_q0"] != nil && freeRows["complex_symmetry"] != nil)
        // Every identity of the dense check is checked matrix-free or listed as skipped
        // (parity_matrix at q = 0 was dropped silently).
        let skipped = Set((headerValue(free.stdout, "skipped") ?? "").split(separator: " ").first?.split(separator: ",").map(String.init) ?? [])
        let missing = Set(denseRows.keys).subtracting(freeRows.keys).subtracting(skipped)
        #expect(missing.isEmpty, "neither checked nor listed as skipped: \(missing)")
    }

    /// The matrix-free check still fails what must fail: a fixed Σ breaks the zero mode.
    @Test func matrixFreeCheckFailsAFixedSelfEnergy() throws {
        let result = try runCollop(["check", "--method", "krylov", "--size", "12", "--self-energy", "fixed", "--gamma", "0.2"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("zero_mode_q0"))
    }

    /// auto: dense up to N = 4096, matrix-free above.
    @Test func checkChoosesItsMethodBySize() throws {
        let large = try runCollop(["check", "--dim", "3", "--size", "17", "--singular", "none", "--dry-run"])
        #expect(large.status == 0)
        let run = try runCollop(["check", "--dim", "3", "--size", "17", "--singular", "cooperon"])
        #expect(run.status == 0)
        #expect(headerValue(run.stdout, "method") == "krylov (matrix-free)")
    }

    @Test func krylovDiffusionReportsItsCostAndMatchesDense() throws {
        let krylov = try runCollop(["diffusion", "--method", "krylov", "--size", "12", "--singular", "cooperon"])
        let dense = try runCollop(["diffusion", "--method", "dense", "--size", "12", "--singular", "cooperon"])
        #expect(krylov.status == 0 && dense.status == 0)
        #expect(headerValue(krylov.stdout, "method") == "krylov")
        for key in ["krylov_solves", "krylov_newton_steps", "krylov_operator_products", "krylov_inner_residual", "krylov_eigen_residual"] {
            #expect(headerValue(krylov.stdout, key) != nil, "\(key)")
        }
        let residual = try #require(headerValue(krylov.stdout, "krylov_eigen_residual").flatMap(Double.init))
        #expect(residual < 1e-11)
        let a = try #require(headerValue(krylov.stdout, "D_omega_re").flatMap(Double.init))
        let b = try #require(headerValue(dense.stdout, "D_omega_re").flatMap(Double.init))
        #expect(abs(a - b) <= 1e-8 * abs(b))
        #expect(krylov.stderr.isEmpty || !krylov.stderr.contains("Error"))
    }

    /// The lorentzian vertex at ω = 1e-6: the inner COCG solves stall (its gapless continuum),
    /// and the direct fallback (Newton with LU of the bordered fully symmetric block) delivers
    /// λ0; the header says which path ran, and λ0 agrees with the dense mode of largest w0 to
    /// the dense solve's own accuracy (absolute ~ε·max|λ|, the M∞ values ~ η/ω).
    @Test func lorentzianAtTinyFrequencyFallsBackOnLU() throws {
        let arguments = ["dispersion", "--nq", "1", "--qmax", "0.01", "--dim", "2", "--size", "48",
                         "--singular", "lorentzian", "--omega", "1e-6", "--quiet"]
        let krylov = try runCollop(arguments + ["--method", "krylov"])
        let dense = try runCollop(arguments + ["--method", "dense"])
        #expect(krylov.status == 0 && dense.status == 0)
        #expect(headerValue(krylov.stdout, "lambda0_solver")?.hasPrefix("lu in 1 of 1 solves") == true)
        let rows = [krylov.stdout, dense.stdout].map { $0.split(separator: "\n").last { !$0.hasPrefix("#") && $0.first?.isNumber == true } }
        let values = try rows.map { row in try #require(row).split(separator: "\t").dropFirst().prefix(2).compactMap { Double($0) } }
        #expect(values[0].count == 2 && values[1].count == 2)
        let difference = hypot(values[0][0] - values[1][0], values[0][1] - values[1][1])
        #expect(difference <= 1e-6 * hypot(values[1][0], values[1][1]), "krylov \(values[0]) dense \(values[1])")
    }
}
