import CollisionOperator
import DenseLinearAlgebra
import Numerics

/// One eigenvalue of 𝕃 with what the tables report about it.
public struct Mode: Sendable, Equatable {
    /// Position in the table (0-based, ascending |λ|).
    public var index: Int
    public var value: Complex<Double>
    /// w0 = |sᴴv| / (‖s‖‖v‖) ∈ [0, 1], overlap with the zero mode s = √ΔG (nil without vectors).
    public var zeroModeOverlap: Double?
    /// 1/|vᵀv| for the Euclidean-normalized eigenvector (nil without vectors).
    public var condition: Double?
    /// |vᵀv| < 1e-8: the mode sits near an exceptional point.
    public var nearExceptional: Bool
}

/// Failures of the spectral layer that are not LAPACK's own (exit status 3).
public enum SpectralError: Error, Equatable, Sendable, CustomStringConvertible {
    /// |Σλ − tr 𝕃| exceeded its bound after a diagonalization: the eigenvalues are not trustworthy.
    case traceMismatch(residual: Double, tolerance: Double)
    /// A c-normalized eigenvector was needed for a mode at an exceptional point, where
    /// (e, e) = 1 cannot be reached (|vᵀv| < 1e-8 for the unit vector v).
    case nearExceptionalPoint(mode: Int, condition: Double)

    public var description: String {
        switch self {
        case let .traceMismatch(residual, tolerance):
            return "trace check failed after diagonalization: |Σλ − tr 𝕃|/|tr 𝕃| = \(residual) > \(tolerance)"
        case let .nearExceptionalPoint(mode, condition):
            return "mode \(mode) is at an exceptional point (condition 1/|vᵀv| = \(condition) > 1e8): its eigenvector is self-orthogonal and has no c-normalized form; the eigenvalue is reliable only to √ε, the vector not at all"
        }
    }
}

/// The eigen-decomposition of a collision operator, sorted by |λ| ascending, with the
/// trace check of DESIGN §3.5 done after every diagonalization.
public struct Spectrum: Sendable {
    public private(set) var modes: [Mode]
    /// c-normalized eigenvectors ((e, e) = (1/N) Σ e_k² = 1), column s ↔ `modes[s]`; nil
    /// when only eigenvalues were computed.
    public private(set) var vectors: ComplexMatrix?
    public let trace: Complex<Double>
    public let eigenvalueSum: Complex<Double>
    /// |Σλ − tr 𝕃| / |tr 𝕃|.
    public let traceResidual: Double
    /// ‖𝕃‖_F of the diagonalized matrix.
    public let frobeniusNorm: Double
    /// The LAPACK routine used.
    public let routine: String
    /// Degenerate clusters of more than one mode (table indices).
    public private(set) var degenerateClusters: [[Int]]
    /// Large degenerate clusters whose vectors are a Hermitian-orthonormal basis of the
    /// eigenspace (rebuilt from the complement of the other eigenvectors).
    public private(set) var clustersWithSubspaceBasis: [[Int]]
    /// Large degenerate clusters left with LAPACK's (possibly dependent) vectors.
    public private(set) var clustersLeftNonOrthogonal: [[Int]]

    /// Bound of the trace check, DESIGN §3.5.
    public static let traceTolerance = 1e-10

    public var values: [Complex<Double>] { modes.map(\.value) }

    /// Diagonalizes `matrix` (consumed) with `zgeev`.
    /// - Parameters:
    ///   - zeroMode: s = √ΔG, for the w0 column (needs `computeVectors`).
    ///   - computeVectors: right eigenvectors, c-normalized in the bilinear product.
    /// - Throws: `LinearAlgebraError` (non-finite input, LAPACK info), `SpectralError.traceMismatch`.
    public init(matrix: consuming ComplexMatrix, zeroMode: [Complex<Double>]?, computeVectors: Bool) throws {
        let n = matrix.rows
        let trace = matrix.trace
        let norm = matrix.frobeniusNorm
        var decomposition = try GeneralEigensolver.decompose(consume matrix, computeVectors: computeVectors)
        let sum = decomposition.values.reduce(Complex<Double>.zero, +)
        let residual = trace.length > 0 ? (sum - trace).length / trace.length : (sum - trace).length
        guard residual <= Self.traceTolerance else {
            throw SpectralError.traceMismatch(residual: residual, tolerance: Self.traceTolerance)
        }

        let order = decomposition.values.indices.sorted { a, b in
            let x = decomposition.values[a], y = decomposition.values[b]
            if x.length != y.length { return x.length < y.length }
            if x.real != y.real { return x.real < y.real }
            if x.imaginary != y.imaginary { return x.imaginary < y.imaginary }
            return a < b
        }
        let sortedValues = order.map { decomposition.values[$0] }
        var modes = sortedValues.enumerated().map {
            Mode(index: $0.offset, value: $0.element, zeroModeOverlap: nil, condition: nil, nearExceptional: false)
        }
        var vectors: ComplexMatrix? = nil
        var clusters: [[Int]] = []
        var skipped: [[Int]] = []
        var rebuilt: [[Int]] = []
        if decomposition.vectors != nil {
            // Sort the columns, releasing LAPACK's buffer before the basis is normalized in place.
            let sorted = decomposition.vectors!.columns(at: order)
            decomposition.vectors = nil
            let basis = BilinearEigenbasis(values: sortedValues, vectors: consume sorted, weight: 1 / Double(max(n, 1)),
                                           clusterTolerance: 1e4 * Double.ulpOfOne * norm)
            let zeroNorm = zeroMode.map(euclideanNorm)
            for s in 0..<n {
                let v = basis.vectors.column(s)
                modes[s].condition = basis.conditions[s]
                modes[s].nearExceptional = basis.nearExceptional[s]
                if let zero = zeroMode, let zeroNorm, zeroNorm > 0 {
                    let vNorm = euclideanNorm(v)
                    modes[s].zeroModeOverlap = vNorm > 0 ? min(hermitianSum(zero, v).length / (zeroNorm * vNorm), 1) : 0
                }
            }
            vectors = basis.vectors
            clusters = basis.clusters.filter { $0.count > 1 }
            skipped = basis.clustersLeftNonOrthogonal
            rebuilt = basis.clustersWithSubspaceBasis
        }
        self.modes = modes
        self.vectors = vectors
        self.trace = trace
        self.eigenvalueSum = sum
        self.traceResidual = residual
        self.frobeniusNorm = norm
        self.routine = computeVectors ? "zgeev (LAPACKE_zgeev_work, jobvl=N, jobvr=V)" : "zgeev (LAPACKE_zgeev_work, jobvl=N, jobvr=N)"
        self.degenerateClusters = clusters
        self.clustersWithSubspaceBasis = rebuilt
        self.clustersLeftNonOrthogonal = skipped
    }

    /// The same decomposition with its modes in another order: mode `order[k]` becomes
    /// mode k (indices renumbered, clusters remapped). Downstream analyses must not depend
    /// on LAPACK's order; this is how that is tested.
    public func reordered(_ order: [Int]) -> Spectrum {
        var copy = self
        var position = [Int](repeating: 0, count: order.count)
        for (k, original) in order.enumerated() { position[original] = k }
        copy.modes = order.enumerated().map { k, original in
            var mode = modes[original]
            mode.index = k
            return mode
        }
        copy.vectors = vectors?.columns(at: order)
        copy.degenerateClusters = degenerateClusters.map { $0.map { position[$0] }.sorted() }
        copy.clustersWithSubspaceBasis = clustersWithSubspaceBasis.map { $0.map { position[$0] }.sorted() }
        copy.clustersLeftNonOrthogonal = clustersLeftNonOrthogonal.map { $0.map { position[$0] }.sorted() }
        return copy
    }

    /// The diffusion mode λ0: the mode of largest w0 (DESIGN §4); nil without vectors.
    public var diffusionMode: Mode? {
        modes.filter { $0.zeroModeOverlap != nil }.max { $0.zeroModeOverlap! < $1.zeroModeOverlap! }
    }
}
