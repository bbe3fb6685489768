import CLapacke
import Numerics

/// How an operand enters a product.
public enum MatrixOperation: Sendable {
    case none
    /// Aᵀ (no conjugation).
    case transpose
    /// Aᴴ.
    case adjoint

    var cblas: CBLAS_TRANSPOSE {
        switch self {
        case .none: return CblasNoTrans
        case .transpose: return CblasTrans
        case .adjoint: return CblasConjTrans
        }
    }
}

extension Matrix where Scalar == Complex<Double> {
    /// C = op(A)·op(B) through BLAS `zgemm` (OpenBLAS, multi-threaded).
    /// - Throws: `.shapeMismatch` when the inner dimensions differ, `.orderTooLarge`
    ///   when a dimension exceeds the BLAS integer range, `.allocationFailed` for C.
    public static func product(_ a: ComplexMatrix, _ opA: MatrixOperation = .none,
                               _ b: ComplexMatrix, _ opB: MatrixOperation = .none) throws(LinearAlgebraError) -> ComplexMatrix {
        let (m, k) = opA == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        let (kb, n) = opB == .none ? (b.rows, b.columns) : (b.columns, b.rows)
        guard k == kb else {
            throw .shapeMismatch(operation: "zgemm", expected: "inner dimensions equal", found: "\(m)×\(k) times \(kb)×\(n)")
        }
        var c = try ComplexMatrix(rows: m, columns: n, for: "the \(m) × \(n) product of zgemm")
        guard m > 0, n > 0, k > 0 else { return c }
        guard let m32 = collop_blas_int(exactly: m), let n32 = collop_blas_int(exactly: n),
              let k32 = collop_blas_int(exactly: k), collop_blas_int(exactly: a.rows) != nil,
              collop_blas_int(exactly: b.rows) != nil else {
            throw .orderTooLarge(routine: "zgemm", order: max(m, n, k))
        }
        var one = Complex<Double>.one
        var zero = Complex<Double>.zero
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    LapackClock.measure { cblas_zgemm(CblasColMajor, opA.cblas, opB.cblas, m32, n32, k32,
                                &one, ap.baseAddress, collop_blas_int(max(a.rows, 1)),
                                bp.baseAddress, collop_blas_int(max(b.rows, 1)),
                                &zero, cp.baseAddress, collop_blas_int(max(m, 1))) }
                }
            }
        }
        return c
    }

    /// Puts column `order[k]` at position k in place (`order` a permutation of the
    /// columns), following its cycles with one column of scratch: no second buffer.
    public mutating func permuteColumns(_ order: [Int]) {
        let n = rows
        var placed = [Bool](repeating: false, count: order.count)
        var scratch = [Complex<Double>](repeating: .zero, count: n)
        storage.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            for start in order.indices where !placed[start] {
                // Position k takes the column at order[k]; walk the cycle start → order[start] → …
                for i in 0..<n { scratch[i] = base[start * n + i] }
                var k = start
                while order[k] != start {
                    let from = order[k]
                    (base + k * n).update(from: base + from * n, count: n)
                    placed[k] = true
                    k = from
                }
                for i in 0..<n { base[k * n + i] = scratch[i] }
                placed[k] = true
            }
        }
    }

    /// The columns at `indices`, in that order; `.allocationFailed` where the system refuses
    /// the buffer.
    public func columns(at indices: [Int]) throws(LinearAlgebraError) -> ComplexMatrix {
        var out = try ComplexMatrix(rows: rows, columns: indices.count, for: "\(indices.count) selected columns of \(rows)")
        for (position, j) in indices.enumerated() { out.setColumn(position, to: column(j)) }
        return out
    }

    /// Element-wise complex conjugate.
    public func conjugated() -> ComplexMatrix {
        var out = self
        out.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices { buffer[i] = buffer[i].conjugate }
        }
        return out
    }
}
