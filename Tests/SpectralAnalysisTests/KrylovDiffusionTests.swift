import CollisionOperator
import DenseLinearAlgebra
import Numerics
import SpectralAnalysis
import TestSupport
import Testing

/// λ0 without the spectrum (docs/model.md §4): Newton on the projected secular equation
/// with COCG on the matrix-free action, against the dense eigen-solve and the closed
/// secular equation of white noise with `none`.
@Suite struct KrylovDiffusionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var dimension: Int
        var size: Int
        var singular: SingularModel
        var correlation = 0.0
        var disorder = 2.0
        var q: [Double]
        var testDescription: String { "d=\(dimension) L=\(size) \(singular.rawValue) rc=\(correlation) q=\(q)" }

        var parameters: ModelSetup {
            var p = ModelSetup()
            p.dimension = dimension
            p.size = size
            p.singular = singular
            p.correlationRadius = correlation
            p.disorder = .width(disorder)
            p.q = q
            return p
        }
    }

    static let cases: [Case] = [
        Case(dimension: 1, size: 48, singular: .localized, q: [0.02]),
        Case(dimension: 1, size: 40, singular: .cooperon, q: [0.05]),
        Case(dimension: 2, size: 12, singular: .none, correlation: 1, disorder: 5, q: [0.03, 0]),
        Case(dimension: 2, size: 12, singular: .localized, q: [0.02, 0.01]),
        Case(dimension: 2, size: 10, singular: .lorentzian, q: [2 * Double.pi / 10, 0]),       // on the grid
        Case(dimension: 2, size: 12, singular: .cooperon, correlation: 0.7, disorder: 5, q: [0.03, 0.02]),
        Case(dimension: 3, size: 6, singular: .localized, q: [0.04, 0, 0]),
        Case(dimension: 3, size: 6, singular: .cooperon, q: [0.03, 0.03, 0.03]),
    ]

    /// λ0 from Newton–Krylov equals the dense mode of largest w0. The dense eigenvalue
    /// carries an absolute error ~ε·max|λ| (the M∞ values reach F/ω), so the tolerance is
    /// 1e-10 relative plus 100ε·max|λ|.
    @Test(arguments: cases)
    func krylovMatchesDense(_ c: Case) throws {
        let model = try c.parameters.model()
        let op = try model.operator()
        let dense = try Spectrum(matrix: op.fullMatrix, zeroMode: op.fields.root, computeVectors: true)
        let reference = try #require(dense.diffusionMode)
        let largest = dense.modes.map(\.value.length).max()!
        let mode = try KrylovDiffusion.diffusionMode(of: model.operator(q: c.q, omega: model.probe.omega), start: .zero)
        let difference = (mode.value - reference.value).length
        #expect(difference <= 1e-10 * reference.value.length + 100 * .ulpOfOne * largest,
                "λ0 krylov \(mode.value) dense \(reference.value)")
        #expect(abs(mode.zeroModeOverlap - (reference.zeroModeOverlap ?? 0)) < 1e-8)
        #expect(mode.eigenResidual < 1e-11)
        #expect(mode.innerBackwardError <= KrylovDiffusion.innerTolerance)
    }

    /// Inexact Newton (first inner solve to 1e-6, then (step)²) gives the λ0 and eigenvector of
    /// exact Newton (every inner solve to 1e-12) to the accuracy of the inner solves, in no more
    /// products, and its reported inner backward error is that of the full-tolerance solves.
    @Test(arguments: cases.filter { $0.singular != .none })
    func inexactNewtonMatchesExactNewton(_ c: Case) throws {
        let model = try c.parameters.model()
        let op = try model.operator(q: c.q, omega: model.probe.omega)
        let exact = try KrylovDiffusion.diffusionMode(of: op, start: .zero, firstInnerTolerance: KrylovDiffusion.innerTolerance)
        let inexact = try KrylovDiffusion.diffusionMode(of: op, start: .zero)
        #expect((inexact.value - exact.value).length <= 1e-11 * exact.value.length, "λ0 \(inexact.value) vs \(exact.value)")
        #expect(abs(inexact.zeroModeOverlap - exact.zeroModeOverlap) < 1e-9)
        #expect(inexact.eigenResidual < 1e-11)
        #expect(inexact.innerBackwardError <= KrylovDiffusion.innerTolerance)
        #expect(inexact.products <= exact.products, "inexact \(inexact.products) exact \(exact.products) products")
    }

    /// White noise with `none`: 𝕃 is diagonal plus rank one, and the projected diagonal
    /// preconditioner is its exact inverse — one COCG step per Newton step, and the same λ0
    /// as the closed secular equation.
    @Test(arguments: [(1, 200), (2, 32), (3, 12)])
    func whiteNoiseMatchesTheSecularEquation(dimension: Int, size: Int) throws {
        var p = ModelSetup()
        p.dimension = dimension
        p.size = size
        p.singular = .none
        let model = try p.model()
        let q = [0.05] + [Double](repeating: 0, count: dimension - 1)
        let secular = try SecularDiffusionSolver().point(model: model, q: q, omega: p.omega)
        let op = try model.operator(q: q, omega: p.omega)
        #expect(op.naturalPreconditioner == .diagonal)
        let mode = try KrylovDiffusion.diffusionMode(of: op, start: .zero)
        #expect((mode.value - secular.value).length <= 1e-11 * secular.value.length)
        // Exact preconditioner: each inner solve converges in its first step (2 products
        // with the final true-residual check), plus the initial and final products and the
        // one estimate of ‖P𝕃P − λ‖ for the backward error.
        #expect(mode.products <= 3 * mode.newtonSteps + 2 + ConjugateOrthogonalGradient.normEstimateProducts)
    }

    /// What a solver needs is what the operator provides: the fully symmetric block of 𝕃
    /// (a dense matrix in the symmetry-adapted basis, not a `CollisionOperator`) solved by
    /// Newton–Krylov with a diagonal preconditioner gives the λ0 of the whole operator's dense
    /// spectrum.
    @Test(arguments: [SingularModel.localized, .cooperon])
    func krylovSolvesASymmetryBlock(singular: SingularModel) throws {
        var p = ModelSetup()
        p.size = 10
        p.singular = singular
        p.q = [0.03, 0]
        let model = try p.model()
        let op = try model.operator()
        let sectors = try op.symmetry()
        let symmetric = try #require(sectors.sectors.first { $0.isFullySymmetric })
        let block = BlockOperator(matrix: try op.block(symmetric), zeroMode: symmetric.project(op.fields.root),
                                  streamingTerm: op.fields.streamingTerm)
        #expect(block.order < op.order)
        let mode = try KrylovDiffusionSolver().diffusionMode(of: block, start: .zero)
        let reference = try DenseDiffusionSolver(symmetry: false).diffusionMode(of: op, start: .zero)
        #expect((mode.value - reference.value).length <= 1e-9 * reference.value.length, "block \(mode.value) full \(reference.value)")
        #expect(abs(mode.zeroModeOverlap - reference.zeroModeOverlap) < 1e-8)
    }

    /// The whole ladder: D(ω) and D_fit by krylov equal the dense path's.
    @Test(arguments: [SingularModel.none, .localized, .cooperon])
    func diffusionFitMatchesDense(singular: SingularModel) throws {
        var p = ModelSetup()
        p.size = 12
        p.singular = singular
        let model = try p.model()
        let dense = try DiffusionAnalysis(model: model, method: .dense)
        let krylov = try DiffusionAnalysis(model: model, method: .krylov)
        #expect(krylov.method == .krylov)
        #expect((krylov.fitted - dense.fitted).length <= 1e-8 * dense.fitted.length)
        let report = try #require(krylov.krylovReport)
        #expect(report.solves == krylov.points.count * (singular == .none ? 2 : 1))
        #expect(report.worstEigenResidual < 1e-11)
    }

    /// An inner solve that cannot converge is a numerical failure (a DiffusionSolverError,
    /// which the CLI maps to exit status 3) naming the backward error it reached, with its advice.
    @Test func innerFailureIsReported() throws {
        var p = ModelSetup()
        p.size = 12
        p.q = [0.02, 0]
        let model = try p.model()
        let op = try model.operator(q: p.q!, omega: p.omega)
        #expect {
            _ = try KrylovDiffusion.diffusionMode(of: op, start: .zero, innerIterations: 2, direct: false)
        } throws: { error in
            guard let error = error as? DiffusionSolverError, case .krylovFailure(let detail, let advice) = error else { return false }
            return detail.contains("backward error") && advice == [.denseOnSmallerGridOrLargerOmega] && !error.isInputError
        }
    }
}

/// The direct fallback of λ0 (`KrylovDiffusion.directMode`): forced by an inner cap of 2
/// products, Newton with LU on the bordered fully symmetric block gives the converged
/// Newton–COCG λ0 and the dense mode of largest w0, and its eigenvector (expanded to the
/// grid) has a small true residual.
@Suite struct KrylovDirectFallbackTests {
    @Test(arguments: [KrylovDiffusionTests.cases[0], KrylovDiffusionTests.cases[1], KrylovDiffusionTests.cases[7]])
    func forcedFallbackMatchesCOCGAndDense(_ c: KrylovDiffusionTests.Case) throws {
        let model = try c.parameters.model()
        let op = try model.operator(q: c.q, omega: model.probe.omega)
        let iterative = try KrylovDiffusion.diffusionMode(of: op, start: .zero, direct: false)
        let direct = try KrylovDiffusion.diffusionMode(of: op, start: .zero, innerIterations: 2)
        #expect(iterative.solver == .cocg && direct.solver == .lu)
        let dense = try #require(try Spectrum(matrix: op.fullMatrix, zeroMode: op.fields.root, computeVectors: true).diffusionMode)
        let scale = direct.value.length
        #expect((direct.value - iterative.value).length <= 1e-10 * scale, "LU \(direct.value) COCG \(iterative.value)")
        #expect((direct.value - dense.value).length <= 1e-10 * scale + 1e-13 * op.diagonalScale, "LU \(direct.value) dense \(dense.value)")
        #expect(abs(direct.zeroModeOverlap - iterative.zeroModeOverlap) < 1e-8)
        #expect(direct.eigenResidual < 1e-11)
    }
}

/// A symmetry block of 𝕃 as a `DiffusionModeOperator`: its matrix is the action, its
/// diagonal the preconditioner.
private struct BlockOperator: DiffusionModeOperator {
    let matrix: ComplexMatrix
    let zeroMode: [Complex<Double>]
    let streamingTerm: Complex<Double>

    struct Diagonal: ShiftedPreconditioner {
        let values: [Complex<Double>]
        var order: Int { values.count }
        func solve(_ v: [Complex<Double>], shift: Complex<Double>, into z: inout [Complex<Double>]) {
            for k in 0..<values.count { z[k] = v[k] / (values[k] - shift) }
        }
    }

    var order: Int { matrix.rows }
    var diagonalScale: Double { (0..<order).reduce(0) { max($0, matrix[$1, $1].length) } }
    var diagonalPlusRankOne: DiagonalPlusRankOneForm? { nil }
    var naturalPreconditioner: PreconditionerKind { .diagonal }
    func makeAction() throws -> ComplexMatrix { matrix }
    func denseDiffusionProblem(symmetry: Bool) throws
        -> (matrix: ComplexMatrix, zeroMode: [Complex<Double>], expand: ([Complex<Double>]) -> [Complex<Double>]) { (matrix, zeroMode, { $0 }) }
    func denseDiffusionOrder(symmetry: Bool) throws -> Int { order }
    func preconditioner(_ kind: PreconditionerKind) -> Diagonal { Diagonal(values: (0..<order).map { matrix[$0, $0] }) }
}
