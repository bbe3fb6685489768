import CollisionOperator
import DenseLinearAlgebra
import Numerics
import SpectralAnalysis
import TestSupport
import Testing

/// Small models across dimensions, energies, q and vertex models.
let spectrumCases: [(String, ModelSetup)] = {
    func make(_ d: Int, _ L: Int, _ e: Double, _ q: [Double], _ singular: SingularModel,
              correlation: Double = 0, range: Double = 2) -> (String, ModelSetup) {
        var p = ModelSetup()
        p.dimension = d; p.size = L; p.energy = e; p.q = q; p.singular = singular
        p.correlationRadius = correlation; p.range = range
        return ("d=\(d) L=\(L) E=\(e) q=\(q) \(singular.rawValue) rc=\(correlation)", p)
    }
    return [
        make(1, 40, 0.3, [0], .localized),
        make(2, 12, 0.3, [0, 0], .localized),
        make(2, 10, -0.9, [0.21, -0.13], .lorentzian),
        make(2, 9, 0.5, [0.3, 0], .cooperon, correlation: 0.5),
        make(3, 6, 0.3, [0, 0, 0], .localized, range: 1.5),
        make(3, 5, 1.1, [0.1, 0.1, 0], .none, correlation: 0.5),
    ]
}()

@Suite("Spectrum of the collision operator")
struct SpectrumTests {
    @Test(arguments: spectrumCases.indices)
    func traceOrderingOverlapsAndEigenvectors(_ index: Int) throws {
        let (label, p) = spectrumCases[index]
        let model = try p.model()
        let op = try model.operator()
        let matrix = try op.fullMatrix
        let spectrum = try Spectrum(matrix: matrix, zeroMode: op.fields.root, computeVectors: true)
        #expect(spectrum.traceResidual <= Spectrum.traceTolerance, "\(label)")
        let magnitudes = spectrum.modes.map { $0.value.length }
        #expect(magnitudes == magnitudes.sorted(), "sorted by |λ|")
        #expect(spectrum.modes.allSatisfy { (0...1).contains($0.zeroModeOverlap!) })
        let vectors = try #require(try spectrum.vectors)
        #expect(eigenResidual(matrix, values: spectrum.values, vectors: vectors) <= 1e-11, "\(label)")
        // c-normalization (e, e) = (1/N) Σ e² = 1 for every unflagged mode.
        let n = Double(op.order)
        for mode in spectrum.modes where !mode.nearExceptional {
            let e = vectors.column(mode.index)
            #expect((bilinearSum(e, e) / Complex(n) - 1).length < 1e-10)
        }
        // The values-only path gives the same eigenvalues.
        let valuesOnly = try Spectrum(matrix: matrix, zeroMode: nil, computeVectors: false)
        #expect(spectralDistance(valuesOnly.values, spectrum.values) <= 1e-11 * spectrum.frobeniusNorm)
    }

    /// docs/model.md §3.2: at q = 0 λ0 (largest w0) is zero to 1e-12‖𝕃‖ and its vector is s.
    @Test(arguments: spectrumCases.indices)
    func zeroModeAtZeroMomentum(_ index: Int) throws {
        var p = spectrumCases[index].1
        p.q = nil
        let op = try p.model().operator()
        let spectrum = try Spectrum(matrix: op.fullMatrix, zeroMode: op.fields.root, computeVectors: true)
        let mode = try #require(spectrum.diffusionMode)
        #expect(mode.value.length <= 1e-12 * spectrum.frobeniusNorm)
        #expect(mode.zeroModeOverlap! > 1 - 1e-10)
        #expect(mode.index == 0, "the zero mode is the smallest |λ|")
    }

    /// docs/model.md §3.4: eigenvalues are even in q. Cases at q = 0 take an off-grid q with
    /// distinct components instead (at q = 0 the comparison would be of a spectrum with itself).
    @Test(arguments: spectrumCases.indices)
    func eigenvaluesAreEvenInQ(_ index: Int) throws {
        let p = spectrumCases[index].1
        let model = try p.model()
        let q = p.momentum.allSatisfy { $0 == 0 } ? p.momentum.indices.map { 0.13 - 0.07 * Double($0) } : p.momentum
        #expect(q.contains { $0 != 0 })
        let plus = try Spectrum(matrix: model.operator(q: q).fullMatrix, zeroMode: nil, computeVectors: false)
        let minus = try Spectrum(matrix: model.operator(q: q.map { -$0 }).fullMatrix, zeroMode: nil, computeVectors: false)
        let scale = plus.modes.last!.value.length
        #expect(spectralDistance(plus.values, minus.values) <= 1e-10 * scale)
    }

    /// A non-finite matrix never reaches LAPACK.
    @Test func nonFiniteMatrixIsRejected() {
        var matrix = ComplexMatrix.identity(order: 5)
        matrix[3, 3] = Complex(.nan, 1)
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "zgeev", row: 3, column: 3)) {
            try Spectrum(matrix: matrix, zeroMode: nil, computeVectors: true)
        }
    }

    @Test func spectralDistanceIsAMultisetDistance() {
        var generator = SeededGenerator(seed: 3)
        let a = (0..<200).map { _ in generator.complex() }
        var b = a.shuffled(using: &generator)
        #expect(spectralDistance(a, b) == 0)
        b[17] += Complex(3e-7, -4e-7)
        #expect(abs(spectralDistance(a, b) - 5e-7) < 1e-12)
        #expect(spectralDistance(a, Array(b.dropLast())) == .infinity)
    }
}

@Suite("Structure of 𝕃1 and the docs/model.md §4 reference case")
struct SingularStructureTests {
    /// docs/model.md §3.6: rank 𝕃1 = |X| − 1 with the Ward projection, |X| without.
    @Test(arguments: [(1, 24, 2.0, 1.5), (2, 12, 2.0, 1.5), (2, 16, 3.0, 0.8), (3, 6, 1.5, 1.5), (3, 8, 2.0, 2.5), (4, 4, 1.0, 1.0)])
    func rankOfSingularOperator(dimension: Int, size: Int, range: Double, xi: Double) throws {
        for projection in [true, false] {
            for profile in CorrelatorProfile.allCases {
                var p = ModelSetup()
                p.dimension = dimension; p.size = size; p.range = range; p.xi = xi
                p.wardProjection = projection; p.profile = profile
                let model = try p.model()
                let rank = try SingularRank(operator: model.operator())
                let vectors = try #require(model.vertex.correlatorSize)
                #expect(rank.rank == (projection ? vectors - 1 : vectors), "projection \(projection) \(profile)")
                // The cutoff sits in a real gap: dropped eigenvalues are round-off.
                if let dropped = rank.largestDropped, let kept = rank.smallestKept { #expect(dropped < 1e-6 * kept) }
            }
        }
    }

    /// docs/model.md §4 reference case (d = 2, L = 16, white noise, localized, q = 0): one exact
    /// zero mode, 243 eigenvalues equal to ΔΣ (𝕃reg = ΔΣ·P on the complement of s) and 12
    /// equal to ΔΣ + η_s/ω with η_s the nonzero eigenvalues of 𝕃1 — Suslov (80) exactly.
    @Test(arguments: [1e-3, 1e-4, 1e-5])
    func referenceCaseCountsAndPerturbationTheory(omega: Double) throws {
        var p = ModelSetup()
        p.omega = omega
        let model = try p.model()
        let op = try model.operator()
        let spectrum = try Spectrum(matrix: op.fullMatrix, zeroMode: op.fields.root, computeVectors: false)
        let largest = spectrum.modes.last!.value.length
        let deltaSigma = op.fields.deltaSigma[0]
        let zero = spectrum.values.filter { $0.length <= 1e-9 * largest }
        let atDeltaSigma = spectrum.values.filter { ($0 - deltaSigma).length <= 1e-9 * deltaSigma.length }
        #expect(zero.count == 1)
        #expect(atDeltaSigma.count == 243)
        let rest = spectrum.values.filter { $0.length > 1e-9 * largest && ($0 - deltaSigma).length > 1e-9 * deltaSigma.length }
        #expect(rest.count == 12)
        let eta = try SingularRank(operator: op)
        let predicted = eta.eigenvalues.prefix(eta.rank).map { $0 / Complex(omega) + deltaSigma }
        #expect(multisetDistance(rest, Array(predicted)) <= 1e-11 * largest)
    }
}

@Suite("Large degenerate clusters")
struct LargeClusterTests {
    /// The 243-fold ΔΣ eigenvalue of the reference case: LAPACK's vectors are nearly
    /// dependent, the rebuilt basis is orthonormal and still made of eigenvectors.
    @Test func rebuiltClusterBasisIsOrthonormalEigenvectors() throws {
        let op = try ModelSetup().model().operator()
        let matrix = try op.fullMatrix
        let spectrum = try Spectrum(matrix: matrix, zeroMode: op.fields.root, computeVectors: true)
        let cluster = try #require(spectrum.clustersWithSubspaceBasis.first)
        #expect(cluster.count == 243)
        #expect(spectrum.clustersLeftNonOrthogonal.isEmpty)
        let vectors = try #require(try spectrum.vectors).columns(at: cluster)
        var normalized = vectors
        for j in 0..<vectors.columns {
            let column = vectors.column(j)
            let norm = euclideanNorm(column)
            normalized.setColumn(j, to: column.map { $0 / Complex(norm) })
        }
        let gram = try ComplexMatrix.product(normalized, .adjoint, normalized)
        var worst = 0.0
        for j in 0..<gram.columns { for i in 0..<gram.rows { worst = max(worst, (gram[i, j] - (i == j ? .one : .zero)).length) } }
        #expect(worst < 1e-12)
        let values = cluster.map { spectrum.modes[$0].value }
        #expect(eigenResidual(matrix, values: values, vectors: normalized) < 1e-12)
    }
}
