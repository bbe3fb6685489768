import DenseLinearAlgebra
import Foundation
import Numerics
import Testing

/// A seeded generator (SplitMix64), so every run draws the same matrices.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private func randomComplex(_ generator: inout SeededGenerator) -> Complex<Double> {
    Complex(Double.random(in: -1...1, using: &generator), Double.random(in: -1...1, using: &generator))
}

@Suite("Conjugate orthogonal gradient (COCG)")
struct ConjugateOrthogonalGradientTests {
    /// A complex-symmetric, diagonally dominant A (Aᵀ = A, not Hermitian) and a right-hand side.
    static func system(order n: Int, seed: UInt64) throws -> (ComplexMatrix, [Complex<Double>]) {
        var generator = SeededGenerator(state: seed)
        var entries = [Complex<Double>](repeating: .zero, count: n * n)
        for j in 0..<n {
            for i in 0...j {
                let value = i == j ? Complex(Double(n) / 4 + 2, 1) + randomComplex(&generator) : randomComplex(&generator) * Complex(0.5)
                entries[i + j * n] = value
                entries[j + i * n] = value
            }
        }
        let b = (0..<n).map { _ in randomComplex(&generator) }
        return (try ComplexMatrix(rows: n, columns: n, columnMajor: entries), b)
    }

    /// The normwise backward error ‖b − Ax‖/(‖A‖_F‖x‖ + ‖b‖), with the Frobenius norm
    /// (≥ ‖A‖₂ ≥ the solver's estimate), so it bounds the solver's own measure from below.
    static func residual(_ a: ComplexMatrix, _ x: [Complex<Double>], _ b: [Complex<Double>]) throws -> Double {
        let ax = try a.apply(x)
        var frobenius = 0.0
        for j in 0..<a.columns { for i in 0..<a.rows { frobenius += a[i, j].magnitudeSquared } }
        return euclideanNorm(zip(b, ax).map { $0 - $1 }) / (frobenius.squareRoot() * euclideanNorm(x) + euclideanNorm(b))
    }

    /// From zero and from an initial guess, the true backward error reaches the tolerance; a
    /// guess near the solution needs fewer products, and the solution itself only the one that
    /// checks its residual.
    @Test func solvesFromZeroAndFromAGuess() throws {
        let (a, b) = try Self.system(order: 60, seed: 7)
        let apply: ([Complex<Double>], inout [Complex<Double>]) throws -> Void = { x, y in try a.apply(x, into: &y) }
        let cold = try ConjugateOrthogonalGradient.solve(b, apply: apply, tolerance: 1e-12)
        #expect(try Self.residual(a, cold.solution, b) <= 1e-12)

        var generator = SeededGenerator(state: 11)
        let nearby = cold.solution.map { $0 + randomComplex(&generator) * Complex(1e-7) }
        let warm = try ConjugateOrthogonalGradient.solve(b, apply: apply, tolerance: 1e-12, initialGuess: nearby)
        #expect(try Self.residual(a, warm.solution, b) <= 1e-12)
        #expect(warm.iterations < cold.iterations, "warm \(warm.iterations) vs cold \(cold.iterations) products")
        let difference = euclideanNorm(zip(warm.solution, cold.solution).map { $0 - $1 }) / euclideanNorm(cold.solution)
        #expect(difference < 1e-10)

        let exact = try ConjugateOrthogonalGradient.solve(b, apply: apply, tolerance: 1e-12, initialGuess: cold.solution)
        #expect(exact.iterations == ConjugateOrthogonalGradient.normEstimateProducts + 1)
        #expect(exact.solution == cold.solution)
    }

    /// One workspace serves solves of different orders; a solution already returned is not
    /// touched by the later solves that reuse the workspace's vectors.
    @Test func workspaceIsReusedAcrossSolves() throws {
        let workspace = ConjugateOrthogonalGradient.Workspace()
        var kept: [[Complex<Double>]] = [], copies: [[Complex<Double>]] = []
        for (order, seed) in [(20, 1), (10, 2), (20, 3)] as [(Int, UInt64)] {
            let (a, b) = try Self.system(order: order, seed: seed)
            let solved = try ConjugateOrthogonalGradient.solve(b, apply: { x, y in try a.apply(x, into: &y) },
                                                               tolerance: 1e-12, workspace: workspace)
            #expect(try Self.residual(a, solved.solution, b) <= 1e-12)
            kept.append(solved.solution)
            copies.append(solved.solution.map { $0 })
        }
        #expect(kept == copies)
    }

    /// ‖A‖ is estimated from below and within a factor 2 of the largest singular value
    /// (power steps on AᴴA); an ill-conditioned A (singular values from 1 to 1e-5, so that
    /// ‖A‖‖x‖/‖b‖ reaches 1e5 and ‖r‖/‖b‖ has a floor near 1e-11) still reaches a backward
    /// error of 1e-12, checked with the Frobenius norm.
    @Test func backwardErrorIsReachedWhereTheRelativeResidualIsNot() throws {
        let n = 40
        // A = Q D Qᵀ with Q real orthogonal (a product of Givens rotations) and D complex: A is
        // complex symmetric with singular values |D_i|.
        var entries = [Complex<Double>](repeating: .zero, count: n * n)
        let d = (0..<n).map { Complex(Double.pow(10, -5 * Double($0) / Double(n - 1)), 0.3 * Double.pow(10, -5 * Double($0) / Double(n - 1))) }
        for i in 0..<n { entries[i + i * n] = d[i] }
        var a = try ComplexMatrix(rows: n, columns: n, columnMajor: entries)
        var generator = SeededGenerator(state: 5)
        for _ in 0..<(4 * n) {
            let i = Int.random(in: 0..<n, using: &generator), j = (i + 1 + Int.random(in: 0..<(n - 1), using: &generator)) % n
            let angle = Double.random(in: 0...(2 * Double.pi), using: &generator)
            let (c, s) = (Complex(Double.cos(angle)), Complex(Double.sin(angle)))
            for column in 0..<n { let (x, y) = (a[i, column], a[j, column]); a[i, column] = c * x - s * y; a[j, column] = s * x + c * y }
            for row in 0..<n { let (x, y) = (a[row, i], a[row, j]); a[row, i] = c * x - s * y; a[row, j] = s * x + c * y }
        }
        let largest = d.map(\.length).max()!
        let apply: ([Complex<Double>], inout [Complex<Double>]) throws -> Void = { x, y in try a.apply(x, into: &y) }
        let estimate = try ConjugateOrthogonalGradient.estimateNorm(order: n, apply: apply)
        #expect(estimate <= largest * (1 + 1e-12) && estimate >= 0.5 * largest)
        let b = (0..<n).map { _ in randomComplex(&generator) }
        let solved = try ConjugateOrthogonalGradient.solve(b, apply: apply, tolerance: 1e-12, maximumIterations: 4000)
        #expect(solved.backwardError <= 1e-12)
        #expect(try Self.residual(a, solved.solution, b) <= 1e-12)
    }

    /// A guess of the wrong length or with a NaN is ignored (the solve starts from zero).
    @Test func unusableGuessIsIgnored() throws {
        let (a, b) = try Self.system(order: 20, seed: 3)
        let apply: ([Complex<Double>], inout [Complex<Double>]) throws -> Void = { x, y in try a.apply(x, into: &y) }
        let cold = try ConjugateOrthogonalGradient.solve(b, apply: apply)
        var bad = b
        bad[4] = Complex(.nan, 0)
        for guess in [bad, Array(b.prefix(5))] {
            let solved = try ConjugateOrthogonalGradient.solve(b, apply: apply, initialGuess: guess)
            #expect(solved.iterations == cold.iterations)
            #expect(try Self.residual(a, solved.solution, b) <= 1e-12)
        }
    }
}

@Suite("Anderson mixing")
struct AndersonMixingTests {
    /// Iterates x ← x + β(F(x) − x) with the mixing until max|F(x) − x| ≤ tolerance.
    /// - Returns: the iterate and the number of evaluations of F (nil: not converged).
    static func iterate(width: Int, depth: Int, start: [Complex<Double>], tolerance: Double, limit: Int,
                        map: ([Complex<Double>]) -> [Complex<Double>]) -> (x: [Complex<Double>], evaluations: Int)? {
        var mixing = AndersonMixing(width: width, depth: depth, damping: 0.7)
        var x = start, next = start
        for evaluation in 1...limit {
            let g = zip(map(x), x).map { $0 - $1 }
            if g.allSatisfy({ $0.length <= tolerance }) { return (x, evaluation) }
            x.withUnsafeBufferPointer { x in
                g.withUnsafeBufferPointer { g in
                    next.withUnsafeMutableBufferPointer { next in _ = mixing.step(iterate: x, residual: g, into: next) }
                }
            }
            swap(&x, &next)
        }
        return nil
    }

    /// The affine map F(x) = Mx + c with a slow contraction (spectral radius 0.97): plain
    /// damped iteration (depth 0) crawls, the history reaches the exact fixed point
    /// x = (I − M)⁻¹c in far fewer evaluations.
    @Test func acceleratesALinearFixedPoint() throws {
        let n = 40
        var generator = SeededGenerator(state: 5)
        // M = diag(factors): forty distinct contraction rates in [0, 0.97].
        let factors = (0..<n).map { Double($0) / Double(n - 1) * 0.97 }
        let c = (0..<n).map { _ in randomComplex(&generator) }
        let map: ([Complex<Double>]) -> [Complex<Double>] = { x in (0..<n).map { Complex(factors[$0]) * x[$0] + c[$0] } }
        let start = [Complex<Double>](repeating: .zero, count: n)
        let exact = (0..<n).map { c[$0] / Complex(1 - factors[$0]) }

        let plain = Self.iterate(width: n, depth: 0, start: start, tolerance: 1e-12, limit: 5000, map: map)
        let mixed = Self.iterate(width: n, depth: 6, start: start, tolerance: 1e-12, limit: 5000, map: map)
        let plainCount = try #require(plain).evaluations
        let result = try #require(mixed)
        #expect(result.evaluations * 5 < plainCount, "Anderson \(result.evaluations) vs plain \(plainCount) evaluations")
        let error = zip(result.x, exact).reduce(0) { max($0, ($1.0 - $1.1).length) }
        #expect(error < 1e-10)
    }

    /// One unknown: the secant method, superlinear on x = cos x (0.7390851332151607).
    @Test func scalarIsTheSecantMethod() throws {
        let result = try #require(Self.iterate(width: 1, depth: 6, start: [.zero], tolerance: 1e-15, limit: 50) { x in
            [Complex.cos(x[0])]
        })
        #expect(result.evaluations <= 10, "\(result.evaluations) evaluations")
        #expect(abs(result.x[0].real - 0.7390851332151607) < 1e-14)
    }

    /// Differences Δg that all point the same way (a rank-one Gram matrix): the pseudo-inverse
    /// keeps the one direction, with the minimum-norm γ_j = ⟨d, g⟩/(m|d|²), and the step is
    /// accelerated and finite instead of dividing by a singular matrix.
    @Test func parallelHistoryUsesOneDirection() {
        let n = 5, beta = Complex<Double>(0.7)
        let d: [Complex<Double>] = [Complex(1, 0.5), Complex(-0.3, 0), Complex(0.2, 0.2), Complex(0, -1), Complex(0.4, 0.1)]
        let g0: [Complex<Double>] = [Complex(0.3, 0), Complex(0, 0.2), Complex(-0.1, 0.4), Complex(0.5, 0.5), Complex(0.1, -0.2)]
        var mixing = AndersonMixing(width: n, depth: 3, damping: 0.7)
        var next = [Complex<Double>](repeating: .zero, count: n)
        var xs: [[Complex<Double>]] = []
        var accelerated = false
        for step in 0..<4 {
            let x = (0..<n).map { Complex(Double(step * step) + Double($0), Double(step)) }       // Δx differ from step to step
            let g = (0..<n).map { g0[$0] + Complex(Double(step)) * d[$0] }                         // Δg = d every step
            xs.append(x)
            accelerated = x.withUnsafeBufferPointer { x in
                g.withUnsafeBufferPointer { g in
                    next.withUnsafeMutableBufferPointer { next in mixing.step(iterate: x, residual: g, into: next) }
                }
            }
            if step == 3 {
                let norm = d.reduce(0) { $0 + $1.magnitudeSquared }
                let overlap = zip(d, g).reduce(Complex<Double>.zero) { $0 + $1.0.conjugate * $1.1 }
                let gamma = overlap / Complex(3 * norm)
                let expected = (0..<n).map { k in
                    var value = x[k] + beta * g[k]
                    for j in 1...3 { value -= gamma * ((xs[j][k] - xs[j - 1][k]) + beta * d[k]) }
                    return value
                }
                #expect(accelerated)
                #expect(zip(next, expected).allSatisfy { ($0 - $1).length <= 1e-12 * max(1, $1.length) },
                        "\(next) vs \(expected)")
            }
        }
    }

    /// A history of identical differences (a stalled map) is dependent: the step stays
    /// finite instead of dividing by a singular Gram matrix.
    @Test func dependentHistoryStaysFinite() {
        let n = 8
        var mixing = AndersonMixing(width: n, depth: 4, damping: 0.7)
        var next = [Complex<Double>](repeating: .zero, count: n)
        for step in 0..<6 {
            let x = [Complex<Double>](repeating: Complex(Double(step)), count: n)
            let g = [Complex<Double>](repeating: Complex(1, 1), count: n)        // Δg = 0 every step
            x.withUnsafeBufferPointer { x in
                g.withUnsafeBufferPointer { g in
                    next.withUnsafeMutableBufferPointer { next in _ = mixing.step(iterate: x, residual: g, into: next) }
                }
            }
            #expect(next.allSatisfy { $0.isFinite })
            #expect(next.allSatisfy { ($0 - Complex(Double(step)) - Complex(0.7) * Complex(1, 1)).length < 1e-12 },
                    "with no usable history the step is the plain damped one")
        }
    }
}

/// LU with partial pivoting (`LUFactorization`, zgetrf/zgetrs): the solution satisfies
/// A x = b to rounding, and the failure paths keep LAPACK's code or never reach LAPACK.
@Suite struct LUFactorizationTests {
    /// A nonsymmetric complex A with a small diagonal (pivoting needed): ‖Ax − b‖ at the
    /// rounding level of ‖A‖‖x‖.
    @Test func solvesAGeneralSystem() throws {
        let n = 40
        let a = ComplexMatrix(order: n) { i, j in
            Complex(Double.sin(Double(3 * i + 7 * j) + 0.2), Double.cos(Double(i * j) + 0.5)) * Complex(i == j ? 1e-3 : 1)
        }
        let b = (0..<n).map { Complex(Double($0) - 7.5, 1 / (1 + Double($0))) }
        let x = try LUFactorization(a).solve(b)
        let ax = try a.multiplied(by: x)
        let defect = euclideanNorm(zip(ax, b).map { $0 - $1 })
        #expect(defect <= 1e-13 * a.frobeniusNorm * euclideanNorm(x), "‖Ax − b‖ = \(defect)")
    }

    /// The single-precision twin (cgetrf/cgetrs) on the same system: ‖Ax − b‖ at the rounding
    /// level of single precision (ε_single = 6e-8), far above double's, and its residual
    /// corrected once by the double solve's answer is not better than the double LU's.
    @Test func singlePrecisionSolvesToSinglePrecision() throws {
        let n = 40
        let a = ComplexMatrix(order: n) { i, j in
            Complex(Double.sin(Double(3 * i + 7 * j) + 0.2), Double.cos(Double(i * j) + 0.5)) * Complex(i == j ? 1e-3 : 1)
        }
        let single = Matrix<Complex<Float>>(order: n) { i, j in Complex(Float(a[i, j].real), Float(a[i, j].imaginary)) }
        let b = (0..<n).map { Complex(Double($0) - 7.5, 1 / (1 + Double($0))) }
        let x = try LUFactorization(single).solve(b)
        let exact = try LUFactorization(a).solve(b)
        let ax = try a.multiplied(by: x)
        let defect = euclideanNorm(zip(ax, b).map { $0 - $1 })
        let scale = a.frobeniusNorm * euclideanNorm(x)
        #expect(defect <= 1e-5 * scale, "‖Ax − b‖ = \(defect)")
        #expect(defect >= 1e-12 * scale, "single precision cannot reach double's rounding: \(defect / scale)")
        let error = euclideanNorm(zip(x, exact).map { $0 - $1 }) / euclideanNorm(exact)
        #expect(error <= 1e-3 && error >= 1e-12, "relative error \(error)")
        #expect(LUFactorization<Float>.storageBytes(order: n) < 0.51 * LUFactorization<Double>.storageBytes(order: n) + Double(4 * n))
        // A right-hand side beyond single precision's range never reaches cgetrs.
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "cgetrs", row: 0, column: 0)) {
            try LUFactorization(single).solve([Complex(1e300, 0)] + b.dropFirst())
        }
    }

    @Test func singularMatrixKeepsTheCode() throws {
        var a = ComplexMatrix.identity(order: 3)
        a[1, 1] = .zero
        #expect(throws: LinearAlgebraError.self) { try LUFactorization(a) }
        do {
            _ = try LUFactorization(a)
        } catch {
            #expect(error.lapackInfo == 2)
        }
    }

    @Test func nonFiniteInputNeverReachesLapack() throws {
        var a = ComplexMatrix.identity(order: 3)
        a[2, 0] = Complex(.nan, 0)
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "zgetrf", row: 2, column: 0)) { try LUFactorization(a) }
        let lu = try LUFactorization(ComplexMatrix.identity(order: 3))
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "zgetrs", row: 1, column: 0)) {
            try lu.solve([.one, Complex(.infinity, 0), .one])
        }
        #expect(throws: LinearAlgebraError.self) { try lu.solve([.one]) }
    }
}
