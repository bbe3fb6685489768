import DenseLinearAlgebra
import Foundation
import Numerics
import TestSupport
import Testing

@Suite("General eigensolver (zgeev)")
struct GeneralEigensolverTests {
    /// A = Q T Qᴴ with T upper triangular (non-normal) and Q unitary has eigenvalues diag(T).
    @Test(arguments: [3, 17, 64])
    func knownSpectrumOfNonNormalMatrix(order n: Int) throws {
        var generator = SeededGenerator(seed: UInt64(n))
        let expected = (0..<n).map { _ in generator.complex() * Complex(3) }
        var t = ComplexMatrix(rows: n, columns: n)
        for j in 0..<n {
            t[j, j] = expected[j]
            for i in 0..<j { t[i, j] = generator.complex() }
        }
        let hermitian = generator.complexMatrix(n)
        let h = ComplexMatrix(order: n) { i, j in hermitian[i, j] + hermitian[j, i].conjugate }
        let q = try #require(try HermitianEigensolver.decompose(h, computeVectors: true).vectors)
        let a = product(product(q, t), q.adjoint())

        let result = try GeneralEigensolver.decompose(a, computeVectors: true)
        #expect(multisetDistance(result.values, expected) < 1e-11)
        let vectors = try #require(result.vectors)
        #expect(eigenResidual(a, values: result.values, vectors: vectors) < 1e-12)
        for s in 0..<n { #expect(abs(euclideanNorm(vectors.column(s)) - 1) < 1e-13) }
    }

    @Test func rotationGeneratorHasEigenvaluesPlusMinusI() throws {
        let a = try ComplexMatrix(rows: 2, columns: 2, columnMajor: [.zero, Complex(-1), .one, .zero])
        let values = try GeneralEigensolver.decompose(a, computeVectors: false).values
        #expect(multisetDistance(values, [Complex(0, 1), Complex(0, -1)]) < 1e-15)
    }

    @Test func eigenvaluesOnlyAgreeWithVectorsRun() throws {
        var generator = SeededGenerator(seed: 99)
        let a = generator.complexMatrix(40)
        let withVectors = try GeneralEigensolver.decompose(a, computeVectors: true)
        let valuesOnly = try GeneralEigensolver.decompose(a, computeVectors: false)
        #expect(valuesOnly.vectors == nil)
        #expect(multisetDistance(withVectors.values, valuesOnly.values) < 1e-12)
    }

    @Test func nonFiniteInputIsRejectedBeforeLapack() {
        var a = ComplexMatrix.identity(order: 4)
        a[1, 3] = Complex(0, .infinity)
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "zgeev", row: 1, column: 3)) {
            try GeneralEigensolver.decompose(a, computeVectors: false)
        }
        a[1, 3] = Complex(.nan, 0)
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "zgeev", row: 1, column: 3)) {
            try GeneralEigensolver.decompose(a, computeVectors: true)
        }
    }

    @Test func nonSquareInputIsRejected() {
        #expect(throws: LinearAlgebraError.notSquare(routine: "zgeev", rows: 2, columns: 3)) {
            try GeneralEigensolver.decompose(ComplexMatrix(rows: 2, columns: 3), computeVectors: false)
        }
    }

    @Test func emptyMatrixHasNoEigenvalues() throws {
        #expect(try GeneralEigensolver.decompose(ComplexMatrix(rows: 0, columns: 0), computeVectors: true).values.isEmpty)
    }
}

@Suite("Hermitian and symmetric eigensolvers (zheevd, dsyevd)")
struct HermitianEigensolverTests {
    /// The (2, −1) Toeplitz tridiagonal matrix has eigenvalues 2 − 2cos(kπ/(n+1)).
    @Test(arguments: [1, 5, 50])
    func tridiagonalToeplitzSpectrum(order n: Int) throws {
        let a = RealMatrix(order: n) { i, j in i == j ? 2 : (abs(i - j) == 1 ? -1 : 0) }
        let expected = (1...n).map { 2 - 2 * cos(Double($0) * Double.pi / Double(n + 1)) }.sorted()
        let result = try HermitianEigensolver.decompose(a, computeVectors: true)
        for (x, y) in zip(result.values, expected) { #expect(abs(x - y) < 1e-13) }
        // Orthonormal eigenvectors reconstruct A.
        let v = try #require(result.vectors)
        for i in 0..<n {
            for j in 0..<n {
                let rebuilt = (0..<n).reduce(0.0) { $0 + v[i, $1] * result.values[$1] * v[j, $1] }
                #expect(abs(rebuilt - a[i, j]) < 1e-13)
            }
        }
    }

    /// A phase-twisted Hermitian version of the same matrix (unitarily equivalent) has the same spectrum.
    @Test func twistedHermitianTridiagonalHasTheSameSpectrum() throws {
        let n = 30
        let a = ComplexMatrix(order: n) { i, j in
            if i == j { return Complex(2) }
            if j == i + 1 { return Complex(-cos(0.3 * Double(i)), -sin(0.3 * Double(i))) }
            if i == j + 1 { return Complex(-cos(0.3 * Double(j)), sin(0.3 * Double(j))) }
            return .zero
        }
        let expected = (1...n).map { 2 - 2 * cos(Double($0) * Double.pi / Double(n + 1)) }.sorted()
        let values = try HermitianEigensolver.decompose(a, computeVectors: false).values
        for (x, y) in zip(values, expected) { #expect(abs(x - y) < 1e-13) }
    }

    @Test func nonFiniteInputIsRejected() {
        var a = RealMatrix.identity(order: 3)
        a[2, 0] = .nan
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dsyevd", row: 2, column: 0)) {
            try HermitianEigensolver.decompose(a, computeVectors: false)
        }
    }
}

@Suite("Least squares (dgels)")
struct LeastSquaresTests {
    @Test func exactPolynomialIsRecovered() throws {
        let xs = [0.1, 0.2, 0.3, 0.4, 0.5]
        var design = RealMatrix(rows: xs.count, columns: 3)
        for (i, x) in xs.enumerated() { design[i, 0] = 1; design[i, 1] = x; design[i, 2] = x * x }
        let b = xs.map { 2 - 3 * $0 + 5 * $0 * $0 }
        let solution = try LeastSquares.solve(design, b)
        #expect(abs(solution.coefficients[0] - 2) < 1e-12)
        #expect(abs(solution.coefficients[1] + 3) < 1e-11)
        #expect(abs(solution.coefficients[2] - 5) < 1e-10)
        #expect(solution.residualNorm < 1e-12)
    }

    /// The polynomial fit recovers a known cubic exactly; with noise added at known points, the
    /// standard errors of a straight line are σ√((AᵀA)⁻¹_ii), against the 2 × 2 normal
    /// matrix inverted by hand.
    @Test func polynomialFitAndItsStandardErrors() throws {
        let xs = (0..<9).map { 0.25 * Double($0) - 1 }
        let exact = try LeastSquares.polynomial(xs, xs.map { 1.5 - 2 * $0 + 0.5 * $0 * $0 + 3 * $0 * $0 * $0 }, terms: 4)
        for (found, expected) in zip(exact.coefficients, [1.5, -2, 0.5, 3]) { #expect(abs(found - expected) < 1e-12) }
        #expect(exact.residualNorm < 1e-12)
        #expect(exact.standardError(0, rows: xs.count)! < 1e-12)

        let noise = [0.01, -0.02, 0.015, 0.0, -0.01, 0.02, -0.015, 0.005, -0.005]
        let fit = try LeastSquares.polynomial(xs, zip(xs, noise).map { 1 + 2 * $0 + $1 }, terms: 2)
        // (AᵀA)⁻¹ of the 2 × 2 normal matrix by hand.
        let n = Double(xs.count), sx = xs.reduce(0, +), sxx = xs.reduce(0) { $0 + $1 * $1 }
        let det = n * sxx - sx * sx
        #expect(abs(fit.unscaledVariances[0] - sxx / det) < 1e-13 * sxx / det)
        #expect(abs(fit.unscaledVariances[1] - n / det) < 1e-13 * n / det)
        let sigma2 = fit.residualNorm * fit.residualNorm / (n - 2)
        #expect(abs(fit.standardError(1, rows: xs.count)! - (sigma2 * n / det).squareRoot()) < 1e-13)
        #expect(fit.standardError(1, rows: 2) == nil)
    }

    /// A zero column makes the triangular factor singular: LAPACK's info > 0 is kept in the error.
    @Test func rankDeficiencyKeepsTheLapackInfo() {
        var design = RealMatrix(rows: 4, columns: 2)
        for i in 0..<4 { design[i, 0] = Double(i + 1) }
        do {
            _ = try LeastSquares.solve(design, [1, 2, 3, 4])
            Issue.record("rank-deficient design matrix was accepted")
        } catch {
            #expect(error.lapackInfo == 2)
            if case .algorithmFailure(let routine, _, _) = error { #expect(routine == "dgels") } else { Issue.record("wrong case \(error)") }
        }
    }
}

@Suite("Bilinear eigenbasis of complex-symmetric matrices")
struct BilinearEigenbasisTests {
    /// A = O D Oᵀ with O real orthogonal: complex symmetric with eigenvalues D, some repeated.
    @Test func degenerateClustersBecomeBilinearOrthonormal() throws {
        let n = 24
        var generator = SeededGenerator(seed: 5)
        let random = RealMatrix(order: n) { _, _ in Double.random(in: -1...1, using: &generator) }
        let symmetric = RealMatrix(order: n) { i, j in random[i, j] + random[j, i] }
        let o = try #require(try HermitianEigensolver.decompose(symmetric, computeVectors: true).vectors)
        let distinct = (0..<6).map { _ in generator.complex() }
        let diagonal = (0..<n).map { distinct[$0 % 6] }     // every eigenvalue 4-fold
        let a = ComplexMatrix(order: n) { i, j in
            (0..<n).reduce(Complex<Double>.zero) { $0 + Complex(o[i, $1]) * diagonal[$1] * Complex(o[j, $1]) }
        }
        #expect(a.symmetryDefect < 1e-14 * a.frobeniusNorm)
        let result = try GeneralEigensolver.decompose(a, computeVectors: true)
        let weight = 1 / Double(n)
        let basis = BilinearEigenbasis(values: result.values, vectors: try #require(result.vectors),
                                       weight: weight, clusterTolerance: 1e-10)
        #expect(basis.clusters.count == 6)
        #expect(basis.clusters.allSatisfy { $0.count == 4 })
        #expect(basis.nearExceptional.allSatisfy { !$0 })
        // (e_s, e_t) = δ_st in the bilinear product with weight 1/N.
        for s in 0..<n {
            for t in 0..<n {
                let product = bilinearSum(basis.vectors.column(s), basis.vectors.column(t)) * Complex(weight)
                #expect((product - Complex(s == t ? 1 : 0)).length < 1e-10)
            }
        }
        #expect(eigenResidual(a, values: result.values, vectors: basis.vectors) < 1e-12)
    }

    /// [[1, i], [i, −1]] is complex symmetric and nilpotent: a Jordan block whose eigenvector
    /// (1, i)/√2 is self-orthogonal. It must be flagged, not divided by vᵀv ≈ 0.
    @Test func exceptionalPointIsFlagged() throws {
        let a = try ComplexMatrix(rows: 2, columns: 2, columnMajor: [.one, Complex(0, 1), Complex(0, 1), Complex(-1)])
        let result = try GeneralEigensolver.decompose(a, computeVectors: true)
        let basis = BilinearEigenbasis(values: result.values, vectors: try #require(result.vectors),
                                       weight: 0.5, clusterTolerance: 1e-6)
        #expect(basis.nearExceptional.contains(true))
        for s in 0..<2 where basis.nearExceptional[s] {
            #expect(abs(euclideanNorm(basis.vectors.column(s)) - 1) < 1e-12)
            #expect(basis.conditions[s] > 1e7)
        }
    }
}

@Suite("Diagonal plus rank one (secular equation)")
struct DiagonalPlusRankOneTests {
    /// The Newton root is an eigenvalue of the dense matrix, with the predicted eigenvector.
    @Test(arguments: [5, 40])
    func agreesWithDenseEigensolver(order n: Int) throws {
        var generator = SeededGenerator(seed: UInt64(1000 + n))
        let d = (0..<n).map { _ in generator.complex() + Complex(0, -1) }
        let u = (0..<n).map { _ in generator.complex() }
        let rho = Complex<Double>(-0.3, 0.1)
        let a = ComplexMatrix(order: n) { i, j in (i == j ? d[i] : .zero) + rho * u[i] * u[j] }
        let dense = try GeneralEigensolver.decompose(a, computeVectors: false).values
        let pair = try DiagonalPlusRankOne.eigenpair(diagonal: d, vector: u, coefficient: rho, start: .zero)
        let nearest = dense.map { ($0 - pair.value).length }.min()!
        #expect(nearest < 1e-12 * a.frobeniusNorm)
        let av = try a.multiplied(by: pair.vector)
        let residual = zip(av, pair.vector).reduce(0.0) { $0 + ($1.0 - pair.value * $1.1).magnitudeSquared }.squareRoot()
        #expect(residual < 1e-12 * a.frobeniusNorm * euclideanNorm(pair.vector))
    }

    @Test func iterationLimitIsReported() {
        let d = [Complex<Double>(1), Complex(2)]
        let u = [Complex<Double>(1), Complex(1)]
        #expect(throws: LinearAlgebraError.self) {
            try DiagonalPlusRankOne.eigenpair(diagonal: d, vector: u, coefficient: Complex(0.5), start: Complex(10), maximumIterations: 1)
        }
    }

    @Test func nonFiniteInputIsRejected() {
        #expect(throws: LinearAlgebraError.self) {
            try DiagonalPlusRankOne.eigenpair(diagonal: [Complex(.nan, 0)], vector: [.one], coefficient: .one, start: .zero)
        }
    }
}
