import ArgumentParser
import CollisionOperator
import DenseLinearAlgebra
import Foundation
import SpectralAnalysis

/// `collop spectrum`: the eigenvalue table of 𝕃.
struct SpectrumCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spectrum",
        abstract: "Eigenvalues of 𝕃 sorted by |λ| (columns s re im abs w0 sector).",
        discussion: """
            Assembles 𝕃 = 𝕃reg + 𝕃sing (Suslov (75), (76)) and diagonalizes it with LAPACK zgeev. Columns: s (rank by |λ|), re and im of λ_s, abs = |λ_s|, and w0 = |sᴴv_s|/(‖s‖‖v_s‖), the overlap of the eigenvector with the zero mode s = √ΔG (λ0 is the mode of largest w0), and sector. The signed axis permutations that fix q (all 2^d·d! of them at q = 0) commute with 𝕃: each irreducible representation Γ gives one block of order m (its multiplicity on the grid), assembled from the kernels without the N × N matrix and diagonalized alone; each of its eigenvalues is dim Γ times degenerate and is listed dim Γ times. sector names the irrep: Mulliken names (A1 A2 B1 B2 E in d = 2 and for q along an axis in d = 3; A1g … T2u in d = 3), + even / - odd / . per axis for a group of reflections only, otherwise a letter for the dimension (A 1, E 2, T 3, G 4, H 5, I 6, J 7, K 8) with a number and g/u; the header's symmetry_blocks gives each block's m and dim Γ (--symmetry off: one dense zgeev). The header carries every parameter used, γ, Σ^R, the trace check and the conditioning.
            """
    )

    static let modelUse = ModelUse("spectrum").printingSelfEnergy

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var resources: ResourceOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Also write the c-normalized eigenvectors ((e,e) = (1/N)Σe² = 1) of the K modes of smallest |λ|, as a second table.", valueName: "K"))
    var vectors: Int = 0

    @Option(parsing: .unconditional, help: ArgumentHelp("Solve one symmetry block alone: an irrep label of the header's symmetry_sectors (e.g. T1u). One job per block (GNU parallel, a Slurm array); collop merge-sectors joins the per-block tables into the full spectrum table.", valueName: "LABEL"))
    var sector: String?

    @Flag(name: .customLong("values-only"), help: "Eigenvalues only (zgeev without vectors, about half the time): drops the w0 column.")
    var valuesOnly = false

    func validate() throws {
        guard vectors >= 0 else { throw InputError("--vectors: value \(vectors) is negative (allowed: an integer 0…N)") }
        if valuesOnly && vectors > 0 {
            throw InputError("--vectors: value \(vectors) needs eigenvectors, which --values-only turns off (allowed: 0 with --values-only)")
        }
    }

    func run() throws {
        let run = try PreparedRun(model: model, reads: Self.modelUse, output: output, resources: resources) { parameters, _ in
            let n = parameters.gridPointCount
            guard vectors <= n else { throw InputError("--vectors: value \(vectors) exceeds N = \(n) (allowed: an integer 0…N)") }
        } workload: { _ in
            sector.map { .sector(label: $0, vectors: !valuesOnly) } ?? (valuesOnly ? .eigenvalues : .eigenvectors)
        } validate: { model, probe in
            guard let sector else { return }
            let shapes = try SectorDecomposition.blockShapes(grid: model.grid, q: probe.q, enabled: resources.symmetryEnabled())
            let blocked = shapes.count > 1 || (shapes.first?.degeneracy ?? 1) > 1
            guard blocked && shapes.contains(where: { $0.label == sector }) else {
                let allowed = blocked ? shapes.map(\.label).joined(separator: ", ") : "none: this run has no symmetry blocks"
                throw InputError("--sector: value \(sector) is not a symmetry block of this run (allowed: \(allowed))")
            }
        }
        if try run.finishDryRun(resources, command: "spectrum") { return }
        let built = run.model
        let floor = try run.resolutionFloor(consequence: "the zero mode and the eigenvalues below the floor lose their digits (the zero mode comes out at |λ| ≈ the floor and merges with the ΔΣ cluster)")
        let n = built.grid.count
        let progress = run.progress()
        progress.stage("building the operator's kernels and the symmetry-adapted basis (N = \(n))")
        let op = try built.operator(at: run.probe)
        let withVectors = !valuesOnly
        let sectors = try op.symmetry(enabled: run.symmetry)
        progress.stage(sectors.isNontrivial
                       ? "assembling and diagonalizing \(sectors.sectors.count) irrep blocks with zgeev (group of order \(sectors.group.order), largest block m = \(sectors.largestBlock), \(withVectors ? "with" : "without") eigenvectors)"
                       : "assembling 𝕃 and diagonalizing with zgeev (N = \(n), \(withVectors ? "with" : "without") eigenvectors)")
        let spectrum = try Spectrum(operator: op, sectors: sectors, zeroMode: op.fields.root, computeVectors: withVectors,
                                    only: sector.map { [$0] }, progress: { progress.stage($0) })
        try spectrum.requireNormalizedVectors(count: vectors)
        progress.stage("writing the table")

        var report = Report(command: "spectrum")
        report.header = run.modelHeader(fields: op.fields) + resolutionFloorHeader(floor)
        report.add("lapack_routine", spectrum.routine)
        report.add("symmetry_sectors", sectors.isNontrivial
                   ? sectors.sectors.map { "\($0.label):\($0.dimension)" }.joined(separator: ",")
                   : "none (\(run.symmetry ? "no signed axis permutation fixes q" : "--symmetry off"))")
        if sectors.isNontrivial {
            // Per block: its order m and the degeneracy dim Γ of each of its eigenvalues.
            report.add("symmetry_group_order", sectors.group.order)
            report.add("symmetry_blocks", sectors.sectors.map { "\($0.label):\($0.multiplicity)x\($0.degeneracy)" }.joined(separator: ","))
        }
        report.add("frobenius_norm", spectrum.frobeniusNorm)
        if let sector {
            // One block: Σλ is checked against tr 𝕃 when the blocks are merged.
            let trace = op.elements().trace
            report.add("sector_only", sector)
            report.add("operator_trace_re", trace.real)
            report.add("operator_trace_im", trace.imaginary)
            report.add("trace_residual", "not checked: one block (collop merge-sectors checks the sum over all blocks)")
        } else {
            report.add("trace_re", spectrum.trace.real)
            report.add("trace_im", spectrum.trace.imaginary)
            report.add("trace_residual", spectrum.traceResidual)
        }
        if withVectors {
            /// Clusters as "count@s=first" entries (global indices, ascending).
            func entries(_ clusters: [[Int]]) -> [Cluster] { clusters.map { Cluster(count: $0.count, first: $0[0]) } }
            EigenvectorSummary(
                maxCondition: spectrum.modes.compactMap(\.condition).max() ?? 1,
                nearExceptional: spectrum.modes.filter(\.nearExceptional).map(\.index),
                degenerate: entries(spectrum.degenerateValues),
                subspaceBasis: entries(spectrum.clustersWithSubspaceBasis),
                nonOrthogonal: entries(spectrum.clustersLeftNonOrthogonal),
                diffusionMode: spectrum.diffusionMode?.index
            ).add(to: &report)
        }

        var table = Table(name: "spectrum", columns: withVectors ? ["s", "re", "im", "abs", "w0", "sector"] : ["s", "re", "im", "abs", "sector"])
        let trivial = SectorDecomposition.trivialLabel(dimension: built.grid.dimension)
        for mode in spectrum.modes {
            var row: [Cell] = [.integer(mode.index), .number(mode.value.real), .number(mode.value.imaginary), .number(mode.value.length)]
            if withVectors { row.append(.number(mode.zeroModeOverlap ?? 0)) }
            row.append(.text(spectrum.sectorLabel(mode.index) ?? trivial))
            table.rows.append(row)
        }
        report.tables.append(table)

        if vectors > 0 {
            // Written as produced, one eigenvector at a time: never held as cells or text.
            let grid = built.grid
            report.stream = RowStream(name: "vectors", columns: ["s", "k_index"] + (1...grid.dimension).map { "n\($0)" } + ["re", "im"],
                                      groupColumns: ["s"], matrix: "vector", groups: vectors) { s in
                (spectrum.vector(s) ?? []).enumerated().map { k, e in
                    // One allocation per row: these rows are most of the time spent writing.
                    var row: [Cell] = []
                    row.reserveCapacity(grid.dimension + 4)
                    row.append(.integer(s))
                    row.append(.integer(k))
                    for axis in 0..<grid.dimension { row.append(.integer(grid.digit(k, axis: axis))) }
                    row.append(.number(e.real))
                    row.append(.number(e.imaginary))
                    return row
                }
            }
        }
        try run.write(report)
    }
}
