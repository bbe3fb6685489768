import DenseLinearAlgebra
import Foundation
import Testing

@Suite("Tridiagonal window, orthonormal frame, singular values")
struct TridiagonalAndFrameTests {
    /// The clean open chain of n sites, hopping −1, has E_k = −2cos(πk/(n + 1)) and
    /// ψ_k(j) = √(2/(n + 1))·sin(πkj/(n + 1)): the window holds exactly those E_k, to round-off,
    /// and the vectors are orthonormal eigenvectors (residual ‖Tψ − Eψ‖ at round-off).
    @Test func cleanChainWindowIsAnalytic() throws {
        let n = 300
        let diagonal = [Double](repeating: 0, count: n), off = [Double](repeating: -1, count: n - 1)
        let window = try TridiagonalEigensolver.eigenpairs(diagonal: diagonal, offDiagonal: off, lower: -0.5, upper: 0.3)
        let expected = (1...n).map { -2 * cos(Double.pi * Double($0) / Double(n + 1)) }.filter { $0 > -0.5 && $0 <= 0.3 }
        #expect(window.values.count == expected.count)
        for (value, exact) in zip(window.values, expected) { #expect(abs(value - exact) < 1e-13) }
        #expect(TridiagonalEigensolver.eigenvalueCount(below: 0.3, diagonal: diagonal, offDiagonal: off)
                - TridiagonalEigensolver.eigenvalueCount(below: -0.5, diagonal: diagonal, offDiagonal: off) == expected.count)
        for (k, value) in window.values.enumerated() {
            let psi = window.vectors.column(k)
            var residual = 0.0, norm = 0.0
            for j in 0..<n {
                let t = -(j > 0 ? psi[j - 1] : 0) - (j < n - 1 ? psi[j + 1] : 0) - value * psi[j]
                residual += t * t; norm += psi[j] * psi[j]
            }
            #expect(residual.squareRoot() < 1e-12 && abs(norm - 1) < 1e-12)
        }
    }

    @Test func windowRejectsBadInput() {
        #expect(throws: LinearAlgebraError.self) { try TridiagonalEigensolver.eigenpairs(diagonal: [1, .nan], offDiagonal: [1], lower: 0, upper: 1) }
        #expect(throws: LinearAlgebraError.self) { try TridiagonalEigensolver.eigenpairs(diagonal: [1, 2], offDiagonal: [], lower: 0, upper: 1) }
        #expect(throws: LinearAlgebraError.self) { try TridiagonalEigensolver.eigenpairs(diagonal: [1, 2], offDiagonal: [1], lower: 1, upper: 0) }
    }

    /// QR of a frame: Q has orthonormal columns and Q·diag(R) reproduces the projections
    /// (Q^T X)_jj = R_jj; the product of |R_jj| is the volume √det(XᵀX) of the frame.
    @Test func frameIsOrthonormalizedWithRDiagonal() throws {
        let rows = 7, columns = 3
        var x = (0..<(rows * columns)).map { sin(Double($0) * 1.3) + 0.1 * Double($0 % 5) }
        let original = x
        var r = [Double](repeating: 0, count: columns)
        var frame = try OrthonormalFrame(rows: rows, columns: columns)
        try x.withUnsafeMutableBufferPointer { f in try r.withUnsafeMutableBufferPointer { d in try frame.orthonormalize(f, rDiagonal: d) } }
        for a in 0..<columns {
            for b in 0..<columns {
                let dot = (0..<rows).reduce(0.0) { $0 + x[$1 + a * rows] * x[$1 + b * rows] }
                #expect(abs(dot - (a == b ? 1 : 0)) < 1e-14)
            }
            let projection = (0..<rows).reduce(0.0) { $0 + x[$1 + a * rows] * original[$1 + a * rows] }
            #expect(abs(projection - r[a]) < 1e-13 * abs(r[a]))
        }
        var gram = RealMatrix(rows: columns, columns: columns)
        for a in 0..<columns { for b in 0..<columns { gram[a, b] = (0..<rows).reduce(0.0) { $0 + original[$1 + a * rows] * original[$1 + b * rows] } } }
        let det = gram[0, 0] * (gram[1, 1] * gram[2, 2] - gram[1, 2] * gram[2, 1]) - gram[0, 1] * (gram[1, 0] * gram[2, 2] - gram[1, 2] * gram[2, 0])
            + gram[0, 2] * (gram[1, 0] * gram[2, 1] - gram[1, 1] * gram[2, 0])
        #expect(abs(abs(r[0] * r[1] * r[2]) - det.squareRoot()) < 1e-12 * det.squareRoot())
        #expect(throws: LinearAlgebraError.self) { try OrthonormalFrame(rows: 2, columns: 3) }
    }

    /// diag(3, −2, 0.5) rotated on both sides keeps its singular values 3, 2, 0.5.
    @Test func singularValuesOfRotatedDiagonal() throws {
        let c = cos(0.4), s = sin(0.4)
        let rotation = try RealMatrix(rows: 3, columns: 3, columnMajor: [c, s, 0, -s, c, 0, 0, 0, 1])
        let d = RealMatrix.diagonal([3, -2, 0.5])
        var a = RealMatrix(rows: 3, columns: 3)
        for i in 0..<3 { for j in 0..<3 { for k in 0..<3 { for l in 0..<3 { a[i, j] += rotation[i, k] * d[k, l] * rotation[j, l] } } } }
        let sigma = try SingularValues.of(a)
        for (value, exact) in zip(sigma, [3.0, 2, 0.5]) { #expect(abs(value - exact) < 1e-14) }
    }
}
