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

    @Test func cosineSumMatchesDirectEvaluation() {
        let grid = MomentumGrid(dimension: 2, size: 7)
        let ball = LatticeVectorSet.ball(dimension: 2, radius: 2)
        let weights = ball.lengths.map { exp(-$0) }
        let fast = ball.cosineSum(weights: weights, on: grid)
        for index in 0..<grid.count {
            let k = grid.momentum(index)
            var direct = 0.0
            for v in 0..<ball.count {
                let x = ball.vector(v)
                direct += weights[v] * cos(k[0] * Double(x[0]) + k[1] * Double(x[1]))
            }
            #expect(abs(fast[index] - direct) < 1e-13)
        }
    }
}
