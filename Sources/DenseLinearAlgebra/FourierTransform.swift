import CFFTW
import Numerics
import Foundation

/// FFTW's planner and `fftw_destroy_plan` are not thread-safe (only the execute calls
/// are): every plan creation and destruction in the process goes through this lock.
private let fftwPlannerLock = NSLock()
/// Whether `fftw_init_threads` has run (read and written under `fftwPlannerLock`).
nonisolated(unsafe) private var fftwThreadsReady = false

/// Grids of at least this many points are transformed on all cores (FFTW's threads);
/// smaller ones on one, where starting threads would cost more than it saves.
public let fourierTransformThreadedMinimum = 32_768

/// A complex vector in memory from `fftw_malloc`, aligned for FFTW's SIMD code paths.
/// The elements start zeroed; the buffer is freed when the object goes away.
public final class AlignedComplexBuffer {
    /// The elements; valid for the lifetime of the object.
    public let elements: UnsafeMutableBufferPointer<Complex<Double>>
    public var count: Int { elements.count }

    /// `count` zeroed elements.
    /// - Throws: `.shapeMismatch` when `count` is negative, `.algorithmFailure` when
    ///   `fftw_malloc` returns no memory.
    public init(count: Int) throws(LinearAlgebraError) {
        guard count >= 0 else {
            throw .shapeMismatch(operation: "AlignedComplexBuffer", expected: "a count ≥ 0", found: "\(count)")
        }
        guard let raw = fftw_malloc(max(count, 1) * MemoryLayout<Complex<Double>>.stride) else {
            throw .algorithmFailure(routine: "fftw_malloc", info: 0,
                                    detail: "no memory for \(count) complex numbers")
        }
        let start = raw.bindMemory(to: Complex<Double>.self, capacity: max(count, 1))
        start.initialize(repeating: .zero, count: max(count, 1))
        elements = UnsafeMutableBufferPointer(start: start, count: count)
    }

    deinit { fftw_free(UnsafeMutableRawPointer(elements.baseAddress)) }
}

/// The d-dimensional discrete Fourier transform of a complex array with dimensions
/// n_0 × … × n_{d−1}, row-major (last axis fastest), through FFTW:
///
///   forward:  x̂_m = Σ_n x_n exp(−2πi Σ_a m_a n_a / n_a)
///   backward: x_n = Σ_m x̂_m exp(+2πi Σ_a m_a n_a / n_a)
///
/// both unnormalized, so backward(forward(x)) = N·x with N = Π n_a. By the convolution
/// theorem, the circular convolution (f ⋆ g)_n = Σ_n' f_{n−n'} g_n' (indices mod n_a)
/// is backward(forward(f)·forward(g))/N.
///
/// Plans are made once, at init, and serve any number of buffers (FFTW's new-array
/// execute, `fftw_execute_dft`); the transforms are in place. Buffers from
/// `AlignedComplexBuffer` run FFTW's SIMD plans; any other buffer (a Swift array's
/// storage) runs plans made with `FFTW_UNALIGNED`. Swift's `Complex<Double>` has the
/// layout of `fftw_complex` (two doubles, real part first), so no element is copied.
/// Executing plans is thread-safe, so one transform may serve several threads, each on
/// its own buffer; plan creation and destruction are serialized process-wide.
public final class FourierTransform: @unchecked Sendable {
    /// How much effort FFTW spends choosing an algorithm at init.
    public enum Planning: Sendable {
        /// `FFTW_ESTIMATE`: heuristics, no trial runs (milliseconds).
        case estimate
        /// `FFTW_MEASURE`: times candidate algorithms (seconds for large grids; faster
        /// transforms afterwards). Repeated sizes reuse FFTW's in-process wisdom.
        case measure

        /// The planning the matrix-free products use on a grid of `points` points: `.measure`
        /// from 2²³ points on (d = 3, L ≥ 204; d = 2, L ≥ 2897), `.estimate` below. Measured
        /// on this machine, two threads, per transform (estimated → measured, planning):
        /// 128³ 0.012 → 0.009 s (4.7 s), 192³ 0.15 → 0.038 s (7.8 s), 256³ 0.70 → 0.11 s
        /// (12.6 s), 2048² 0.105 → 0.025 s (7.5 s), 4096² 0.42 → 0.085 s (19 s): FFTW's
        /// estimated plan degrades on the largest grids, where a λ0 (≈ 40 transforms) repays
        /// the planning; below, planning costs more than it saves. A measured plan is chosen
        /// by timing, so two runs may round differently (at the products' rounding level).
        public static func recommended(forPoints points: Int) -> Planning {
            points >= 1 << 23 ? .measure : .estimate
        }
    }

    /// n_0 … n_{d−1}.
    public let dimensions: [Int]
    /// N = Π n_a.
    public let count: Int
    private let alignedForward: OpaquePointer
    private let alignedBackward: OpaquePointer
    private let unalignedForward: OpaquePointer
    private let unalignedBackward: OpaquePointer

    /// Plans the forward and backward in-place transforms of an array with `dimensions`.
    /// - Throws: `.shapeMismatch` for no dimensions or a dimension < 1, `.orderTooLarge`
    ///   beyond FFTW's 32-bit sizes, `.algorithmFailure` when FFTW makes no plan.
    public init(dimensions: [Int], planning: Planning = .estimate) throws(LinearAlgebraError) {
        guard !dimensions.isEmpty, dimensions.allSatisfy({ $0 >= 1 }) else {
            throw .shapeMismatch(operation: "FourierTransform", expected: "at least one dimension, each ≥ 1",
                                 found: "\(dimensions)")
        }
        var count = 1
        for n in dimensions {
            let (product, overflow) = count.multipliedReportingOverflow(by: n)
            guard !overflow, Int32(exactly: product) != nil else {
                throw .orderTooLarge(routine: "fftw_plan_dft", order: overflow ? Int.max : product)
            }
            count = product
        }
        self.dimensions = dimensions
        self.count = count
        // Plans are made on scratch memory from fftw_malloc (FFTW_MEASURE overwrites it),
        // freed right after: a plan keeps no pointer to its planning array.
        let scratch = try AlignedComplexBuffer(count: count)
        let sizes = dimensions.map { Int32($0) }
        let effort = planning == .measure ? UInt32(FFTW_MEASURE) : UInt32(FFTW_ESTIMATE)
        let threads = count >= fourierTransformThreadedMinimum ? max(ProcessInfo.processInfo.activeProcessorCount, 1) : 1
        let plans: [OpaquePointer?] = fftwPlannerLock.withLock {
            if !fftwThreadsReady { fftwThreadsReady = fftw_init_threads() != 0 }
            fftw_plan_with_nthreads(fftwThreadsReady ? Int32(threads) : 1)
            let data = UnsafeMutableRawPointer(scratch.elements.baseAddress!).assumingMemoryBound(to: fftw_complex.self)
            return sizes.withUnsafeBufferPointer { n in
                [fftw_plan_dft(Int32(n.count), n.baseAddress, data, data, FFTW_FORWARD, effort),
                 fftw_plan_dft(Int32(n.count), n.baseAddress, data, data, FFTW_BACKWARD, effort),
                 fftw_plan_dft(Int32(n.count), n.baseAddress, data, data, FFTW_FORWARD,
                               UInt32(FFTW_ESTIMATE) | UInt32(FFTW_UNALIGNED)),
                 fftw_plan_dft(Int32(n.count), n.baseAddress, data, data, FFTW_BACKWARD,
                               UInt32(FFTW_ESTIMATE) | UInt32(FFTW_UNALIGNED))]
            }
        }
        guard let af = plans[0], let ab = plans[1], let uf = plans[2], let ub = plans[3] else {
            fftwPlannerLock.withLock { for case let plan? in plans { fftw_destroy_plan(plan) } }
            throw .algorithmFailure(routine: "fftw_plan_dft", info: 0,
                                    detail: "FFTW made no plan for dimensions \(dimensions)")
        }
        alignedForward = af
        alignedBackward = ab
        unalignedForward = uf
        unalignedBackward = ub
    }

    deinit {
        fftwPlannerLock.withLock {
            for plan in [alignedForward, alignedBackward, unalignedForward, unalignedBackward] {
                fftw_destroy_plan(plan)
            }
        }
    }

    /// In place: x ← x̂ (unnormalized forward transform, exponent −2πi).
    /// - Throws: `.shapeMismatch` when `buffer.count` ≠ N.
    public func forward(_ buffer: UnsafeMutableBufferPointer<Complex<Double>>) throws(LinearAlgebraError) {
        try execute(buffer, aligned: alignedForward, unaligned: unalignedForward, name: "forward")
    }

    /// In place: x̂ ← Σ_m x̂_m e^{+2πi m·n} (unnormalized: backward(forward(x)) = N·x).
    /// - Throws: `.shapeMismatch` when `buffer.count` ≠ N.
    public func backward(_ buffer: UnsafeMutableBufferPointer<Complex<Double>>) throws(LinearAlgebraError) {
        try execute(buffer, aligned: alignedBackward, unaligned: unalignedBackward, name: "backward")
    }

    private func execute(_ buffer: UnsafeMutableBufferPointer<Complex<Double>>, aligned: OpaquePointer,
                         unaligned: OpaquePointer, name: String) throws(LinearAlgebraError) {
        guard buffer.count == count, let base = buffer.baseAddress else {
            throw .shapeMismatch(operation: "FourierTransform.\(name)", expected: "\(count) elements",
                                 found: "\(buffer.count)")
        }
        let data = UnsafeMutableRawPointer(base).assumingMemoryBound(to: fftw_complex.self)
        // FFTW's rule for new-array execution: the alignment must match the planning
        // array's (fftw_malloc memory, alignment class 0), else use the unaligned plan.
        let plan = fftw_alignment_of(UnsafeMutableRawPointer(base).assumingMemoryBound(to: Double.self)) == 0
            ? aligned : unaligned
        fftw_execute_dft(plan, data, data)
    }

    /// The transform of a copy of `values` (convenience for small inputs; allocates).
    public func forward(_ values: [Complex<Double>]) throws(LinearAlgebraError) -> [Complex<Double>] {
        var copy = values
        try copy.withUnsafeMutableBufferPointer { (buffer) throws(LinearAlgebraError) in try forward(buffer) }
        return copy
    }

    /// The backward transform of a copy of `values` (unnormalized; allocates).
    public func backward(_ values: [Complex<Double>]) throws(LinearAlgebraError) -> [Complex<Double>] {
        var copy = values
        try copy.withUnsafeMutableBufferPointer { (buffer) throws(LinearAlgebraError) in try backward(buffer) }
        return copy
    }
}
