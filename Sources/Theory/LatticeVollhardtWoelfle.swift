import CollisionOperator
import Foundation
import Numerics

/// VW (42) on the momentum grid of a model (docs/model.md §6): (★) with N_F → ρ(E), 1/τ = 2γ
/// from the SCBA, D0 → D_RA (the on-shell Kubo–Greenwood D; VW's theory has no Fermi-sea part)
/// and the Q-integral replaced by (1/N) Σ_Q over the grid with Q̂² = Σ_i 2(1 − cos Q_i):
///
///     a·t + Φ(t) = D_RA,   Φ(t) = (t/πρN) Σ_Q 1/(1 + t Q̂²),   t = D/a,  a = −iω + 1/τ_s.
///
/// By default the whole zone is summed (the lattice is the cutoff); with a cutoff x_l only
/// |Q̂| < x_l/l. The Q = 0 term, t/(πρN), is the finite-size pole: on a finite grid every
/// τ_s = 0 solution localizes at ω → 0, with ξ ≳ L where disorder alone would not localize.
public struct LatticeVollhardtWoelfle: DiffusionKernel {
    public let dimension: Int
    public let size: Int
    /// ρ(E) per spin and site.
    public let densityOfStates: Double
    /// γ (1/τ = 2γ).
    public let gamma: Double
    /// D_RA, the bare D0 of the lattice equation.
    public let bareDiffusion: Double
    /// D_RR, reported beside the solution and added unrenormalized.
    public let fermiSeaDiffusion: Double
    /// l = v_F/(2γ).
    public let meanFreePath: Double
    /// x_l of |Q̂| < x_l/l, or nil for the whole zone.
    public let latticeCutoff: Double?
    /// Distinct Q̂² of the grid (inside the cutoff) and how many grid points have each.
    public let momentumSquared: [Double]
    public let weights: [Double]
    let prefactor: Double

    /// Reads ρ, γ, D_RA, D_RR and l from a built model (its SCBA at E).
    public init(model: CollisionModel, latticeCutoff: Double? = nil) throws(TheoryInputError) {
        try self.init(dimension: model.parameters.dimension, size: model.parameters.size,
                      densityOfStates: model.kuboGreenwood.densityOfStates, gamma: model.gamma,
                      onShellDiffusion: model.kuboGreenwood.onShellDiffusion,
                      fermiSeaDiffusion: model.kuboGreenwood.fermiSeaDiffusion,
                      meanFreePath: model.resolution.meanFreePath, latticeCutoff: latticeCutoff)
    }

    public init(dimension: Int, size: Int, densityOfStates: Double, gamma: Double, onShellDiffusion: Double,
                fermiSeaDiffusion: Double, meanFreePath: Double, latticeCutoff: Double? = nil) throws(TheoryInputError) {
        if let x = latticeCutoff, !(x.isFinite && x > 0) {
            throw TheoryInputError(.latticeCutoff, value: "\(x)", reason: "is not a cutoff x_l of |Q̂| < x_l/l", allowed: "a finite number > 0")
        }
        self.dimension = dimension
        self.size = size
        self.densityOfStates = densityOfStates
        self.gamma = gamma
        bareDiffusion = onShellDiffusion
        self.fermiSeaDiffusion = fermiSeaDiffusion
        self.meanFreePath = meanFreePath
        self.latticeCutoff = latticeCutoff
        // Per axis: c_n = 2(1 − cos 2πn/L) for n = 0 … ⌊L/2⌋, weight 2 for n and L − n distinct.
        let half = size / 2
        let axis = (0...half).map { 2 * (1 - cos(2 * Double.pi * Double($0) / Double(size))) }
        let axisWeight = (0...half).map { n -> Double in (n == 0 || 2 * n == size) ? 1 : 2 }
        let limit = latticeCutoff.map { ($0 / meanFreePath) * ($0 / meanFreePath) } ?? .infinity
        // Enumerate sorted tuples n_1 ≤ … ≤ n_d with multinomial factors.
        var sorted: [Double: Double] = [:]
        func enumerate(_ prefix: [Int]) {
            if prefix.count == dimension {
                var q2 = 0.0, w = 1.0
                for n in prefix { q2 += axis[n]; w *= axisWeight[n] }
                guard q2 < limit || q2 == 0 else { return }
                var permutations = Double((1...dimension).reduce(1, *))
                var runs: [Int: Int] = [:]
                for n in prefix { runs[n, default: 0] += 1 }
                for r in runs.values { permutations /= Double((1...r).reduce(1, *)) }
                sorted[q2, default: 0] += w * permutations
                return
            }
            for n in (prefix.last ?? 0)...half { enumerate(prefix + [n]) }
        }
        enumerate([])
        let keys = sorted.keys.sorted()
        momentumSquared = keys
        weights = keys.map { sorted[$0]! }
        let n = pow(Double(size), Double(dimension))
        prefactor = 1 / (Double.pi * densityOfStates * n)
    }

    /// τ = 1/(2γ).
    public var tau: Double { 1 / (2 * gamma) }
    public var largestMomentumSquared: Double { momentumSquared.last ?? 0 }
    public var slopeAtZero: Double { prefactor * weights.reduce(0, +) }
    public var phiAtInfinity: Double? { nil }

    /// Number of grid points summed (N inside the cutoff).
    public var pointsSummed: Double { weights.reduce(0, +) }

    public func phi(_ t: Complex<Double>) -> (value: Complex<Double>, derivative: Complex<Double>) {
        var sum = Complex<Double>.zero, sum2 = Complex<Double>.zero
        for (q2, w) in zip(momentumSquared, weights) {
            let inverse = Complex(1, 0) / (Complex(1, 0) + t.multiplied(by: q2))
            sum = sum + inverse.multiplied(by: w)
            sum2 = sum2 + (inverse * inverse).multiplied(by: w)
        }
        return ((t * sum).multiplied(by: prefactor), sum2.multiplied(by: prefactor))
    }

    /// The effective continuum coupling λ = 1/(πk_F l) of this grid for d ≥ 2: k_F from the free-electron
    /// relation N_F = S_d k_F^{d−1}/((2π)ᵈ v_F) with N_F = ρ, v_F = 2γl (so that the prefactor of (★)
    /// matches); nil in d = 1, where (★) depends on λ only through the cutoff.
    public var effectiveLambda: Double? {
        guard dimension >= 2 else { return nil }
        let vF = 2 * gamma * meanFreePath
        let sphere = dimension == 2 ? 2 * Double.pi : (dimension == 3 ? 4 * Double.pi : 2 * Double.pi * Double.pi)
        let kF = pow(pow(2 * Double.pi, Double(dimension)) * vF * densityOfStates / sphere, 1 / Double(dimension - 1))
        return 1 / (Double.pi * kF * meanFreePath)
    }

    /// Solves the lattice equation at each ω (units of t) with τ/τ_s = `tauSRatio`.
    public func solve(omegas: [Double], tauSRatio: Double = 0) throws -> VollhardtWoelfleSolution {
        try VollhardtWoelfleSolution.checkLadder(omegas)
        try VollhardtWoelfleSolution.checkRatio(tauSRatio)
        let solver = SelfConsistentSolver(kernel: self, breakingRate: tauSRatio * 2 * gamma,
                                          equation: "VW (42) on the \(dimension)-d grid, L = \(size)")
        let points = try solver.solve(omegas: omegas)
        return VollhardtWoelfleSolution(points: points, staticLimit: try solver.staticLimit(), bareDiffusion: bareDiffusion, omegaScale: tau)
    }
}
