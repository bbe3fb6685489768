import Numerics

/// Distance between two spectra as multisets: each eigenvalue of `a` is matched to the
/// nearest unmatched eigenvalue of `b` (greedy, in order of |λ|), and the largest
/// matched distance is returned. A valid matching, so the result bounds the optimal
/// matching distance from above: two spectra equal to round-off give round-off.
public func spectralDistance(_ a: [Complex<Double>], _ b: [Complex<Double>]) -> Double {
    guard a.count == b.count else { return .infinity }
    let order = b.indices.sorted { b[$0].real < b[$1].real }
    let sortedReal = order.map { b[$0].real }
    var used = [Bool](repeating: false, count: b.count)
    var worst = 0.0
    for value in a.sorted(by: { $0.length < $1.length }) {
        // Expand from the insertion point along the real axis until no closer candidate can exist.
        var low = 0, high = sortedReal.count
        while low < high {
            let mid = (low + high) / 2
            if sortedReal[mid] < value.real { low = mid + 1 } else { high = mid }
        }
        var best = -1
        var bestDistance = Double.infinity
        var left = low - 1, right = low
        while left >= 0 || right < order.count {
            let leftGap = left >= 0 ? value.real - sortedReal[left] : .infinity
            let rightGap = right < order.count ? sortedReal[right] - value.real : .infinity
            if min(leftGap, rightGap) > bestDistance { break }
            let position = leftGap <= rightGap ? left : right
            if leftGap <= rightGap { left -= 1 } else { right += 1 }
            let candidate = order[position]
            guard !used[candidate] else { continue }
            let distance = (b[candidate] - value).length
            if distance < bestDistance { bestDistance = distance; best = candidate }
        }
        guard best >= 0 else { return .infinity }
        used[best] = true
        worst = max(worst, bestDistance)
    }
    return worst
}
