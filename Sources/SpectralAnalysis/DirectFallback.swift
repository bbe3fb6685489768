import CollisionOperator
import DenseLinearAlgebra
import Foundation
import Numerics

/// Which solver delivered a linear solve of 𝕃: the matrix-free iteration or, where it could
/// not reach its tolerance, the direct LU of the symmetry block that holds the solve.
public enum SolvePath: String, Sendable, Equatable {
    case cocg
    /// COCG preconditioned by the LU of a nearby operator's blocks (the closure's previous
    /// fixed-point iterate at the same ω, `CurrentRelaxation.Channel`).
    case luPreconditioned = "cocg+lu"
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

    /// The LU factorizations of the blocks of 𝕃 that a right-hand side occupies: 𝕃⁻¹ on the
    /// sum of those sectors. In each, the partner rows' coordinates c_j = (P^{j1}U)ᵀb share one
    /// block, so one LU gives every w_j = B⁻¹c_j and z = Σ_j P^{j1}U w_j.
    struct BlockInverse {
        let blocks: [(sector: SymmetrySector, lu: LUFactorization)]
        let gridPoints: Int

        /// Factorizes the blocks of `op` in the sectors of `decomposition` that b occupies (a
        /// sector whose coordinates are below 1e-13‖b‖, rounding of a b that lies in other
        /// irreps, is left out).
        /// - Throws: `DiffusionSolverError.krylovFailure` when an occupied block does not fit
        ///   in `memoryLimit` bytes (`what` names the solve), `ModelComputationError` for a
        ///   non-finite element, `LinearAlgebraError` from LAPACK (an exactly singular block).
        init(_ op: CollisionOperator, occupiedBy b: [Complex<Double>], decomposition: SectorDecomposition,
             memoryLimit: Double, what: String) throws {
            let threshold = 1e-13 * euclideanNorm(b)
            var blocks: [(sector: SymmetrySector, lu: LUFactorization)] = []
            var held = 0.0
            for sector in decomposition.sectors {
                guard (0..<sector.degeneracy).contains(where: { euclideanNorm(sector.project(b, partner: $0)) > threshold }) else { continue }
                let m = sector.multiplicity
                held += bytes(order: m)
                guard held <= memoryLimit else {
                    throw DiffusionSolverError.krylovFailure(
                        detail: "\(what): the direct fallback's \(sector.label) block of order \(m) brings its LU to \(String(format: "%.3g", held / Double(1 << 30))) GiB (more than the \(String(format: "%.3g", memoryLimit / Double(1 << 30))) GiB allowed)",
                        advice: [])
                }
                blocks.append((sector, try LUFactorization(try op.block(sector))))
            }
            self.blocks = blocks
            gridPoints = b.count
        }

        /// z = 𝕃⁻¹b on the factorized sectors (b's parts in other sectors are dropped).
        func solve(_ b: [Complex<Double>]) throws -> [Complex<Double>] {
            var z = [Complex<Double>](repeating: .zero, count: gridPoints)
            for (sector, lu) in blocks {
                for partner in 0..<sector.degeneracy {
                    let part = sector.expand(try lu.solve(sector.project(b, partner: partner)), gridPoints: gridPoints, partner: partner)
                    for k in 0..<gridPoints { z[k] += part[k] }
                }
            }
            return z
        }
    }
}
