import Foundation
import Numerics

/// A test-only construction of the collision operator of docs/model.md §2 that shares no code
/// with the library: its own grid digits and band, its own SCBA (direct sums over the grid,
/// damped iteration polished by Newton's method with a dense Jacobian), its own correlators
/// (ĝ² and b̂² by direct cosine sums over the envelope balls, never the autocorrelation
/// support), its own Kubo–Greenwood sums, and the Ward projection as the dense product P 𝕊 P
/// with P = I − s sᵀ/(sᵀs) — the full U^sing, constant part included, where the library
/// drops that part and applies P as rank-one corrections. Everything is O(N²)–O(N³) and meant
/// for N ≲ 700. Spectral quantities come without an eigen-solver: power sums tr 𝕃ᵏ, the
/// resolvent trace tr (𝕃 − z)⁻¹ = Σ_s 1/(λ_s − z) by Gauss–Jordan inversion, and the
/// eigenvalue nearest a shift by inverse iteration.
public final class NaiveCollisionOperator {
    public enum Vertex: Sendable, CustomStringConvertible {
        case none
        /// (iF/ω) b̂(Q)²/b̂(0)², b_x = e^{−|x|/ξ} on |x| ≤ R/2.
        case localized(range: Double, xi: Double)
        /// (iF/ω)/(1 + ξ²Q̂²).
        case lorentzian(xi: Double)
        /// F/(−iω + D0 Q̂²) with D0 the model's D_KG.
        case cooperon

        public var description: String {
            switch self {
            case .none: return "none"
            case .localized(let r, let xi): return "localized(R=\(r), ξ=\(xi))"
            case .lorentzian(let xi): return "lorentzian(ξ=\(xi))"
            case .cooperon: return "cooperon"
            }
        }
    }

    public struct Input: Sendable, CustomStringConvertible {
        public var dimension: Int
        public var size: Int
        public var hopping: Double
        public var energy: Double
        public var u0: Double
        public var correlationRadius: Double
        public var vertex: Vertex
        public var q: [Double]
        public var omega: Double

        public init(dimension: Int, size: Int, hopping: Double, energy: Double, u0: Double,
                    correlationRadius: Double, vertex: Vertex, q: [Double], omega: Double) {
            self.dimension = dimension; self.size = size; self.hopping = hopping; self.energy = energy
            self.u0 = u0; self.correlationRadius = correlationRadius; self.vertex = vertex; self.q = q; self.omega = omega
        }

        public var description: String {
            "d=\(dimension) L=\(size) t=\(hopping) E=\(energy) U0=\(u0) rc=\(correlationRadius) \(vertex) q=\(q) ω=\(omega)"
        }
    }

    public let input: Input
    public let count: Int
    /// γ = −(1/N) Σ_k Im Σ^R_k(E) on the unshifted grid; F = 2γU0.
    public let gamma: Double
    public let amplitude: Double
    /// ρ and the two parts of D_KG along axis 1 (docs/model.md §3.7), and v_F².
    public let densityOfStates: Double
    public let onShellDiffusion: Double
    public let fermiSeaDiffusion: Double
    public let fermiVelocitySquared: Double
    public var diffusion: Double { onShellDiffusion + fermiSeaDiffusion }
    /// s_k = √ΔG_k and M_k = ε(k + q/2) − ε(k − q/2) at (q, ω).
    public let root: [Complex<Double>]
    public let streaming: [Double]
    /// The streaming term λ_M = Σ_k M_k ΔG_k / Σ_k ΔG_k (docs/model.md §3.7).
    public var streamingTerm: Complex<Double> {
        var numerator = Complex<Double>.zero, denominator = Complex<Double>.zero
        for k in 0..<count {
            numerator += Complex(streaming[k]) * root[k] * root[k]
            denominator += root[k] * root[k]
        }
        return numerator / denominator
    }
    /// 𝕃, column-major N × N, assembled on first use (O(N³) with a singular vertex).
    public private(set) lazy var matrix: [Complex<Double>] = assemble()
    private let assemble: () -> [Complex<Double>]

    public func element(_ i: Int, _ j: Int) -> Complex<Double> { matrix[i + j * count] }

    public init(_ input: Input) {
        self.input = input
        let d = input.dimension, L = input.size
        var n = 1
        for _ in 0..<d { n *= L }
        count = n
        // Digits n_i of each grid index, last axis fastest (docs/model.md §2 "Grid").
        var digits = [Int](repeating: 0, count: n * d)
        for index in 0..<n {
            var rest = index
            for axis in stride(from: d - 1, through: 0, by: -1) {
                digits[index * d + axis] = rest % L
                rest /= L
            }
        }
        func indexOf(_ m: [Int]) -> Int { m.reduce(0) { $0 * L + ((($1 % L) + L) % L) } }
        let step = 2 * Double.pi / Double(L)
        func momentum(_ k: Int, _ axis: Int) -> Double { step * Double(digits[k * d + axis]) }
        func band(_ k: Int, shift: [Double]) -> Double {
            var e = 0.0
            for axis in 0..<d { e -= 2 * input.hopping * cos(momentum(k, axis) + shift[axis]) }
            return e
        }
        // Lattice vectors with |x|² ≤ r²(1 + 1e-12), and a cosine sum over them at grid momentum m.
        func ball(_ r: Double) -> [[Int]] {
            let reach = Int(r.rounded(.down))
            var result: [[Int]] = []
            var x = [Int](repeating: -reach, count: d)
            while true {
                if Double(x.reduce(0) { $0 + $1 * $1 }) <= r * r * (1 + 1e-12) { result.append(x) }
                var axis = d - 1
                while axis >= 0 {
                    x[axis] += 1
                    if x[axis] <= reach { break }
                    x[axis] = -reach
                    axis -= 1
                }
                if axis < 0 { break }
            }
            return result
        }
        func squaredTransform(vectors: [[Int]], weights: [Double]) -> [Double] {
            let zero = weights.reduce(0, +)
            return (0..<n).map { m in
                var sum = 0.0
                for (x, w) in zip(vectors, weights) {
                    var phase = 0.0
                    for axis in 0..<d { phase += momentum(m, axis) * Double(x[axis]) }
                    sum += w * cos(phase)
                }
                return (sum / zero) * (sum / zero)
            }
        }
        // C(p) = ĝ(p)²/ĝ(0)², g = e^{−|x|²/r_c²} on |x| ≤ 3r_c/√2; indexed by the grid difference.
        let correlation: [Double]
        if input.correlationRadius > 0 {
            let rc = input.correlationRadius
            let vectors = ball(3 * rc / 2.0.squareRoot())
            correlation = squaredTransform(vectors: vectors, weights: vectors.map { x in exp(-Double(x.reduce(0) { $0 + $1 * $1 }) / (rc * rc)) })
        } else {
            correlation = [Double](repeating: 1, count: n)
        }
        let difference = { (i: Int, j: Int) -> Int in indexOf((0..<d).map { digits[i * d + $0] - digits[j * d + $0] }) }
        let sum = { (i: Int, j: Int) -> Int in indexOf((0..<d).map { digits[i * d + $0] + digits[j * d + $0] }) }
        let u0 = input.u0

        // SCBA: Σ_p(z) = (1/N) Σ_p' U0 C(p − p')/(z − ε_p' − Σ_p'), p = k + shift.
        func scba(z: Double, shift: [Double]) -> [Complex<Double>] {
            let energies = (0..<n).map { band($0, shift: shift) }
            if input.correlationRadius == 0 {
                // White noise: Σ is one number, Σ = U0 (1/N) Σ_p G_p; damped iteration, then Newton.
                var sigma = Complex<Double>(0, -u0)
                func mean(_ s: Complex<Double>, power: Int) -> Complex<Double> {
                    var total = Complex<Double>.zero
                    for p in 0..<n {
                        let g = 1 / (Complex(z - energies[p]) - s)
                        total += power == 1 ? g : g * g
                    }
                    return total / Complex(Double(n))
                }
                for _ in 0..<300 { sigma = (sigma + Complex(u0) * mean(sigma, power: 1)).multiplied(by: 0.5) }
                for _ in 0..<30 {
                    let delta = (sigma - Complex(u0) * mean(sigma, power: 1)) / (1 - Complex(u0) * mean(sigma, power: 2))
                    sigma -= delta
                    if delta.length <= 1e-15 * max(1, sigma.length) { break }
                }
                return [Complex<Double>](repeating: sigma, count: n)
            }
            let kernel = (0..<n * n).map { u0 * correlation[difference($0 % n, $0 / n)] / Double(n) }
            var sigma = [Complex<Double>](repeating: Complex(0, -u0), count: n)
            func image(_ s: [Complex<Double>]) -> [Complex<Double>] {
                let g = (0..<n).map { 1 / (Complex(z - energies[$0]) - s[$0]) }
                return (0..<n).map { p in
                    var total = Complex<Double>.zero
                    for p2 in 0..<n { total += g[p2].multiplied(by: kernel[p + p2 * n]) }
                    return total
                }
            }
            for _ in 0..<300 {
                let f = image(sigma)
                sigma = (0..<n).map { (sigma[$0] + f[$0]).multiplied(by: 0.5) }
            }
            for _ in 0..<30 {
                let f = image(sigma)
                let g = (0..<n).map { 1 / (Complex(z - energies[$0]) - sigma[$0]) }
                // J = I − K diag(G²), residual r = Σ − F(Σ).
                var jacobian = [Complex<Double>](repeating: .zero, count: n * n)
                for p2 in 0..<n {
                    let g2 = g[p2] * g[p2]
                    for p in 0..<n { jacobian[p + p2 * n] = -g2.multiplied(by: kernel[p + p2 * n]) }
                    jacobian[p2 + p2 * n] += Complex(1)
                }
                let residual = (0..<n).map { sigma[$0] - f[$0] }
                let delta = Self.solve(jacobian, residual, order: n)
                var change = 0.0, scale = 1.0
                for p in 0..<n {
                    sigma[p] -= delta[p]
                    change = max(change, delta[p].length)
                    scale = max(scale, sigma[p].length)
                }
                if change <= 1e-15 * scale { break }
            }
            return sigma
        }

        let zero = [Double](repeating: 0, count: d)
        let sigmaE = scba(z: input.energy, shift: zero)
        gamma = -sigmaE.reduce(0) { $0 + $1.imaginary } / Double(n)
        amplitude = 2 * gamma * u0

        // Kubo–Greenwood along axis 1 with G^R(E) on the unshifted grid.
        var rho = 0.0, onShell = 0.0, fermiSea = 0.0, speed = 0.0
        for k in 0..<n {
            let g = 1 / (Complex(input.energy - band(k, shift: zero)) - sigmaE[k])
            var v2 = 0.0
            for axis in 0..<d { v2 += pow(2 * input.hopping * sin(momentum(k, axis)), 2) }
            let vx = 2 * input.hopping * sin(momentum(k, 0))
            rho -= g.imaginary
            onShell += vx * vx * g.lengthSquared
            fermiSea -= vx * vx * (g * g).real
            speed -= v2 * g.imaginary
        }
        densityOfStates = rho / (Double.pi * Double(n))
        onShellDiffusion = onShell / (2 * Double.pi * Double(n) * densityOfStates)
        fermiSeaDiffusion = fermiSea / (2 * Double.pi * Double(n) * densityOfStates)
        fermiVelocitySquared = speed / rho

        // The fields at (q, ω).
        let plusShift = input.q.map { $0 / 2 }, minusShift = input.q.map { -$0 / 2 }
        let retarded = scba(z: input.energy + input.omega, shift: plusShift)
        let advanced = scba(z: input.energy, shift: minusShift).map { $0.conjugate }
        var s = [Complex<Double>](repeating: .zero, count: n)
        var diagonal = s
        var m = [Double](repeating: 0, count: n)
        for k in 0..<n {
            let plus = band(k, shift: plusShift), minus = band(k, shift: minusShift)
            let gR = 1 / (Complex(input.energy + input.omega - plus) - retarded[k])
            let gA = 1 / (Complex(input.energy - minus) - advanced[k])
            s[k] = Complex.sqrt(gR - gA)
            m[k] = plus - minus
            diagonal[k] = Complex(plus - minus) + retarded[k] - advanced[k]
        }
        root = s
        streaming = m

        // U^sing(Q) at every grid momentum Q.
        let iFOverOmega = Complex<Double>(0, amplitude / input.omega)
        let latticeSquare = (0..<n).map { m in (0..<d).reduce(0.0) { $0 + 2 * (1 - cos(momentum(m, $1))) } }
        let singular: [Complex<Double>]?
        switch input.vertex {
        case .none:
            singular = nil
        case .localized(let range, let xi):
            let vectors = ball(range / 2)
            let a = squaredTransform(vectors: vectors, weights: vectors.map { x in exp(-Double(x.reduce(0) { $0 + $1 * $1 }).squareRoot() / xi) })
            singular = a.map { iFOverOmega * Complex($0) }
        case .lorentzian(let xi):
            singular = latticeSquare.map { iFOverOmega / Complex(1 + xi * xi * $0) }
        case .cooperon:
            let d0 = onShellDiffusion + fermiSeaDiffusion, f = amplitude, omega = input.omega
            singular = latticeSquare.map { Complex(f) / Complex(d0 * $0, -omega) }
        }

        assemble = { Self.assemble(order: n, root: s, diagonal: diagonal, u0: u0, correlation: correlation,
                                   singular: singular, difference: difference, sum: sum) }
    }

    /// 𝕃 = diag(M + ΔΣ) − (1/N) U0 C(k − k') s_k s_k' − P 𝕊 P.
    private static func assemble(order n: Int, root s: [Complex<Double>], diagonal: [Complex<Double>], u0: Double,
                                 correlation: [Double], singular: [Complex<Double>]?,
                                 difference: (Int, Int) -> Int, sum: (Int, Int) -> Int) -> [Complex<Double>] {
        var l = [Complex<Double>](repeating: .zero, count: n * n)
        for j in 0..<n {
            for i in 0..<n { l[i + j * n] = -s[i] * s[j] * Complex(u0 * correlation[difference(i, j)] / Double(n)) }
            l[j + j * n] += diagonal[j]
        }
        // 𝕃sing = −P 𝕊 P, 𝕊_kk' = (1/N) U^sing(k + k') s_k s_k'.
        if let singular {
            var projector = [Complex<Double>](repeating: .zero, count: n * n)
            let norm = s.reduce(Complex<Double>.zero) { $0 + $1 * $1 }
            for j in 0..<n {
                for i in 0..<n { projector[i + j * n] = (i == j ? Complex(1) : .zero) - s[i] * s[j] / norm }
            }
            var kernel = [Complex<Double>](repeating: .zero, count: n * n)
            for j in 0..<n {
                for i in 0..<n { kernel[i + j * n] = singular[sum(i, j)] * s[i] * s[j] / Complex(Double(n)) }
            }
            let projected = multiply(multiply(projector, kernel, order: n), projector, order: n)
            for m in 0..<(n * n) { l[m] -= projected[m] }
        }
        return l
    }

    /// C = A·B for column-major N × N matrices, by the triple loop.
    public static func multiply(_ a: [Complex<Double>], _ b: [Complex<Double>], order n: Int) -> [Complex<Double>] {
        var c = [Complex<Double>](repeating: .zero, count: n * n)
        for j in 0..<n {
            for k in 0..<n {
                let bkj = b[k + j * n]
                if bkj == .zero { continue }
                for i in 0..<n { c[i + j * n] += a[i + k * n] * bkj }
            }
        }
        return c
    }

    /// The LU factors of a square matrix by Gaussian elimination with partial pivoting.
    public struct Factorization {
        let order: Int
        var factors: [Complex<Double>]
        var pivots: [Int]

        public init(_ a: [Complex<Double>], order n: Int) {
            order = n
            factors = a
            pivots = Array(0..<n)
            for column in 0..<n {
                var pivot = column
                for row in column..<n where factors[row + column * n].length > factors[pivot + column * n].length { pivot = row }
                pivots[column] = pivot
                if pivot != column { for j in 0..<n { factors.swapAt(column + j * n, pivot + j * n) } }
                let diagonal = factors[column + column * n]
                for row in (column + 1)..<n {
                    let factor = factors[row + column * n] / diagonal
                    factors[row + column * n] = factor
                    if factor == .zero { continue }
                    for j in (column + 1)..<n { factors[row + j * n] -= factor * factors[column + j * n] }
                }
            }
        }

        /// x with A x = b.
        public func solve(_ b: [Complex<Double>]) -> [Complex<Double>] {
            let n = order
            var x = b
            // The factorization swapped whole rows (multipliers included): permute first, then L.
            for column in 0..<n { x.swapAt(column, pivots[column]) }
            for column in 0..<n {
                for row in (column + 1)..<n { x[row] -= factors[row + column * n] * x[column] }
            }
            for row in stride(from: n - 1, through: 0, by: -1) {
                var value = x[row]
                for j in (row + 1)..<n { value -= factors[row + j * n] * x[j] }
                x[row] = value / factors[row + row * n]
            }
            return x
        }
    }

    /// x with A x = b.
    public static func solve(_ a: [Complex<Double>], _ b: [Complex<Double>], order n: Int) -> [Complex<Double>] {
        Factorization(a, order: n).solve(b)
    }

    /// tr 𝕃ᵏ for k = 1 … `powers` (= Σ_s λ_sᵏ).
    public func powerTraces(_ powers: Int) -> [Complex<Double>] {
        var current = matrix
        var traces: [Complex<Double>] = []
        for k in 1...powers {
            if k > 1 { current = Self.multiply(current, matrix, order: count) }
            traces.append((0..<count).reduce(Complex<Double>.zero) { $0 + current[$1 + $1 * count] })
        }
        return traces
    }

    /// tr (𝕃 − z)⁻¹ = Σ_s 1/(λ_s − z), from the N solves of (𝕃 − z) x = e_k.
    public func resolventTrace(_ z: Complex<Double>) -> Complex<Double> {
        var shifted = matrix
        for k in 0..<count { shifted[k + k * count] -= z }
        let lu = Factorization(shifted, order: count)
        var total = Complex<Double>.zero
        for k in 0..<count {
            var unit = [Complex<Double>](repeating: .zero, count: count)
            unit[k] = Complex(1)
            total += lu.solve(unit)[k]
        }
        return total
    }

    /// The eigenvalue nearest `shift` by inverse iteration from s (the zero mode's neighbour
    /// at small q), with the bilinear Rayleigh quotient xᵀ𝕃x/xᵀx of the complex-symmetric 𝕃.
    public func eigenvalue(nearest shift: Complex<Double> = .zero, iterations: Int = 60) -> Complex<Double> {
        var shifted = matrix
        for k in 0..<count { shifted[k + k * count] -= shift }
        let lu = Factorization(shifted, order: count)
        var x = root
        for _ in 0..<iterations {
            x = lu.solve(x)
            let scale = x.reduce(0) { max($0, $1.length) }
            x = x.map { $0 / Complex(scale) }
        }
        var numerator = Complex<Double>.zero, denominator = Complex<Double>.zero
        for i in 0..<count {
            var row = Complex<Double>.zero
            for j in 0..<count { row += matrix[i + j * count] * x[j] }
            numerator += x[i] * row
            denominator += x[i] * x[i]
        }
        return numerator / denominator
    }
}
