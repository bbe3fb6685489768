import DenseLinearAlgebra
import Numerics

/// The quantum collision operator L̂ = L̂reg + L̂sing of Suslov (74)–(76) on the grid, as
/// an N × N complex-symmetric matrix with the 1/N measure inside (docs/model.md §2):
///
/// 𝕃reg_kk' = δ_kk'(M_k + ΔΣ_k) − (1/N) U0 C(k−k') s_k s_k'        (Suslov (75))
/// 𝕊_kk'    = (1/N) U^sing(k+k') s_k s_k',   𝕃sing = −P 𝕊 P          (Suslov (76))
///
/// with the bilinear Ward projector P = I − s sᵀ/(sᵀs) (or 𝕃sing = −𝕊 without it).
/// Under the projection the kernel arrives without its Q-constant part (which gives
/// c·s sᵀ/N, annihilated by P), so what P removes is never formed. P𝕊P is expanded as 𝕊 − (s uᵀ + u sᵀ)/σ + (τ/σ²) s sᵀ, u = 𝕊s, σ = sᵀs, τ = sᵀu, so
/// every element costs O(d) and the assembly is O(N²), column-parallel, allocation-free.
public struct CollisionOperator: Sendable {
    public let grid: MomentumGrid
    public let fields: KineticFields
    public let u0: Double
    /// U0·C(Q) by grid index of Q = k − k' (nil: white noise, U0·1).
    public let regularKernel: [Double]?
    /// The correlator C of `regularKernel`, whose real-space coefficients give the kernel's
    /// Fourier transform exactly (`OperatorAction`).
    let correlation: DisorderCorrelation
    /// U^sing(Q) by grid index of Q = k + k' (nil: `none`).
    public let singularKernel: [Complex<Double>]?
    public let wardProjection: Bool
    /// max_Q |U^sing(Q)|·(1/N)Σ|ΔG_k| of the unprojected vertex: the scale of 𝕊, against
    /// which a (nearly) vanishing 𝕃sing is measured.
    public let singularScale: Double
    /// ū = (1/N)Σ_Q U^sing(Q)/(1 + l²Q̂²) of the whole vertex (its Q-constant part included):
    /// the weight with which 𝕊 couples k to −k, the vertex within the Green functions'
    /// momentum width 1/l (docs/closure.md §1, the pair-diagonal model, where U^sing is
    /// concentrated at Q ≪ 1/l and this is (1/N)Σ_Q U^sing(Q)); 0 without a singular vertex.
    public let singularWeight: Complex<Double>
    /// u = 𝕊 s.
    let projectedVector: [Complex<Double>]
    /// σ = sᵀs and τ = sᵀ𝕊s.
    let sigma: Complex<Double>
    let tau: Complex<Double>

    public var order: Int { grid.count }
    /// The point (q, ω) the operator was built at.
    public var probe: Probe { fields.probe }
    public var omega: Double { fields.omega }

    /// The operator from its kernels, fields and u = 𝕊s (computed by FFT in
    /// `CollisionModel.operator(at:)`).
    init(grid: MomentumGrid, fields: KineticFields, u0: Double, correlation: DisorderCorrelation, regularKernel: [Double]?,
         singularKernel: [Complex<Double>]?, singularScale: Double, singularWeight: Complex<Double>,
         wardProjection: Bool, projectedVector: [Complex<Double>]) {
        self.grid = grid
        self.fields = fields
        self.u0 = u0
        self.regularKernel = regularKernel
        self.correlation = correlation
        self.singularKernel = singularKernel
        self.wardProjection = wardProjection
        self.singularScale = singularScale
        self.singularWeight = singularWeight
        self.projectedVector = projectedVector
        sigma = bilinearSum(fields.root, fields.root)
        tau = bilinearSum(fields.root, projectedVector)
    }

    /// a·𝕃reg + b·𝕃sing as a dense column-major matrix, checked element by element:
    /// a NaN or infinite element (inputs beyond double range, e.g. F/ω overflowing) is a
    /// `.nonFiniteOperator` error, never a matrix handed on to LAPACK. A buffer the system
    /// refuses is `LinearAlgebraError.allocationFailed`.
    public func matrix(regularWeight a: Complex<Double> = .one,
                       singularWeight b: Complex<Double> = .one) throws -> ComplexMatrix {
        // Column j is row j of the complex-symmetric operator: `OperatorElements.row` forms it
        // with three complex products per element and one table lookup per index k ± k_j.
        let n = grid.count
        let elements = OperatorElements(operator: self, regularWeight: a, singularWeight: b)
        // Every element is written exactly once below, so the buffer starts uninitialized.
        let result = try ComplexMatrix(rows: n, columns: n, for: "the N × N collision operator 𝕃 (N = \(n))", initializingWith: { buffer in
            let target = DisjointWriteBuffer(base: buffer.baseAddress!)
            parallelChunks(count: n, minimumChunk: 4) { columns in
                for j in columns { elements.row(j, into: target.base + j * n) }
            }
        })
        if let bad = result.firstNonFiniteElement() {
            let largestVertex = singularKernel?.map(\.length).max() ?? 0
            throw ModelComputationError.nonFiniteOperator(row: bad.row, column: bad.column,
                                     detail: "max |U^sing| = \(largestVertex), U0 = \(u0), max |s_k|² = \(fields.root.map(\.magnitudeSquared).max() ?? 0) — an input (amplitude F, ω, disorder) is beyond double precision")
        }
        return result
    }

    /// 𝕃 = 𝕃reg + 𝕃sing.
    public var fullMatrix: ComplexMatrix { get throws { try matrix() } }
    /// 𝕃reg alone (Suslov (75)).
    public var regularMatrix: ComplexMatrix { get throws { try matrix(regularWeight: .one, singularWeight: .zero) } }
    /// 𝕃sing alone (Suslov (76)).
    public var singularMatrix: ComplexMatrix { get throws { try matrix(regularWeight: .zero, singularWeight: .one) } }
    /// 𝕃1 = ω·𝕃sing (Suslov (77)), meaningful for the `localized` and `lorentzian` models.
    public var singularOneMatrix: ComplexMatrix {
        get throws { try matrix(regularWeight: .zero, singularWeight: Complex(omega)) }
    }
    /// The operator's symmetry decomposition: the irreps of the lattice group fixing its own
    /// q (the full group of signed axis permutations at q = 0, the little group otherwise)
    /// and their symmetry-adapted bases; the trivial group with `enabled: false` (no blocking).
    /// Every operator of a ladder at one q has the same decomposition.
    public func symmetry(enabled: Bool = true) throws(SymmetryError) -> SectorDecomposition {
        try SectorDecomposition(grid: grid, q: fields.q, enabled: enabled)
    }

    /// diag(M_k): the streaming term, so that 𝕃 − diag M = L̂0 (Suslov (36)).
    public var streamingDiagonal: [Double] { fields.streaming }
}
