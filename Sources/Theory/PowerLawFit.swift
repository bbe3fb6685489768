import Foundation

/// A least-squares fit log y = c + e·log x (+ b·x when `correction` is given: the leading
/// analytic correction to scaling, y = C x^e (1 + b x + …)), with standard errors from the
/// residuals (σ² = RSS/(n − k), cov = σ²(XᵀX)⁻¹).
public struct PowerLawFit: Sendable, Equatable {
    public let exponent: Double
    public let exponentError: Double
    public let amplitude: Double
    /// b of the correction term, nil for a pure power law.
    public let correction: Double?
    public let residual: Double

    /// - Parameter correction: the x values multiplying b (nil: pure power law).
    public init(logX: [Double], logY: [Double], correction: [Double]?) throws(TheoryConvergenceError) {
        let n = logX.count
        var columns: [[Double]] = [[Double](repeating: 1, count: n), logX]
        if let correction { columns.append(correction) }
        let k = columns.count
        guard n > k else {
            throw TheoryConvergenceError(equation: "power-law fit", detail: "\(n) points for \(k) parameters", iterations: 0, lastIterates: [])
        }
        var normal = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        var rhs = [Double](repeating: 0, count: k)
        for i in 0..<k {
            for j in 0..<k { normal[i][j] = zip(columns[i], columns[j]).map(*).reduce(0, +) }
            rhs[i] = zip(columns[i], logY).map(*).reduce(0, +)
        }
        guard let inverse = Self.invert(normal) else {
            throw TheoryConvergenceError(equation: "power-law fit", detail: "singular normal equations", iterations: 0, lastIterates: [])
        }
        let beta = (0..<k).map { i in (0..<k).reduce(0.0) { $0 + inverse[i][$1] * rhs[$1] } }
        var rss = 0.0
        for r in 0..<n {
            let model = (0..<k).reduce(0.0) { $0 + beta[$1] * columns[$1][r] }
            rss += (logY[r] - model) * (logY[r] - model)
        }
        let variance = rss / Double(n - k)
        exponent = beta[1]
        exponentError = (variance * inverse[1][1]).squareRoot()
        amplitude = Foundation.exp(beta[0])
        self.correction = correction == nil ? nil : beta[2]
        residual = rss.squareRoot()
    }

    /// The same fit with the sign of the exponent flipped (ξ ∝ τ^{−ν}).
    public init(negating fit: PowerLawFit) {
        exponent = -fit.exponent
        exponentError = fit.exponentError
        amplitude = fit.amplitude
        correction = fit.correction
        residual = fit.residual
    }

    /// Gauss–Jordan with partial pivoting (k ≤ 3).
    static func invert(_ m: [[Double]]) -> [[Double]]? {
        let k = m.count
        var a = m
        var inv = (0..<k).map { i in (0..<k).map { $0 == i ? 1.0 : 0.0 } }
        for c in 0..<k {
            guard let pivot = (c..<k).max(by: { abs(a[$0][c]) < abs(a[$1][c]) }), a[pivot][c] != 0 else { return nil }
            a.swapAt(c, pivot)
            inv.swapAt(c, pivot)
            let d = a[c][c]
            for j in 0..<k { a[c][j] /= d; inv[c][j] /= d }
            for r in 0..<k where r != c {
                let f = a[r][c]
                for j in 0..<k { a[r][j] -= f * a[c][j]; inv[r][j] -= f * inv[c][j] }
            }
        }
        return inv
    }
}
