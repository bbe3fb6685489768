import DenseLinearAlgebra
import Numerics

/// The elements of a·𝕃reg + b·𝕃sing without the matrix, as `CollisionOperator.matrix`
/// forms them: element (i, j) = s_i [s_j·c(i, j) + A_j] + u_i B_j + δ_ij a(M_j + ΔΣ_j) with
/// c(i, j) = c0 + K₋(k_i − k_j) + K₊(k_i + k_j), K₋ = −a U0 C/N, K₊ = −b U^sing/N,
/// c0 = −a U0/N (white noise) − b τ/σ² (projection), A_j = b u_j/σ, B_j = b s_j/σ.
/// The kernels are scaled once here; a row costs O(N) (d table lookups per element).
public struct OperatorElements: Sendable {
    public let grid: MomentumGrid
    let minusKernel: [Complex<Double>]?
    let plusKernel: [Complex<Double>]?
    let c0: Complex<Double>
    let root: [Complex<Double>]
    let projected: [Complex<Double>]
    let project: Bool
    let sigmaInverse: Complex<Double>
    let singularWeight: Complex<Double>
    /// a(M_k + ΔΣ_k).
    public let diagonalShift: [Complex<Double>]

    public init(operator op: CollisionOperator, regularWeight a: Complex<Double> = .one, singularWeight b: Complex<Double> = .one) {
        let n = op.grid.count
        let inverseN = 1 / Double(n)
        grid = op.grid
        sigmaInverse = 1 / op.sigma
        project = op.wardProjection && op.singularKernel != nil
        minusKernel = op.regularKernel.map { kernel in kernel.map { Complex(-$0 * inverseN) * a } }
        plusKernel = op.singularKernel.map { kernel in kernel.map { -b * $0 * Complex(inverseN) } }
        c0 = (op.regularKernel == nil ? Complex(-op.u0 * inverseN) * a : .zero)
            - (project ? b * op.tau * sigmaInverse * sigmaInverse : .zero)
        diagonalShift = op.fields.regularDiagonal.map { a * $0 }
        root = op.fields.root
        projected = op.projectedVector
        singularWeight = b
    }

    /// The diagonal element (k, k).
    public func diagonal(_ k: Int) -> Complex<Double> { element(k, k) }

    /// Element (i, j).
    public func element(_ i: Int, _ j: Int) -> Complex<Double> {
        var c = c0
        if let minusKernel { c += minusKernel[grid.differenceIndex(i, j)] }
        if let plusKernel { c += plusKernel[grid.sumIndex(i, j)] }
        var value = root[i] * (root[j] * c + (project ? singularWeight * projected[j] * sigmaInverse : .zero))
        if project { value += projected[i] * singularWeight * root[j] * sigmaInverse }
        if i == j { value += diagonalShift[j] }
        return value
    }

    /// tr = Σ_k element(k, k).
    public var trace: Complex<Double> { (0..<grid.count).reduce(Complex<Double>.zero) { $0 + diagonal($1) } }

    /// Row p (= column p: the operator is complex-symmetric): `out[k]` = element(p, k).
    public func row(_ p: Int, into out: UnsafeMutablePointer<Complex<Double>>) {
        let n = grid.count, L = grid.size, d = grid.dimension
        let tableSize = d * L
        let sp = root[p]
        let ap = project ? singularWeight * projected[p] * sigmaInverse : .zero
        let bp = project ? singularWeight * sp * sigmaInverse : .zero
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * tableSize) { tables in
            let minus = UnsafeMutableBufferPointer(rebasing: tables[0..<tableSize])
            let plus = UnsafeMutableBufferPointer(rebasing: tables[tableSize..<(2 * tableSize)])
            let hasMinus = minusKernel != nil, hasPlus = plusKernel != nil
            if hasMinus { grid.fillOffsetTable(for: p, sign: -1, into: minus) }        // k − k_p
            if hasPlus { grid.fillOffsetTable(for: p, sign: 1, into: plus) }          // k + k_p
            let last = (d - 1) * L
            root.withUnsafeBufferPointer { s in
            projected.withUnsafeBufferPointer { u in
            (minusKernel ?? []).withUnsafeBufferPointer { minusK in
            (plusKernel ?? []).withUnsafeBufferPointer { plusK in
            grid.digits.withUnsafeBufferPointer { digits in
                var blockStart = 0
                while blockStart < n {
                    var minusBase = 0, plusBase = 0
                    for axis in 0..<(d - 1) {
                        let digit = Int(digits[blockStart * d + axis])
                        if hasMinus { minusBase += minus[axis * L + digit] }
                        if hasPlus { plusBase += plus[axis * L + digit] }
                    }
                    for digit in 0..<L {
                        let k = blockStart + digit
                        var c = c0
                        if hasMinus { c += minusK[minusBase + minus[last + digit]] }
                        if hasPlus { c += plusK[plusBase + plus[last + digit]] }
                        var value = s[k] * (sp * c + ap)
                        if project { value += u[k] * bp }
                        out[k] = value
                    }
                    blockStart += L
                }
            }
            }
            }
            }
            }
        }
        out[p] += diagonalShift[p]
    }
}

extension CollisionOperator {
    /// The elements of a·𝕃reg + b·𝕃sing (the weights of `matrix(regularWeight:singularWeight:)`).
    public func elements(regularWeight a: Complex<Double> = .one, singularWeight b: Complex<Double> = .one) -> OperatorElements {
        OperatorElements(operator: self, regularWeight: a, singularWeight: b)
    }

    /// Uᵀ (a·𝕃reg + b·𝕃sing) U for one symmetry sector, assembled from the kernels without
    /// the N × N matrix: m pivot rows of O(N) each, contracted with the sparse basis.
    /// - Throws: `.nonFiniteOperator` when an element is NaN or infinite;
    ///   `LinearAlgebraError.allocationFailed` when the system refuses the m × m buffer.
    public func block(_ sector: SymmetrySector, regularWeight a: Complex<Double> = .one,
                      singularWeight b: Complex<Double> = .one) throws -> ComplexMatrix {
        try block(sector, elements: elements(regularWeight: a, singularWeight: b))
    }

    /// Uᵀ A U for the elements A of `elements`.
    public func block(_ sector: SymmetrySector, elements: OperatorElements) throws -> ComplexMatrix {
        try requireFinite(sector.block(gridPoints: grid.count) { p, buffer in elements.row(p, into: buffer) },
                          sector: sector, precision: "double")
    }

    /// Uᵀ𝕃U of one sector rounded to single precision (accumulated in double): the block of
    /// the single-precision LU that preconditions a direct solve too large for double.
    /// - Throws: `.nonFiniteOperator` when an element is NaN, infinite or beyond single
    ///   precision; `LinearAlgebraError.allocationFailed` when the m × m buffer is refused.
    public func singlePrecisionBlock(_ sector: SymmetrySector) throws -> Matrix<Complex<Float>> {
        let elements = elements()
        return try requireFinite(sector.singlePrecisionBlock(gridPoints: grid.count) { p, buffer in elements.row(p, into: buffer) },
                                 sector: sector, precision: "single")
    }

    func requireFinite<Element>(_ block: Matrix<Element>, sector: SymmetrySector, precision: String) throws -> Matrix<Element> {
        if let bad = block.firstNonFiniteElement() {
            throw ModelComputationError.nonFiniteOperator(row: bad.row, column: bad.column,
                                     detail: "element of the \(sector.label) block — an input (amplitude F, ω, disorder) is beyond \(precision) precision")
        }
        return block
    }
}
