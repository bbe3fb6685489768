import DenseLinearAlgebra

/// Minimum-cost assignment (the Hungarian algorithm with potentials, O(n²m)).
public enum OptimalAssignment {
    /// The assignment of each of `rows` rows to a distinct column (rows ≤ columns)
    /// minimizing the total cost; `cost` is row-major, `cost[i * columns + j]`.
    /// Returns `assignment[i] = j`. Throws for a wrong shape or a non-finite cost.
    public static func minimumCost(_ cost: [Double], rows n: Int, columns m: Int) throws(LinearAlgebraError) -> [Int] {
        guard n > 0 else { return [] }
        guard n <= m, cost.count == n * m else {
            throw .shapeMismatch(operation: "optimal assignment", expected: "rows ≤ columns and \(n)·\(m) costs",
                                 found: "\(n) rows, \(m) columns, \(cost.count) costs")
        }
        if let bad = cost.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteInput(routine: "optimal assignment", row: bad / m, column: bad % m)
        }
        var u = [Double](repeating: 0, count: n + 1)
        var v = [Double](repeating: 0, count: m + 1)
        var p = [Int](repeating: 0, count: m + 1)       // p[j]: row (1-based) assigned to column j
        var way = [Int](repeating: 0, count: m + 1)
        var minimum = [Double](repeating: 0, count: m + 1)
        var used = [Bool](repeating: false, count: m + 1)
        for i in 1...n {
            p[0] = i
            var j0 = 0
            for j in 0...m { minimum[j] = .infinity; used[j] = false }
            repeat {
                used[j0] = true
                let i0 = p[j0]
                var delta = Double.infinity
                var j1 = 0
                let rowBase = (i0 - 1) * m
                for j in 1...m where !used[j] {
                    let current = cost[rowBase + j - 1] - u[i0] - v[j]
                    if current < minimum[j] { minimum[j] = current; way[j] = j0 }
                    if minimum[j] < delta { delta = minimum[j]; j1 = j }
                }
                for j in 0...m {
                    if used[j] { u[p[j]] += delta; v[j] -= delta } else { minimum[j] -= delta }
                }
                j0 = j1
            } while p[j0] != 0
            repeat {
                let j1 = way[j0]
                p[j0] = p[j1]
                j0 = j1
            } while j0 != 0
        }
        var assignment = [Int](repeating: -1, count: n)
        for j in 1...m where p[j] != 0 { assignment[p[j] - 1] = j - 1 }
        return assignment
    }
}
