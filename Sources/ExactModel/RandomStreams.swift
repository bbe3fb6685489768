/// Reproducible random numbers with independent streams (docs/guide/exact.md, "Reproducibility").
///
/// Each stream is a xoshiro256** generator (Blackman & Vigna 2018) whose 256-bit state is
/// four consecutive outputs of SplitMix64 started at `mix(seed) ⊕ mix(streamKey)`, where
/// `mix` is SplitMix64's finalizer and `streamKey = purpose · 2⁴⁸ + index` names what the
/// stream is for (a Lyapunov segment, an exact-diagonalization sample, one transfer-matrix
/// run of a disorder and width) and which one. A task draws only from its own stream, so
/// the numbers of a run depend on (seed, purpose, index) and never on which thread ran it
/// or in what order.
public struct RandomStream: Sendable {
    /// What a stream is used for: the high bits of its key, so streams of different
    /// purposes never share a starting point.
    public enum Purpose: UInt64, Sendable {
        case lyapunovSegment = 1
        case diagonalizationSample = 2
        case barRun = 3
    }

    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// SplitMix64's output function (Steele, Lea & Flood 2014): a bijective 64-bit mixer.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The stream `index` of `purpose` under `seed`.
    public init(seed: UInt64, purpose: Purpose, index: Int) {
        let key = (purpose.rawValue << 48) &+ UInt64(truncatingIfNeeded: index)
        var state = Self.mix(seed) ^ Self.mix(key &+ 0x9E37_79B9_7F4A_7C15)
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            return Self.mix(state)
        }
        s0 = next(); s1 = next(); s2 = next(); s3 = next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }   // the one state xoshiro cannot leave
    }

    /// The next 64 random bits (xoshiro256**).
    @inlinable @inline(__always)
    public mutating func nextBits() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inlinable @inline(__always)
    public mutating func nextUniform() -> Double {
        Double(nextBits() >> 11) * 0x1p-53
    }

    /// A box-disorder site energy, uniform in [−W/2, W/2).
    @inlinable @inline(__always)
    public mutating func nextSiteEnergy(width: Double) -> Double {
        width * (nextUniform() - 0.5)
    }
}
