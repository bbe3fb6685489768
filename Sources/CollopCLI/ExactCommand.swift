import ArgumentParser
import CollisionOperator
import DenseLinearAlgebra
import ExactModel
import Foundation

/// `collop exact`: the lattice Anderson model itself, solved exactly (DESIGN §7) — the ground
/// truth beside the theories.
struct ExactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exact",
        abstract: "Solve the lattice Anderson model itself: Lyapunov and density-relaxation lengths (d = 1), transfer-matrix ξ_M and Λ_M (d = 2, 3).",
        discussion: """
            H = −t Σ_⟨xy⟩ |x⟩⟨y| + Σ_x V_x|x⟩⟨x|, V_x uniform in [−W/2, W/2] (U0 = W²/12, white noise), at E (docs/guide/exact.md).
            d = 1: ξ_L from renormalized 2 × 2 transfer products (64 independent segments after a burn-in of 20 ξ_L; error from their spread) and ξ = √(⟨x²⟩∞/2) of the infinite-time return profile P∞(x; E) of Suslov (61), by exact diagonalization (LAPACK dstemr on the window) of open chains with origins ≥ 20 ξ_L from the ends; A(q) and d(q) = (1/A(q) − 1)/q² (Suslov (63)) at qξ = 0.25 … 4 in a second table; l = v_F/2γ of the SCBA on the grid of --size (default 4096). Weak disorder: ξ_L → 24(4t² − E²)/W², ξ → √ζ(3)·ξ_L.
            d = 2, 3: strips/bars of width M (periodic across), n = M^{d−1} columns carried through the sparse transfer steps, QR (dgeqrf/dorgqr) every few steps, until the smallest positive exponent γ_n has the relative error --precision; ξ_M = 1/γ_n, Λ_M = ξ_M/M, verdict extended/localized where Λ of the largest width differs from that of the smallest by more than twice its error; crossing_disorder where Λ_M(W) of the two largest widths cross.
            Model options read: --dim 1…3, --energy, --disorder or --u0 (or --disorders), --hopping, and --size (d = 1: the SCBA grid of mean_free_path); any other model option is refused. --seed fixes every number: each segment, sample and (W, M) run has its own random stream, so the output is the same at any --threads.
            Examples:
              collop exact --dim 1 --energy -0.35 --disorders 1.2,1.6,2.0,2.4
              collop exact --dim 3 --energy 0 --disorders 15.5,16.5,17.5 --widths 4,6
            """
    )

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("A disorder scan W1,W2,…: distinct finite numbers > 0 (instead of --disorder/--u0).", valueName: "W1,W2,…"))
    var disorders: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("d = 1: sites of each open chain, an integer ≥ 40; origins lie in its middle half. [default: 80 ξ_L]", valueName: "L"))
    var length: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("d = 1: chains diagonalized, an integer 2…1000000. [default: ≈ 8000 window states in the bulk]", valueName: "n"))
    var samples: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("d = 1: width of the energy window standing for δ(E − E_n), a finite number > 0. [default: 0.1 t]", valueName: "ΔE"))
    var window: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("d = 2, 3: bar widths M, distinct integers 2…64, comma-separated. [default: 4,6,8]", valueName: "M1,M2,…"))
    var widths: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("d = 2, 3: relative error of the smallest positive Lyapunov exponent, a number in [1e-4, 0.5]. [default: 0.01]", valueName: "ε"))
    var precision: String?
    @Option(name: .customLong("max-steps"), parsing: .unconditional, help: ArgumentHelp("d = 2, 3: transfer steps per bar before giving up (exit 3), an integer ≥ 1000. [default: 5000000]", valueName: "n"))
    var maxSteps: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Seed of the random streams: an integer 0…2^64−1. [default: 1]", valueName: "s"))
    var seed: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Worker threads (segments, samples and bars in parallel, each single-threaded; the output does not depend on it): an integer 1…1024. [default: all cores]", valueName: "n"))
    var threads: String?

    /// The model options `exact` reads (the rest describe the collision operator and its
    /// vertex, which the exact model has no use for, or correlated disorder, which it does
    /// not solve): every other one given is refused. --size is the d = 1 grid of the SCBA
    /// mean free path and is refused in d = 2, 3 (`runBars`).
    static let modelUse = ModelUse("exact").readingOnly([.dim, .hopping, .energy, .disorder, .u0, .size])

    func run() throws {
        _ = try output.resolvedFormat()
        let destination = try output.destination()
        let resolved = try model.resolve(for: Self.modelUse)
        let p = resolved.parameters
        guard (1...3).contains(p.dimension) else {
            throw InputError("\(resolved.sources.describe(.dim)): value \(p.dimension) is not solved by exact (allowed: 1, 2 or 3)")
        }
        if p.dimension > 1, resolved.sources.sources[.size] != nil {
            throw InputError("\(resolved.sources.describe(.size)): value \(p.size) is the d = 1 grid of the SCBA mean free path (allowed: only with --dim 1)")
        }
        let scan = try disorderScan(resolved)
        let threadCount = try parseThreads()
        let seedValue = try parseSeed()
        // Parallelism is over independent tasks; each LAPACK call runs on one thread.
        LinearAlgebraBackend.threadCount = 1
        var report = Report(command: "exact")
        report.add("units", "t = 1, lattice spacing a = 1 (lengths in a)")
        report.add("model", "H = -t sum_<xy> |x><y| + sum_x V_x |x><x|, V_x uniform in [-W/2, W/2] (U0 = W^2/12, white noise)")
        report.add("dim", p.dimension)
        report.add("hopping", .parameter(p.hopping))
        report.add("energy", .parameter(p.energy))
        report.add("disorders", .parameters(scan))
        report.add("seed", Int(exactly: seedValue).map(Cell.integer) ?? .text("\(seedValue)"))
        report.add("streams", "xoshiro256** per task, state from SplitMix64 at mix(seed) xor mix(purpose * 2^48 + index): Lyapunov segment, diagonalization sample, (W, M) bar run")
        report.add("threads", threadCount)
        if p.dimension == 1 {
            let disorderFlag = disorders != nil ? "--disorders" : resolved.sources.describe(resolved.sources.sources[.u0] != nil ? .u0 : .disorder)
            try runChains(p, scan: scan, disorderFlag: disorderFlag, sizeGiven: resolved.sources.sources[.size] != nil,
                          seed: seedValue, threads: threadCount, report: &report)
        } else {
            try runBars(p, scan: scan, seed: seedValue, threads: threadCount, report: &report)
        }
        try output.write(report, to: destination)
    }

    // MARK: d = 1

    /// The largest Lyapunov length the d = 1 run measures: the pilot's step count and the
    /// chains of 80 ξ_L sites are sized for it.
    static let largestLyapunovLength = 1e5

    private func runChains(_ p: ModelParameters, scan: [Double], disorderFlag: String, sizeGiven: Bool, seed: UInt64, threads: Int,
                           report: inout Report) throws {
        for case let (flag, value?) in [("--widths", widths), ("--precision", precision), ("--max-steps", maxSteps)] {
            throw InputError("\(flag): value \(value) applies to d = 2, 3 (allowed: only with --dim 2 or 3)")
        }
        let chainLength = try length.map { try parseInteger($0, flag: "--length", range: 40...100_000_000, allowed: "an integer 40…10^8") }
        let sampleCount = try samples.map { try parseInteger($0, flag: "--samples", range: 2...1_000_000, allowed: "an integer 2…1000000") }
        let windowWidth = try window.map { text throws(InputError) in
            try parseTheoryNumber(text, flag: "--window", allowed: "a finite number > 0") { $0.isFinite && $0 > 0 }
        }
        let gridSize = sizeGiven ? p.size : 4096
        let progress = Progress(enabled: !output.quiet)
        report.add("mean_free_path_grid", "SCBA on the d = 1 grid of L = \(gridSize) points (l = v_F/2gamma)")
        report.add("lyapunov_method", "renormalized 2x2 transfer products, 64 segments after a burn-in of 20 xi_L; error = standard error of the segment means")
        report.add("localization_method", "xi^2 = <x^2>/2, P(x) = <sum_n |psi_n(x0)|^2 |psi_n(x0+x)|^2> / <sum_n |psi_n(x0)|^2> over E_n in the window, origins x0 in the middle half of open chains (dstemr); error of the ratio estimator over chains")
        // Weak disorder: ξ_L ≈ 24(4t² − E²)/W² (Thouless) outgrows what the run can measure;
        // every W of the scan is checked before any is solved.
        let band = 4 * p.hopping * p.hopping - p.energy * p.energy
        func tooWeak(_ w: Double, _ what: String) -> InputError {
            let allowed = band > 0 ? "W ≥ \(String(format: "%.3g", (24 * band / Self.largestLyapunovLength).squareRoot())) at this E and t, where" : "a W for which"
            return InputError("\(disorderFlag): value W = \(format(w)) is too weak for the d = 1 run: \(what) (allowed: \(allowed) ξ_L ≤ \(Int(Self.largestLyapunovLength)) sites)")
        }
        for w in scan {
            if let thouless = try AndersonChain(energy: p.energy, disorder: w, hopping: p.hopping).thoulessLength, thouless > Self.largestLyapunovLength {
                throw tooWeak(w, "the weak-disorder estimate ξ_L ≈ 24(4t² − E²)/W² = \(String(format: "%.3g", thouless)) sites exceeds \(Int(Self.largestLyapunovLength))")
            }
        }
        var rows: [[Cell]] = []
        var profileRows: [[Cell]] = []
        var single: (LyapunovLength, DensityRelaxation, Double)?
        for (index, w) in scan.enumerated() {
            let chain = try AndersonChain(energy: p.energy, disorder: w, hopping: p.hopping)
            progress.stage("W = \(format(w)) (\(index + 1) of \(scan.count)): Lyapunov length")
            let guess = chain.thoulessLength ?? 10
            let pilot = try chain.lyapunovLength(segments: 16, stepsPerSegment: max(10_000, Int(200 * guess)), burnIn: Int(20 * guess) + 100, seed: seed &+ 0x5EED, threads: threads)
            guard pilot.exponent > 3 * pilot.exponentError, pilot.length <= Self.largestLyapunovLength else {
                throw tooWeak(w, "the pilot's Lyapunov exponent γ = \(String(format: "%.3g", pilot.exponent)) ± \(String(format: "%.2g", pilot.exponentError)) gives no ξ_L ≤ \(Int(Self.largestLyapunovLength)) sites")
            }
            let xiL = pilot.length
            let totalSteps = min(2e8, max(1e6, 2.5e5 * xiL))
            let lyapunov = try chain.lyapunovLength(segments: 64, stepsPerSegment: Int(totalSteps / 64), burnIn: Int(20 * xiL) + 100, seed: seed, threads: threads)
            var plan = DiagonalizationPlan.defaults(lyapunovLength: lyapunov.length, energy: p.energy, hopping: p.hopping)
            if let chainLength { plan.length = chainLength; plan.margin = chainLength / 4 }
            if let sampleCount { plan.samples = sampleCount }
            if let windowWidth { plan.window = windowWidth }
            if Double(plan.margin) < 15 * lyapunov.length {
                Progress.warn("warning: --length \(plan.length) puts origins \(plan.margin) sites = \(String(format: "%.1f", Double(plan.margin) / lyapunov.length)) xi_L from the ends (want >= 15-20 xi_L; an origin 5 xi_L from an end captures 71 % of <x^2>)", quiet: output.quiet)
            }
            let expected = AndersonChain.rootZeta3 * lyapunov.length   // the weak-disorder ξ, for the q grid only
            let qGrid = [0.25, 0.5, 1, 1.5, 2, 3, 4].map { $0 / expected }
            progress.stage("W = \(format(w)): xi_L = \(String(format: "%.4g", lyapunov.length)); diagonalizing \(plan.samples) chains of \(plan.length) sites on the window \(format(plan.window)) (about \(String(format: "%.0f", estimatedSeconds(plan, threads: threads))) s)")
            let relaxation = try chain.densityRelaxation(plan: plan, wavenumbers: qGrid, seed: seed, threads: threads)
            let l = try meanFreePath(p, disorder: w, gridSize: gridSize)
            rows.append([.parameter(w), .number(l), .number(lyapunov.length), .number(lyapunov.error),
                         .number(relaxation.length), .number(relaxation.lengthError), .number(relaxation.length / l),
                         .number(relaxation.lengthError / l), .number(AndersonChain.rootZeta3 * lyapunov.length / l),
                         .integer(plan.length), .integer(plan.margin), .parameter(plan.window), .integer(plan.samples),
                         .integer(relaxation.states), .integer(lyapunov.segments), .integer(lyapunov.stepsPerSegment), .integer(lyapunov.burnIn)])
            let xi2 = relaxation.length * relaxation.length
            for j in qGrid.indices {
                profileRows.append([.parameter(w), .number(qGrid[j]), .number(qGrid[j] * relaxation.length), .number(relaxation.profile[j]),
                                    .number(relaxation.profileError[j]), .number(relaxation.dispersion[j]),
                                    .number(relaxation.dispersionError[j]), .number(relaxation.dispersion[j] / xi2)])
            }
            if scan.count == 1 { single = (lyapunov, relaxation, l) }
        }
        if let (lyapunov, relaxation, l) = single {
            report.add("localization_length", relaxation.length)
            report.add("localization_length_error", relaxation.lengthError)
            report.add("lyapunov_length", lyapunov.length)
            report.add("lyapunov_length_error", lyapunov.error)
            report.add("mean_free_path", l)
            report.add("localization_length_over_l", relaxation.length / l)
        }
        report.tables.append(Table(name: "exact", columns: ["disorder", "mean_free_path", "lyapunov_length", "lyapunov_length_error",
                                                            "localization_length", "localization_length_error", "xi_over_l", "xi_error_over_l",
                                                            "root_zeta3_xi_L_over_l", "chain_length", "margin", "window", "samples", "states",
                                                            "segments", "steps_per_segment", "burn_in"], rows: rows))
        report.tables.append(Table(name: "profile", columns: ["disorder", "q", "q_xi", "A", "A_error", "d", "d_error", "d_over_xi2"], rows: profileRows))
    }

    /// Rough time of the diagonalization on an idle core: ≈ 2.5·10⁻⁷ s·L·m per chain with
    /// m ≈ 0.17·L·window eigenvectors (measured: 7.7 ms per chain for L = 1360, m = 22).
    private func estimatedSeconds(_ plan: DiagonalizationPlan, threads: Int) -> Double {
        let vectors = Double(plan.length) * 0.17 * plan.window
        return 2.5e-7 * Double(plan.length) * vectors * Double(plan.samples) / Double(max(threads, 1))
    }

    /// l = v_F/(2γ) of the SCBA of this model on the d = 1 grid of `gridSize` points.
    private func meanFreePath(_ p: ModelParameters, disorder: Double, gridSize: Int) throws -> Double {
        var scba = ModelParameters()
        scba.dimension = 1
        scba.size = gridSize
        scba.hopping = p.hopping
        scba.energy = p.energy
        scba.disorder = .width(disorder)
        scba.singular = .none
        do {
            return try CollisionModel(parameters: scba).resolution.meanFreePath
        } catch let error as ParameterError {
            throw InputError("--size: value \(gridSize) gives no SCBA mean free path at W = \(format(disorder)): \(error.reason) (allowed: \(error.parameter.allowed))")
        }
    }

    // MARK: d = 2, 3

    private func runBars(_ p: ModelParameters, scan: [Double], seed: UInt64, threads: Int, report: inout Report) throws {
        for case let (flag, value?) in [("--length", length), ("--samples", samples), ("--window", window)] {
            throw InputError("\(flag): value \(value) applies to d = 1 (allowed: only with --dim 1)")
        }
        let widthList = try parseWidths()
        let target = try precision.map { text throws(InputError) in
            try parseTheoryNumber(text, flag: "--precision", allowed: "a number in [1e-4, 0.5]") { $0 >= 1e-4 && $0 <= 0.5 }
        } ?? 0.01
        let stepLimit = try maxSteps.map { try parseInteger($0, flag: "--max-steps", range: 1000...Int(Int32.max), allowed: "an integer 1000…2147483647") } ?? 5_000_000
        let bars = try scan.flatMap { w in
            try widthList.map { m in
                try AndersonBar(dimension: p.dimension, width: m, energy: p.energy, disorder: w, hopping: p.hopping)
            }
        }
        let progress = ProgressBoard(enabled: !output.quiet, target: target)
        let points = try ParallelTasks.map(count: bars.count, threads: threads) { (index: Int) throws(ExactModelError) -> BarLocalization in
            let bar = bars[index]
            let start = Date()
            return try bar.smallestPositiveExponent(precision: target, maxSteps: stepLimit, seed: seed, index: index) { steps, relative in
                progress.report(width: bar.width, disorder: bar.disorder, steps: steps, relative: relative, since: start)
            }
        }
        report.add("widths", .parameters(widthList.map(Double.init)))
        report.add("precision", .parameter(target))
        report.add("max_steps", stepLimit)
        report.add("method", "transfer matrix, periodic transverse boundary, frame of n = M^(d-1) columns from (1; 0), sparse steps, QR (dgeqrf/dorgqr) every `interval` steps; blocks of max(100, 20M) steps after a burn-in of two blocks; xi_M = 1/gamma_n, error = standard error of the block means")
        report.add("verdict_rule", "extended (localized) where Lambda of the largest width exceeds (falls below) that of the smallest by more than twice the error of the difference")
        var rows: [[Cell]] = []
        for (i, w) in scan.enumerated() {
            let mine = Array(points[(i * widthList.count)..<((i + 1) * widthList.count)])
            let verdict = ScalingVerdict.of(mine)
            for point in mine {
                rows.append([.parameter(w), .integer(point.width), .number(point.length), .number(point.lengthError),
                             .number(point.reducedLength), .number(point.reducedLengthError), .text(verdict.rawValue),
                             .integer(point.steps), .integer(point.interval)])
            }
        }
        if widthList.count >= 2 {
            let small = widthList.count - 2, large = widthList.count - 1
            let pick = { (k: Int) in scan.indices.map { points[$0 * widthList.count + k] } }
            if let crossing = ScalingCrossing.find(small: pick(small), large: pick(large)) {
                report.add("crossing_disorder", crossing.disorder)
                report.add("crossing_disorder_error", crossing.error)
                report.add("crossing_widths", .parameters([Double(widthList[small]), Double(widthList[large])]))
            } else {
                report.add("crossing", "none: Lambda of widths \(widthList[small]) and \(widthList[large]) do not cross inside the scanned disorders")
            }
        }
        report.tables.append(Table(name: "scaling", columns: ["disorder", "width", "xi", "xi_error", "Lambda", "Lambda_error", "verdict", "steps", "interval"], rows: rows))
    }

    // MARK: input

    /// --disorders, or the one W of --disorder / --u0 (W = √(12 U0)).
    private func disorderScan(_ resolved: ResolvedModel) throws(InputError) -> [Double] {
        guard let disorders else {
            switch resolved.parameters.disorder {
            case .width(let w): return [w]
            case .vertex(let u0): return [(12 * u0).squareRoot()]
            }
        }
        for name in [ParameterName.disorder, .u0] where resolved.sources.sources[name] != nil {
            throw InputError("--disorders: cannot be combined with \(resolved.sources.describe(name)) (allowed: one of the two)")
        }
        let allowed = "distinct finite numbers > 0, comma-separated"
        let values = try parseNumberList(disorders, flag: "--disorders", allowed: allowed)
        guard values.allSatisfy({ $0.isFinite && $0 > 0 }), Set(values).count == values.count else {
            throw InputError("--disorders: value \(disorders) is not allowed (allowed: \(allowed))")
        }
        return values
    }

    private func parseWidths() throws(InputError) -> [Int] {
        let allowed = "distinct integers 2…64, comma-separated"
        let text = widths ?? "4,6,8"
        var values: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let m = Int(part.trimmingCharacters(in: .whitespaces)), (2...64).contains(m) else {
                throw InputError("--widths: value \(text.isEmpty ? "\"\"" : text) is not allowed (allowed: \(allowed))")
            }
            values.append(m)
        }
        guard Set(values).count == values.count else { throw InputError("--widths: value \(text) repeats a width (allowed: \(allowed))") }
        return values.sorted()
    }

    private func parseThreads() throws(InputError) -> Int {
        guard let threads else { return ProcessInfo.processInfo.activeProcessorCount }
        return try parseInteger(threads, flag: "--threads", range: 1...1024, allowed: "an integer 1…1024")
    }

    private func parseSeed() throws(InputError) -> UInt64 {
        guard let seed else { return 1 }
        guard let value = UInt64(seed.trimmingCharacters(in: .whitespaces)) else {
            throw InputError("--seed: value \(seed.isEmpty ? "\"\"" : seed) is not allowed (allowed: an integer 0…18446744073709551615)")
        }
        return value
    }

    private func parseInteger(_ text: String, flag: String, range: ClosedRange<Int>, allowed: String) throws(InputError) -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw InputError("\(flag): value \(text.isEmpty ? "\"\"" : text) is not allowed (allowed: \(allowed))")
        }
        return value
    }
}

/// Progress of the parallel bar runs on stderr: at most one line per run every 5 s, with the
/// time left from the error's 1/√steps decay.
private final class ProgressBoard: @unchecked Sendable {
    private let enabled: Bool
    private let target: Double
    private let start = Date()
    private let lock = NSLock()
    private var lastLine: [String: Date] = [:]

    init(enabled: Bool, target: Double) {
        self.enabled = enabled
        self.target = target
    }

    func report(width: Int, disorder: Double, steps: Int, relative: Double, since runStart: Date) {
        guard enabled else { return }
        let key = "\(width) \(disorder)"
        let now = Date()
        lock.lock()
        defer { lock.unlock() }
        if let last = lastLine[key], now.timeIntervalSince(last) < 5 { return }
        lastLine[key] = now
        let elapsed = now.timeIntervalSince(runStart)
        let left = relative.isFinite ? max(0, elapsed * ((relative / target) * (relative / target) - 1)) : .infinity
        let message = String(format: "collop [%.1f s]: W = %@, M = %d: %d steps, relative error %.3g %% (target %.3g %%), about %@ left\n",
                             now.timeIntervalSince(start), format(disorder), width, steps, 100 * relative, 100 * target,
                             left.isFinite ? String(format: "%.0f s", left) : "? s")
        FileHandle.standardError.write(Data(message.utf8))
    }
}

/// Exit status and message of an exact-model error: a precision not reached within
/// --max-steps and LAPACK failures are numerical failures (3); the rest is bad input (2).
func exactExitStatus(_ error: ExactModelError) -> (Int32, String) {
    switch error {
    case let .precisionNotReached(width, disorder, requested, reached, steps):
        return (3, "Error: numerical failure: --precision: value \(format(requested)) not reached for width M = \(width) at disorder W = \(format(disorder)): relative error \(String(format: "%.3g", reached)) after \(steps) steps (allowed: raise --max-steps or loosen --precision)")
    case let .linearAlgebra(inner):
        return Collop.exitStatus(for: inner)
    case let .emptyWindow(energy, window, samples):
        return (2, "Error: --window: value \(format(window)) holds no eigenvalue around E = \(format(energy)) in \(samples) chains (allowed: a wider window, or an energy inside the spectrum)")
    case .invalidParameter:
        return (2, "Error: \(error.description)")
    }
}
