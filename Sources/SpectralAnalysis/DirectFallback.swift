import CollisionOperator
import DenseLinearAlgebra
import Foundation
import Numerics

/// Which solver delivered a linear solve of 𝕃: the matrix-free iteration or, where it could
/// not reach its tolerance, the direct LU of the symmetry block that holds the solve.
public enum SolvePath: String, Sendable, Equatable {
    case cocg
    case lu
}

/// The direct fallback of the matrix-free solves (docs/solvers.md): 𝕃z = b by LAPACK LU
/// (`LUFactorization`) on the blocks Uᵀ𝕃U of the lattice group's irreps that b occupies,
/// assembled from the kernels (no N × N matrix), where a block fits in `memoryLimit`.
/// Exact in the arithmetic of LU (backward error ≈ ε times the pivot growth), whatever the
/// condition of 𝕃 at small ω.
public enum DirectFallback {
    /// Bytes the blocks of one direct solve may hold at once.
    public static let memoryLimit = Double(1 << 30)

    /// The bytes the LU of a block of order m holds (the block is factorized in place).
    public static func bytes(order m: Int) -> Double { LUFactorization.storageBytes(order: m) }

    /// z = 𝕃⁻¹b in the sectors of `decomposition` that b occupies: in each, the partner rows'
    /// coordinates c_j = (P^{j1}U)ᵀb share one block, so one LU gives every w_j = B⁻¹c_j and
    /// z = Σ_j P^{j1}U w_j. A sector whose coordinates are below 1e-13‖b‖ (rounding of a b
    /// that lies in other irreps) is skipped.
    /// - Throws: `DiffusionSolverError.krylovFailure` when an occupied block does not fit in
    ///   `memoryLimit` bytes (`what` names the solve), `ModelComputationError` for a
    ///   non-finite element, `LinearAlgebraError` from LAPACK (an exactly singular block).
    static func solve(_ op: CollisionOperator, _ b: [Complex<Double>], decomposition: SectorDecomposition,
                      memoryLimit: Double = memoryLimit, what: String) throws -> [Complex<Double>] {
        let n = b.count
        let threshold = 1e-13 * euclideanNorm(b)
        var z = [Complex<Double>](repeating: .zero, count: n)
        for sector in decomposition.sectors {
            let coordinates = (0..<sector.degeneracy).map { sector.project(b, partner: $0) }
            guard coordinates.contains(where: { euclideanNorm($0) > threshold }) else { continue }
            let m = sector.multiplicity
            guard bytes(order: m) <= memoryLimit else {
                throw DiffusionSolverError.krylovFailure(
                    detail: "\(what): the direct fallback's \(sector.label) block of order \(m) needs \(String(format: "%.3g", bytes(order: m) / Double(1 << 30))) GiB (more than the \(String(format: "%.3g", memoryLimit / Double(1 << 30))) GiB allowed)",
                    advice: [])
            }
            let lu = try LUFactorization(try op.block(sector))
            for (partner, c) in coordinates.enumerated() {
                let w = try lu.solve(c)
                let part = sector.expand(w, gridPoints: n, partner: partner)
                for k in 0..<n { z[k] += part[k] }
            }
        }
        return z
    }
}
