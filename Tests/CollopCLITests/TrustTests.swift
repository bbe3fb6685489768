import Foundation
import TestSupport
import Testing

/// What a user must be told before trusting a number (docs/model.md §3.7, §4): resolution
/// diagnostics in every header with a warning on coarse grids, options that have no effect,
/// ladders that leave the diffusive regime or the zone, a dry run that solves what the real
/// run solves, and an ω ladder beyond double precision.
@Suite("Trust: diagnostics and refusals")
struct TrustTests {
    /// Every header carries the units, D_RA, D_RR, D_KG and the resolution figures — each equal
    /// to `NaiveCollisionOperator`'s own SCBA and sums on the 2D default (the header prints 17
    /// digits; 1e-11 covers the two SCBAs' stopping errors) — and the default (L = 16) is
    /// flagged as coarse, L = 64 is not.
    @Test func resolutionDiagnosticsAndWarning() throws {
        let coarse = try runCollop(["diffusion", "--singular", "none"])
        #expect(coarse.status == 0)
        #expect(headerValue(coarse.stdout, "units")?.contains("t = 1") == true)
        let dKG = try #require(headerValue(coarse.stdout, "D_KG").flatMap(Double.init))
        let dRA = try #require(headerValue(coarse.stdout, "D_RA").flatMap(Double.init))
        let dRR = try #require(headerValue(coarse.stdout, "D_RR").flatMap(Double.init))
        let next = try #require(headerValue(coarse.stdout, "D_RR_next_size").flatMap(Double.init))
        let naive = NaiveCollisionOperator(.init(dimension: 2, size: 16, hopping: 1, energy: 0.3, u0: 4.0 / 12, correlationRadius: 0,
                                                 vertex: .none, q: [0, 0], omega: 1e-3))
        #expect(abs(dRA - naive.onShellDiffusion) < 1e-11 * naive.onShellDiffusion)
        #expect(abs(dRR - naive.fermiSeaDiffusion) < 1e-11 * naive.onShellDiffusion)
        #expect(abs(dKG - naive.diffusion) < 1e-11 * naive.onShellDiffusion)
        let nextNaive = NaiveCollisionOperator(.init(dimension: 2, size: 17, hopping: 1, energy: 0.3, u0: 4.0 / 12, correlationRadius: 0,
                                                     vertex: .none, q: [0, 0], omega: 1e-3))
        #expect(abs(next - nextNaive.fermiSeaDiffusion) < 1e-11 * nextNaive.onShellDiffusion)
        #expect(dRR < 0 && next > 0)      // the parity swing of the 2D default, L = 16 → 17
        let l = try #require(headerValue(coarse.stdout, "mean_free_path").flatMap(Double.init))
        let ratio = try #require(headerValue(coarse.stdout, "size_over_mean_free_path").flatMap(Double.init))
        let naivePath = naive.fermiVelocitySquared.squareRoot() / (2 * naive.gamma)
        #expect(abs(l - naivePath) < 1e-11 * naivePath)
        #expect(abs(ratio - 16 / naivePath) < 1e-11 * ratio)
        #expect(headerValue(coarse.stdout, "states_in_broadening") != nil)
        #expect(coarse.stderr.contains("too coarse") && coarse.stderr.contains("D_RR"))

        let fine = try runCollop(["diffusion", "--singular", "none", "--size", "64"])
        #expect(fine.status == 0)
        #expect(!fine.stderr.contains("too coarse"))
    }

    /// --q has no effect on the q ladder of diffusion and dispersion: a warning, and q is not
    /// in the header.
    @Test(arguments: ["diffusion", "dispersion"])
    func momentumIsNotSilentlyIgnored(command: String) throws {
        let result = try runCollop([command, "--singular", "none", "--size", "8", "--q", "0.1,0", "--nq", "2", "--qmax", "0.05"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("--q has no effect"))
        #expect(headerValue(result.stdout, "q") == nil)
    }

    /// A ladder beyond the zone is refused; rows beyond q·l = 1 or with w0 < 0.5 are flagged.
    @Test func ladderLimits() throws {
        let beyond = try runCollop(["diffusion", "--qmax", "10", "--singular", "none"])
        #expect(beyond.status == 2)
        #expect(beyond.stderr.contains("--qmax") && beyond.stderr.contains("10") && beyond.stderr.contains("π"))
        #expect(beyond.stdout.isEmpty)
        // Along a diagonal the zone reaches further: qmax = 4 stays inside (4/√2 < π).
        let diagonal = try runCollop(["dispersion", "--singular", "none", "--size", "8", "--direction", "1,1", "--qmax", "4", "--nq", "2"])
        #expect(diagonal.status == 0)

        let merged = try runCollop(["dispersion", "--singular", "none", "--qmax", "0.6", "--nq", "6"])
        #expect(merged.status == 0)
        #expect(merged.stderr.contains("q·l > 1"))
        #expect(merged.stderr.contains("merged with the continuum"))
        let rows = try #require(headerValue(merged.stdout, "diffusive_rows"))
        #expect(rows.hasPrefix("1 of 6"))
    }

    /// The dry run solves the SCBA at E + ω too: where the real run fails, so does the dry run,
    /// with the same status and message.
    @Test func dryRunFailsWhereTheRunFails() throws {
        let arguments = ["spectrum", "--dim", "1", "--size", "2048", "--disorder", "0.05"]
        let dry = try runCollop(arguments + ["--dry-run"])
        let real = try runCollop(arguments + ["--values-only"])
        #expect(real.status == 2)
        #expect(dry.status == real.status)
        #expect(dry.stderr.contains("z = 0.301"))
        #expect(dry.stdout.isEmpty)
        let fine = try runCollop(["spectrum", "--dry-run"])
        #expect(fine.status == 0)
        #expect(headerValue(fine.stdout, "sigma_R_im") != nil)
    }

    /// An ω so large that z = E + ω leaves the band is blamed on --omega, not --energy.
    @Test func hugeFrequencyIsBlamedOnOmega() throws {
        let result = try runCollop(["spectrum", "--omega", "1e300", "--singular", "none"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--omega"))
        #expect(!result.stderr.contains("--energy"))
    }

    /// An ω ladder beyond double precision: a warning that names the limit; none on the default.
    @Test func ladderBeyondPrecisionWarns() throws {
        let deep = try runCollop(["hierarchy", "--size", "6", "--omegas", "1e-13,1e-15,1e-17"])
        #expect(deep.status == 0)
        #expect(deep.stderr.contains("round-off of 𝕃sing"))
        let normal = try runCollop(["hierarchy", "--size", "6"])
        #expect(!normal.stderr.contains("round-off of 𝕃sing"))
    }

    /// A one-point envelope (R < 2) is said to vanish under the projection, and the
    /// hierarchy runs clean on it.
    @Test func constantCorrelatorWarnsAndRuns() throws {
        let result = try runCollop(["hierarchy", "--range", "0", "--size", "8"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("one-point envelope"))
        #expect(headerValue(result.stdout, "rank_L1") == "0")
        #expect(headerValue(result.stdout, "correlator_vectors") == "1")
    }

    /// An overflowing power envelope: exit 2 naming --zeta, no output.
    @Test func overflowingEnvelopeIsRefused() throws {
        let result = try runCollop(["spectrum", "--profile", "power", "--range", "6", "--xi", "3", "--zeta", "-2000"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--zeta") && result.stderr.contains("-2000"))
        #expect(result.stdout.isEmpty)
    }
}
