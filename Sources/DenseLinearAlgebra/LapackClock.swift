import Synchronization

/// Wall-clock time spent inside LAPACK and BLAS calls, summed over the process (all
/// threads). The benchmark reads it to report the share of a run spent in LAPACK.
public enum LapackClock {
    private static let nanoseconds = Atomic<Int64>(0)
    private static let calls = Atomic<Int64>(0)

    /// Seconds accumulated so far.
    public static var seconds: Double { Double(nanoseconds.load(ordering: .relaxed)) * 1e-9 }
    /// Number of timed calls so far.
    public static var callCount: Int { Int(calls.load(ordering: .relaxed)) }

    /// Runs `body` (one LAPACK or BLAS call) and adds its duration.
    @inline(__always)
    static func measure<T>(_ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        defer {
            let elapsed = ContinuousClock.now - start
            let (seconds, attoseconds) = elapsed.components
            nanoseconds.add(seconds * 1_000_000_000 + attoseconds / 1_000_000_000, ordering: .relaxed)
            calls.add(1, ordering: .relaxed)
        }
        return try body()
    }
}
