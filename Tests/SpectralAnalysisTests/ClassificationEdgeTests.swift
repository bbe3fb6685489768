import CollisionOperator
import Foundation
import DenseLinearAlgebra
import Numerics
import SpectralAnalysis
import TestSupport
import Testing

/// Edge cases of the classification (issue 27 item 6): the scaling fit on exact power laws
/// and its refusals, the crossover class, branch tracking through a crossing of |λ| and the
/// O(ω) decrease of the (80)/(82) prediction error with correlated disorder.
@Suite("Classification edge cases")
struct ClassificationEdgeTests {
    static let omegas = [1e-2, 3e-3, 1e-3, 3e-4, 1e-4]

    /// |λ| = c·ω^p exactly: the fit returns p to round-off with zero residual, and the family
    /// follows the bands of docs/model.md §4 (δ = 0.2): M0 for p > 0.8, M1 for |p| < 0.2, M∞
    /// for p < −0.8, X between — p = ±0.5 is a mode between families, never forced.
    @Test(arguments: [(1.0, SpectralFamily.m0), (0.9, .m0), (0.0, .m1), (0.15, .m1), (-1.0, .mInfinity),
                      (0.5, .crossover), (-0.5, .crossover), (0.75, .crossover), (-0.85, .mInfinity)])
    func exactPowerLawsGiveTheirExponent(exponent: Double, family: SpectralFamily) throws {
        let magnitudes = Self.omegas.map { 3.7 * pow($0, exponent) }
        let fit = try ScalingFit(omegas: Self.omegas, magnitudes: magnitudes, scales: Self.omegas.map { 1 / $0 }, delta: 0.2)
        #expect(abs(try #require(fit.exponent) - exponent) <= 1e-12)
        #expect(fit.residual <= 1e-12)
        #expect(fit.family == family)
    }

    /// An exact zero at every ω (|λ| ≤ 1e-9·max|λ|) has no exponent; the same values just
    /// above the threshold are fitted.
    @Test func exactZeroHasNoExponent() throws {
        let scales = Self.omegas.map { 1 / $0 }
        let zero = try ScalingFit(omegas: Self.omegas, magnitudes: scales.map { 0.5e-9 * $0 }, scales: scales, delta: 0.2)
        #expect(zero.exponent == nil && zero.family == .m0)
        let small = try ScalingFit(omegas: Self.omegas, magnitudes: scales.map { 2e-9 * $0 }, scales: scales, delta: 0.2)
        #expect(abs(try #require(small.exponent) + 1) <= 1e-12)
    }

    /// One ω (or repeated ones) has no slope; magnitudes or scales not one per ω are refused.
    @Test func tooFewPointsIsATypedError() {
        #expect(throws: ScalingFitError.tooFewFrequencies(distinct: 1, magnitudes: 1, scales: 1)) {
            try ScalingFit(omegas: [1e-3], magnitudes: [1], scales: [1], delta: 0.2)
        }
        #expect(throws: ScalingFitError.tooFewFrequencies(distinct: 1, magnitudes: 2, scales: 2)) {
            try ScalingFit(omegas: [1e-3, 1e-3], magnitudes: [1, 2], scales: [1, 1], delta: 0.2)
        }
        #expect(throws: ScalingFitError.tooFewFrequencies(distinct: 2, magnitudes: 1, scales: 2)) {
            try ScalingFit(omegas: [1e-3, 1e-4], magnitudes: [1], scales: [1, 1], delta: 0.2)
        }
    }

    /// Two branches a(t) = 1 + t and b(t) = 1.5 − t coupled by g = 1e-3 (plus a spectator at
    /// 5): from t = 0 to t = 1 their |λ| order swaps, and the tracker follows the vectors (e1
    /// stays e1, confidence ≈ 1), not the order. A step landing in the avoided crossing
    /// (t = 0.25, gap 2g, vectors (e1 ± e2)/√2) matches each to a half-mixed vector,
    /// confidence 1/√2 = 0.707, below the ~1 of clean matches.
    @Test func trackingFollowsVectorsThroughACrossing() throws {
        func spectrum(_ t: Double) throws -> Spectrum {
            let g = 1e-3
            let m = try ComplexMatrix(rows: 3, columns: 3, columnMajor: [
                Complex(1 + t), Complex(g), .zero,
                Complex(g), Complex(1.5 - t), .zero,
                .zero, .zero, Complex(5)])
            return try Spectrum(matrix: m, zeroMode: nil, computeVectors: true)
        }
        let start = try spectrum(0), end = try spectrum(1), middle = try spectrum(0.25)
        #expect(abs(start.modes[0].value.real - 1) < 1e-5 && abs(end.modes[0].value.real - 0.5) < 1e-5, "the order swaps")
        let step = try BranchTracker.match(from: start, to: end)
        #expect(step.target == [1, 0, 2], "by vector: a(0) = 1 → a(1) = 2 (row 1), b(0) = 1.5 → b(1) = 0.5 (row 0)")
        #expect(step.confidence.allSatisfy { $0 > 1 - 1e-5 })
        let mixed = try BranchTracker.match(from: start, to: middle)
        for i in 0..<2 { #expect(abs(mixed.confidence[i] - 0.5.squareRoot()) < 5e-3, "\(mixed.confidence)") }
        #expect(mixed.confidence[2] > 1 - 1e-12)
    }

    /// With correlated disorder (r_c > 0) Suslov (80) and the secular matrix (82) are not
    /// exact but asymptotic in ω: the largest error |λ − λ_pred| of the M∞ modes (|λ| ~ 1/ω)
    /// falls as O(ω), 10× per decade (measured 2.461e-4 → 2.460e-5, ratio 10.00), and that of
    /// the M0 ⊕ M1 modes as O(ω²) (7.97e-7 → 7.95e-9, ratio 100.2). Bounds: ratios within 20 %.
    @Test func predictionErrorFallsLinearlyInOmega() throws {
        var p = ModelSetup()
        p.size = 10
        p.correlationRadius = 0.7
        p.disorder = .width(2 / 0.7.squareRoot() + 1)
        let model = try p.model()
        func largestError(_ omega: Double) throws -> (finite: Double, infinite: Double) {
            let op = try model.operator(omega: omega)
            let spectrum = try Spectrum(matrix: op.fullMatrix, zeroMode: nil, computeVectors: false)
            let labels = try StructuralAnalysis(operator: op).label(spectrum.values)
            var finite = 0.0, infinite = 0.0
            for (mode, label) in zip(spectrum.modes, labels) {
                let error = (mode.value - label.value).length
                if label.family == .mInfinity { infinite = max(infinite, error) } else { finite = max(finite, error) }
            }
            return (finite, infinite)
        }
        let coarse = try largestError(1e-3), fine = try largestError(1e-4)
        let infiniteRatio = coarse.infinite / fine.infinite, finiteRatio = coarse.finite / fine.finite
        #expect(infiniteRatio > 8 && infiniteRatio < 12, "M∞ error \(coarse.infinite) at ω = 1e-3, \(fine.infinite) at 1e-4")
        #expect(finiteRatio > 80 && finiteRatio < 120, "M0 ⊕ M1 error \(coarse.finite) at ω = 1e-3, \(fine.finite) at 1e-4")
    }
}
