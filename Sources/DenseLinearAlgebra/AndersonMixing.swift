import Numerics

/// Anderson acceleration of a damped fixed-point iteration x ← x + β g(x), g = F(x) − x
/// (Walker & Ni 2011, "type II" with the least-squares form):
///
///   x⁺ = x + βg − Σ_j γ_j (Δx_j + βΔg_j),   γ = argmin ‖g − Σ_j γ_j Δg_j‖₂,
///
/// over the last `depth` differences Δx_j = x_{j+1} − x_j, Δg_j = g_{j+1} − g_j. The
/// least-squares problem is solved through its m × m normal equations (m ≤ depth), whose
/// Gram matrix ⟨Δg_i, Δg_j⟩ is kept up to date one column at a time (m inner products of
/// length n per step, no n × m factorization). Scaled to a unit diagonal, its directions
/// with an eigenvalue below `dependence`·(largest) are dropped (a pseudo-inverse), so a
/// nearly dependent history degrades to a shorter one instead of amplifying round-off.
/// With one unknown (n = 1) it is the secant method.
///
/// All storage (2·depth vectors of n) is allocated at init; a step allocates nothing of
/// length n.
public struct AndersonMixing {
    /// Length of the iterate.
    public let width: Int
    /// The most differences used (never more than `width`).
    public let depth: Int
    /// β, the damping of the plain step.
    public let damping: Complex<Double>
    /// Relative Gram eigenvalue below which a direction of the history is ignored.
    public static let dependence = 1e-13

    /// Δx_j and Δg_j, column `slot` at [slot·width ..< (slot + 1)·width].
    private var stepDifferences: [Complex<Double>]
    private var residualDifferences: [Complex<Double>]
    /// The previous iterate and its residual.
    private var previousIterate: [Complex<Double>]
    private var previousResidual: [Complex<Double>]
    private var hasPrevious = false
    /// Slots in use, oldest first. Until the history is full they are 0, 1, …, count − 1;
    /// once full, the oldest slot is reused.
    private var slots: [Int] = []
    /// Gram matrix ⟨Δg_i, Δg_j⟩ = Σ conj(Δg_i) Δg_j by slot, depth × depth.
    private var gram: [Complex<Double>]

    /// - Parameters: width n of the iterate, history depth, damping β.
    public init(width: Int, depth: Int, damping: Double) {
        self.width = max(width, 0)
        self.depth = max(min(depth, width), 0)
        self.damping = Complex(damping)
        stepDifferences = [Complex<Double>](repeating: .zero, count: self.depth * self.width)
        residualDifferences = stepDifferences
        previousIterate = [Complex<Double>](repeating: .zero, count: self.width)
        previousResidual = previousIterate
        gram = [Complex<Double>](repeating: .zero, count: self.depth * self.depth)
    }

    /// Forgets the history (the next step is plain).
    public mutating func reset() {
        slots.removeAll(keepingCapacity: true)
        hasPrevious = false
    }

    /// Records the iterate x and its residual g, then writes the next iterate into `next`:
    /// the accelerated one when there is a usable history, else the plain x + βg. `next`
    /// may be x's buffer but not g's.
    /// - Returns: whether the step was accelerated; false, writing nothing, when a buffer's
    ///   length is not `width`.
    @discardableResult
    public mutating func step(iterate x: UnsafeBufferPointer<Complex<Double>>, residual g: UnsafeBufferPointer<Complex<Double>>,
                              into next: UnsafeMutableBufferPointer<Complex<Double>>) -> Bool {
        let n = width
        guard x.count == n, g.count == n, next.count == n else { return false }
        if hasPrevious && depth > 0 { record(x, g) }
        previousIterate.withUnsafeMutableBufferPointer { p in _ = p.update(fromContentsOf: x) }
        previousResidual.withUnsafeMutableBufferPointer { p in _ = p.update(fromContentsOf: g) }
        hasPrevious = true
        let beta = damping
        let gamma = coefficients(g)
        for k in 0..<n { next[k] = x[k] + beta * g[k] }
        guard let gamma else { return false }
        stepDifferences.withUnsafeBufferPointer { dx in
            residualDifferences.withUnsafeBufferPointer { dg in
                for (j, slot) in slots.enumerated() where gamma[j] != .zero {
                    let base = slot * n, c = gamma[j]
                    for k in 0..<n { next[k] -= c * (dx[base + k] + beta * dg[base + k]) }
                }
            }
        }
        return true
    }

    /// Appends Δx = x − x_prev and Δg = g − g_prev (dropping the oldest at full depth) and
    /// the new row and column of the Gram matrix.
    private mutating func record(_ x: UnsafeBufferPointer<Complex<Double>>, _ g: UnsafeBufferPointer<Complex<Double>>) {
        let n = width
        let slot = slots.count == depth ? slots.removeFirst() : slots.count
        let base = slot * n
        previousIterate.withUnsafeBufferPointer { px in
            stepDifferences.withUnsafeMutableBufferPointer { dx in
                for k in 0..<n { dx[base + k] = x[k] - px[k] }
            }
        }
        previousResidual.withUnsafeBufferPointer { pg in
            residualDifferences.withUnsafeMutableBufferPointer { dg in
                for k in 0..<n { dg[base + k] = g[k] - pg[k] }
            }
        }
        slots.append(slot)
        residualDifferences.withUnsafeBufferPointer { dg in
            for other in slots {
                var sum = Complex<Double>.zero
                let o = other * n
                for k in 0..<n { sum += dg[o + k].conjugate * dg[base + k] }
                gram[other + slot * depth] = sum
                gram[slot + other * depth] = sum.conjugate
            }
        }
    }

    /// γ from the normal equations by a pseudo-inverse; nil without a usable history.
    private func coefficients(_ g: UnsafeBufferPointer<Complex<Double>>) -> [Complex<Double>]? {
        let m = slots.count
        guard m > 0 else { return nil }
        let n = width
        var rhs = [Complex<Double>](repeating: .zero, count: m)
        residualDifferences.withUnsafeBufferPointer { dg in
            for (j, slot) in slots.enumerated() {
                var sum = Complex<Double>.zero
                let base = slot * n
                for k in 0..<n { sum += dg[base + k].conjugate * g[k] }
                rhs[j] = sum
            }
        }
        // Scaled to a unit diagonal (D^{-1/2} G D^{-1/2}), so the cutoff judges the angles
        // between the differences, not their lengths; a zero difference is left out.
        let scales = slots.map { slot in
            let norm = gram[slot + slot * depth].real
            return norm > 0 && norm.isFinite ? 1 / norm.squareRoot() : 0
        }
        let normal = ComplexMatrix(order: m) { i, j in gram[slots[i] + slots[j] * depth] * Complex(scales[i] * scales[j]) }
        guard normal.firstNonFiniteElement() == nil,
              let eigen = try? HermitianEigensolver.decompose(normal, computeVectors: true),
              let vectors = eigen.vectors, let largest = eigen.values.last, largest > 0 else { return nil }
        var gamma = [Complex<Double>](repeating: .zero, count: m)
        for (index, value) in eigen.values.enumerated() where value > Self.dependence * largest {
            var projection = Complex<Double>.zero
            for i in 0..<m { projection += vectors[i, index].conjugate * rhs[i] * Complex(scales[i]) }
            projection = projection / Complex(value)
            for i in 0..<m { gamma[i] += vectors[i, index] * projection * Complex(scales[i]) }
        }
        return gamma.allSatisfy({ $0.isFinite }) ? gamma : nil
    }
}
