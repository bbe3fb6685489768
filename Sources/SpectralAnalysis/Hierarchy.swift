import CollisionOperator
import DenseLinearAlgebra
import Foundation
import Numerics

/// The spectral hierarchy M0 ⊕ M1 ⊕ M∞ of Suslov (70)–(71) by two independent methods
/// (docs/model.md §4): the scaling of tracked branches across a ladder of ω, and the structure of
/// 𝕃1 (rank, (80), (82)). Disagreements are kept, not hidden.
public struct HierarchyAnalysis: Sendable {
    /// One eigenvalue followed across the ladder.
    public struct Branch: Sendable {
        /// Row s of the table: the position of the branch at the smallest ω (|λ| ascending).
        public var index: Int
        /// λ at each ω.
        public var values: [Complex<Double>]
        /// Confidence of each match between neighbouring ω (ladder count − 1 values).
        public var confidences: [Double]
        public var fit: ScalingFit
        /// The structural prediction matched to this eigenvalue at the smallest ω (nil
        /// when the model has no structural classification).
        public var structural: StructuralAnalysis.Prediction?
        /// w0 at the smallest ω.
        public var zeroModeOverlap: Double
        public var minimumConfidence: Double { confidences.min() ?? 1 }
        /// True when both classifications agree, or when there is no structural one.
        public var agrees: Bool { structural.map { $0.family == fit.family } ?? true }
    }

    /// Suslov (84) for one M∞ mode: its overlap with √ΔG, which must be O(ω).
    public struct WardOverlap: Sendable {
        public var branch: Int
        public var eta: Complex<Double>
        /// |(s, u)|/√|(s, s)| for the c-normalized 𝕃1 eigenvector u.
        public var singularOverlap: Double
        /// |(s, e)|/√|(s, s)| for the c-normalized eigenvector e of 𝕃 at each ω.
        public var fullOverlaps: [Double]
        /// Slope of log(overlap) against log ω; nil when every overlap is round-off (< 1e-13).
        public var exponent: Double?
    }

    /// The ladder, largest ω first.
    public let omegas: [Double]
    public let delta: Double
    /// One branch per mode, sorted by `index`.
    public let branches: [Branch]
    /// The structural analysis; nil for the `cooperon` model, which has no 𝕃1 = ω𝕃sing
    /// (only its Q = 0 point is singular in ω), so only the scaling classification applies.
    public let structure: StructuralAnalysis?
    public let ward: [WardOverlap]
    /// max|λ| at each ω.
    public let scales: [Double]

    public static let defaultOmegas = [1e-3, 1e-4, 1e-5]
    public static let defaultDelta = 0.25
    /// Overlaps below this are reported as cancelled to round-off.
    public static let wardFloor = 1e-13

    /// - Parameters:
    ///   - probes: the ladder: ≥ 2 probes at one q with distinct positive frequencies
    ///     (validated by the caller).
    ///   - progress: called with a stage description before each expensive step.
    ///   - symmetry: block the eigen-solves by the irreps of the lattice group that fixes q
    ///     (blocks assembled from the kernels, no N × N matrix).
    public init(model: CollisionModel, probes: [Probe], delta: Double = defaultDelta,
                symmetry: Bool = true, progress: ((String) -> Void)? = nil) throws {
        precondition(!probes.isEmpty && probes.allSatisfy { $0.q == probes[0].q },
                     "a hierarchy ladder varies ω at one q")
        let point = probes[0]
        let ladder = probes.map(\.omega).sorted(by: >)
        let n = model.grid.count
        // Incremental: only two spectra with eigenvectors are alive at a time. Branch i is
        // followed from mode i at the largest ω; `current[i]` is its mode at the present ω.
        var current = Array(0..<n)
        var values = [[Complex<Double>]](repeating: [], count: n)
        var confidences = [[Double]](repeating: [], count: n)
        var fullOverlaps = [[Double]](repeating: [], count: n)
        var previous: Spectrum? = nil
        var scales: [Double] = []
        var lastOperator: CollisionOperator? = nil
        var decomposition: SectorDecomposition? = nil     // the operators' own, one q for the ladder
        for (k, omega) in ladder.enumerated() {
            progress?("ω = \(format(omega)) (\(k + 1) of \(ladder.count)): assembling and diagonalizing 𝕃 (zgeev, N = \(n))")
            let op = try model.operator(at: point.at(omega: omega))
            let sectors = try decomposition ?? op.symmetry(enabled: symmetry)
            decomposition = sectors
            let spectrum = try Spectrum(operator: op, sectors: sectors, zeroMode: op.fields.root, computeVectors: true)
            if let previous {
                progress?("tracking branches ω = \(format(ladder[k - 1])) → \(format(omega)) (optimal assignment on |v_iᴴ w_j|)")
                let step = try BranchTracker.match(from: previous, to: spectrum)
                for i in 0..<n {
                    confidences[i].append(step.confidence[current[i]])
                    current[i] = step.target[current[i]]
                }
            }
            // Suslov (84) overlaps of every mode with √ΔG at this ω (kept for the M∞ branches).
            let overlapOfMode = spectrum.bilinearOverlaps(with: op.fields.root)!
            for i in 0..<n {
                values[i].append(spectrum.modes[current[i]].value)
                fullOverlaps[i].append(overlapOfMode[current[i]])
            }
            scales.append(spectrum.modes.last?.value.length ?? 0)
            previous = spectrum
            lastOperator = op
        }
        let last = previous!
        var structure: StructuralAnalysis? = nil
        var labels: [StructuralAnalysis.Prediction?] = Array(repeating: nil, count: n)
        let lastValues = last.values
        let lastSectors = last.isBlocked ? last.modes.map(\.sector) : nil
        let lastOverlaps = last.modes.map { $0.zeroModeOverlap ?? 0 }
        previous = nil
        if StructuralAnalysis.applies(to: model.parameters.singular) {
            progress?("structural classification: 𝕃1 rank, Suslov (80) and the secular matrix (82)")
            let analysis = try StructuralAnalysis(operator: lastOperator!, sectors: decomposition!)
            labels = try analysis.label(lastValues, sectors: lastSectors)
            structure = analysis
        }

        var branches: [Branch] = []
        var ward: [WardOverlap] = []
        for i in 0..<n {
            let fit = try ScalingFit(omegas: ladder, magnitudes: values[i].map(\.length), scales: scales, delta: delta)
            let s = current[i]
            let branch = Branch(index: s, values: values[i], confidences: confidences[i], fit: fit,
                                structural: labels[s], zeroModeOverlap: lastOverlaps[s])
            branches.append(branch)
            if let structure, let prediction = labels[s], prediction.family == .mInfinity, let u = prediction.vectorIndex {
                let singular = Spectrum.bilinearOverlap(lastOperator!.fields.root, structure.infiniteVectors.column(u))
                var exponent: Double? = nil
                if fullOverlaps[i].allSatisfy({ $0 > Self.wardFloor }) {
                    exponent = try ScalingFit(omegas: ladder, magnitudes: fullOverlaps[i], scales: fullOverlaps[i].map { _ in 0 },
                                          delta: delta).exponent
                }
                ward.append(WardOverlap(branch: s, eta: structure.singularEigenvalues[u], singularOverlap: singular,
                                        fullOverlaps: fullOverlaps[i], exponent: exponent))
            }
        }
        branches.sort { $0.index < $1.index }
        ward.sort { $0.branch < $1.branch }
        self.omegas = ladder
        self.delta = delta
        self.branches = branches
        self.structure = structure
        self.ward = ward
        self.scales = scales
    }

    /// Branch counts per family by the scaling fit.
    public var scalingCounts: [SpectralFamily: Int] {
        Dictionary(grouping: branches, by: \.fit.family).mapValues(\.count)
    }

    /// Branch counts per family by the structural prediction.
    public var structuralCounts: [SpectralFamily: Int] {
        Dictionary(grouping: branches.compactMap(\.structural), by: \.family).mapValues(\.count)
    }

    /// Branches whose two classifications differ (crossovers X always count).
    public var disagreements: [Branch] { branches.filter { !$0.agrees } }

    /// Branches with a match below the avoided-crossing threshold.
    public var avoidedCrossings: [Branch] {
        branches.filter { $0.minimumConfidence < BranchTracker.avoidedCrossingThreshold }
    }
}
