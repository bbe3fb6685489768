import DenseLinearAlgebra
import Foundation
import Synchronization

/// A signed permutation of the d axes: (g n)_i = s_i n_{π(i)}. These form the
/// hyperoctahedral group B_d (order 2^d·d!), the point group of the hypercubic lattice;
/// they act on momenta, on grid digits (mod L) and on q alike.
public struct SignedPermutation: Hashable, Sendable, CustomStringConvertible {
    /// π: component i of the image is taken from axis `axes[i]`.
    public let axes: [Int]
    /// s_i = ±1.
    public let signs: [Int]

    public init(axes: [Int], signs: [Int]) {
        self.axes = axes
        self.signs = signs
    }

    public static func identity(dimension: Int) -> SignedPermutation {
        SignedPermutation(axes: Array(0..<dimension), signs: Array(repeating: 1, count: dimension))
    }

    /// g ∘ h: first h, then g. (g h n)_i = s^g_i s^h_{π_g(i)} n_{π_h(π_g(i))}.
    public func after(_ h: SignedPermutation) -> SignedPermutation {
        SignedPermutation(axes: axes.map { h.axes[$0] },
                          signs: axes.indices.map { signs[$0] * h.signs[axes[$0]] })
    }

    /// g x for a real vector x (a momentum, q).
    public func apply(_ x: [Double]) -> [Double] { axes.indices.map { Double(signs[$0]) * x[axes[$0]] } }

    /// True for −I (every axis reversed, no permutation).
    public var isInversion: Bool { signs.allSatisfy { $0 < 0 } && axes.enumerated().allSatisfy { $0.offset == $0.element } }

    /// True when g only flips signs (π = identity).
    public var isDiagonal: Bool { axes.enumerated().allSatisfy { $0.offset == $0.element } }

    public var description: String {
        "(" + axes.indices.map { (signs[$0] < 0 ? "-" : "+") + "x\(axes[$0] + 1)" }.joined(separator: ",") + ")"
    }
}

/// Failures of the symmetry machinery (none is expected on valid input; each means a
/// numerical construction did not reach its exact identity).
public enum SymmetryError: Error, Equatable, Sendable, CustomStringConvertible {
    case irrepConstruction(detail: String)
    case adaptedBasis(detail: String)
    case unknownSector(label: String, available: [String])

    public var description: String {
        switch self {
        case let .irrepConstruction(detail): return "the irreducible representations of the lattice group could not be built: \(detail)"
        case let .adaptedBasis(detail): return "the symmetry-adapted basis could not be built: \(detail)"
        case let .unknownSector(label, available):
            return "no symmetry sector \(label) (allowed: \(available.joined(separator: ", ")))"
        }
    }
}

/// A finite group of signed axis permutations with its multiplication table: the full
/// B_d, or the little group {g ∈ B_d : g q = q} of a momentum q.
public struct LatticeGroup: Sendable {
    public let dimension: Int
    /// The elements; `elements[0]` is the identity.
    public let elements: [SignedPermutation]
    /// `product[a * order + b]` = index of elements[a] ∘ elements[b].
    let product: [Int]
    /// Index of the inverse of each element.
    let inverse: [Int]

    public var order: Int { elements.count }

    /// The elements of B_d that fix `q` exactly (componentwise equality), or all of B_d
    /// for q = nil. `enabled: false` gives the trivial group.
    public init(dimension: Int, fixing q: [Double]?, enabled: Bool = true) {
        self.dimension = dimension
        var all: [SignedPermutation] = []
        if enabled {
            for permutation in Self.permutations(dimension) {
                for mask in 0..<(1 << dimension) {
                    let signs = (0..<dimension).map { (mask >> $0) & 1 == 0 ? 1 : -1 }
                    let g = SignedPermutation(axes: permutation, signs: signs)
                    if let q, g.apply(q) != q { continue }
                    all.append(g)
                }
            }
        } else {
            all = [.identity(dimension: dimension)]
        }
        // Identity first (it is the first permutation with the all-plus mask).
        let order = all.count
        var index: [SignedPermutation: Int] = [:]
        for (i, g) in all.enumerated() { index[g] = i }
        var product = [Int](repeating: 0, count: order * order)
        var inverse = [Int](repeating: 0, count: order)
        for a in 0..<order {
            for b in 0..<order {
                product[a * order + b] = index[all[a].after(all[b])]!
                if product[a * order + b] == 0 { inverse[a] = b }
            }
        }
        elements = all
        self.product = product
        self.inverse = inverse
    }

    /// The permutations of 0..<n in lexicographic order (identity first).
    static func permutations(_ n: Int) -> [[Int]] {
        guard n > 0 else { return [[]] }
        var result: [[Int]] = []
        func extend(_ prefix: [Int], _ rest: [Int]) {
            if rest.isEmpty { result.append(prefix); return }
            for (i, x) in rest.enumerated() {
                var remaining = rest
                remaining.remove(at: i)
                extend(prefix + [x], remaining)
            }
        }
        extend([], Array(0..<n))
        return result
    }

    /// Index of the element equal to `g`, if it belongs to the group.
    public func index(of g: SignedPermutation) -> Int? { elements.firstIndex(of: g) }

    /// The grid index of g·k (digits n → s_i n_{π(i)} mod L).
    @inline(__always)
    func image(of k: Int, under g: Int, grid: MomentumGrid) -> Int {
        let element = elements[g]
        let d = dimension, L = grid.size
        var result = 0
        for i in 0..<d {
            var n = Int(grid.digits[k * d + element.axes[i]])
            if element.signs[i] < 0 && n != 0 { n = L - n }
            result += n * grid.strides[i]
        }
        return result
    }
}

/// One real orthogonal irreducible representation Γ of a `LatticeGroup`.
public struct Irrep: Sendable, Equatable {
    /// Mulliken name (A1g, T1u, E, B2, …), "+-." per reflected axis for groups of
    /// reflections only, or a systematic name (see `IrreducibleRepresentations`).
    public internal(set) var name: String
    /// dim Γ: the degeneracy of every eigenvalue of its block.
    public let dimension: Int
    /// D(g) for each element, column-major n × n: `matrices[g * n * n + j * n + i]` = D_ij(g).
    public let matrices: [Double]
    /// χ(g) = tr D(g).
    public let characters: [Double]

    /// D_ij(g).
    @inline(__always)
    public func entry(_ i: Int, _ j: Int, element g: Int) -> Double { matrices[g * dimension * dimension + j * dimension + i] }

    /// True for the trivial representation (χ ≡ 1).
    public var isTrivial: Bool { dimension == 1 && characters.allSatisfy { $0 > 0.5 } }
}

/// The irreducible representations of a lattice group, built without tables: the
/// eigenspaces of a random symmetric element H = Σ_g c_g (R(g) + R(g)ᵀ) of the commutant
/// of the left regular representation are (generically) irreducible subrepresentations;
/// D(g) = Wᵀ L(g) W on one eigenspace W. Duplicates are identified by characters, and the
/// result is checked: each is irreducible ((1/|G|)Σχ² = 1), of real type (Frobenius–Schur
/// indicator (1/|G|)Σχ(g²) = 1), and Σ dim² = |G|.
///
/// Order: by dimension, then even before odd under −I, then characters descending (so the
/// trivial irrep is first). Names: for a group of sign flips only, one character per axis
/// ("+" even, "-" odd, "." not in the group); for B_k acting on k = 2 axes (d = 2 at q = 0,
/// d = 3 with q along an axis) the C4v names A1 A2 B1 B2 E, for k = 3 (d = 3 at q = 0,
/// d = 4 with q along an axis) the O_h names A1g … T2u; otherwise a letter for the
/// dimension (A 1, E 2, T 3, G 4, H 5, I 6, J 7, K 8), a number when the letter repeats,
/// and g/u (even/odd under −I) when −I is in the group.
public enum IrreducibleRepresentations {
    /// Irreps already built in this process, by the group's elements.
    private static let cache = Mutex<[[SignedPermutation]: [Irrep]]>([:])

    public static func of(_ group: LatticeGroup) throws(SymmetryError) -> [Irrep] {
        if let known = cache.withLock({ $0[group.elements] }) { return known }
        let irreps = try build(group)
        cache.withLock { $0[group.elements] = irreps }
        return irreps
    }

    static func build(_ group: LatticeGroup) throws(SymmetryError) -> [Irrep] {
        let order = group.order
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func random() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Double(z >> 11) / Double(1 << 53) - 0.5
        }
        for _ in 0..<8 {
            var h = RealMatrix(rows: order, columns: order)
            for a in 0..<order {
                let c = random()
                let aInverse = group.inverse[a]
                for x in 0..<order {
                    let y = group.product[x * order + aInverse]             // R(a) e_x = e_{x a⁻¹}
                    h[y, x] += c
                    h[x, y] += c
                }
            }
            // Jacobi in plain Swift, not LAPACK: the bases within degenerate eigenspaces (and so
            // the D(g), the adapted basis and every last bit of the blocks) must not depend on
            // the BLAS thread count.
            let (values, w, _) = JacobiEigensolver.decompose(h)
            let scale = max(values.map(abs).max() ?? 1, 1e-300)
            var irreps: [Irrep] = []
            var start = 0
            var failed = false
            while start < order {
                var end = start + 1
                while end < order && values[end] - values[end - 1] <= 1e-9 * scale { end += 1 }
                let n = end - start
                // D(g)_ij = Σ_x W[g x, i] W[x, j].
                var matrices = [Double](repeating: 0, count: order * n * n)
                var characters = [Double](repeating: 0, count: order)
                for g in 0..<order {
                    for j in 0..<n {
                        for i in 0..<n {
                            var sum = 0.0
                            for x in 0..<order { sum += w[group.product[g * order + x], start + i] * w[x, start + j] }
                            matrices[g * n * n + j * n + i] = sum
                        }
                    }
                    characters[g] = (0..<n).reduce(0) { $0 + matrices[g * n * n + $1 * n + $1] }
                }
                start = end
                let norm = characters.reduce(0) { $0 + $1 * $1 } / Double(order)
                guard abs(norm - 1) < 1e-6 else { failed = true; break }
                if irreps.contains(where: { zip($0.characters, characters).allSatisfy { abs($0 - $1) < 1e-6 } }) { continue }
                // Round the characters (integers for these groups; exact zeros kept exact).
                let rounded = characters.map { ($0 - $0.rounded()).magnitude < 1e-8 ? $0.rounded() : $0 }
                irreps.append(Irrep(name: "", dimension: n, matrices: matrices, characters: rounded))
            }
            if failed { continue }
            let total = irreps.reduce(0) { $0 + $1.dimension * $1.dimension }
            guard total == order else { continue }
            for irrep in irreps {
                let indicator = (0..<order).reduce(0.0) { $0 + irrep.characters[group.product[$1 * order + $1]] } / Double(order)
                guard abs(indicator - 1) < 1e-6 else {
                    throw .irrepConstruction(detail: "an irrep of dimension \(irrep.dimension) is not of real type (Frobenius–Schur indicator \(indicator))")
                }
            }
            return name(sorted(irreps, group: group), group: group)
        }
        throw .irrepConstruction(detail: "no random commutant element split the regular representation of the group of order \(order) into irreducibles")
    }

    /// The index of −I in the group, if present.
    static func inversion(_ group: LatticeGroup) -> Int? { group.elements.firstIndex(where: \.isInversion) }

    static func sorted(_ irreps: [Irrep], group: LatticeGroup) -> [Irrep] {
        let minus = inversion(group)
        func parity(_ irrep: Irrep) -> Int { minus.map { irrep.characters[$0] > 0 ? 0 : 1 } ?? 0 }
        return irreps.sorted { a, b in
            if a.dimension != b.dimension { return a.dimension < b.dimension }
            if parity(a) != parity(b) { return parity(a) < parity(b) }
            for (x, y) in zip(a.characters, b.characters) where abs(x - y) > 1e-6 { return x > y }
            return false
        }
    }

    static func name(_ irreps: [Irrep], group: LatticeGroup) -> [Irrep] {
        var named = irreps
        let d = group.dimension
        // Groups of sign flips: one character per axis.
        if group.elements.allSatisfy(\.isDiagonal) {
            for index in named.indices {
                named[index].name = String((0..<d).map { axis -> Character in
                    var flip = SignedPermutation.identity(dimension: d).signs
                    flip[axis] = -1
                    guard let g = group.index(of: SignedPermutation(axes: Array(0..<d), signs: flip)) else { return "." }
                    return named[index].characters[g] > 0 ? "+" : "-"
                })
            }
            return named
        }
        // B_k on k axes (the others fixed): C4v for k = 2, O_h for k = 3.
        let moved = (0..<d).filter { axis in group.elements.contains { $0.axes[axis] != axis || $0.signs[axis] < 0 } }
        let k = moved.count
        let factorial = (1...max(k, 1)).reduce(1, *)
        if (k == 2 || k == 3) && group.order == (1 << k) * factorial {
            let (a, b) = (moved[0], moved[1])
            var axes = Array(0..<d), signs = [Int](repeating: 1, count: d)
            axes[a] = b; signs[a] = -1; axes[b] = a                           // C4 in the (a, b) plane
            let c4 = group.index(of: SignedPermutation(axes: axes, signs: signs))
            var mirror = [Int](repeating: 1, count: d)
            mirror[a] = -1
            let sigma = group.index(of: SignedPermutation(axes: Array(0..<d), signs: mirror))
            var inversionSigns = [Int](repeating: 1, count: d)
            for axis in moved { inversionSigns[axis] = -1 }
            let minus = group.index(of: SignedPermutation(axes: Array(0..<d), signs: inversionSigns))
            if let c4, let sigma, let minus {
                for index in named.indices {
                    let irrep = named[index]
                    let rotation = irrep.characters[c4]
                    switch (k, irrep.dimension) {
                    case (2, 1): named[index].name = (rotation > 0 ? "A" : "B") + (irrep.characters[sigma] > 0 ? "1" : "2")
                    case (2, _): named[index].name = "E"
                    case (3, _):
                        let letter = ["A", "E", "T"][irrep.dimension - 1]
                        let number = irrep.dimension == 2 ? "" : (rotation > 0 ? "1" : "2")
                        named[index].name = letter + number + (irrep.characters[minus] > 0 ? "g" : "u")
                    default: break
                    }
                }
                if Set(named.map(\.name)).count == named.count {
                    let parity = { (irrep: Irrep) in irrep.characters[minus] > 0 ? 0 : 1 }
                    return named.sorted { ($0.dimension, parity($0), $0.name) < ($1.dimension, parity($1), $1.name) }
                }
            }
        }
        // Systematic: letter by dimension, number in the sorted order when repeated, parity.
        let letters = ["A", "E", "T", "G", "H", "I", "J", "K"]
        let minus = inversion(group)
        var stems: [String] = []
        for irrep in named {
            let letter = irrep.dimension <= letters.count ? letters[irrep.dimension - 1] : "X\(irrep.dimension)_"
            stems.append(letter + "|" + (minus.map { irrep.characters[$0] > 0 ? "g" : "u" } ?? ""))
        }
        var seen: [String: Int] = [:]
        for (index, stem) in stems.enumerated() {
            let parts = stem.split(separator: "|", omittingEmptySubsequences: false)
            let count = stems.filter { $0 == stem }.count
            seen[stem, default: 0] += 1
            named[index].name = String(parts[0]) + (count > 1 ? "\(seen[stem]!)" : "") + String(parts[1])
        }
        return named
    }
}
