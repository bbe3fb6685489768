import Dispatch
import Synchronization

/// Independent tasks run on a fixed number of threads, results kept in task order, so a
/// result never depends on the thread count (each task draws from its own random stream).
public enum ParallelTasks {
    private final class Slots<T>: @unchecked Sendable {
        var results: [Result<T, ExactModelError>?]
        init(count: Int) { results = Array(repeating: nil, count: count) }
    }

    /// `body(0) … body(count − 1)` on `threads` workers; the results in index order. The
    /// error of the lowest failing index is thrown (the same one at any thread count).
    public static func map<T>(count: Int, threads: Int,
                       _ body: @Sendable (Int) throws(ExactModelError) -> T) throws(ExactModelError) -> [T] {
        guard count > 0 else { return [] }
        let slots = Slots<T>(count: count)
        let next = Atomic<Int>(0)
        let workers = max(1, min(threads, count))
        slots.results.withUnsafeMutableBufferPointer { buffer in
            let storage = SendableBuffer(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let index = next.add(1, ordering: .relaxed).oldValue
                    guard index < count else { return }
                    do throws(ExactModelError) {
                        storage.base[index] = .success(try body(index))
                    } catch {
                        storage.base[index] = .failure(error)
                    }
                }
            }
        }
        var results: [T] = []
        results.reserveCapacity(count)
        for case let slot? in slots.results {
            switch slot {
            case .success(let value): results.append(value)
            case .failure(let error): throw error
            }
        }
        return results
    }

    private struct SendableBuffer<Element>: @unchecked Sendable {
        let base: UnsafeMutablePointer<Element>
    }
}
