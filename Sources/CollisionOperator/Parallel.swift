import Dispatch
import Foundation

/// A raw buffer handed to parallel workers that write disjoint ranges of it.
struct DisjointWriteBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
}

/// Runs `body` over `0..<count` split into contiguous chunks on all cores
/// (`DispatchQueue.concurrentPerform`). `body` must only write what its range owns.
func parallelChunks(count: Int, minimumChunk: Int = 16, _ body: @Sendable (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let workers = ProcessInfo.processInfo.activeProcessorCount
    let chunks = max(1, min(workers * 8, count / max(minimumChunk, 1)))
    if chunks == 1 { body(0..<count); return }
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let start = chunk * count / chunks
        let end = (chunk + 1) * count / chunks
        body(start..<end)
    }
}
