import CollisionOperator
import DenseLinearAlgebra
import Foundation
import Numerics
import TestSupport
import Testing

/// The matrix-free action of 𝕃 (FFT convolutions, O(N log N)) against the dense matrix.
@Suite("Collision operator: matrix-free action")
struct OperatorActionTests {
    /// Seeded random models: d = index mod 4 + 1 (every dimension three times); the vertex
    /// model, r_c (white or 0.5 … 0.9), the `localized` profile and range R (2 ≤ R < L/2, so the
    /// envelope has more than one point and the kernel survives the projection, in d = 3 and 4
    /// too), the kind of q (zero, on the grid, generic), E and ω drawn independently.
    static let randomCases: [ModelCase] = {
        var random = SeededGenerator(seed: 0x0FF7_A11C)
        let sizes = [1: 8...30, 2: 5...12, 3: 5...7, 4: 5...5]
        var cases: [ModelCase] = []
        for index in 0..<12 {
            let dimension = index % 4 + 1
            let size = Int.random(in: sizes[dimension]!, using: &random)
            let singular = SingularModel.allCases.randomElement(using: &random)!
            var q = [Double](repeating: 0, count: dimension)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: break
            case 1: q[Int.random(in: 0..<dimension, using: &random)] = 2 * Double.pi * Double(Int.random(in: 1..<size, using: &random)) / Double(size)
            default: q = q.map { _ in Double.random(in: -0.4...0.4, using: &random) }
            }
            var c = ModelCase(dimension: dimension, size: size, energy: Double.random(in: -1...1, using: &random),
                              q: q, singular: singular, range: Double.random(in: 2...min(3.5, Double(size) / 2 - 0.05), using: &random),
                              disorder: 5)
            // 4⌊3r_c/√2⌋ < L holds for r_c < 0.95 on L ≥ 5.
            // A correlated potential has the smaller local variance U0·c_0: W = 7 keeps γ > 0 on these grids.
            if Bool.random(using: &random) {
                c.correlation = Double.random(in: 0.5...0.9, using: &random)
                c.disorder = 7
            }
            c.profile = Bool.random(using: &random) ? .exp : .power
            c.omega = Double.random(in: 1e-3...0.1, using: &random)
            cases.append(c)
        }
        return cases
    }()

    /// A grid-aligned q (2π/L on the first axis) for the fixtures with L ≥ 4 (on the
    /// 3⁴ grid that q has no SCBA solution on its shifted grids).
    static func gridMomentum(_ c: ModelCase) -> [[Double]] {
        guard c.size >= 4 else { return [] }
        var q = [Double](repeating: 0, count: c.dimension)
        q[0] = 2 * Double.pi / Double(c.size)
        return [q]
    }

    static func randomVector(_ n: Int, seed: UInt64) -> [Complex<Double>] {
        var random = SeededGenerator(seed: seed)
        return (0..<n).map { _ in random.complex() }
    }

    /// ‖y − z‖ / (‖M‖_F ‖x‖), with ‖M‖_F replaced by `scale` where M vanishes (𝕃sing of
    /// `none`, or a vertex the projection removes entirely).
    static func relativeError(_ y: [Complex<Double>], _ z: [Complex<Double>], matrix: ComplexMatrix,
                              x: [Complex<Double>], scale: Double = 0) -> Double {
        let difference = zip(y, z).map { $0 - $1 }
        return euclideanNorm(difference) / (max(matrix.frobeniusNorm, scale) * euclideanNorm(x))
    }

    /// apply(x) = matrix()·x to 1e-13 of ‖𝕃‖_F‖x‖ for 𝕃reg, 𝕃sing, their sum and a
    /// complex combination; projection on and off; q = 0, on the grid and the case's q.
    @Test(arguments: ModelCase.variety + OperatorActionTests.randomCases)
    func actionMatchesMatrix(_ modelCase: ModelCase) throws {
        let weights: [(Complex<Double>, Complex<Double>)] = [(.one, .zero), (.zero, .one), (.one, .one),
                                                             (Complex(0.3, -1.2), Complex(-0.7, 0.4))]
        let zero = [Double](repeating: 0, count: modelCase.dimension)
        for projection in [true, false] {
            var c = modelCase
            c.projection = projection
            let model = try c.parameters.model()
            for (qIndex, q) in ([zero] + Self.gridMomentum(c) + [c.q]).enumerated() {
                let op = try model.operator(q: q)
                let action = try op.action()
                let x = Self.randomVector(op.order, seed: UInt64(17 + qIndex))
                let fullNorm = try op.fullMatrix.frobeniusNorm
                for (a, b) in weights {
                    let matrix = try op.matrix(regularWeight: a, singularWeight: b)
                    let expected = try matrix.multiplied(by: x)
                    let y = try action.apply(x, regularWeight: a, singularWeight: b)
                    let error = Self.relativeError(y, expected, matrix: matrix, x: x, scale: fullNorm)
                    #expect(error <= 1e-13, "projection \(projection) q \(q) a \(a) b \(b): \(error)")
                }
            }
        }
    }

    /// The LinearOperator entry (stored weights, caller's buffer) and the one-shot
    /// `CollisionOperator.apply` give the same product.
    @Test(arguments: [ModelCase.variety[3], ModelCase.variety[8]])
    func entryPointsAgree(_ modelCase: ModelCase) throws {
        let op = try modelCase.parameters.model().operator()
        let a = Complex(0.5, 0.25), b = Complex(-1.5, 0)
        let action = try op.action(regularWeight: a, singularWeight: b)
        let x = Self.randomVector(op.order, seed: 5)
        var y = [Complex<Double>](repeating: .zero, count: op.order)
        try x.withUnsafeBufferPointer { (input) throws(LinearAlgebraError) in
            try y.withUnsafeMutableBufferPointer { (output) throws(LinearAlgebraError) in
                try action.apply(input, into: output)
            }
        }
        let oneShot = try op.apply(x, regularWeight: a, singularWeight: b)
        let generic = try (action as any LinearOperator).apply(x)
        let matrix = try op.matrix(regularWeight: a, singularWeight: b)
        let viaMatrix = try (matrix as any LinearOperator).apply(x)
        let expected = try matrix.multiplied(by: x)
        #expect(Self.relativeError(y, expected, matrix: matrix, x: x) <= 1e-13)
        #expect(Self.relativeError(oneShot, expected, matrix: matrix, x: x) <= 1e-13)
        #expect(Self.relativeError(generic, expected, matrix: matrix, x: x) <= 1e-13)
        #expect(Self.relativeError(viaMatrix, expected, matrix: matrix, x: x) <= 1e-14)
        // Repeated products on the same work vectors give the same result.
        #expect(try action.apply(x) == generic)
    }

    /// The Ward zero mode: 𝕃 s = 0 at q = 0 (projection on), through the action.
    @Test(arguments: ModelCase.variety + OperatorActionTests.randomCases)
    func zeroModeIsAnnihilated(_ modelCase: ModelCase) throws {
        let model = try modelCase.parameters.model()
        let op = try model.operator(q: [Double](repeating: 0, count: modelCase.dimension))
        let s = op.fields.root
        let residual = try op.action().apply(s)
        let norm = try op.fullMatrix.frobeniusNorm
        #expect(euclideanNorm(residual) <= 1e-12 * norm * euclideanNorm(s))
    }

    /// A NaN or infinite component is refused with its index, before any transform.
    @Test func nonFiniteInputIsRefused() throws {
        let op = try ModelCase.variety[8].parameters.model().operator()
        let action = try op.action()
        for bad in [Complex<Double>(.nan, 0), Complex(0, .infinity)] {
            var x = Self.randomVector(op.order, seed: 3)
            x[7] = bad
            #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "OperatorAction.apply", row: 7, column: 0)) {
                try action.apply(x)
            }
        }
        #expect(throws: LinearAlgebraError.self) { try action.apply([Complex<Double>](repeating: .one, count: 3)) }
    }

    /// The FFT wrapper: a naive DFT on a 3 × 4 × 5 array, aligned and unaligned buffers,
    /// backward(forward(x)) = N x.
    @Test func fourierTransformMatchesNaiveSum() throws {
        let dims = [3, 4, 5]
        let n = 60
        let transform = try FourierTransform(dimensions: dims)
        let x = Self.randomVector(n, seed: 11)
        var naive = [Complex<Double>](repeating: .zero, count: n)
        for m in 0..<n {
            let mi = [m / 20, (m / 5) % 4, m % 5]
            for j in 0..<n {
                let ji = [j / 20, (j / 5) % 4, j % 5]
                var phase = 0.0
                for a in 0..<3 { phase -= 2 * Double.pi * Double(mi[a] * ji[a]) / Double(dims[a]) }
                naive[m] += x[j] * Complex(cos(phase), sin(phase))
            }
        }
        let unaligned = try transform.forward(x)
        let aligned = try AlignedComplexBuffer(count: n)
        for i in 0..<n { aligned.elements[i] = x[i] }
        try transform.forward(aligned.elements)
        for m in 0..<n {
            #expect((unaligned[m] - naive[m]).length <= 1e-13 * Double(n))
            #expect((aligned.elements[m] - naive[m]).length <= 1e-13 * Double(n))
        }
        let back = try transform.backward(unaligned)
        for i in 0..<n { #expect((back[i] - Complex(Double(n)) * x[i]).length <= 1e-13 * Double(n)) }
        #expect(throws: LinearAlgebraError.self) { try transform.forward([Complex<Double>](repeating: .zero, count: 7)) }
        #expect(throws: LinearAlgebraError.self) { try FourierTransform(dimensions: [4, 0]) }
    }
}
