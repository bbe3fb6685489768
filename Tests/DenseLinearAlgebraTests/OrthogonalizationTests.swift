import DenseLinearAlgebra
import Foundation
import TestSupport
import Testing

/// A random symmetric n × n matrix with entries in [−1, 1].
private func randomSymmetric(_ n: Int, seed: UInt64) -> RealMatrix {
    var generator = SeededGenerator(seed: seed)
    var a = RealMatrix(rows: n, columns: n)
    for j in 0..<n {
        for i in 0...j {
            let x = Double.random(in: -1...1, using: &generator)
            a[i, j] = x
            a[j, i] = x
        }
    }
    return a
}

@Suite("Jacobi eigensolver (plain Swift)")
struct JacobiEigensolverTests {
    /// A V = V Λ, VᵀV = I, and the eigenvalues are dsyevd's (an independent algorithm).
    @Test(arguments: [1, 2, 7, 40])
    func agreesWithLapackAndDiagonalizes(order n: Int) throws {
        let a = randomSymmetric(n, seed: UInt64(n))
        let (values, v, offDiagonal) = JacobiEigensolver.decompose(a)
        #expect(offDiagonal <= 1e-26)
        #expect(values == values.sorted())
        let lapack = try HermitianEigensolver.decompose(a, computeVectors: false).values
        for (x, y) in zip(values, lapack) { #expect(abs(x - y) < 1e-13) }
        for i in 0..<n {
            for j in 0..<n {
                let av = (0..<n).reduce(0.0) { $0 + a[i, $1] * v[$1, j] }
                #expect(abs(av - values[j] * v[i, j]) < 1e-13)
                let gram = (0..<n).reduce(0.0) { $0 + v[$1, i] * v[$1, j] }
                #expect(abs(gram - (i == j ? 1 : 0)) < 1e-13)
            }
        }
    }

    /// The (2, −1) tridiagonal matrix: eigenvalues 2 − 2cos(kπ/(n+1)), exactly known.
    @Test func toeplitzSpectrum() {
        let n = 12
        let a = RealMatrix(order: n) { i, j in i == j ? 2 : (abs(i - j) == 1 ? -1 : 0) }
        let expected = (1...n).map { 2 - 2 * cos(Double($0) * Double.pi / Double(n + 1)) }.sorted()
        for (x, y) in zip(JacobiEigensolver.decompose(a).values, expected) { #expect(abs(x - y) < 1e-14) }
    }

    /// Bit for bit the same result on a second call (no BLAS, no threads).
    @Test func deterministic() {
        let a = randomSymmetric(25, seed: 3)
        let first = JacobiEigensolver.decompose(a), second = JacobiEigensolver.decompose(a)
        #expect(first.values == second.values && first.vectors == second.vectors)
    }
}

@Suite("Pivoted Gram–Schmidt")
struct PivotedGramSchmidtTests {
    /// Candidates spanning a known rank-3 subspace of R^8 (5 combinations of 3 vectors):
    /// QᵀQ = I, Q = V_P T with T upper triangular, and Q spans the candidates.
    @Test func basisOfAKnownSpan() throws {
        var generator = SeededGenerator(seed: 11)
        let (length, rank, count) = (8, 3, 5)
        let generators = RealMatrix(order: length) { _, _ in Double.random(in: -1...1, using: &generator) }
        var candidates = RealMatrix(rows: length, columns: count)
        for x in 0..<count {
            let weights = (0..<rank).map { _ in Double.random(in: -1...1, using: &generator) }
            for y in 0..<length { candidates[y, x] = (0..<rank).reduce(0.0) { $0 + weights[$1] * generators[y, $1] } }
        }
        let basis = try PivotedGramSchmidt.orthonormalize(candidates, rank: rank)
        let q = basis.vectors, t = basis.transform
        #expect(Set(basis.pivots).count == rank)
        for i in 0..<rank {
            for j in 0..<rank {
                let gram = (0..<length).reduce(0.0) { $0 + q[$1, i] * q[$1, j] }
                #expect(abs(gram - (i == j ? 1 : 0)) < 1e-14)
                if i > j { #expect(t[i, j] == 0) }
            }
            for y in 0..<length {
                let combination = (0..<rank).reduce(0.0) { $0 + t[$1, i] * candidates[y, basis.pivots[$1]] }
                #expect(abs(combination - q[y, i]) < 1e-13)
            }
        }
        // Every candidate lies in span Q: v − Q Qᵀ v = 0.
        for x in 0..<count {
            let coefficients = (0..<rank).map { s in (0..<length).reduce(0.0) { $0 + q[$1, s] * candidates[$1, x] } }
            for y in 0..<length {
                #expect(abs(candidates[y, x] - (0..<rank).reduce(0.0) { $0 + coefficients[$1] * q[y, $1] }) < 1e-13)
            }
        }
        // The first pivot is the candidate of largest norm.
        let norms = (0..<count).map { x in (0..<length).reduce(0.0) { $0 + candidates[$1, x] * candidates[$1, x] } }
        #expect(basis.pivots[0] == norms.indices.max { norms[$0] < norms[$1] })
    }

    @Test func wrongRankIsRefused() {
        let twoPlanes = RealMatrix(order: 3) { i, j in i == j && i < 2 ? 1 : 0 }     // rank 2
        #expect(throws: PivotedGramSchmidt.RankMismatch.below(found: 2)) {
            try PivotedGramSchmidt.orthonormalize(twoPlanes, rank: 3)
        }
        #expect(throws: PivotedGramSchmidt.RankMismatch.above) {
            try PivotedGramSchmidt.orthonormalize(twoPlanes, rank: 1)
        }
    }
}
