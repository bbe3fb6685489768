import CollisionOperator
import DenseLinearAlgebra
import Numerics
import SpectralAnalysis
import TestSupport
import Testing

@Suite("Spectral hierarchy")
struct HierarchyTests {
    static func model(_ change: (inout ModelSetup) -> Void = { _ in }) throws -> ProbedModel {
        var p = ModelSetup()
        change(&p)
        return try p.model()
    }

    /// docs/model.md §4 reference case: |M0| = 1, |M1| = 243, |M∞| = 12 by both methods.
    @Test func referenceCaseCountsByBothMethods() throws {
        let analysis = try HierarchyAnalysis(model: Self.model())
        #expect(analysis.scalingCounts == [.m0: 1, .m1: 243, .mInfinity: 12])
        #expect(analysis.structuralCounts == [.m0: 1, .m1: 243, .mInfinity: 12])
        #expect(analysis.structure?.rank == 12)
        #expect(analysis.disagreements.isEmpty)
        #expect(analysis.avoidedCrossings.isEmpty)
        // The exact zero mode has no exponent; M1 and M∞ branches fit well.
        let zero = analysis.branches.filter { $0.fit.exponent == nil }
        #expect(zero.count == 1 && zero[0].zeroModeOverlap > 1 - 1e-10)
        for branch in analysis.branches where branch.fit.family == .mInfinity { #expect(branch.fit.exponent! < -0.75) }
    }

    /// White noise at q = 0: (80) reproduces the M∞ eigenvalues to round-off and every M1
    /// eigenvalue equals ΔΣ (𝕃reg = ΔΣ·P). "Round-off" is zgeev's backward error ε‖𝕃‖_F, which
    /// every eigenvalue carries whatever its own size (so the bound is ∝ ‖𝕃‖ ∝ 1/ω, as it must
    /// be): measured 2–9 ε‖𝕃‖ for the (80)/(82) labels and ≤ 0.7 ε‖𝕃‖ for M1 − ΔΣ over
    /// ω = 1e-2 … 1e-6 in these three models; bounds 100 ε‖𝕃‖ and 10 ε‖𝕃‖.
    @Test(arguments: [(2, 16), (3, 6), (1, 40)])
    func perturbationTheoryIsExactForWhiteNoise(dimension: Int, size: Int) throws {
        let model = try Self.model { $0.dimension = dimension; $0.size = size; $0.omega = 1e-4 }
        let op = try model.operator()
        let spectrum = try Spectrum(matrix: op.fullMatrix, zeroMode: nil, computeVectors: false)
        let structure = try StructuralAnalysis(operator: op)
        let labels = try structure.label(spectrum.values)
        let deltaSigma = op.fields.deltaSigma[0]
        let scale = spectrum.frobeniusNorm
        for (mode, label) in zip(spectrum.modes, labels) {
            #expect((mode.value - label.value).length <= 100 * Double.ulpOfOne * scale, "(80)/(82) prediction of mode \(mode.index)")
            if label.family == .m1 { #expect((mode.value - deltaSigma).length <= 10 * Double.ulpOfOne * scale) }
        }
        #expect(labels.filter { $0.family == .mInfinity }.count == model.vertex.correlatorSize! - 1)
    }

    /// Correlated disorder: M1 spreads into a band while |M0| = 1 and |M∞| = |X| − 1.
    @Test(arguments: [0.5, 1.0])
    func correlatedDisorderSpreadsM1(radius: Double) throws {
        let model = try Self.model { $0.size = 12; $0.correlationRadius = radius; $0.disorder = .width(2 / radius.squareRoot() + 1) }
        let analysis = try HierarchyAnalysis(model: model)
        let expected: [SpectralFamily: Int] = [.m0: 1, .m1: 144 - 13, .mInfinity: 12]
        #expect(analysis.scalingCounts == expected)
        #expect(analysis.structuralCounts == expected)
        let m1 = analysis.branches.filter { $0.fit.family == .m1 }.map { $0.values.last! }
        let spread = m1.map(\.imaginary).max()! - m1.map(\.imaginary).min()!
        #expect(spread > 1e-3 * m1[0].length, "M1 is a band, not one degenerate value")
    }

    /// The infinite-range `lorentzian` vertex: the scaling count of M∞ grows as ω decreases.
    @Test func lorentzianInfiniteFamilyGrowsAsOmegaDecreases() throws {
        let model = try Self.model { $0.size = 12; $0.singular = .lorentzian }
        let high = try HierarchyAnalysis(model: model, omegas: [1e-2, 1e-3])
        let low = try HierarchyAnalysis(model: model, omegas: [1e-5, 1e-6])
        let highCount = high.scalingCounts[.mInfinity] ?? 0, lowCount = low.scalingCounts[.mInfinity] ?? 0
        #expect(lowCount > highCount)
        #expect(high.structure?.rank == 143, "𝕃1 has full rank on the complement of s")
    }

    /// Tracking does not depend on LAPACK's order: permuting the second spectrum gives the
    /// same branches (the same eigenvalue at each step).
    @Test func trackingSurvivesAShuffledOrder() throws {
        let model = try Self.model { $0.size = 10; $0.correlationRadius = 0.7; $0.q = [0.2, 0.1] }
        let a = try model.operator(omega: 1e-3), b = try model.operator(omega: 1e-4)
        let first = try Spectrum(matrix: a.fullMatrix, zeroMode: a.fields.root, computeVectors: true)
        let second = try Spectrum(matrix: b.fullMatrix, zeroMode: b.fields.root, computeVectors: true)
        var generator = SeededGenerator(seed: 11)
        let order = Array(0..<second.modes.count).shuffled(using: &generator)
        let shuffled = second.reordered(order)
        let step = try BranchTracker.match(from: first, to: second)
        let shuffledStep = try BranchTracker.match(from: first, to: shuffled)
        for i in 0..<first.modes.count {
            let direct = second.modes[step.target[i]].value
            let viaShuffle = shuffled.modes[shuffledStep.target[i]].value
            #expect((direct - viaShuffle).length <= 1e-12 * second.frobeniusNorm)
            #expect(abs(step.confidence[i] - shuffledStep.confidence[i]) < 1e-9)
        }
        // Shuffling the first spectrum too.
        let firstShuffled = first.reordered(Array(0..<first.modes.count).shuffled(using: &generator))
        let both = try BranchTracker.match(from: firstShuffled, to: shuffled)
        var fromValue: [Int: Complex<Double>] = [:]
        for i in 0..<first.modes.count { fromValue[i] = second.modes[step.target[i]].value }
        for (k, mode) in firstShuffled.modes.enumerated() {
            let original = first.modes.firstIndex { $0.value == mode.value && $0.zeroModeOverlap == mode.zeroModeOverlap }!
            #expect((shuffled.modes[both.target[k]].value - fromValue[original]!).length <= 1e-12 * second.frobeniusNorm)
        }
    }

    /// Suslov (84): with the projection the M∞ modes are orthogonal to √ΔG to round-off;
    /// at q ≠ 0 the full eigenvectors' overlap is O(ω); without the projection it is O(1).
    @Test func wardCancellation() throws {
        let atZero = try HierarchyAnalysis(model: Self.model { $0.size = 12 })
        #expect(atZero.ward.count == 12)
        #expect(atZero.ward.allSatisfy { $0.singularOverlap < 1e-12 && $0.fullOverlaps.allSatisfy { $0 < 1e-12 } })
        let moving = try HierarchyAnalysis(model: Self.model { $0.size = 12; $0.q = [0.2, 0.1] })
        let exponents = moving.ward.compactMap(\.exponent)
        #expect(!exponents.isEmpty)
        #expect(exponents.allSatisfy { $0 > 0.8 }, "overlap ∝ ω: \(exponents)")
        let unprojected = try HierarchyAnalysis(model: Self.model { $0.size = 12; $0.wardProjection = false })
        #expect((unprojected.ward.map(\.singularOverlap).max() ?? 0) > 0.1)
    }

    /// Cooperon: no 𝕃1 decomposition, so only the scaling classification is given.
    @Test func cooperonHasNoStructuralClassification() throws {
        let analysis = try HierarchyAnalysis(model: Self.model { $0.size = 8; $0.singular = .cooperon })
        #expect(analysis.structure == nil)
        #expect(analysis.disagreements.isEmpty)
        #expect(analysis.branches.count == 64)
    }
}

@Suite("Flow and dispersion")
struct FlowAndDispersionTests {
    /// Suslov Fig. 4 at t = 0: 𝕃sing alone has N − rank 𝕃1 exact zero modes.
    @Test(arguments: [SingularModel.localized, .lorentzian])
    func flowStartsFromTheNullSpaceOfL1(singular: SingularModel) throws {
        var p = ModelSetup()
        p.size = 10
        p.singular = singular
        let model = try p.model()
        let flow = try FlowAnalysis(model: model, steps: 4)
        #expect(flow.couplings == [0, 0.25, 0.5, 0.75, 1])
        #expect(flow.zeroModesAtStart == model.grid.count - flow.rank)
        #expect(flow.branches.count == model.grid.count)
        // At t = 1 the flow ends on the spectrum of 𝕃.
        let full = try Spectrum(matrix: model.operator().fullMatrix, zeroMode: nil, computeVectors: false)
        #expect(spectralDistance(flow.branches.map { $0.values.last! }, full.values) <= 1e-10 * full.frobeniusNorm)
        #expect(flow.branches.allSatisfy { ($0.confidences.min() ?? 1) > 0.5 })
    }

    /// Metallic model: D(ω, q) = iλ0/q² at small q reproduces D_KG.
    @Test func metallicDispersionReproducesKuboGreenwood() throws {
        var p = ModelSetup()
        p.singular = .none
        p.size = 32
        p.omega = 1e-7
        let model = try p.model()
        let dispersion = try DiffusionLadder(model: model, maximumMomentum: 0.004, count: 2)
        for point in dispersion.points {
            #expect(abs(point.diffusion.real / model.kuboGreenwood.diffusion - 1) < 1e-3)
        }
    }

    /// Localized model: λ0 − λ_M ∝ ω (the current mode lies in the range of 𝕃1), while
    /// the streaming term λ_M does not vanish as ω → 0.
    @Test(arguments: [0.1, 0.3])
    func localizedRemainderScalesWithOmega(q: Double) throws {
        func point(_ omega: Double) throws -> DiffusionPoint {
            var p = ModelSetup()
            p.size = 12
            p.omega = omega
            return try DiffusionLadder(model: p.model(), maximumMomentum: q, count: 1).points[0]
        }
        let a = try point(1e-3), b = try point(1e-4)
        #expect(abs(a.remainder.length / b.remainder.length - 10) < 0.2)
        #expect((a.streamingTerm - b.streamingTerm).length < 0.05 * a.streamingTerm.length)
        #expect(a.zeroModeOverlap > 0.99)
    }
}

@Suite("Optimal assignment")
struct OptimalAssignmentTests {
    /// Brute force over all permutations on small random cost matrices.
    @Test(arguments: [1, 3, 5, 7])
    func matchesBruteForce(size n: Int) throws {
        var generator = SeededGenerator(seed: UInt64(40 + n))
        for _ in 0..<20 {
            let cost = (0..<(n * n)).map { _ in Double.random(in: 0...1, using: &generator) }
            let assignment = try OptimalAssignment.minimumCost(cost, rows: n, columns: n)
            #expect(Set(assignment).count == n)
            let total = assignment.enumerated().reduce(0) { $0 + cost[$1.offset * n + $1.element] }
            var best = Double.infinity
            func search(_ row: Int, _ used: inout [Bool], _ sum: Double) {
                if row == n { best = min(best, sum); return }
                for column in 0..<n where !used[column] {
                    used[column] = true
                    search(row + 1, &used, sum + cost[row * n + column])
                    used[column] = false
                }
            }
            var used = [Bool](repeating: false, count: n)
            search(0, &used, 0)
            #expect(abs(total - best) < 1e-12)
        }
    }

    @Test func rectangularAndBadInput() throws {
        let cost: [Double] = [5, 1, 9, 2, 8, 0]                  // 2 × 3
        #expect(try OptimalAssignment.minimumCost(cost, rows: 2, columns: 3) == [1, 2])
        #expect(throws: LinearAlgebraError.self) { try OptimalAssignment.minimumCost(cost, rows: 3, columns: 2) }
        #expect(throws: LinearAlgebraError.self) { try OptimalAssignment.minimumCost([.nan], rows: 1, columns: 1) }
    }
}
