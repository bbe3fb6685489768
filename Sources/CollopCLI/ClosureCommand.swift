import ArgumentParser
import CollisionOperator
import Foundation
import Numerics
import SpectralAnalysis
import Theory

/// `collop closure`: the operator closed on its own current relaxation, D* = D_cur(ω; D*),
/// beside the single-mode (Vollhardt–Wölfle) closure on the same grid.
struct ClosureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "closure",
        abstract: "Close the cooperon on the operator's own current relaxation: D* = D_cur(ω; U^sing = F/(−iω + D* Q̂²)), every mode kept.",
        discussion: """
            At q = 0 the diffusion constant of 𝕃 splits exactly as D_eff = D_q + D_cur, with the vertex-independent Fermi-sea part D_q → D_RR and the current channel D_cur = −i(j, 𝕃⁻¹j)/(s, s), j_k = v_x(k)s_k (docs/model.md §4). Vollhardt and Wölfle renormalize only the current channel and keep only its current mode (VW (25)); this command keeps every mode: at each ω of --omegas, from the largest down, it iterates D* (secant in the complex plane, each step one matrix-free COCG solve in the odd sector) until |ΔD| ≤ 1e-10|D|. With F = 0 it returns D_RA. Columns: omega, D* (lattice units, D_re D_im), iterations, residual |D_cur(D*) − D*|/|D*|, thouless = ω/(|D*|(2π/L)²) (below 1 the grid's Q = 0 term dominates), and vw_re vw_im, the single-mode closure: lattice VW (42) on the same grid and Q-set with D0 = D_RA (collop vw --lattice), so the two differ only by the modes VW drop; then backward_error (the largest of the current solves at that ω), products (with 𝕃) and solver: cocg, or lu where COCG could not reach its tolerance and the symmetry block holding j (the odd sector in d = 1) was solved by LU, or cocg+lu where COCG was preconditioned by that LU of a previous fixed-point iterate, or cocg+lu32 where the block fits in --direct-memory only in single precision and its single-precision LU preconditioned COCG (docs/solvers.md). Header: D_RA, D_RR, D* + D_RR at the smallest ω, and whether the ladder ends localized (D* ≈ −iωξ²: ξ in lattice spacings and in units of l) or diffusive. Feeds \(ParameterName.singular.flag) cooperon, this command's default and its only allowed vertex (F from \(ParameterName.amplitude.flag), default 2γU0); \(ParameterName.d0.flag) is what the closure solves for and is ignored.
            Example:
              collop closure --singular cooperon --dim 1 --size 1024 --energy -0.35 --disorder 1.6 --omegas 1e-2,3e-3,1e-3
            """
    )

    static let modelUse = ModelUse("closure").defaulting(.singular, to: "cooperon").except(.omega, "the ladder is --omegas").except(.d0, "D0 is the fixed point D*").passingOver([.q])

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var resources: ResourceOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("The ω ladder, solved from the largest down: distinct finite numbers > 0, comma-separated.", valueName: "ω1,ω2,…"))
    var omegas: String = "1e-2,3e-3,1e-3"

    @Option(name: .customLong("direct-memory"), parsing: .unconditional,
            help: ArgumentHelp("GiB the LU fallback may hold where COCG stalls (docs/solvers.md): the symmetry block holding j is factorized in double precision where it fits, else in single precision as COCG's preconditioner; a finite number in [0.01, 1024]. [default: 1]", valueName: "GiB"))
    var directMemory: String?

    /// --direct-memory in bytes.
    func directMemoryLimit() throws(InputError) -> Double {
        guard let directMemory else { return DirectFallback.memoryLimit }
        let gib = try parseTheoryNumber(directMemory, flag: "--direct-memory", allowed: "a finite number of GiB in [0.01, 1024]") {
            (0.01...1024).contains($0)
        }
        let bytes = gib * Double(1 << 30), available = MemoryPlan.availableBytes()
        guard bytes <= available else {
            throw InputError("--direct-memory: value \(directMemory) GiB is more than the \(MemoryPlan.describe(available)) of memory available (allowed: at most that)")
        }
        return bytes
    }

    func run() throws {
        let ladder = try parseFrequencyLadder(omegas).sorted(by: >)
        let directMemoryLimit = try directMemoryLimit()
        let run = try PreparedRun(model: model, reads: Self.modelUse, output: output, resources: resources) { parameters, probe in
            guard parameters.singular == .cooperon else {
                throw InputError("\(ParameterName.singular.flag): value \(parameters.singular.rawValue) is not the vertex the closure feeds (allowed: cooperon)")
            }
            parameters.d0 = nil
            probe = Probe(dimension: parameters.dimension, omega: ladder.last!)
        } workload: { parameters in
            var footprint = MatrixFreeFootprint(.currentRelaxation, parameters: parameters)
            footprint.directMemoryLimit = directMemoryLimit
            return .matrixFree(footprint)
        }
        if try run.finishDryRun(resources, command: "closure", omegas: ladder) { return }
        let built = run.model
        let progress = run.progress(threshold: 0)
        let closure = try ClosureAnalysis(model: built, omegas: ladder, directMemoryLimit: directMemoryLimit) { index, iteration, value in
            progress.stage("ω = \(format(ladder[index])) (\(index + 1) of \(ladder.count)), iteration \(iteration): D_cur = \(String(format: "%.10g %+.10gi", value.real, value.imaginary))")
        }
        let kernel = try theoryCall { try LatticeVollhardtWoelfle(model: built) }
        let vw = try theoryCall { try kernel.solve(omegas: ladder) }
        let vwByOmega = Dictionary(uniqueKeysWithValues: vw.rows.map { ($0.omega, $0.relativeDiffusion * Complex(kernel.bareDiffusion)) })

        var report = Report(command: "closure")
        report.header = run.modelHeader()
        report.add("omegas", .parameters(ladder))
        report.add("closure", "D* = D_cur(omega; U_sing = F/(-i omega + D* Qhat^2)), D_cur = -i (j, L^-1 j)/(s, s), j = v_x s, q = 0")
        report.add("tolerance", .parameter(ClosureAnalysis.tolerance))
        report.add("vw", "lattice VW (42) with D0 = D_RA on the same grid and Q-set (no cutoff)")
        let last = closure.points.last!
        let kg = built.kuboGreenwood
        report.add("D_star_plus_D_RR_re", last.diffusion.real + kg.fermiSeaDiffusion)
        report.add("D_star_plus_D_RR_im", last.diffusion.imaginary)
        report.add("ends", closure.ending.name)
        if let xi = closure.localizationLength {
            report.add("localization_length", xi)
            report.add("localization_length_over_l", xi / built.resolution.meanFreePath)
        }
        if let vwXi = vw.staticLimit.localizationLength {
            report.add("vw_localization_length", vwXi)
        }
        report.add("closure_thouless_ratio", last.thouless)
        report.add("closure_finite_size_dominated", last.thouless < 1 ? "yes" : "no")
        report.add("operator_products", closure.points.reduce(0) { $0 + $1.products })
        report.add("current_tolerance", .parameter(CurrentRelaxation.tolerance))
        report.add("direct_memory_gib", .parameter(directMemoryLimit / Double(1 << 30)))
        report.add("current_backward_error", closure.points.map(\.currentBackwardError).max() ?? 0)
        report.add("current_residual", closure.points.map(\.currentResidual).max() ?? 0)
        let direct = [SolvePath.lu, .luPreconditioned, .singleLUPreconditioned].compactMap { path -> String? in
            let omegas = closure.points.filter { $0.currentSolver == path }.map { format($0.omega) }
            return omegas.isEmpty ? nil : "\(path.rawValue) at omega = \(omegas.joined(separator: ", "))"
        }
        report.add("current_solver", direct.isEmpty ? "cocg" : (direct + ["cocg elsewhere"]).joined(separator: "; "))
        var table = Table(name: "closure", columns: ["omega", "D_re", "D_im", "iterations", "residual", "thouless", "vw_re", "vw_im",
                                                     "backward_error", "products", "solver"])
        for point in closure.points {
            let v = vwByOmega[point.omega] ?? Complex(.nan, .nan)
            table.rows.append([.parameter(point.omega), .number(point.diffusion.real), .number(point.diffusion.imaginary),
                               .integer(point.iterations), .number(point.residual), .number(point.thouless),
                               .number(v.real), .number(v.imaginary), .number(point.currentBackwardError),
                               .integer(point.products), .text(point.currentSolver.rawValue)])
        }
        report.tables.append(table)
        if last.thouless < 1 {
            Progress.warn("warning: at ω = \(format(last.omega)) the Thouless ratio ω/(|D*|(2π/L)²) = \(String(format: "%.3g", last.thouless)) < 1: the grid's Q = 0 term dominates; take a larger \(ParameterName.size.flag) before reading localization from this ladder", quiet: output.quiet)
        }
        try run.write(report)
    }
}
