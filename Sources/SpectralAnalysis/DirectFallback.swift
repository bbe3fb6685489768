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
    /// COCG preconditioned by a single-precision LU of the blocks (`DirectFallback`), where
    /// the double-precision LU does not fit in the memory allowed.
    case singleLUPreconditioned = "cocg+lu32"

    /// How much of the direct fallback a solve needed: cocg < cocg+lu < cocg+lu32 < lu.
    public var directness: Int {
        switch self {
        case .cocg: return 0
        case .luPreconditioned: return 1
        case .singleLUPreconditioned: return 2
        case .lu: return 3
        }
    }
}

/// The direct fallback of the matrix-free solves (docs/solvers.md): 𝕃z = b by LAPACK LU
/// (`LUFactorization`) on the blocks Uᵀ𝕃U of the lattice group's irreps that b occupies,
/// assembled from the kernels (no N × N matrix), where the blocks fit in a memory limit.
/// In double precision it is exact in the arithmetic of LU (backward error ≈ ε times the
/// pivot growth), whatever the condition of 𝕃 at small ω. Blocks that fit only in single
/// precision are factorized in single precision, half the bytes and about a third of the
/// time, and serve as COCG's preconditioner (`BlockInverse.isExact` false).
public enum DirectFallback {
    /// Bytes the blocks of one direct solve may hold at once, unless the caller allows more.
    public static let memoryLimit = Double(1 << 30)

    /// The bytes the double-precision LU of a block of order m holds (factorized in place).
    public static func bytes(order m: Int) -> Double { LUFactorization<Double>.storageBytes(order: m) }

    /// The bytes the single-precision LU of a block of order m holds.
    public static func singlePrecisionBytes(order m: Int) -> Double { LUFactorization<Float>.storageBytes(order: m) }

    /// One factorized block, in the precision that fits.
    enum BlockFactorization: Sendable {
        case double(LUFactorization<Double>)
        case single(LUFactorization<Float>)

        func solve(_ b: [Complex<Double>]) throws -> [Complex<Double>] {
            switch self {
            case .double(let lu): return try lu.solve(b)
            case .single(let lu): return try lu.solve(b)
            }
        }
    }

    /// The LU factorizations of the blocks of 𝕃 that a right-hand side occupies: 𝕃⁻¹ on the
    /// sum of those sectors. In each, the partner rows' coordinates c_j = (P^{j1}U)ᵀb share one
    /// block, so one LU gives every w_j = B⁻¹c_j and z = Σ_j P^{j1}U w_j.
    struct BlockInverse {
        let blocks: [(sector: SymmetrySector, lu: BlockFactorization)]
        let gridPoints: Int
        /// True for double-precision factors (`solve` is 𝕃⁻¹ to rounding); false for single
        /// precision, where `solve` is a preconditioner only.
        let isExact: Bool

        /// Factorizes the blocks of `op` in the sectors of `decomposition` that b occupies (a
        /// sector whose coordinates are below 1e-13‖b‖, rounding of a b that lies in other
        /// irreps, is left out): in double precision where all of them fit in `memoryLimit`
        /// bytes, else in single precision where that fits.
        /// - Throws: `DiffusionSolverError.krylovFailure` when not even the single-precision
        ///   blocks fit (`what` names the solve; the advice names the bytes they need),
        ///   `ModelComputationError` for a non-finite element, `LinearAlgebraError` from
        ///   LAPACK (an exactly singular block).
        init(_ op: CollisionOperator, occupiedBy b: [Complex<Double>], decomposition: SectorDecomposition,
             memoryLimit: Double, what: String) throws {
            let threshold = 1e-13 * euclideanNorm(b)
            let occupied = decomposition.sectors.filter { sector in
                (0..<sector.degeneracy).contains { euclideanNorm(sector.project(b, partner: $0)) > threshold }
            }
            let doubleBytes = occupied.reduce(0) { $0 + DirectFallback.bytes(order: $1.multiplicity) }
            let singleBytes = occupied.reduce(0) { $0 + DirectFallback.singlePrecisionBytes(order: $1.multiplicity) }
            isExact = doubleBytes <= memoryLimit
            guard isExact || singleBytes <= memoryLimit else {
                let orders = occupied.map { "\($0.label) of order \($0.multiplicity)" }.joined(separator: ", ")
                throw DiffusionSolverError.krylovFailure(
                    detail: "\(what): the direct fallback's block (\(orders)) needs \(gibibytes(doubleBytes)) GiB for its LU in double precision and \(gibibytes(singleBytes)) GiB in single, more than the \(gibibytes(memoryLimit)) GiB allowed",
                    advice: [.directMemory(neededBytes: singleBytes)])
            }
            var blocks: [(sector: SymmetrySector, lu: BlockFactorization)] = []
            for sector in occupied {
                blocks.append((sector, isExact ? .double(try LUFactorization(try op.block(sector)))
                                               : .single(try LUFactorization(try op.singlePrecisionBlock(sector)))))
            }
            self.blocks = blocks
            gridPoints = b.count
        }

        /// z = 𝕃⁻¹b on the factorized sectors (b's parts in other sectors are dropped); to
        /// single precision only where `isExact` is false.
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

    static func gibibytes(_ bytes: Double) -> String { String(format: "%.3g", bytes / Double(1 << 30)) }
}
