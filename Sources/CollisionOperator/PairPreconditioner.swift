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
public struct PairPreconditioner: ShiftedPreconditioner, Sendable {
    public let kind: PreconditionerKind
    /// The grid's index of −k (shared with the grid, not copied).
    let partner: [Int32]
    let diagonal: [Complex<Double>]
    /// B_{k,−k} (empty for `diagonal`, where it vanishes).
    let offDiagonal: [Complex<Double>]

    /// The model `kind` of `op`.
    public init(_ op: CollisionOperator, kind: PreconditionerKind) {
        let grid = op.grid
        let n = grid.count
        let fields = op.fields
        self.kind = kind
        partner = grid.negatedIndex
        guard kind != .diagonal else {
            diagonal = fields.regularDiagonal
            offDiagonal = []
            return
        }
        let s = fields.root
        let inverseN = 1 / Double(n)
        func regular(_ index: Int) -> Complex<Double> { Complex(op.regularKernel?[index] ?? op.u0) }
        func singular(_ index: Int) -> Complex<Double> { op.singularKernel?[index] ?? .zero }
        // The vertex's weight on the coupling of k to −k, in units of 1/N.
        let pairWeight = kind == .singularPairs ? Complex(Double(n)) * op.singularWeight : singular(0)
        var d = [Complex<Double>](repeating: .zero, count: n)
        var o = d
        for k in 0..<n {
            let m = Int(partner[k])
            let self2k = m == k ? pairWeight : singular(grid.sumIndex(k, k))
            d[k] = (Complex(fields.streaming[k]) + fields.deltaSigma[k]) - Complex(inverseN) * (regular(0) + self2k) * s[k] * s[k]
            o[k] = m == k ? .zero : -Complex(inverseN) * (regular(grid.differenceIndex(k, m)) + pairWeight) * s[k] * s[m]
        }
        diagonal = d
        offDiagonal = o
    }

    /// The order N of the model (`ShiftedPreconditioner`).
    public var order: Int { diagonal.count }

    /// z = (B − λ)⁻¹ v, pair by pair (no allocation).
    public func solve(_ v: [Complex<Double>], shift: Complex<Double>, into z: inout [Complex<Double>]) {
        let paired = !offDiagonal.isEmpty
        for k in 0..<diagonal.count {
            let m = Int(partner[k])
            if m == k {
                z[k] = v[k] / (diagonal[k] - shift)
            } else if k < m {
                let a = diagonal[k] - shift, d = diagonal[m] - shift, b = paired ? offDiagonal[k] : .zero
                let determinant = a * d - b * b
                z[k] = (d * v[k] - b * v[m]) / determinant
                z[m] = (a * v[m] - b * v[k]) / determinant
            }
        }
    }
}
