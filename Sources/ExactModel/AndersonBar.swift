import DenseLinearAlgebra
import Foundation

/// The Anderson model on a strip (d = 2) or bar (d = 3) of width M, infinitely long along
/// the first axis, periodic across it: cross-sections (slices) of n = M^{d−1} sites,
/// hopping t along the bar and t⊥ across it, box disorder of width W.
///
/// Along the bar H ψ = E ψ is the recursion ψ_{k+1} = [(V_k − E + H⊥)ψ_k]/t − ψ_{k−1},
/// H⊥ = −t⊥ Σ_⟨ij⟩ in the slice: the 2n × 2n transfer matrix T_k = [[A_k, −1], [1, 0]],
/// A_k = (V_k − E + H⊥)/t, symplectic (T_kᵀ J T_k = J), so its Lyapunov exponents come in
/// pairs ±γ_i. The production path never forms T_k: `step` applies it slice by slice.
public struct AndersonBar: Sendable {
    public let dimension: Int
    public let width: Int
    public let energy: Double
    public let disorder: Double
    public let hopping: Double
    public let transverseHopping: Double
    /// n = M^{d−1}.
    public let sliceSites: Int
    /// The 2(d − 1) periodic neighbours of each slice site, site-major.
    let neighbors: [Int]

    /// - Throws: `.invalidParameter` for d ∉ {2, 3}, M < 2, a non-finite E, W < 0, t ≤ 0,
    ///   or a non-finite t⊥.
    public init(dimension: Int, width: Int, energy: Double, disorder: Double, hopping: Double = 1,
                transverseHopping: Double? = nil) throws(ExactModelError) {
        guard dimension == 2 || dimension == 3 else {
            throw .invalidParameter(name: "dimension d", value: "\(dimension)", allowed: "2 or 3 for a bar; d = 1 is AndersonChain")
        }
        guard width >= 2, width <= 64 else { throw .invalidParameter(name: "width M", value: "\(width)", allowed: "an integer 2…64") }
        let chain = try AndersonChain(energy: energy, disorder: disorder, hopping: hopping)
        let across = transverseHopping ?? hopping
        guard across.isFinite else { throw .invalidParameter(name: "transverse hopping t⊥", value: "\(across)", allowed: "a finite number") }
        self.dimension = dimension
        self.width = width
        self.energy = chain.energy
        self.disorder = chain.disorder
        self.hopping = chain.hopping
        self.transverseHopping = across
        let n = dimension == 2 ? width : width * width
        sliceSites = n
        var table: [Int] = []
        table.reserveCapacity(n * 2 * (dimension - 1))
        for site in 0..<n {
            let a = site % width, b = site / width
            table += [(a + 1) % width + b * width, (a + width - 1) % width + b * width]
            if dimension == 3 { table += [a + ((b + 1) % width) * width, a + ((b + width - 1) % width) * width] }
        }
        neighbors = table
    }

    /// The channel energies of the clean slice, ε⊥ = −2t⊥ Σ_i cos(2πm_i/M), ascending.
    public var channelEnergies: [Double] {
        let ring = (0..<width).map { -2 * transverseHopping * cos(2 * Double.pi * Double($0) / Double(width)) }
        return (dimension == 2 ? ring : ring.flatMap { a in ring.map { a + $0 } }).sorted()
    }

    /// Applies T_k to each of the `columns` columns of the 2n × columns frame (top half
    /// ψ_k, bottom half ψ_{k−1}), with slice potentials V_k; `scratch` holds n values.
    @inline(__always)
    func step(_ frame: UnsafeMutableBufferPointer<Double>, columns: Int,
              potentials: UnsafeBufferPointer<Double>, scratch: UnsafeMutableBufferPointer<Double>) {
        let n = sliceSites, links = 2 * (dimension - 1)
        let along = 1 / hopping, across = transverseHopping
        neighbors.withUnsafeBufferPointer { nb in
            for c in 0..<columns {
                let top = c * 2 * n, bottom = top + n
                for j in 0..<n {
                    var s = (potentials[j] - energy) * frame[top + j]
                    for l in 0..<links { s -= across * frame[top + nb[j * links + l]] }
                    scratch[j] = s * along - frame[bottom + j]
                }
                for j in 0..<n {
                    frame[bottom + j] = frame[top + j]
                    frame[top + j] = scratch[j]
                }
            }
        }
    }

    /// The dense 2n × 2n transfer matrix of one slice with potentials V (for checks; the
    /// production path applies it through `step`).
    public func transferMatrix(potentials: [Double]) throws(ExactModelError) -> RealMatrix {
        let n = sliceSites
        guard potentials.count == n else {
            throw .invalidParameter(name: "slice potentials", value: "\(potentials.count) values", allowed: "\(n) = M^{d−1} values")
        }
        var t = RealMatrix(rows: 2 * n, columns: 2 * n)
        let links = 2 * (dimension - 1)
        for j in 0..<n {
            t[j, j] = (potentials[j] - energy) / hopping
            for l in 0..<links { t[j, neighbors[j * links + l]] -= transverseHopping / hopping }
            t[j, n + j] = -1
            t[n + j, j] = 1
        }
        return t
    }

    /// A bound on the one-step growth, ‖T_k‖ ≤ 1 + (|E| + W/2 + 2(d − 1)|t⊥|)/t.
    var stepNormBound: Double { 1 + (abs(energy) + disorder / 2 + Double(2 * (dimension - 1)) * abs(transverseHopping)) / hopping }

    /// Steps between two QR re-orthonormalizations: the columns of the frame may spread by
    /// at most e¹² ≈ 1.6·10⁵ (‖T‖^q ≤ e¹²), so the smallest keeps ≈ 11 digits; 1…10.
    public var orthonormalizationInterval: Int {
        max(1, min(10, Int(12 / log(max(stepNormBound, 1.0001)))))
    }
}

/// The frame X (2n × k) propagated through transfer matrices and re-orthonormalized by QR,
/// accumulating ln|R_ii| per column.
struct BarPropagator {
    let bar: AndersonBar
    let columns: Int
    var frame: [Double]
    var scratch: [Double]
    var rDiagonal: [Double]
    var logGrowth: [Double]
    var qr: OrthonormalFrame

    /// The frame starts as (1_k; 0): column j is the slice state δ_{ij} with ψ_{k−1} = 0.
    init(bar: AndersonBar, columns: Int) throws(ExactModelError) {
        self.bar = bar
        self.columns = columns
        let rows = 2 * bar.sliceSites
        frame = [Double](repeating: 0, count: rows * columns)
        for j in 0..<columns { frame[j + j * rows] = 1 }
        scratch = [Double](repeating: 0, count: bar.sliceSites)
        rDiagonal = [Double](repeating: 0, count: columns)
        logGrowth = [Double](repeating: 0, count: columns)
        qr = try lapack { () throws(LinearAlgebraError) in try OrthonormalFrame(rows: rows, columns: columns) }
    }

    mutating func advance(potentials: UnsafeBufferPointer<Double>) {
        let (bar, columns) = (self.bar, self.columns)
        frame.withUnsafeMutableBufferPointer { f in
            scratch.withUnsafeMutableBufferPointer { s in bar.step(f, columns: columns, potentials: potentials, scratch: s) }
        }
    }

    /// QR of the frame: ln|R_ii| is added to `logGrowth` and returned in `rDiagonal`.
    mutating func orthonormalize() throws(ExactModelError) {
        do {
            try frame.withUnsafeMutableBufferPointer { (f: inout UnsafeMutableBufferPointer<Double>) throws(LinearAlgebraError) in
                try rDiagonal.withUnsafeMutableBufferPointer { (r: inout UnsafeMutableBufferPointer<Double>) throws(LinearAlgebraError) in
                    try qr.orthonormalize(f, rDiagonal: r)
                }
            }
        } catch {
            throw .linearAlgebra(error)
        }
        for j in 0..<columns {
            rDiagonal[j] = log(abs(rDiagonal[j]))
            logGrowth[j] += rDiagonal[j]
        }
    }
}

extension AndersonBar {
    /// Σ_k ln|R_ii| over `steps` slices with the given potentials (slice-major, steps × n),
    /// from the frame (1_n; 0) of n columns, QR every `interval` steps and after the last:
    /// ln of the diagonal of R in T_steps⋯T_1·(1_n; 0) = QR (the products of the step R's).
    public func logGrowths(potentials: [Double], interval: Int) throws(ExactModelError) -> [Double] {
        let n = sliceSites
        guard potentials.count % n == 0, interval >= 1 else {
            throw .invalidParameter(name: "slice potentials", value: "\(potentials.count) values", allowed: "a multiple of n = \(n), interval ≥ 1")
        }
        var propagator = try BarPropagator(bar: self, columns: n)
        let steps = potentials.count / n
        for k in 0..<steps {
            potentials.withUnsafeBufferPointer { propagator.advance(potentials: UnsafeBufferPointer(rebasing: $0[(k * n)..<((k + 1) * n)])) }
            if (k + 1) % interval == 0 || k == steps - 1 { try propagator.orthonormalize() }
        }
        return propagator.logGrowth
    }
}

/// The smallest positive Lyapunov exponent of a bar and what follows from it.
public struct BarLocalization: Sendable {
    public var width: Int
    public var disorder: Double
    /// γ_n, the n-th (smallest positive) of the 2n exponents, and its standard error.
    public var exponent: Double
    public var exponentError: Double
    /// ξ_M = 1/γ_n, δξ_M = δγ_n/γ_n².
    public var length: Double { 1 / exponent }
    public var lengthError: Double { exponentError / (exponent * exponent) }
    /// Λ_M = ξ_M/M.
    public var reducedLength: Double { length / Double(width) }
    public var reducedLengthError: Double { lengthError / Double(width) }
    /// Transfer steps measured (after the burn-in).
    public var steps: Int
    public var burnIn: Int
    public var interval: Int
    public var relativeError: Double { exponentError / exponent }

    public init(width: Int, disorder: Double, exponent: Double, exponentError: Double, steps: Int, burnIn: Int, interval: Int) {
        self.width = width
        self.disorder = disorder
        self.exponent = exponent
        self.exponentError = exponentError
        self.steps = steps
        self.burnIn = burnIn
        self.interval = interval
    }
}

extension AndersonBar {
    /// Steps of one measurement block (a multiple of the QR interval, ≥ 20 M): the blocks'
    /// exponents are the samples of the error estimate.
    public var blockSteps: Int {
        let q = orthonormalizationInterval
        return q * ((max(100, 20 * width) + q - 1) / q)
    }

    /// Burn-in: the frame turns into the Lyapunov basis within a few ξ_M ≲ M steps.
    public var burnInSteps: Int { blockSteps * 2 }

    /// γ_n of this bar by the transfer-matrix method (MacKinnon & Kramer): the n-column
    /// frame (1_n; 0) is carried through T_k⋯T_1 (slice potentials from stream `index` of
    /// `RandomStream.Purpose.barRun`), re-orthonormalized by QR every
    /// `orthonormalizationInterval` steps; after `burnInSteps`, each block of `blockSteps`
    /// gives γ_n,b = Σ ln|R_nn|/blockSteps, and γ_n is their mean with its standard error.
    /// Runs until at least 10 blocks and relative error ≤ `precision`.
    /// - Parameter progress: called after each block with (steps, relative error so far).
    /// - Throws: `.precisionNotReached` when `maxSteps` measured steps do not reach it,
    ///   `.invalidParameter`, or a LAPACK failure.
    public func smallestPositiveExponent(precision: Double, maxSteps: Int, seed: UInt64, index: Int,
                                         progress: (Int, Double) -> Void = { _, _ in }) throws(ExactModelError) -> BarLocalization {
        guard precision > 0, precision < 1 else { throw .invalidParameter(name: "relative precision", value: "\(precision)", allowed: "a number in (0, 1)") }
        guard maxSteps >= 1 else { throw .invalidParameter(name: "maximum steps", value: "\(maxSteps)", allowed: "an integer ≥ 1") }
        let n = sliceSites, q = orthonormalizationInterval, block = blockSteps
        var stream = RandomStream(seed: seed, purpose: .barRun, index: index)
        var propagator = try BarPropagator(bar: self, columns: n)
        var potentials = [Double](repeating: 0, count: n)
        func advance(_ steps: Int) throws(ExactModelError) -> Double {
            var growth = 0.0
            for k in 0..<steps {
                for j in 0..<n { potentials[j] = stream.nextSiteEnergy(width: disorder) }
                potentials.withUnsafeBufferPointer { propagator.advance(potentials: $0) }
                if (k + 1) % q == 0 {
                    try propagator.orthonormalize()
                    growth += propagator.rDiagonal[n - 1]
                }
            }
            return growth
        }
        _ = try advance(burnInSteps)
        var blocks: [Double] = []
        var steps = 0
        while true {
            blocks.append(try advance(block) / Double(block))
            steps += block
            let (mean, error) = meanAndStandardError(blocks)
            let relative = mean > 0 ? error / mean : .infinity
            progress(steps, relative)
            if blocks.count >= 10, relative <= precision {
                return BarLocalization(width: width, disorder: disorder, exponent: mean, exponentError: error,
                                       steps: steps, burnIn: burnInSteps, interval: q)
            }
            if steps + block > maxSteps {
                throw .precisionNotReached(width: width, disorder: disorder, requested: precision, reached: relative, steps: steps)
            }
        }
    }
}
