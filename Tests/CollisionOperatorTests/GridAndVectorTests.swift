import CollisionOperator
import Foundation
import Testing

@Suite("Momentum grid and lattice vectors")
struct GridAndVectorTests {
    @Test(arguments: [(1, 7), (2, 5), (3, 4), (4, 3)])
    func indexMapsAreConsistent(dimension: Int, size: Int) {
        let grid = MomentumGrid(dimension: dimension, size: size)
        #expect(grid.count == Int(pow(Double(size), Double(dimension))))
        for i in 0..<grid.count {
            let digits = (0..<dimension).map { grid.digit(i, axis: $0) }
            #expect(grid.index(ofDigits: digits) == i)
            // Last axis fastest: index = Σ n_i L^(d−1−i).
            #expect(digits.reduce(0) { $0 * size + $1 } == i)
            let minus = Int(grid.negatedIndex[i])
            #expect(Int(grid.negatedIndex[minus]) == i)
            for axis in 0..<dimension {
                #expect((grid.digit(minus, axis: axis) + digits[axis]) % size == 0)
            }
            for j in stride(from: 0, to: grid.count, by: max(1, grid.count / 7)) {
                let sumDigits = (0..<dimension).map { (digits[$0] + grid.digit(j, axis: $0)) % size }
                let differenceDigits = (0..<dimension).map { (digits[$0] - grid.digit(j, axis: $0) + size) % size }
                #expect(grid.sumIndex(i, j) == grid.index(ofDigits: sumDigits))
                #expect(grid.differenceIndex(i, j) == grid.index(ofDigits: differenceDigits))
            }
        }
    }

    @Test(arguments: [(1, 2.0, 5), (2, 2.0, 13), (3, 1.0, 7), (3, 1.5, 19), (4, 1.0, 9), (2, 0.0, 1)])
    func ballCounts(dimension: Int, radius: Double, expected: Int) {
        let ball = LatticeVectorSet.ball(dimension: dimension, radius: radius)
        #expect(ball.count == expected)
        #expect(ball.vector(0) == [Int](repeating: 0, count: dimension))
        #expect(ball.lengths.allSatisfy { $0 <= radius + 1e-12 })
    }

    /// Σ_x w_x cos(k·x) by FFT of the folded weights (large sets, including vectors longer
    /// than the grid, which fold onto their images) and by the direct sum (small sets),
    /// against cosines evaluated here.
    @Test(arguments: [(2, 7, 2.0), (3, 5, 3.0), (1, 64, 1.0), (4, 4, 1.5)])
    func cosineSumMatchesDirectEvaluation(dimension: Int, size: Int, radius: Double) {
        let grid = MomentumGrid(dimension: dimension, size: size)
        let ball = LatticeVectorSet.ball(dimension: dimension, radius: radius)
        let weights = ball.lengths.map { exp(-$0) }
        let fast = ball.cosineSum(weights: weights, on: grid)
        var worst = 0.0
        for index in 0..<grid.count {
            let k = grid.momentum(index)
            var direct = 0.0
            for v in 0..<ball.count {
                let x = ball.vector(v)
                direct += weights[v] * cos(zip(k, x).reduce(0) { $0 + $1.0 * Double($1.1) })
            }
            worst = max(worst, abs(fast[index] - direct))
        }
        #expect(worst < 1e-13, "d = \(dimension), L = \(size), |X| = \(ball.count): \(worst)")
    }
}
