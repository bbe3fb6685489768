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

    public init(model: CollisionModel, at probe: Probe, steps: Int, symmetry: Bool = true,
                progress: ((String) -> Void)? = nil) throws {
        let op = try model.operator(at: probe)
        let couplings = (0...steps).map { Double($0) / Double(steps) }
        let n = op.order
        // Incremental tracking: two spectra with eigenvectors alive at a time.
        var current = Array(0..<n)
        var values = [[Complex<Double>]](repeating: [], count: n)
        var confidences = [[Double]](repeating: [], count: n)
        var previous: Spectrum? = nil
        var zeroModes = 0
        let sectors = try op.symmetry(enabled: symmetry)
        for (k, t) in couplings.enumerated() {
            progress?("t = \(format(t)) (\(k + 1) of \(couplings.count)): diagonalizing 𝕃sing + t·𝕃reg")
            let spectrum = try Spectrum(operator: op, sectors: sectors, regularWeight: Complex(t), singularWeight: .one,
                                        zeroMode: op.fields.root, computeVectors: true)
            if let previous {
                let step = try BranchTracker.match(from: previous, to: spectrum)
                for i in 0..<n {
                    confidences[i].append(step.confidence[current[i]])
                    current[i] = step.target[current[i]]
                }
            } else {
                let scale = spectrum.modes.last?.value.length ?? 0
                zeroModes = spectrum.modes.filter { $0.value.length <= ScalingFit.zeroThreshold * scale }.count
            }
            for i in 0..<n { values[i].append(spectrum.modes[current[i]].value) }
            previous = spectrum
        }
        let finalValues = previous!.values
        let finalSectors = previous!.isBlocked ? previous!.modes.map(\.sector) : nil
        previous = nil
        var labels: [StructuralAnalysis.Prediction?] = Array(repeating: nil, count: n)
        if StructuralAnalysis.applies(to: model.parameters.singular) {
            progress?("structural classification at t = 1")
            let structure = try StructuralAnalysis(operator: op, sectors: sectors)
            labels = try structure.label(finalValues, sectors: finalSectors)
            rank = structure.rank
        } else {
            rank = try SingularRank(operator: op).rank
        }
        zeroModesAtStart = zeroModes
        self.branches = (0..<n).map { i in
            Branch(index: current[i], values: values[i], confidences: confidences[i], family: labels[current[i]]?.family)
        }.sorted { $0.index < $1.index }
        self.couplings = couplings
    }
}
