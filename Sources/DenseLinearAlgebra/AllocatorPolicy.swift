import CFFTW

/// How the process asks the C allocator for memory: every block of at least
/// `mappedThreshold` bytes gets its own pages (mmap) and gives them back when freed.
///
/// glibc raises its mmap threshold to the size of the last large block freed (up to
/// 32 MiB), after which N-length vectors below that size come from the heap, where a
/// freed vector between live ones stays resident: on the matrix-free paths, which make and
/// free vectors of N at every q, ω and D0, that inflated the peak resident set by 10–25 %
/// (d = 3, L = 64: 118 → 107 MiB for `diffusion --method krylov`, closure 130 → 95 MiB;
/// d = 2, L = 1024: 405 → 339 MiB). A fixed threshold keeps the peak at what is alive, so
/// a memory estimate can be held to it.
public enum AllocatorPolicy {
    public static let mappedThreshold: Int32 = 256 * 1024

    /// Fixes the threshold; call once, before the first large allocation (the CLI does at start).
    public static func install() {
        #if os(Linux)
        _ = mallopt(M_MMAP_THRESHOLD, mappedThreshold)
        #endif
    }
}
