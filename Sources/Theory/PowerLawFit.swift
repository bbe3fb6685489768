import DenseLinearAlgebra
import Foundation

/// A least-squares fit log y = c + e·log x (+ b·x when `correction` is given: the leading
/// analytic correction to scaling, y = C x^e (1 + b x + …)), with standard errors from the
/// residuals (σ² = RSS/(n − k), cov = σ²(XᵀX)⁻¹), by LAPACK's QR (`LeastSquares`).
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
        let k = correction == nil ? 2 : 3
        guard n > k else {
            throw TheoryConvergenceError(equation: "power-law fit", detail: "\(n) points for \(k) parameters", iterations: 0, lastIterates: [])
        }
        var design = RealMatrix(rows: n, columns: k)
        for r in 0..<n {
            design[r, 0] = 1
            design[r, 1] = logX[r]
            if let correction { design[r, 2] = correction[r] }
        }
        let fit: LeastSquares.Solution
        do {
            fit = try LeastSquares.solve(design, logY)
        } catch {
            throw TheoryConvergenceError(equation: "power-law fit", detail: error.description, iterations: 0, lastIterates: [])
        }
        exponent = fit.coefficients[1]
        exponentError = fit.standardError(1, rows: n) ?? .nan
        amplitude = Foundation.exp(fit.coefficients[0])
        self.correction = correction == nil ? nil : fit.coefficients[2]
        residual = fit.residualNorm
    }

    /// The same fit with the sign of the exponent flipped (ξ ∝ τ^{−ν}).
    public init(negating fit: PowerLawFit) {
        exponent = -fit.exponent
        exponentError = fit.exponentError
        amplitude = fit.amplitude
        correction = fit.correction
        residual = fit.residual
    }
}
