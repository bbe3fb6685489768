import CollisionOperator
import DenseLinearAlgebra
import Foundation
import Numerics
import SpectralAnalysis
import TestSupport
import Testing

/// Issue #5: the reflection-blocked eigen-solve reproduces the dense one.
@Suite("Symmetry-blocked spectra")
struct SymmetryBlockTests {
    /// Random models: d = 1…3, sizes, energies, q with some zero components, all vertex
    /// models, white or correlated disorder, projection on or off (seeded, reproducible).
    static let randomModels: [ModelParameters] = {
        var generator = SeededGenerator(seed: 2024)
        var models: [ModelParameters] = []
        while models.count < 24 {
            var p = ModelParameters()
            p.dimension = Int.random(in: 1...3, using: &generator)
            p.size = [1: Int.random(in: 8...30, using: &generator), 2: Int.random(in: 5...11, using: &generator),
                      3: Int.random(in: 4...6, using: &generator)][p.dimension]!
            p.energy = Double.random(in: -1.2...1.2, using: &generator)
            p.q = (0..<p.dimension).map { _ in Bool.random(using: &generator) ? 0 : Double.random(in: -0.6...0.6, using: &generator) }
            if models.count % 6 == 0 { p.q = (0..<p.dimension).map { _ in 0 } }
            p.singular = SingularModel.allCases[models.count % 4]
            p.correlationRadius = models.count % 3 == 0 && p.size > 6 ? 0.5 : 0
            p.range = p.size > 4 ? 2 : 1
            p.wardProjection = models.count % 5 != 4
            p.disorder = .width(Double.random(in: 1.5...3.5, using: &generator))
            guard (try? CollisionModel(parameters: p)) != nil else { continue }    // SCBA must have γ > 0 on this grid
            models.append(p)
        }
        return models
    }()

    @Test(arguments: randomModels.indices)
    func blockedEigenvaluesMatchDense(_ index: Int) throws {
        let p = Self.randomModels[index]
        let model = try CollisionModel(parameters: p)
        let op = try model.collisionOperator()
        let sectors = SectorDecomposition(grid: model.grid, q: p.momentum)
        #expect(sectors.sectors.reduce(0) { $0 + $1.dimension } == model.grid.count)
        #expect(sectors.sectors.count == 1 << p.momentum.filter { $0 == 0 }.count)
        let dense = try Spectrum(matrix: op.fullMatrix, zeroMode: nil, computeVectors: false)
        let blocked = try Spectrum(matrix: op.fullMatrix, sectors: sectors, zeroMode: nil, computeVectors: false)
        let scale = dense.modes.last!.value.length
        #expect(spectralDistance(blocked.values, dense.values) <= 1e-10 * scale, "d=\(p.dimension) L=\(p.size) q=\(p.momentum) \(p.singular)")
        #expect(blocked.traceResidual <= Spectrum.traceTolerance)
    }

    /// Blocked eigenvectors, mapped back to the grid, are eigenvectors of the full 𝕃 and
    /// c-normalized on the grid.
    @Test(arguments: [0, 3, 7, 12])
    func blockedEigenvectorsAreEigenvectorsOfTheFullOperator(_ index: Int) throws {
        var p = Self.randomModels[index]
        if p.momentum.allSatisfy({ $0 != 0 }) { p.q = p.momentum.enumerated().map { $0.offset == 0 ? 0 : $0.element } }
        let model = try CollisionModel(parameters: p)
        let op = try model.collisionOperator()
        let matrix = try op.fullMatrix
        let blocked = try Spectrum(matrix: matrix, sectors: SectorDecomposition(grid: model.grid, q: p.momentum),
                                   zeroMode: op.fields.root, computeVectors: true)
        #expect(blocked.isBlocked)
        let vectors = try #require(blocked.vectors)
        #expect(eigenResidual(matrix, values: blocked.values, vectors: vectors) <= 1e-11)
        let n = Double(model.grid.count)
        for mode in blocked.modes where !mode.nearExceptional {
            let v = vectors.column(mode.index)
            #expect((bilinearSum(v, v) / Complex(n) - 1).length < 1e-9)
        }
    }

    /// √ΔG is invariant under every reflection: the exact zero mode is in the fully
    /// symmetric sector, and every other sector has w0 = 0.
    @Test(arguments: [(1, 20), (2, 12), (3, 6)])
    func zeroModeLivesInTheFullySymmetricSector(dimension: Int, size: Int) throws {
        var p = ModelParameters()
        p.dimension = dimension; p.size = size; p.range = 1.5
        let model = try CollisionModel(parameters: p)
        let op = try model.collisionOperator()
        let sectors = SectorDecomposition(grid: model.grid, q: p.momentum)
        let spectrum = try Spectrum(matrix: op.fullMatrix, sectors: sectors, zeroMode: op.fields.root, computeVectors: true)
        let zero = try #require(spectrum.diffusionMode)
        #expect(zero.value.length <= 1e-12 * spectrum.frobeniusNorm)
        #expect(spectrum.sectorLabel(zero.index) == String(repeating: "+", count: dimension))
        for mode in spectrum.modes where !(spectrum.sectorLabel(mode.index)!.allSatisfy { $0 == "+" }) {
            #expect(mode.zeroModeOverlap == 0)
        }
        // Each sector of s is orthogonal to it except the symmetric one.
        for sector in sectors.sectors {
            let coordinates = sector.project(op.fields.root)
            if !sector.isFullySymmetric { #expect(euclideanNorm(coordinates) <= 1e-13 * euclideanNorm(op.fields.root)) }
        }
    }

    /// The sector bases are orthonormal and complete: project ∘ expand = identity, and the
    /// sectors together reproduce any grid vector.
    @Test(arguments: [(1, 9, [0.0]), (2, 6, [0.0, 0.0]), (2, 7, [0.0, 0.3]), (3, 4, [0.0, 0.0, 0.0])])
    func sectorBasesAreOrthonormalAndComplete(dimension: Int, size: Int, q: [Double]) {
        let grid = MomentumGrid(dimension: dimension, size: size)
        let decomposition = SectorDecomposition(grid: grid, q: q)
        var generator = SeededGenerator(seed: 9)
        let x = (0..<grid.count).map { _ in generator.complex() }
        var rebuilt = [Complex<Double>](repeating: .zero, count: grid.count)
        for sector in decomposition.sectors {
            let coordinates = (0..<sector.dimension).map { _ in generator.complex() }
            let back = sector.project(sector.expand(coordinates, gridPoints: grid.count))
            #expect(zip(back, coordinates).allSatisfy { ($0 - $1).length < 1e-14 })
            let piece = sector.expand(sector.project(x), gridPoints: grid.count)
            for k in 0..<grid.count { rebuilt[k] += piece[k] }
        }
        #expect(zip(rebuilt, x).allSatisfy { ($0 - $1).length < 1e-13 })
    }

    /// The hierarchy does not depend on blocking.
    @Test func hierarchyIsTheSameWithAndWithoutSymmetry() throws {
        var p = ModelParameters()
        p.size = 12
        p.correlationRadius = 0.7
        let model = try CollisionModel(parameters: p)
        let blocked = try HierarchyAnalysis(model: model, symmetry: true)
        let dense = try HierarchyAnalysis(model: model, symmetry: false)
        #expect(blocked.scalingCounts == dense.scalingCounts)
        #expect(blocked.structuralCounts == dense.structuralCounts)
        #expect(blocked.disagreements.count == dense.disagreements.count)
        for (a, b) in zip(blocked.branches, dense.branches) {
            #expect((a.values.last! - b.values.last!).length <= 1e-10 * (1 + b.values.last!.length))
        }
    }
}

@Suite("Symmetry-blocked structural analysis")
struct BlockedStructureTests {
    /// (80), (82), the rank and |M0| are the same block by block as on the dense operator.
    @Test(arguments: [(2, 10, 0.0, SingularModel.localized), (2, 9, 0.7, .localized), (3, 5, 0.0, .lorentzian), (1, 24, 0.0, .none)])
    func blockedPredictionsMatchDense(dimension: Int, size: Int, correlation: Double, singular: SingularModel) throws {
        var p = ModelParameters()
        p.dimension = dimension; p.size = size; p.correlationRadius = correlation; p.singular = singular
        p.range = size > 6 ? 2 : 1
        p.q = (0..<dimension).map { $0 == 0 && dimension > 1 ? 0.15 : 0 }
        let model = try CollisionModel(parameters: p)
        let op = try model.collisionOperator()
        let sectors = SectorDecomposition(grid: model.grid, q: p.momentum)
        #expect(sectors.isNontrivial)
        let dense = try StructuralAnalysis(operator: op)
        let blocked = try StructuralAnalysis(operator: op, sectors: sectors)
        #expect(blocked.rank == dense.rank)
        #expect(blocked.zeroCount == dense.zeroCount)
        let scale = dense.predictions.map(\.value.length).max() ?? 1
        for family in SpectralFamily.allCases {
            let a = blocked.predictions.filter { $0.family == family }.map(\.value)
            let b = dense.predictions.filter { $0.family == family }.map(\.value)
            #expect(a.count == b.count)
            #expect(spectralDistance(a, b) <= 1e-9 * scale, "\(family)")
        }
        // The M∞ vectors are eigenvectors of 𝕃1 on the grid.
        let one = try op.singularOneMatrix
        for (column, eta) in blocked.singularEigenvalues.prefix(blocked.rank).enumerated() {
            let u = blocked.infiniteVectors.column(column)
            let residual = zip(try one.multiplied(by: u), u).reduce(0.0) { $0 + ($1.0 - eta * $1.1).magnitudeSquared }.squareRoot()
            #expect(residual <= 1e-10 * one.frobeniusNorm * euclideanNorm(u))
        }
    }
}
