import CollisionOperator
import DenseLinearAlgebra
import Foundation
import Numerics
import TestSupport
import Testing

/// Both correlators are autocorrelations (docs/model.md §2): the disorder power spectrum
/// C(p) ≥ 0 and the wave-function correlator 0 ≤ A(Q) ≤ 1, for every profile and a sweep
/// of their parameters; the two representations (Σ a_x cos, b̂²) agree; d(0) is the
/// curvature of A at Q = 0; the Kubo–Greenwood D splits into D_RA + D_RR.
@Suite struct CorrelatorFidelityTests {
    /// b̂(Q) = Σ_x b_x cos(Q·x) at an arbitrary momentum, straight from the envelope.
    static func envelopeTransform(_ c: LatticeAutocorrelation, _ Q: [Double]) -> Double {
        var sum = 0.0
        for v in 0..<c.envelope.count {
            sum += c.envelopeWeights[v] * cos(zip(Q, c.envelope.vector(v)).reduce(0) { $0 + $1.0 * Double($1.1) })
        }
        return sum
    }

    /// Σ_x a_x cos(Q·x) at an arbitrary momentum, from the support.
    static func supportTransform(_ c: LatticeAutocorrelation, _ Q: [Double]) -> Double {
        var sum = 0.0
        for v in 0..<c.support.count {
            sum += c.weights[v] * cos(zip(Q, c.support.vector(v)).reduce(0) { $0 + $1.0 * Double($1.1) })
        }
        return sum
    }

    /// Checks one autocorrelation on the grid and at random off-grid momenta: values in
    /// [0, 1], A(0) = 1, and Σ a cos = b̂²/b̂(0)² to round-off.
    static func checkAutocorrelation(_ c: LatticeAutocorrelation, grid: MomentumGrid, label: String) {
        let values = c.values(on: grid)
        #expect(abs(values[0] - 1) < 1e-14, "\(label): A(0) = \(values[0])")
        let minimum = values.min()!, maximum = values.max()!
        #expect(minimum >= 0, "\(label): min = \(minimum)")
        #expect(maximum <= 1 + 1e-14, "\(label): max = \(maximum)")
        let fromSupport = c.support.cosineSum(weights: c.weights, on: grid)
        let worst = zip(values, fromSupport).reduce(0) { max($0, abs($1.0 - $1.1)) }
        #expect(worst < 1e-13, "\(label): b̂² against Σ a cos: \(worst)")
        // Seeded from the label, so a failing momentum is reproducible.
        var generator = SeededGenerator(seed: label.utf8.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 })
        for _ in 0..<20 {
            let Q = (0..<grid.dimension).map { _ in Double.random(in: -Double.pi...Double.pi, using: &generator) }
            let b = envelopeTransform(c, Q)
            let a = supportTransform(c, Q)
            #expect(abs(a - b * b) < 1e-13, "\(label) at \(Q): \(a) vs \(b * b)")
        }
    }

    @Test(arguments: [1, 2, 3])
    func localizedCorrelatorIsACorrelator(dimension: Int) throws {
        let grid = MomentumGrid(dimension: dimension, size: dimension == 3 ? 12 : 24)
        for profile in CorrelatorProfile.allCases {
            for range in [2.0, 3.0, 4.5] {
                for xi in [0.3, 1.5, 4.0] {
                    for zeta in profile == .power ? [-1.2, -0.5, 0.5] : [0] {
                        var p = ModelSetup()
                        p.dimension = dimension
                        p.size = grid.size
                        p.singular = .localized
                        p.profile = profile
                        p.range = range
                        p.xi = xi
                        p.zeta = zeta
                        let vertex = try SingularVertex(parameters: p.parameters)
                        let c = try #require(vertex.correlator)
                        Self.checkAutocorrelation(c, grid: grid, label: "d=\(dimension) \(profile) R=\(range) ξ=\(xi) ζ=\(zeta)")
                    }
                }
            }
        }
    }

    @Test(arguments: [1, 2, 3])
    func disorderPowerSpectrumIsNonNegative(dimension: Int) throws {
        let grid = MomentumGrid(dimension: dimension, size: dimension == 3 ? 14 : 32)
        for radius in [0.4, 0.8, 1.0, 1.5, 2.0] {
            guard 2 * DisorderCorrelation.supportReach(radius) < Double(grid.size) else { continue }
            let correlation = DisorderCorrelation(radius: radius, dimension: dimension)
            let c = try #require(correlation.autocorrelation)
            Self.checkAutocorrelation(c, grid: grid, label: "d=\(dimension) r_c=\(radius)")
            #expect(abs(correlation.coefficients.reduce(0, +) - 1) < 1e-14)
        }
    }

    /// The support X of a = b ⋆ b is the set of differences of envelope points: on the 2D
    /// defaults (envelope |x| ≤ 1, five points) that is 13 vectors, and |x| ≤ R.
    @Test func supportOfTheDefaultCorrelator() throws {
        let vertex = try SingularVertex(parameters: ModelParameters())
        let c = try #require(vertex.correlator)
        #expect(c.envelope.count == 5)
        #expect(c.support.count == 13)
        #expect(c.support.lengths.max()! <= 2 + 1e-12)
        #expect(vertex.predictedRank(wardProjection: true) == 12)
        // Every difference of two envelope points is in X, and nothing else.
        var differences = Set<[Int]>()
        for y in 0..<c.envelope.count {
            for z in 0..<c.envelope.count {
                differences.insert(zip(c.envelope.vector(z), c.envelope.vector(y)).map { $0 - $1 })
            }
        }
        #expect(Set((0..<c.support.count).map(c.support.vector)) == differences)
    }

    /// d(0) = Σ a_x|x|²/(2d) is the curvature of A at Q = 0: A(ε ê_1) = 1 − d(0) ε² + O(ε⁴)
    /// (Suslov (62)–(63)), checked against b̂² off the grid.
    @Test(arguments: [1, 2, 3])
    func secondMomentIsTheCurvatureAtZero(dimension: Int) throws {
        var p = ModelSetup()
        p.dimension = dimension
        p.size = 16
        p.range = 4
        p.xi = 1.5
        let c = try #require(try SingularVertex(parameters: p.parameters).correlator)
        let epsilon = 1e-3
        let Q = [epsilon] + [Double](repeating: 0, count: dimension - 1)
        let b = Self.envelopeTransform(c, Q)
        let curvature = (1 - b * b) / (epsilon * epsilon)
        #expect(abs(curvature - c.secondMoment) < 1e-5 * c.secondMoment)
        #expect(c.secondMoment > 0)
    }

    /// A range R < 2 leaves a one-point envelope: A ≡ 1, |X| = 1, predicted rank 0.
    @Test func shortRangeIsConstant() throws {
        for range in [0.0, 0.5, 1.9] {
            var p = ModelSetup()
            p.range = range
            let vertex = try SingularVertex(parameters: p.parameters)
            #expect(vertex.correlatorIsConstant)
            #expect(vertex.predictedRank(wardProjection: true) == 0)
            #expect(vertex.correlatorValues(on: MomentumGrid(dimension: 2, size: 8))!.allSatisfy { $0 == 1 })
        }
    }

    /// An envelope that overflows double precision is refused, naming ζ.
    @Test func overflowingPowerEnvelopeIsRefused() {
        var p = ModelSetup()
        p.profile = .power
        p.range = 6
        p.xi = 3
        p.zeta = -2000
        #expect {
            _ = try SingularVertex(parameters: p.parameters)
        } throws: { error in
            guard let error = error as? ParameterError else { return false }
            return error.parameter == .zeta && error.value == "-2000.0"
        }
    }

    /// D_RA, D_RR, D_KG, v_F and l = v_F/(2γ) against `NaiveCollisionOperator`'s own SCBA and
    /// direct sums (1e-11: both SCBAs stop at ~1e-15 relative, the sums over N ≤ 512 terms add
    /// ~1e-14); and, a physics identity rather than a recomputation, for white noise
    /// |G^R|² = −Im G^R/γ, so D_RA = ⟨v_x²⟩/(2γ) = v_F²/(2γd) = v_F l/d exactly.
    @Test(arguments: [(1, 128, 0.3, 2.0), (2, 16, 0.3, 2.0), (2, 17, -0.8, 1.5), (3, 8, 1.1, 3.0)])
    func kuboGreenwoodParts(dimension: Int, size: Int, energy: Double, disorder: Double) throws {
        var p = ModelSetup()
        p.dimension = dimension
        p.size = size
        p.energy = energy
        p.disorder = .width(disorder)
        p.singular = .none
        let model = try p.model()
        let kg = model.kuboGreenwood
        let naive = NaiveCollisionOperator(.init(dimension: dimension, size: size, hopping: 1, energy: energy, u0: disorder * disorder / 12,
                                                 correlationRadius: 0, vertex: .none, q: [Double](repeating: 0, count: dimension), omega: 1e-3))
        #expect(abs(kg.diffusion - naive.diffusion) <= 1e-11 * naive.onShellDiffusion)
        #expect(abs(kg.onShellDiffusion - naive.onShellDiffusion) <= 1e-11 * naive.onShellDiffusion)
        #expect(abs(kg.fermiSeaDiffusion - naive.fermiSeaDiffusion) <= 1e-11 * naive.onShellDiffusion)
        let naivePath = naive.fermiVelocitySquared.squareRoot() / (2 * naive.gamma)
        #expect(abs(model.resolution.meanFreePath - naivePath) <= 1e-11 * naivePath)
        let drude = kg.fermiVelocitySquared / (2 * model.gamma * Double(dimension))
        #expect(abs(kg.onShellDiffusion - drude) < 1e-10 * drude)
        #expect(abs(kg.onShellDiffusion - kg.fermiVelocity * model.resolution.meanFreePath / Double(dimension)) < 1e-10 * drude)
    }

    /// The parity swing of the Fermi-sea part on the 2D default (docs/model.md §3.7): D_RR
    /// changes sign between L = 16 and 17 while D_RA moves by ~5 %; the model computes the
    /// L + 1 value on request.
    @Test func fermiSeaPartSwingsWithParity() throws {
        let model = try CollisionModel(parameters: ModelParameters(), compareNextSize: true)
        let next = try #require(model.kuboGreenwoodNextSize)
        #expect(model.kuboGreenwood.fermiSeaDiffusion < 0)
        #expect(next.fermiSeaDiffusion > 0)
        var p = ModelSetup()
        p.size = 17
        let direct = try p.model().kuboGreenwood
        #expect(abs(direct.diffusion - next.diffusion) < 1e-13 * direct.diffusion)
        #expect(abs(next.onShellDiffusion / model.kuboGreenwood.onShellDiffusion - 1) < 0.06)
    }
}
