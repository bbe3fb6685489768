import DenseLinearAlgebra
import Numerics

/// What a diffusion-mode solver needs of an operator 𝕃 (complex symmetric, bilinear product
/// with the 1/N measure), and nothing more: its action, its zero-mode structure and a
/// preconditioner. The collision operator at a probe conforms; a symmetry block of it can
/// conform by giving the same quantities in its own basis (the zero mode projected on the
/// block), so every solver runs on either.
///
/// A preconditioner that carries the 1/ω part of a singular vertex, and the norm estimate a
/// backward-error stopping rule needs, are to be added here as further requirements.
public protocol DiffusionModeOperator {
    associatedtype Action: LinearOperator
    associatedtype Preconditioner: ShiftedPreconditioner
    /// The order of 𝕃.
    var order: Int { get }
    /// The zero mode s = √ΔG of the ω = 0, q = 0 operator (Suslov (45)), whose overlap w0
    /// identifies the diffusion mode.
    var zeroMode: [Complex<Double>] { get }
    /// λ_M = (s, M s)/(s, s), the streaming term of λ0 (Suslov (40)).
    var streamingTerm: Complex<Double> { get }
    /// max_k |M_k + ΔΣ_k|: the scale of 𝕃's regular diagonal, against which "small" is measured.
    var diagonalScale: Double { get }
    /// 𝕃 as diagonal plus rank one, d − ρ u uᵀ, when it is exactly that (white noise, no
    /// singular vertex); nil otherwise.
    var diagonalPlusRankOne: DiagonalPlusRankOneForm? { get }
    /// The preconditioner that suits the operator (exact where it can be).
    var naturalPreconditioner: PreconditionerKind { get }

    /// The matrix-free product y = 𝕃x.
    func makeAction() throws -> Action
    /// The dense matrix that holds the diffusion mode and the zero mode in its basis: with
    /// `symmetry`, the fully symmetric sector alone (w0 vanishes in every other sector); and
    /// the map of a vector in that basis back to the grid.
    func denseDiffusionProblem(symmetry: Bool) throws
        -> (matrix: ComplexMatrix, zeroMode: [Complex<Double>], expand: ([Complex<Double>]) -> [Complex<Double>])
    /// The order of `denseDiffusionProblem`'s matrix, without building it (for a memory check).
    func denseDiffusionOrder(symmetry: Bool) throws -> Int
    /// The preconditioner of the given kind.
    func preconditioner(_ kind: PreconditionerKind) -> Preconditioner
}

/// 𝕃 = diag(d) + ρ u uᵀ (the secular equation's data, `DiagonalPlusRankOne`).
public struct DiagonalPlusRankOneForm: Sendable {
    public var diagonal: [Complex<Double>]
    public var vector: [Complex<Double>]
    public var coefficient: Complex<Double>
}

extension CollisionOperator: DiffusionModeOperator {
    public var zeroMode: [Complex<Double>] { fields.root }
    public var streamingTerm: Complex<Double> { fields.streamingTerm }
    public var diagonalScale: Double { fields.regularDiagonal.reduce(0) { max($0, $1.length) } }

    /// 𝕃 = diag(M + ΔΣ) − (U0/N) s sᵀ for white noise without a singular vertex (Suslov (75)).
    public var diagonalPlusRankOne: DiagonalPlusRankOneForm? {
        guard regularKernel == nil, singularKernel == nil else { return nil }
        return DiagonalPlusRankOneForm(diagonal: fields.regularDiagonal, vector: fields.root,
                                       coefficient: Complex(-u0 / Double(fields.count)))
    }

    /// `diagonal` for white noise with `none` (where it is exact), `pairs` otherwise.
    public var naturalPreconditioner: PreconditionerKind {
        regularKernel == nil && singularKernel == nil ? .diagonal : .pairs
    }

    public func makeAction() throws -> OperatorAction { try action() }

    public func denseDiffusionProblem(symmetry: Bool) throws
        -> (matrix: ComplexMatrix, zeroMode: [Complex<Double>], expand: ([Complex<Double>]) -> [Complex<Double>]) {
        let sectors = try self.symmetry(enabled: symmetry)
        if let symmetric = sectors.sectors.first(where: \.isFullySymmetric), sectors.isNontrivial {
            // The trivial irrep's block alone, assembled from the kernels (no N × N matrix).
            let n = grid.count
            return (try block(symmetric), symmetric.project(fields.root), { symmetric.expand($0, gridPoints: n) })
        }
        return (try fullMatrix, fields.root, { $0 })
    }

    public func denseDiffusionOrder(symmetry: Bool) throws -> Int {
        let shapes = try SectorDecomposition.blockShapes(grid: grid, q: fields.q, enabled: symmetry)
        // The fully symmetric irrep comes first (`IrreducibleRepresentations.of`); one sector
        // of degeneracy 1 is the unblocked grid.
        return shapes.count > 1 || (shapes.first?.degeneracy ?? 1) > 1 ? shapes.first?.multiplicity ?? grid.count : grid.count
    }

    public func preconditioner(_ kind: PreconditionerKind) -> PairPreconditioner {
        PairPreconditioner(self, kind: kind)
    }
}
