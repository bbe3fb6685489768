import DenseLinearAlgebra
import Numerics

/// Which model of 𝕃 a preconditioner inverts (`DiffusionModeOperator.preconditioner`).
public enum PreconditionerKind: String, Sendable, CaseIterable {
    /// diag(M + ΔΣ).
    case diagonal
    /// The 2 × 2 blocks on {k, −k}, which hold the cooperon's Q = 0 pole and the
    /// k − k' = 2k and k + k' = 2k couplings.
    case pairs
    /// The 2 × 2 blocks on {k, −k} with the whole weight ū = (1/N)Σ_Q U^sing(Q) of the
    /// singular vertex on the k ↔ −k coupling, not its Q = 0 term alone: the pair-diagonal
    /// model of docs/closure.md §1, (𝕃j)_k ≈ ΔΣ(1 + ū|G_k|²) j_k on odd j, nearly exact when
    /// U^sing is concentrated at Q ≪ 1/l — the cooperon at small ω, where ū ∝ 1/ω
    /// (d = 1: 1/√ω above the Thouless scale) carries the operator's ill-conditioning.
    case singularPairs
}

/// The block-diagonal model B of 𝕃 on the pairs {k, −k} (1 × 1 where k = −k), without the
/// Ward projection's rank-one terms, solved pair by pair: the one preconditioner of the
/// matrix-free solves (λ0 by Newton–COCG, `KrylovDiffusion`; the current solve 𝕃z = j of
/// the closure, `CurrentRelaxation`).
///
///   B_kk = M_k + ΔΣ_k − (1/N)(U0 C(0) + U^sing(2k)) s_k²,
///   B_{k,−k} = −(1/N)(U0 C(2k) + U^sing(0)) s_k s_{−k}           (Suslov (75), (76) on the pair)
///
/// `singularPairs` puts ū = (1/N)Σ_Q U^sing(Q) in place of U^sing(0)/N on the k ↔ −k
/// coupling (and of U^sing(2k)/N on a self-paired k = −k), the peak's whole weight;
/// `diagonal` keeps B_kk = M_k + ΔΣ_k only — exact for white noise with the `none` vertex.
/// B is complex symmetric, as COCG needs.
///
/// The blocks are formed afresh, pair by pair, in every solve from the operator's fields and
/// kernels (shared, not copied): a few complex products per point against two complex
/// vectors of N held for the whole Krylov solve.
public struct PairPreconditioner: ShiftedPreconditioner, Sendable {
    public let kind: PreconditionerKind
    let op: CollisionOperator
    /// The vertex's weight on the coupling of k to −k, in units of 1/N.
    let pairWeight: Complex<Double>

    /// The model `kind` of `op`.
    public init(_ op: CollisionOperator, kind: PreconditionerKind) {
        self.kind = kind
        self.op = op
        pairWeight = kind == .singularPairs ? Complex(Double(op.order)) * op.singularWeight : (op.singularKernel?[0] ?? .zero)
    }

    /// The order N of the model (`ShiftedPreconditioner`).
    public var order: Int { op.order }

    /// z = (B − λ)⁻¹ v, pair by pair (no allocation).
    public func solve(_ v: [Complex<Double>], shift: Complex<Double>, into z: inout [Complex<Double>]) {
        let grid = op.grid
        let fields = op.fields
        let n = grid.count, d = grid.dimension, size = grid.size
        let inverseN = Complex<Double>(1 / Double(n))
        let paired = kind != .diagonal
        let regularZero = Complex(op.regularKernel?[0] ?? op.u0)
        let pairWeight = self.pairWeight
        grid.negatedIndex.withUnsafeBufferPointer { partner in
        grid.digits.withUnsafeBufferPointer { digits in
        grid.strides.withUnsafeBufferPointer { strides in
        fields.root.withUnsafeBufferPointer { s in
        fields.streaming.withUnsafeBufferPointer { streaming in
        fields.deltaSigma.withUnsafeBufferPointer { deltaSigma in
            /// The index of 2k, which is k + k and k − (−k).
            func doubled(_ k: Int) -> Int {
                var index = 0
                for axis in 0..<d { index += ((2 * Int(digits[k * d + axis])) % size) * strides[axis] }
                return index
            }
            func regular(_ index: Int) -> Complex<Double> { Complex(op.regularKernel?[index] ?? op.u0) }
            func singular(_ index: Int) -> Complex<Double> { op.singularKernel?[index] ?? .zero }
            /// B_kk − λ.
            func diagonal(_ k: Int, selfPaired: Bool) -> Complex<Double> {
                let base = Complex(streaming[k]) + deltaSigma[k]
                guard paired else { return base - shift }
                let self2k = selfPaired ? pairWeight : singular(doubled(k))
                return (base - inverseN * (regularZero + self2k) * s[k] * s[k]) - shift
            }
            for k in 0..<n {
                let m = Int(partner[k])
                if m == k {
                    z[k] = v[k] / diagonal(k, selfPaired: true)
                } else if k < m {
                    let a = diagonal(k, selfPaired: false), dm = diagonal(m, selfPaired: false)
                    let b = paired ? -inverseN * (regular(doubled(k)) + pairWeight) * s[k] * s[m] : .zero
                    let determinant = a * dm - b * b
                    z[k] = (dm * v[k] - b * v[m]) / determinant
                    z[m] = (a * v[m] - b * v[k]) / determinant
                }
            }
        }
        }
        }
        }
        }
        }
    }
}
