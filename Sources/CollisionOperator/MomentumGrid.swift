/// The hypercubic momentum grid of docs/model.md §2: d axes, L points each, N = L^d,
/// k_i = 2π n_i / L with n_i = 0…L−1 and grid index Σ_i n_i L^(d−1−i) (last axis fastest).
///
/// The grid is closed under k → −k and under sums and differences of grid momenta
/// (all momentum arithmetic is mod 2π); the index maps for these are part of the type.
public struct MomentumGrid: Sendable, Equatable {
    public let dimension: Int
    public let size: Int
    /// N = L^d.
    public let count: Int
    /// Index stride of each axis: L^(d−1−i).
    public let strides: [Int]
    /// Integer coordinates n_i, row-major: `digits[index * dimension + axis]`.
    public let digits: [Int32]
    /// Index of −k for each index k.
    public let negatedIndex: [Int32]

    /// Builds the grid; `size^dimension` must fit in the index type (validated upstream).
    public init(dimension: Int, size: Int) {
        self.dimension = dimension
        self.size = size
        var strides = [Int](repeating: 1, count: dimension)
        for axis in stride(from: dimension - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * size }
        self.strides = strides
        let count = dimension > 0 ? strides[0] * size : 1
        self.count = count
        var digits = [Int32](repeating: 0, count: count * dimension)
        var negated = [Int32](repeating: 0, count: count)
        for index in 0..<count {
            var rest = index
            var minus = 0
            for axis in 0..<dimension {
                let n = rest / strides[axis]
                rest -= n * strides[axis]
                digits[index * dimension + axis] = Int32(n)
                minus += ((size - n) % size) * strides[axis]
            }
            negated[index] = Int32(minus)
        }
        self.digits = digits
        self.negatedIndex = negated
    }

    /// The angular step 2π/L.
    public var spacing: Double { 2 * Double.pi / Double(size) }

    /// n_axis of grid point `index`.
    @inline(__always)
    public func digit(_ index: Int, axis: Int) -> Int { Int(digits[index * dimension + axis]) }

    /// k_axis = 2π n_axis / L of grid point `index`, in [0, 2π).
    public func momentum(_ index: Int, axis: Int) -> Double { spacing * Double(digit(index, axis: axis)) }

    /// The momentum vector of grid point `index`.
    public func momentum(_ index: Int) -> [Double] { (0..<dimension).map { momentum(index, axis: $0) } }

    /// Index of the grid point with coordinates `n` (taken mod L).
    public func index(ofDigits n: [Int]) -> Int {
        var index = 0
        for axis in 0..<dimension { index += (((n[axis] % size) + size) % size) * strides[axis] }
        return index
    }

    /// Index of k_i + k_j (mod 2π).
    public func sumIndex(_ i: Int, _ j: Int) -> Int {
        var index = 0
        for axis in 0..<dimension { index += ((digit(i, axis: axis) + digit(j, axis: axis)) % size) * strides[axis] }
        return index
    }

    /// Index of k_i − k_j (mod 2π).
    public func differenceIndex(_ i: Int, _ j: Int) -> Int {
        var index = 0
        for axis in 0..<dimension { index += ((digit(i, axis: axis) - digit(j, axis: axis) + size) % size) * strides[axis] }
        return index
    }

    /// For a fixed column point j: per-axis tables so that the index of k_i ± k_j is
    /// Σ_axis table[axis·L + n_axis(i)] — d additions per matrix element, no division.
    /// `sign` = +1 gives k_i + k_j, −1 gives k_i − k_j. Writes d·L entries into `table`.
    @inline(__always)
    func fillOffsetTable(for j: Int, sign: Int, into table: UnsafeMutableBufferPointer<Int>) {
        for axis in 0..<dimension {
            let nj = digit(j, axis: axis)
            let stride = strides[axis]
            for n in 0..<size {
                table[axis * size + n] = (((n + sign * nj) % size + size) % size) * stride
            }
        }
    }
}
