import CollisionOperator
import DenseLinearAlgebra
import Foundation
import Numerics

/// Suslov's Fig. 4: the eigenvalues of 𝕃sing + t·𝕃reg as the regular part is switched
/// on, t = 0, 1/K, …, 1, tracked branch by branch. At t = 0 the spectrum is 𝕃sing's own:
/// N − rank 𝕃1 exact zeros and rank 𝕃1 values ~1/ω.
public struct FlowAnalysis: Sendable {
    public struct Branch: Sendable {
        /// Position at t = 1 (|λ| ascending).
        public var index: Int
        public var modes: [Int]
        public var values: [Complex<Double>]
        /// Confidence of each match t_k → t_{k+1}.
        public var confidences: [Double]
        /// The structural family of the branch's eigenvalue at t = 1 (nil for `cooperon`).
        public var family: SpectralFamily?
    }

    public let couplings: [Double]
    public let branches: [Branch]
    /// Exact zeros (|λ| ≤ 1e-9·max|λ|) at t = 0.
    public let zeroModesAtStart: Int
    public let rank: Int

    public init(model: CollisionModel, steps: Int, progress: ((String) -> Void)? = nil) throws {
        let op = try model.collisionOperator()
        let couplings = (0...steps).map { Double($0) / Double(steps) }
        var spectra: [Spectrum] = []
        for (k, t) in couplings.enumerated() {
            progress?("t = \(format(t)) (\(k + 1) of \(couplings.count)): diagonalizing 𝕃sing + t·𝕃reg")
            let matrix = op.matrix(regularWeight: Complex(t), singularWeight: .one)
            spectra.append(try Spectrum(matrix: matrix, zeroMode: op.fields.root, computeVectors: true))
        }
        var tracking: [TrackingStep] = []
        for k in 0..<(spectra.count - 1) {
            progress?("tracking t = \(format(couplings[k])) → \(format(couplings[k + 1]))")
            tracking.append(try BranchTracker.match(from: spectra[k], to: spectra[k + 1]))
        }
        var labels: [StructuralAnalysis.Prediction?] = Array(repeating: nil, count: op.order)
        if StructuralAnalysis.applies(to: model.parameters.singular) {
            progress?("structural classification at t = 1")
            let structure = try StructuralAnalysis(operator: op)
            labels = try structure.label(spectra.last!.values)
        }
        let first = spectra[0]
        let scale = first.modes.last?.value.length ?? 0
        zeroModesAtStart = first.modes.filter { $0.value.length <= ScalingFit.zeroThreshold * scale }.count
        rank = try SingularRank(operator: op).rank

        var branches: [Branch] = []
        for start in 0..<op.order {
            var modes = [start]
            var confidences: [Double] = []
            for step in tracking {
                confidences.append(step.confidence[modes.last!])
                modes.append(step.target[modes.last!])
            }
            branches.append(Branch(index: modes.last!, modes: modes, values: zip(spectra, modes).map { $0.modes[$1].value },
                                   confidences: confidences, family: labels[modes.last!]?.family))
        }
        self.couplings = couplings
        self.branches = branches.sorted { $0.index < $1.index }
    }
}
