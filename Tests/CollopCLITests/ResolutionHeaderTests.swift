import Foundation
import TestSupport
import Testing

/// Every resolution verdict a warning prints is also a header key, so a `--quiet` run (a
/// sweep's point) keeps it; every option given but not read is listed in `ignored_options`
/// (issue 23, items 1 and 2).
@Suite("resolution verdicts and ignored options in the header")
struct ResolutionHeaderTests {
    /// The column names of the first table of a TSV output.
    func columns(_ tsv: String) -> [String] {
        tsv.split(separator: "\n").first { !$0.hasPrefix("#") }.map { $0.split(separator: "\t").map(String.init) } ?? []
    }

    /// thouless_ratio = ω/(D0(2π/L)²) from the header's own ω, D0 and L; the cooperon pole
    /// dominates (warning, finite_size_dominated = yes) exactly when it is below 1.
    @Test(arguments: ["1e-1", "1e-4"])
    func thoulessRatioIsOmegaOverTheThoulessEnergy(omega: String) throws {
        let arguments = ["diffusion", "--dim", "1", "--size", "64", "--singular", "cooperon", "--omega", omega, "--dry-run"]
        let loud = try runCollop(arguments)
        let quiet = try runCollop(arguments + ["--quiet"])
        #expect(loud.status == 0 && quiet.status == 0)
        #expect(quiet.stderr.isEmpty)
        let header = quiet.stdout
        let ratio = try #require(headerValue(header, "thouless_ratio").flatMap(Double.init))
        let d0 = try #require(headerValue(header, "d0").flatMap(Double.init))
        let size = try #require(headerValue(header, "size").flatMap(Double.init))
        let spacing = 2 * Double.pi / size
        #expect(abs(ratio - Double(omega)! / (d0 * spacing * spacing)) <= 1e-12 * ratio)
        let dominated = ratio < 1
        #expect(headerValue(header, "finite_size_dominated") == (dominated ? "yes" : "no"))
        #expect(loud.stderr.contains("the cooperon pole at Q = 0 dominates") == dominated)
    }

    /// grid_resolved follows the three criteria of docs/model.md §2 as the header's own
    /// numbers state them, and agrees with the coarse-grid warning.
    @Test(arguments: [["--dim", "1", "--size", "1024"], ["--dim", "1", "--size", "256", "--disorder", "2"],
                      ["--dim", "2", "--size", "8"]])
    func gridVerdictFollowsTheHeadersNumbers(model: [String]) throws {
        let result = try runCollop(["spectrum"] + model + ["--dry-run"])
        #expect(result.status == 0)
        let header = result.stdout
        let lengths = try #require(headerValue(header, "size_over_mean_free_path").flatMap(Double.init))
        let states = try #require(headerValue(header, "states_in_broadening").flatMap(Double.init))
        let dRR = try #require(headerValue(header, "D_RR").flatMap(Double.init))
        let next = try #require(headerValue(header, "D_RR_next_size").flatMap(Double.init))
        let dRA = try #require(headerValue(header, "D_RA").flatMap(Double.init))
        let swings = dRR * next < 0 || abs(dRR - next) > 0.05 * abs(dRA)
        let resolved = lengths >= 4 && states >= 40 && !swings
        #expect(headerValue(header, "grid_resolved") == (resolved ? "yes" : "no"))
        let reasons = try #require(headerValue(header, "grid_unresolved_by"))
        #expect((reasons == "none") == resolved)
        #expect(reasons.contains("L/l = ") == (lengths < 4))
        #expect(reasons.contains("N*rho(E)*2gamma = ") == (states < 40))
        #expect(reasons.contains("D_RR changes") == swings)
        #expect(result.stderr.contains("the grid is too coarse") == !resolved)
    }

    /// The q ladder's verdicts: max_q_times_l = qmax·l from the header's l, and the rows
    /// counted diffusive are those with q·l ≤ 1 and w0 ≥ 0.5.
    @Test func ladderHeaderKeepsItsDiagnostics() throws {
        let result = try runCollop(["diffusion", "--dim", "1", "--size", "64", "--singular", "none", "--qmax", "0.3", "--quiet"])
        #expect(result.status == 0)
        let l = try #require(headerValue(result.stdout, "mean_free_path").flatMap(Double.init))
        let qTimesL = try #require(headerValue(result.stdout, "max_q_times_l").flatMap(Double.init))
        #expect(abs(qTimesL - 0.3 * l) <= 1e-12 * qTimesL)
        let minW0 = try #require(headerValue(result.stdout, "min_w0").flatMap(Double.init))
        let header = columns(result.stdout)
        let q = try #require(header.firstIndex(of: "q")), w0 = try #require(header.firstIndex(of: "w0"))
        let values = dataRows(result.stdout).map { (Double($0[q])!, Double($0[w0])!) }
        #expect(minW0 == values.map(\.1).min())
        let diffusive = values.filter { $0.0 * l <= 1 && $0.1 >= 0.5 }.count
        #expect(headerValue(result.stdout, "diffusive_rows")?.hasPrefix("\(diffusive) of \(values.count) ") == true)
    }

    /// closure_thouless_ratio is the thouless column at the smallest ω, and the verdict is
    /// its comparison with 1.
    @Test func closureHeaderKeepsItsThoulessVerdict() throws {
        let result = try runCollop(["closure", "--dim", "1", "--size", "64", "--omegas", "1e-1,1e-4", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let column = try #require(columns(result.stdout).firstIndex(of: "thouless"))
        let omega = try #require(columns(result.stdout).firstIndex(of: "omega"))
        let smallest = try #require(dataRows(result.stdout).min { Double($0[omega])! < Double($1[omega])! })
        let ratio = try #require(headerValue(result.stdout, "closure_thouless_ratio").flatMap(Double.init))
        #expect(abs(ratio - Double(smallest[column])!) <= 1e-14 * ratio)
        #expect(headerValue(result.stdout, "closure_finite_size_dominated") == (ratio < 1 ? "yes" : "no"))
    }

    /// An option the command (or the chosen model) does not read keeps its warning (where
    /// the command documents one) and is listed in ignored_options; read ones are not.
    @Test(arguments: [
        (["hierarchy", "--omega", "1e-2"], "omega", ["omega"]),
        (["diffusion", "--q", "0.1,0"], "q", ["q"]),
        (["spectrum", "--singular", "cooperon", "--xi", "2", "--range", "3"], "xi,range", ["xi", "range"]),
        (["flow", "--singular", "lorentzian", "--range", "3"], "range", ["range"]),
        (["dispersion", "--q", "0.1,0", "--self-energy", "fixed", "--gamma", "0.5", "--scba-max-iterations", "9"],
         "q,scba-max-iterations", ["q", "scba-max-iterations"]),
        (["check", "--xi", "2"], "none", []),
        (["closure", "--d0", "3", "--q", "0.1,0"], "q,d0", ["d0"]),
        (["vw", "--lattice", "--omega", "1e-2"], "omega", []),
    ])
    func ignoredOptionsAreListed(arguments: [String], ignored: String, warned: [String]) throws {
        let result = try runCollop(arguments + ["--size", "6", "--dry-run"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(headerValue(result.stdout, "ignored_options") == ignored)
        for key in warned {
            #expect(result.stderr.contains("warning: --\(key) has no effect"), "\(result.stderr)")
        }
    }

    /// The continuum `vw` reads no lattice option: every one given is listed (dim is its own).
    @Test func continuumVWListsTheLatticeOptionsItIgnores() throws {
        let result = try runCollop(["vw", "--dim", "3", "--size", "6", "--omega", "1e-2", "--dry-run"])
        #expect(result.status == 0)
        #expect(headerValue(result.stdout, "ignored_options") == "size,omega")
        #expect(result.stderr.contains("have no effect without --lattice"))
        let plain = try runCollop(["vw", "--dim", "3", "--dry-run"])
        #expect(headerValue(plain.stdout, "ignored_options") == "none")
    }

    /// A config key the model does not read is listed too, and warned about by its name.
    @Test func ignoredConfigKeysAreListed() throws {
        let directory = try makeTemporaryDirectory(prefix: "collop-ignored")
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("model.toml")
        try "size = 6\nsingular = \"cooperon\"\nprofile = \"power\"\n".write(to: config, atomically: true, encoding: .utf8)
        let result = try runCollop(["spectrum", "--config", config.path, "--dry-run"])
        #expect(result.status == 0)
        #expect(headerValue(result.stdout, "ignored_options") == "profile")
        #expect(result.stderr.contains("config key 'profile' in \(config.path) has no effect without --singular localized"))
    }
}
