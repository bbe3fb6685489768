import CollisionOperator
import Foundation
import Synchronization

/// Progress of a blocked diagonalization: one line per finished block, with the time left
/// estimated from the work done so far (zgeev ~ m³, ×2 with vectors; assembly ~ m·N·(dim Γ + 1)).
final class BlockProgress: Sendable {
    private let sectors: [SymmetrySector]
    private let costs: [Double]
    private let total: Double
    private let clock = ContinuousClock.now
    private let done = Mutex<(blocks: Int, cost: Double)>((0, 0))
    private let report: @Sendable (String) -> Void

    /// Reports the blocks' count, the largest m and the share of the dense flops.
    init(sectors: [SymmetrySector], gridPoints n: Int, computeVectors: Bool, report: @escaping @Sendable (String) -> Void) {
        self.sectors = sectors
        costs = sectors.map { s in
            let m = Double(s.multiplicity)
            return m * m * m * (computeVectors ? 2 : 1) + m * Double(n) * Double(s.degeneracy + 1)
        }
        total = costs.reduce(0, +)
        self.report = report
        let largest = sectors.map(\.multiplicity).max() ?? 0
        report("\(sectors.count) symmetry blocks (largest m = \(largest)), \(String(format: "%.3g", total / pow(Double(n), 3) * 100))% of the dense flops")
    }

    /// Block `index` (into `sectors`) is done.
    func finished(_ index: Int) {
        let (count, cost) = done.withLock { state in
            state.blocks += 1
            state.cost += costs[index]
            return state
        }
        let (seconds, attoseconds) = (ContinuousClock.now - clock).components
        let elapsed = Double(seconds) + Double(attoseconds) * 1e-18
        let left = cost > 0 ? elapsed * (total - cost) / cost : 0
        let sector = sectors[index]
        report("block \(sector.label) (m = \(sector.multiplicity), ×\(sector.degeneracy)) done: \(count) of \(sectors.count), \(String(format: "%.0f", 100 * cost / max(total, 1)))% of the flops, about \(String(format: "%.0f", left)) s left")
    }
}
