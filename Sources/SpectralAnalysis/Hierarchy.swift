import CollisionOperator
import DenseLinearAlgebra
import Foundation
import Numerics

/// The spectral hierarchy M0 ⊕ M1 ⊕ M∞ of Suslov (70)–(71) by two independent methods
/// (DESIGN §4): the scaling of tracked branches across a ladder of ω, and the structure of
/// 𝕃1 (rank, (80), (82)). Disagreements are kept, not hidden.
public struct HierarchyAnalysis: Sendable {
    /// One eigenvalue followed across the ladder.
    public struct Branch: Sendable {
        /// Row s of the table: the position of the branch at the smallest ω (|λ| ascending).
        public var index: Int
        /// Mode index at each ω of the ladder (ladder order).
        public var modes: [Int]
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
    ///   - omegas: ≥ 2 distinct positive frequencies (validated by the caller).
    ///   - progress: called with a stage description before each expensive step.
    public init(model: CollisionModel, omegas: [Double] = defaultOmegas, delta: Double = defaultDelta,
                progress: ((String) -> Void)? = nil) throws {
        let ladder = omegas.sorted(by: >)
        let n = model.grid.count
        var spectra: [Spectrum] = []
        var operators: [CollisionOperator] = []
        for (position, omega) in ladder.enumerated() {
            progress?("ω = \(format(omega)) (\(position + 1) of \(ladder.count)): assembling and diagonalizing 𝕃 (zgeev, N = \(n))")
            let op = try model.collisionOperator(omega: omega)
            spectra.append(try Spectrum(matrix: op.fullMatrix, zeroMode: op.fields.root, computeVectors: true))
            operators.append(op)
        }
        var steps: [TrackingStep] = []
        for k in 0..<(ladder.count - 1) {
            progress?("tracking branches ω = \(format(ladder[k])) → \(format(ladder[k + 1])) (optimal assignment on |v_iᴴ w_j|)")
            steps.append(try BranchTracker.match(from: spectra[k], to: spectra[k + 1]))
        }
        let last = spectra.last!
        var structure: StructuralAnalysis? = nil
        var labels: [StructuralAnalysis.Prediction?] = Array(repeating: nil, count: n)
        if StructuralAnalysis.applies(to: model.parameters.singular) {
            progress?("structural classification: 𝕃1 rank, Suslov (80) and the secular matrix (82)")
            let analysis = try StructuralAnalysis(operator: operators.last!)
            labels = try analysis.label(last.values)
            structure = analysis
        }
        let scales = spectra.map { $0.modes.last?.value.length ?? 0 }

        var branches: [Branch] = []
        for start in 0..<n {
            var modes = [start]
            var confidences: [Double] = []
            for step in steps {
                confidences.append(step.confidence[modes.last!])
                modes.append(step.target[modes.last!])
            }
            let values = zip(spectra, modes).map { $0.modes[$1].value }
            let fit = ScalingFit(omegas: ladder, magnitudes: values.map(\.length), scales: scales, delta: delta)
            let s = modes.last!
            branches.append(Branch(index: s, modes: modes, values: values, confidences: confidences, fit: fit,
                                   structural: labels[s], zeroModeOverlap: last.modes[s].zeroModeOverlap ?? 0))
        }
        branches.sort { $0.index < $1.index }

        // Suslov (84): overlaps of the M∞ modes with √ΔG.
        var ward: [WardOverlap] = []
        for branch in branches where branch.structural?.family == .mInfinity {
            guard let structure, let u = branch.structural?.vectorIndex else { continue }
            let singular = Self.zeroModeOverlap(operators.last!.fields.root, structure.infiniteVectors.column(u))
            let full = (0..<ladder.count).map { k in
                Self.zeroModeOverlap(operators[k].fields.root, spectra[k].vectors!.column(branch.modes[k]))
            }
            var exponent: Double? = nil
            if full.allSatisfy({ $0 > Self.wardFloor }) {
                exponent = ScalingFit(omegas: ladder, magnitudes: full, scales: full.map { _ in 0 }, delta: delta).exponent
            }
            ward.append(WardOverlap(branch: branch.index, eta: structure.singularEigenvalues[u], singularOverlap: singular,
                                    fullOverlaps: full, exponent: exponent))
        }
        self.omegas = ladder
        self.delta = delta
        self.branches = branches
        self.structure = structure
        self.ward = ward
        self.scales = scales
    }

    /// |(s, v)|/√|(s, s)| with (a, b) = (1/N) Σ a_k b_k and v c-normalized.
    static func zeroModeOverlap(_ s: [Complex<Double>], _ v: [Complex<Double>]) -> Double {
        let n = Complex<Double>(Double(s.count))
        return (bilinearSum(s, v) / n).length / (bilinearSum(s, s) / n).length.squareRoot()
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
