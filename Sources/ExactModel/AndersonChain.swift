import Foundation

/// The one-dimensional Anderson model H = −t Σ (|n⟩⟨n+1| + h.c.) + Σ V_n |n⟩⟨n|, V_n
/// i.i.d. uniform in [−W/2, W/2] (U0 = W²/12), at energy E.
public struct AndersonChain: Sendable, Equatable {
    public var energy: Double
    public var disorder: Double
    public var hopping: Double

    /// - Throws: `.invalidParameter` for a non-finite E, W < 0 or t ≤ 0.
    public init(energy: Double, disorder: Double, hopping: Double = 1) throws(ExactModelError) {
        guard energy.isFinite else { throw .invalidParameter(name: "energy E", value: "\(energy)", allowed: "a finite number") }
        guard disorder.isFinite, disorder >= 0 else {
            throw .invalidParameter(name: "disorder width W", value: "\(disorder)", allowed: "a finite number ≥ 0")
        }
        guard hopping.isFinite, hopping > 0 else { throw .invalidParameter(name: "hopping t", value: "\(hopping)", allowed: "a finite number > 0") }
        self.energy = energy
        self.disorder = disorder
        self.hopping = hopping
    }

    /// √ζ(3): ξ/ξ_L as W → 0 (Berezinskii; Gogolin: ⟨x²⟩∞ = 8ζ(3)l_b², l_b = ξ_L/2).
    public static let rootZeta3 = 1.0963835565893874

    /// Thouless's weak-disorder Lyapunov length inside the band, ξ_L = 24(4t² − E²)/W²
    /// (DESIGN §7); nil outside the band or without disorder.
    public var thoulessLength: Double? {
        let band = 4 * hopping * hopping - energy * energy
        guard band > 0, disorder > 0 else { return nil }
        return 24 * band / (disorder * disorder)
    }

    /// The decay rate of the clean chain outside the band, arccosh(|E|/2t) (0 inside).
    public var cleanDecayRate: Double {
        let ratio = abs(energy) / (2 * hopping)
        return ratio > 1 ? acosh(ratio) : 0
    }

    /// ln‖(ψ_{n}, ψ_{n−1})‖ after the n steps ψ_{k+1} = (V_k − E)/t·ψ_k − ψ_{k−1} (the
    /// 2 × 2 transfer matrices of H ψ = E ψ) from (ψ_0, ψ_{−1}) = `start`, renormalized every
    /// 16 steps; `state` is left normalized, for continuing the product.
    public func logGrowth(potentials: UnsafeBufferPointer<Double>, state: inout (Double, Double)) -> Double {
        var (current, previous) = state
        var logNorm = 0.0
        let scale = 1 / hopping
        for (k, v) in potentials.enumerated() {
            let next = (v - energy) * scale * current - previous
            previous = current
            current = next
            if k & 15 == 15 {
                let norm = (current * current + previous * previous).squareRoot()
                logNorm += log(norm)
                current /= norm; previous /= norm
            }
        }
        let norm = (current * current + previous * previous).squareRoot()
        logNorm += log(norm)
        state = (current / norm, previous / norm)
        return logNorm
    }
}

/// The Lyapunov length of the chain with its statistical error.
public struct LyapunovLength: Sendable {
    /// ξ_L = 1/γ, γ = lim (1/n)⟨ln‖T_n⋯T_1 v‖⟩.
    public var length: Double
    public var error: Double
    public var exponent: Double
    public var exponentError: Double
    public var segments: Int
    public var stepsPerSegment: Int
    public var burnIn: Int
}

extension AndersonChain {
    /// ξ_L from `segments` independent segments (each its own random stream,
    /// `RandomStream.Purpose.lyapunovSegment`): per segment, `burnIn` steps from (1, 0)
    /// are discarded and γ_s = (1/n) ln(‖T_{n}⋯T_1 v‖/‖v‖) over the next n steps; γ is
    /// their mean, its error the standard error of the mean, and δξ_L = ξ_L²·δγ.
    /// - Throws: `.invalidParameter` for fewer than 2 segments, no steps or a negative burn-in.
    public func lyapunovLength(segments: Int, stepsPerSegment: Int, burnIn: Int,
                               seed: UInt64, threads: Int) throws(ExactModelError) -> LyapunovLength {
        guard segments >= 2 else { throw .invalidParameter(name: "segments", value: "\(segments)", allowed: "an integer ≥ 2") }
        guard stepsPerSegment >= 1 else {
            throw .invalidParameter(name: "steps per segment", value: "\(stepsPerSegment)", allowed: "an integer ≥ 1")
        }
        guard burnIn >= 0 else { throw .invalidParameter(name: "burn-in steps", value: "\(burnIn)", allowed: "an integer ≥ 0") }
        let chain = self
        let rates = try ParallelTasks.map(count: segments, threads: threads) { (index: Int) throws(ExactModelError) -> Double in
            var stream = RandomStream(seed: seed, purpose: .lyapunovSegment, index: index)
            let block = 4096
            var potentials = [Double](repeating: 0, count: block)
            var state = (1.0, 0.0)
            var growth = 0.0
            var remaining = burnIn + stepsPerSegment
            var done = 0
            while remaining > 0 {
                // Burn-in and measurement in blocks; the block that crosses the end of the
                // burn-in is split there.
                let count = min(block, remaining, done < burnIn ? burnIn - done : remaining)
                for i in 0..<count { potentials[i] = stream.nextSiteEnergy(width: chain.disorder) }
                let g = potentials.withUnsafeBufferPointer { chain.logGrowth(potentials: UnsafeBufferPointer(rebasing: $0[0..<count]), state: &state) }
                if done >= burnIn { growth += g }
                done += count
                remaining -= count
            }
            return growth / Double(stepsPerSegment)
        }
        let (mean, error) = meanAndStandardError(rates)
        return LyapunovLength(length: 1 / mean, error: error / (mean * mean), exponent: mean, exponentError: error,
                              segments: segments, stepsPerSegment: stepsPerSegment, burnIn: burnIn)
    }
}

/// The mean of `values` and its standard error √(Σ(x − x̄)²/(n(n − 1))).
func meanAndStandardError(_ values: [Double]) -> (mean: Double, error: Double) {
    let n = Double(values.count)
    let mean = values.reduce(0, +) / n
    guard values.count > 1 else { return (mean, .infinity) }
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
    return (mean, (variance / n).squareRoot())
}
