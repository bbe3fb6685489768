import DenseLinearAlgebra
import Foundation

/// The infinite-time return profile of the chain and what it gives (Suslov (61), (63)).
public struct DensityRelaxation: Sendable {
    /// ⟨x²⟩∞ = Σ_x x² P∞(x; E) and its error.
    public var secondMoment: Double
    public var secondMomentError: Double
    /// ξ = √(⟨x²⟩∞/2) (D → −iωξ², d = 1) and its error.
    public var length: Double
    public var lengthError: Double
    /// A(q) = Σ_x P∞(x; E) cos(qx), Suslov (61), on `wavenumbers`, with errors.
    public var wavenumbers: [Double]
    public var profile: [Double]
    public var profileError: [Double]
    /// Eigenstates in the window, summed over the chains (bulk and edge: each enters with its
    /// weight Σ_{x0 in the bulk} |ψ_n(x0)|²).
    public var states: Int

    /// d(q) = (1/A(q) − 1)/q², Suslov (63) (d(0) = ξ² by continuity; NaN at q = 0 here).
    public var dispersion: [Double] {
        zip(wavenumbers, profile).map { q, a in q == 0 ? .nan : (1 / a - 1) / (q * q) }
    }

    /// The error of d(q) from that of A(q): δd = δA/(A²q²).
    public var dispersionError: [Double] {
        (0..<wavenumbers.count).map { i in
            let q = wavenumbers[i], a = profile[i]
            return q == 0 ? .nan : profileError[i] / (a * a * q * q)
        }
    }
}

/// How the exact diagonalization is set up: chain length, bulk margin, window, samples.
public struct DiagonalizationPlan: Sendable, Equatable {
    /// Sites of each open chain.
    public var length: Int
    /// Origins x0 lie at least this many sites from either end.
    public var margin: Int
    /// Eigenstates with E_n in (E − window/2, E + window/2] stand for δ(E − E_n).
    public var window: Double
    public var samples: Int

    public init(length: Int, margin: Int, window: Double, samples: Int) {
        self.length = length
        self.margin = margin
        self.window = window
        self.samples = samples
    }

    /// The defaults, scaled with the Lyapunov length ξ_L: origins ≥ 20 ξ_L from the ends
    /// (the mean profile decays as x^{−3/2}e^{−x/2ξ_L}; an origin 5 ξ_L from an end captures
    /// only 71 % of ⟨x²⟩), and a bulk of 40 ξ_L, so L = 80 ξ_L (at least 240 sites): the
    /// window's eigenvectors cost O(L²) per chain (m ∝ L of them, O(L) each) for ∝ bulk
    /// useful states, least per state at bulk = 2·margin. A window of 0.1t (ξ_L changes
    /// across it by ≈ ±0.05·2|E|/(4t² − E²), linearly, so the mean is unbiased to first
    /// order); and samples enough for ≈ 8000 window states in the bulk (N_bulk·ρ(E)·window
    /// per chain, ρ of the clean chain), 16 … 4000.
    public static func defaults(lyapunovLength: Double, energy: Double, hopping: Double) -> DiagonalizationPlan {
        let margin = max(60, Int((20 * lyapunovLength).rounded(.up)))
        let bulk = 2 * margin
        let window = 0.1 * hopping
        let band = 4 * hopping * hopping - energy * energy
        let density = band > 0 ? 1 / (Double.pi * band.squareRoot()) : 1 / (Double.pi * hopping)
        let perSample = max(Double(bulk) * density * window, 0.5)
        let samples = min(4000, max(16, Int((8000 / perSample).rounded(.up))))
        return DiagonalizationPlan(length: 2 * margin + bulk, margin: margin, window: window, samples: samples)
    }
}

extension AndersonChain {
    /// ⟨x²⟩∞, ξ and A(q) of Suslov (61) by exact diagonalization of `plan.samples` open
    /// chains (`dstevr` on the window around E; sample s draws its potential from stream
    /// s of `RandomStream.Purpose.diagonalizationSample`):
    ///
    ///     P∞(x; E) = ⟨Σ_n δ(E − E_n)|ψ_n(x0)|²|ψ_n(x0 + x)|²⟩ / ⟨Σ_n δ(E − E_n)|ψ_n(x0)|²⟩,
    ///
    /// averaged over the origins x0 of the bulk [margin, L − margin) of every sample, with
    /// x over the whole chain. Per eigenstate this needs only the moments of |ψ_n|² over
    /// the bulk and over the chain (O(L) each). ⟨x²⟩ is the ratio of the sample sums; its
    /// error is the ratio estimator's, √(Σ_s (N_s − R·D_s)²/(S(S − 1)))/D̄.
    /// - Throws: `.invalidParameter` for a plan that does not fit, `.emptyWindow`, or a
    ///   LAPACK failure.
    public func densityRelaxation(plan: DiagonalizationPlan, wavenumbers: [Double],
                                  seed: UInt64, threads: Int) throws(ExactModelError) -> DensityRelaxation {
        guard plan.margin >= 0, plan.length > 2 * plan.margin else {
            throw .invalidParameter(name: "chain length", value: "\(plan.length)", allowed: "more than twice the bulk margin \(plan.margin)")
        }
        guard plan.window > 0, plan.window.isFinite else {
            throw .invalidParameter(name: "energy window", value: "\(plan.window)", allowed: "a finite number > 0")
        }
        guard plan.samples >= 2 else { throw .invalidParameter(name: "samples", value: "\(plan.samples)", allowed: "an integer ≥ 2") }
        let chain = self
        let q = wavenumbers
        let n = plan.length
        let center = Double(n - 1) / 2
        let bulk = plan.margin..<(n - plan.margin)
        // cos(q(x − center)), sin(q(x − center)) for every q and site, shared by all chains.
        var phases = [Double](repeating: 0, count: 2 * q.count * n)
        for (j, wavenumber) in q.enumerated() {
            for i in 0..<n {
                let phase = wavenumber * (Double(i) - center)
                phases[(2 * j) * n + i] = cos(phase)
                phases[(2 * j + 1) * n + i] = sin(phase)
            }
        }
        let table = phases
        struct SampleSums: Sendable {
            var weight = 0.0, moment = 0.0, states = 0
            var profile: [Double]
        }
        let sums = try ParallelTasks.map(count: plan.samples, threads: threads) { (sample: Int) throws(ExactModelError) -> SampleSums in
            var stream = RandomStream(seed: seed, purpose: .diagonalizationSample, index: sample)
            var diagonal = [Double](repeating: 0, count: n)
            for i in 0..<n { diagonal[i] = stream.nextSiteEnergy(width: chain.disorder) }
            let offDiagonal = [Double](repeating: -chain.hopping, count: n - 1)
            let window = try lapack { () throws(LinearAlgebraError) in
                try TridiagonalEigensolver.eigenpairs(diagonal: diagonal, offDiagonal: offDiagonal,
                                                      lower: chain.energy - plan.window / 2, upper: chain.energy + plan.window / 2)
            }
            var result = SampleSums(profile: [Double](repeating: 0, count: q.count))
            var density = [Double](repeating: 0, count: n)
            window.vectors.withUnsafeBufferPointer { z in
                table.withUnsafeBufferPointer { trig in
                    for state in 0..<window.values.count {
                        for i in 0..<n { density[i] = z[state * n + i] * z[state * n + i] }
                        // Moments over the chain (x) and over the bulk origins (x0), x measured from the center.
                        var m1 = 0.0, m2 = 0.0, w0 = 0.0, w1 = 0.0, w2 = 0.0
                        for i in 0..<n {
                            let p = density[i], x = Double(i) - center
                            m1 += p * x; m2 += p * x * x
                        }
                        for i in bulk {
                            let p = density[i], x = Double(i) - center
                            w0 += p; w1 += p * x; w2 += p * x * x
                        }
                        result.weight += w0
                        result.moment += w0 * m2 - 2 * w1 * m1 + w2
                        result.states += 1
                        for j in 0..<q.count {
                            let cosines = (2 * j) * n, sines = (2 * j + 1) * n
                            var c = 0.0, s = 0.0, cBulk = 0.0, sBulk = 0.0
                            for i in 0..<n { c += density[i] * trig[cosines + i]; s += density[i] * trig[sines + i] }
                            for i in bulk { cBulk += density[i] * trig[cosines + i]; sBulk += density[i] * trig[sines + i] }
                            result.profile[j] += cBulk * c + sBulk * s
                        }
                    }
                }
            }
            return result
        }
        let totalWeight = sums.reduce(0) { $0 + $1.weight }
        guard totalWeight > 0 else { throw .emptyWindow(energy: energy, window: plan.window, samples: plan.samples) }
        func ratio(_ numerator: (SampleSums) -> Double) -> (value: Double, error: Double) {
            let r = sums.reduce(0) { $0 + numerator($1) } / totalWeight
            let s = Double(sums.count)
            let meanWeight = totalWeight / s
            let spread = sums.reduce(0) { $0 + pow(numerator($1) - r * $1.weight, 2) }
            return (r, (spread / (s * (s - 1))).squareRoot() / meanWeight)
        }
        let moment = ratio { $0.moment }
        let profile = q.indices.map { j in ratio { $0.profile[j] } }
        let length = (moment.value / 2).squareRoot()
        return DensityRelaxation(secondMoment: moment.value, secondMomentError: moment.error,
                                 length: length, lengthError: moment.error / (4 * length),
                                 wavenumbers: q, profile: profile.map(\.value), profileError: profile.map(\.error),
                                 states: sums.reduce(0) { $0 + $1.states })
    }
}
