import Foundation

/// The nearest-neighbour band of docs/model.md §2: ε(k) = −2t Σ_i cos k_i, v_i(k) = 2t sin k_i.
public struct TightBindingBand: Sendable, Equatable {
    public let hopping: Double

    public init(hopping: Double) { self.hopping = hopping }

    /// ε(k).
    public func energy(_ k: [Double]) -> Double { -2 * hopping * k.reduce(0) { $0 + cos($1) } }

    /// v_i(k) = ∂ε/∂k_i.
    public func velocity(_ k: [Double], axis: Int) -> Double { 2 * hopping * sin(k[axis]) }

    /// The band edges ±2dt.
    public func halfWidth(dimension: Int) -> Double { 2 * Double(dimension) * abs(hopping) }

    /// ε(k + shift) at every grid point k, in O(N·d) through per-axis cosine tables.
    public func energies(on grid: MomentumGrid, shiftedBy shift: [Double]) -> [Double] {
        let L = grid.size
        var table = [Double](repeating: 0, count: grid.dimension * L)
        for axis in 0..<grid.dimension {
            for n in 0..<L { table[axis * L + n] = -2 * hopping * cos(grid.spacing * Double(n) + shift[axis]) }
        }
        return (0..<grid.count).map { index in
            var e = 0.0
            for axis in 0..<grid.dimension { e += table[axis * L + grid.digit(index, axis: axis)] }
            return e
        }
    }

    /// n̂·v(k + shift) at every grid point, for a unit direction n̂.
    public func velocities(on grid: MomentumGrid, shiftedBy shift: [Double], direction: [Double]) -> [Double] {
        (0..<grid.count).map { index in
            var v = 0.0
            for axis in 0..<grid.dimension {
                v += direction[axis] * 2 * hopping * sin(grid.momentum(index, axis: axis) + shift[axis])
            }
            return v
        }
    }
}
