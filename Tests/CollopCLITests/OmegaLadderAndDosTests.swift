import Foundation
import TestSupport
import Testing

/// The tables of a TSV output by name (the first is named by the command, the others by
/// their `# table = name` line): columns and rows, split on tabs.
func namedTables(_ tsv: String, first: String) -> [String: (columns: [String], rows: [[String]])] {
    var tables: [String: (columns: [String], rows: [[String]])] = [:]
    var name = first
    var columns: [String]? = nil
    for line in tsv.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.hasPrefix("# table = ") {
            name = String(line.dropFirst("# table = ".count))
            columns = nil
            continue
        }
        if line.hasPrefix("#") || line.isEmpty { continue }
        let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        if columns == nil {
            columns = cells
            tables[name] = (cells, [])
        } else {
            tables[name]!.rows.append(cells)
        }
    }
    return tables
}

/// `diffusion --omegas` (issue 25 item 3): one run of several ω gives, row for row and bit for
/// bit, what one run per ω gives.
@Suite("collop diffusion --omegas")
struct DiffusionOmegaLadderTests {
    /// A singular vertex (the localized default, Krylov λ0), the metallic ladder (white
    /// noise, secular λ0 and its ω = 0 ladder for D_fit), and the metallic ladder with
    /// correlated disorder (Krylov; its ω = 0 ladder solved once and reused for the other ω).
    static let models: [[String]] = [
        ["--dim", "2", "--size", "8", "--nq", "3"],
        ["--dim", "2", "--size", "10", "--singular", "none", "--nq", "3"],
        ["--dim", "2", "--size", "8", "--correlation", "0.6", "--singular", "none", "--nq", "3"],
    ]
    static let omegas = ["1e-3", "0.01", "3e-2"]

    @Test(arguments: models)
    func rowsEqualOneRunPerOmega(model: [String]) throws {
        let ladder = try runCollop(["diffusion", "--quiet", "--omegas", Self.omegas.joined(separator: ",")] + model)
        #expect(ladder.status == 0, "\(ladder.stderr)")
        let tables = namedTables(ladder.stdout, first: "diffusion")
        let rows = try #require(tables["diffusion"]), fit = try #require(tables["fit"])
        #expect(rows.columns == ["omega", "q", "lambda0_re", "lambda0_im", "w0", "D_re", "D_im"])
        #expect(fit.rows.count == Self.omegas.count && rows.rows.count == 3 * Self.omegas.count)
        // ω-independent lines stay in the header; the single-ω ones do not.
        #expect(headerValue(ladder.stdout, "omega") == nil && headerValue(ladder.stdout, "D_omega_re") == nil)
        #expect(headerValue(ladder.stdout, "omegas") == "0.001,0.01,0.03")
        #expect(headerValue(ladder.stdout, "D_KG") != nil && headerValue(ladder.stdout, "gamma") != nil)
        for (index, omega) in Self.omegas.enumerated() {
            let single = try runCollop(["diffusion", "--quiet", "--omega", omega] + model)
            #expect(single.status == 0)
            let singleRows = dataRows(single.stdout)
            let mine = rows.rows.filter { Double($0[0]) == Double(omega) }
            #expect(mine.map { Array($0.dropFirst()) } == singleRows, "rows at ω = \(omega)")
            // Every per-ω column of the fit table is the single run's header line, to the last digit.
            let fitRow = fit.rows[index]
            #expect(Double(fitRow[0]) == Double(omega))
            // The Krylov cost of the shared ω = 0 ladder is counted at the first ω only.
            for (column, value) in zip(fit.columns, fitRow).dropFirst()
            where column != "einstein_status" && !(index > 0 && column.hasPrefix("krylov_")) {
                guard let expected = headerValue(single.stdout, column) else { continue }
                #expect(value == expected, "\(column) at ω = \(omega)")
            }
            for key in ["D_omega_re", "D_fit_im", "relative_difference", "min_w0", "resolution_floor"] {
                #expect(fit.columns.contains(key) && headerValue(single.stdout, key) != nil, "\(key)")
            }
            let status = fitRow[fit.columns.firstIndex(of: "einstein_status")!]
            #expect(status == (headerValue(single.stdout, "einstein_status")!.hasPrefix("not an identity") ? "not_applicable"
                                                                                                  : headerValue(single.stdout, "einstein_status")!))
        }
    }

    @Test func omegaAndOmegasTogetherAreRefused() throws {
        let result = try runCollop(["diffusion", "--size", "6", "--omega", "1e-3", "--omegas", "1e-3,1e-2"])
        #expect(result.status == 2 && result.stdout.isEmpty)
        #expect(result.stderr.contains("--omega:") && result.stderr.contains("--omegas"))
        let directory = try makeTemporaryDirectory(prefix: "collop-omegas")
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("model.toml")
        try "omega = 0.01\n".write(to: config, atomically: true, encoding: .utf8)
        let fromConfig = try runCollop(["diffusion", "--size", "6", "--config", config.path, "--omegas", "1e-3"])
        #expect(fromConfig.status == 2 && fromConfig.stderr.contains("config key 'omega'") && fromConfig.stderr.contains("--omegas"))
    }

    /// Malformed lists, and values the model refuses at its first or a later ω (0 for a
    /// singular vertex; z = E + ω beyond the band).
    @Test(arguments: ["nan", "", "1e-3,1e-3", "-1e-3", "0", "abc", "1e-3,inf", "1e-3,", "1e-3,10", "10,20"])
    func badOmegasAreRefused(value: String) throws {
        let result = try runCollop(["diffusion", "--size", "6", "--omegas", value])
        #expect(result.status == 2, "--omegas \(value)")
        #expect(result.stderr.contains("--omegas") && result.stdout.isEmpty, "\(result.stderr)")
    }

    /// ω = 0 is what --omega allows for the metallic ladder, and so does --omegas.
    @Test func zeroFrequencyFollowsTheOmegaRule() throws {
        let result = try runCollop(["diffusion", "--quiet", "--size", "6", "--singular", "none", "--omegas", "0,1e-2", "--nq", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(namedTables(result.stdout, first: "diffusion")["fit"]?.rows.count == 2)
    }

    /// The dry run counts the λ0 solves of every ω (and the metallic ladder's ω = 0 ladder, once).
    @Test func dryRunCountsEveryOmega() throws {
        let vertex = try runCollop(["diffusion", "--dry-run", "--size", "6", "--nq", "4", "--omegas", "1e-3,1e-2,0.1"])
        #expect(vertex.status == 0 && dataRows(vertex.stdout).isEmpty)
        #expect(headerValue(vertex.stdout, "lambda0_solves") == "12" && headerValue(vertex.stdout, "omegas") == "0.001,0.01,0.1")
        let metallic = try runCollop(["diffusion", "--dry-run", "--size", "6", "--nq", "4", "--singular", "none", "--omegas", "1e-3,1e-2"])
        #expect(headerValue(metallic.stdout, "lambda0_solves") == "12")      // the ω = 0 ladder once
        #expect(headerValue(vertex.stdout, "estimated_flops").flatMap(Double.init).map { $0 > 0 } == true)
        // A one-ω dry run still names --omega.
        let single = try runCollop(["diffusion", "--dry-run", "--size", "6", "--omega", "10"])
        #expect(single.status == 2 && single.stderr.contains("--omega:") && !single.stderr.contains("--omegas"))
        let ladder = try runCollop(["diffusion", "--dry-run", "--size", "6", "--omegas", "1e-3,10"])
        #expect(ladder.status == 2 && ladder.stderr.contains("--omegas: value 10"))
    }
}

/// `collop dos` (issue 25 item 4): ρ(E), Σ(E), γ(E), l(E), D_RA(E), D_RR(E) across the band.
@Suite("collop dos")
struct DensityOfStatesCommandTests {
    static func table(_ arguments: [String]) throws -> (columns: [String], rows: [[String]], stdout: String) {
        let result = try runCollop(["dos", "--quiet"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let table = try #require(namedTables(result.stdout, first: "dos")["dos"])
        return (table.columns, table.rows, result.stdout)
    }

    static func column(_ table: (columns: [String], rows: [[String]], stdout: String), _ name: String) -> [Double] {
        let index = table.columns.firstIndex(of: name)!
        return table.rows.map { Double($0[index]) ?? .nan }
    }

    /// ∫ρ dE = 1 state per site: the trapezoid rule over the default grid (201 points across
    /// the band and its W/2 tails; NaN rows beyond the SCBA band count as ρ = 0). Achieved on
    /// d = 2, L = 32, W = 2: 1.00027 (401 points: 1.00003).
    @Test func densityOfStatesIntegratesToOne() throws {
        let dos = try Self.table(["--dim", "2", "--size", "32", "--disorder", "2"])
        #expect(dos.columns == ["energy", "scba", "rho", "sigma_re", "sigma_im", "gamma", "l", "v_F", "D_RA", "D_RR", "D_KG"])
        #expect(dos.rows.count == 201)
        let energies = Self.column(dos, "energy"), rho = Self.column(dos, "rho").map { $0.isNaN ? 0 : $0 }
        var integral = 0.0
        for i in 1..<energies.count { integral += (energies[i] - energies[i - 1]) * (rho[i] + rho[i - 1]) / 2 }
        #expect(abs(integral - 1) < 2e-3, "∫ρ dE = \(integral)")
        #expect(energies.first == -5 && energies.last == 5)      // 2d·t + W/2
        #expect(headerValue(dos.stdout, "energies")?.split(separator: ",").compactMap { Double($0) } == energies)
        #expect(dos.rows.first?[1] == "none" && dos.rows[100][1] == "ok")
    }

    /// The nearest-neighbour band with white noise is particle–hole symmetric: ρ, γ, l, D_RA
    /// and D_RR are even in E, Re Σ is odd; the default grid holds E and −E exactly.
    @Test func particleHoleSymmetry() throws {
        let dos = try Self.table(["--dim", "3", "--size", "8", "--disorder", "4", "--points", "41"])
        let energies = Self.column(dos, "energy"), n = energies.count
        for name in ["rho", "gamma", "l", "v_F", "D_RA", "D_RR", "sigma_re"] {
            let values = Self.column(dos, name)
            let sign = name == "sigma_re" ? -1.0 : 1.0
            for i in 0..<n {
                #expect(energies[n - 1 - i] == -energies[i])
                #expect(values[i].isNaN == values[n - 1 - i].isNaN)
                guard !values[i].isNaN else { continue }
                let scale = max(abs(values[i]), 1e-3)
                #expect(abs(values[i] - sign * values[n - 1 - i]) <= 1e-10 * scale, "\(name) at E = \(energies[i])")
            }
        }
    }

    /// For white noise the SCBA is Σ = U0·(1/N)Σ_k G_k, so γ = −Im Σ = πU0ρ: the SCBA's γ
    /// and the Green-function sum ρ of the same row agree to its tolerance (1e-14).
    @Test func dampingIsPiU0Rho() throws {
        let dos = try Self.table(["--dim", "2", "--size", "24", "--u0", "0.5", "--points", "31"])
        let rho = Self.column(dos, "rho"), gamma = Self.column(dos, "gamma"), sigma = Self.column(dos, "sigma_im")
        #expect(rho.filter { !$0.isNaN }.count >= 20)
        for i in rho.indices where !rho[i].isNaN {
            #expect(abs(gamma[i] - Double.pi * 0.5 * rho[i]) <= 1e-12 * gamma[i])
            #expect(abs(gamma[i] + sigma[i]) <= 1e-14 * gamma[i])
        }
    }

    /// A row is what `spectrum --energy E` prints in its header, to the last bit: γ, D_RA, D_RR,
    /// the mean free path, and ρ through states_in_broadening = N·ρ·2γ. White noise and
    /// correlated disorder (a Σ_k that varies with k).
    @Test(arguments: [["--dim", "2", "--size", "12"], ["--dim", "2", "--size", "12", "--correlation", "0.8"]])
    func rowEqualsSpectrumHeader(model: [String]) throws {
        let energies = ["0.3", "-1.1", "1.7"]
        let dos = try Self.table(model + ["--energies", energies.joined(separator: ",")])
        for (index, energy) in energies.enumerated() {
            let spectrum = try runCollop(["spectrum", "--dry-run", "--quiet", "--energy", energy] + model)
            #expect(spectrum.status == 0)
            let row = dos.rows[index]
            func cell(_ name: String) -> String { row[dos.columns.firstIndex(of: name)!] }
            #expect(row[1] == "ok")
            #expect(cell("gamma") == headerValue(spectrum.stdout, "gamma"))
            #expect(cell("D_RA") == headerValue(spectrum.stdout, "D_RA"))
            #expect(cell("D_RR") == headerValue(spectrum.stdout, "D_RR"))
            #expect(cell("D_KG") == headerValue(spectrum.stdout, "D_KG"))
            #expect(cell("l") == headerValue(spectrum.stdout, "mean_free_path"))
            let n = try #require(headerValue(spectrum.stdout, "N").flatMap(Double.init))
            let rho = try #require(Double(cell("rho"))), gamma = try #require(Double(cell("gamma")))
            #expect(n * rho * 2 * gamma == headerValue(spectrum.stdout, "states_in_broadening").flatMap(Double.init))
        }
    }

    /// Far beyond the band the SCBA has no solution with γ > 0: the row says so, NaN, exit 0;
    /// a loop that does not converge says unconverged.
    @Test func noSolutionIsARowNotAnExit() throws {
        let dos = try Self.table(["--size", "8", "--energies", "0.3,20"])
        #expect(dos.rows[0][1] == "ok" && dos.rows[1][1] == "none")
        #expect(dos.rows[1].dropFirst(2).allSatisfy { $0 == "nan" })
        let unconverged = try Self.table(["--size", "8", "--energies", "0.3", "--scba-max-iterations", "1"])
        #expect(unconverged.rows[0][1] == "unconverged" && unconverged.rows[0].dropFirst(2).allSatisfy { $0 == "nan" })
    }

    @Test(arguments: [["--energies", "nan"], ["--energies", ""], ["--energies", "0.1,0.1"], ["--energies", "abc"],
                      ["--energies", "0,inf"], ["--points", "10"], ["--points", "1"], ["--energies", "0", "--points", "3"]])
    func badInputIsRefused(arguments: [String]) throws {
        let result = try runCollop(["dos", "--size", "6"] + arguments)
        #expect(result.status == 2 && result.stdout.isEmpty, "\(arguments)")
        #expect(result.stderr.contains(arguments[arguments.count - 2]), "\(result.stderr)")
    }

    /// --energy is replaced by --energies (a warning); the probe and the vertex are passed
    /// over; all three are listed as ignored.
    @Test func unreadOptionsAreListed() throws {
        let result = try runCollop(["dos", "--size", "6", "--points", "3", "--energy", "1", "--omega", "0.1", "--singular", "cooperon"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("--energy has no effect in dos"))
        #expect(headerValue(result.stdout, "ignored_options") == "energy,omega,singular")
        #expect(headerValue(result.stdout, "energy") == nil && headerValue(result.stdout, "singular") == nil)
    }

    /// The energies run in parallel; the rows do not depend on the number of workers.
    @Test func rowsDoNotDependOnThreads() throws {
        let one = try Self.table(["--size", "10", "--points", "21", "--threads", "1"])
        let two = try Self.table(["--size", "10", "--points", "21", "--threads", "2"])
        #expect(one.rows == two.rows)
    }
}
