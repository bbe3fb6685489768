import Dispatch
import Synchronization

/// LAPACK calls whose result must not depend on the OpenBLAS thread count: inside a
/// section OpenBLAS runs on one thread; the count in force before the first (outermost)
/// entry is restored when the last section ends. Sections may overlap (nested, or on
/// several threads); the count is process-wide, like OpenBLAS's own setting.
///
/// OpenBLAS's multithreaded kernels round differently at each thread count, so a result
/// computed inside a section is bit for bit the same at any `LinearAlgebraBackend.threadCount`;
/// independent problems then run side by side on up to that many workers (`concurrently`).
public enum DeterministicLapack {
    private static let state = Mutex<(depth: Int, saved: Int)>((0, 1))

    /// `body()` on one BLAS thread.
    public static func singleThreaded<T>(_ body: () throws -> T) rethrows -> T {
        _ = enter()
        defer { leave() }
        return try body()
    }

    /// Enters a section; returns the thread count in force outside it (the worker budget).
    static func enter() -> Int {
        state.withLock { state in
            if state.depth == 0 {
                state.saved = LinearAlgebraBackend.threadCount
                LinearAlgebraBackend.threadCount = 1
            }
            state.depth += 1
            return state.saved
        }
    }

    static func leave() {
        state.withLock { state in
            state.depth -= 1
            if state.depth == 0 { LinearAlgebraBackend.threadCount = state.saved }
        }
    }

    /// `body(0..<count)` on up to the outside thread count of workers, each on one BLAS
    /// thread, taking indices in `order`; the results by index. Throws the error of the
    /// smallest failing index (the same at any worker count).
    public static func concurrently<T: Sendable>(_ count: Int, order: [Int], _ body: @Sendable (Int) throws -> T) throws -> [T] {
        let workers = min(max(enter(), 1), count)
        defer { leave() }
        let next = Atomic<Int>(0)
        let results = Mutex<[Result<T, any Error>?]>(Array(repeating: nil, count: count))
        withoutActuallyEscaping(body) { body in
            let work: @Sendable (Int) -> Void = { _ in
                while true {
                    let position = next.add(1, ordering: .relaxed).oldValue
                    guard position < count else { return }
                    let index = order[position]
                    let result = Result { try body(index) }
                    results.withLock { $0[index] = result }
                }
            }
            if workers <= 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
        }
        return try results.withLock { all in try all.map { try $0!.get() } }
    }
}

/// Values handed out once each to concurrent workers (the slot is emptied, so a block's
/// memory is released as soon as its solver is done with it).
public final class TakeOnce<Value: Sendable>: Sendable {
    private let values: Mutex<[Value?]>
    public init(_ values: [Value]) { self.values = Mutex(values.map { $0 }) }

    /// The value at `index`; taking it twice is a programming error.
    public func take(_ index: Int) -> Value {
        values.withLock { all in
            let value = all[index]!
            all[index] = nil
            return value
        }
    }
}
