import DenseLinearAlgebra
import Foundation

/// The three families of Suslov (70)–(71), and crossovers.
public enum SpectralFamily: String, Sendable, CaseIterable, Comparable {
    /// λ ~ ω.
    case m0 = "M0"
    /// λ ~ 1.
    case m1 = "M1"
    /// λ ~ 1/ω.
    case mInfinity = "Minf"
    /// A branch whose exponent fits none of the three (reported, never forced).
    case crossover = "X"

    public static func < (a: SpectralFamily, b: SpectralFamily) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// The scaling fit of one branch: log|λ| = p log ω + c by least squares (docs/model.md §4).
public struct ScalingFit: Sendable, Equatable {
    /// p; nil for an exact zero mode (|λ| ≤ 1e-9·max|λ| at every ω), which has none.
    public var exponent: Double?
    /// Root-mean-square residual of the fit in log|λ|.
    public var residual: Double
    public var family: SpectralFamily

    /// Relative bound below which |λ| counts as an exact zero.
    public static let zeroThreshold = 1e-9

    /// Fits |λ(ω_i)|; `scales[i]` is max|λ| of the spectrum at ω_i.
    /// - Throws: `.tooFewFrequencies` unless there are two or more distinct ω, each with
    ///   its |λ| and scale (one ω has no slope).
    public init(omegas: [Double], magnitudes: [Double], scales: [Double], delta: Double) throws(ScalingFitError) {
        guard Set(omegas).count >= 2, magnitudes.count == omegas.count, scales.count == omegas.count else {
            throw .tooFewFrequencies(distinct: Set(omegas).count, magnitudes: magnitudes.count, scales: scales.count)
        }
        if zip(magnitudes, scales).allSatisfy({ $0 <= Self.zeroThreshold * $1 }) {
            exponent = nil
            residual = 0
            family = .m0
            return
        }
        let x = omegas.map { log($0) }
        let y = magnitudes.map { log(max($0, .leastNormalMagnitude)) }
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        var sxx = 0.0, sxy = 0.0
        for i in x.indices { sxx += (x[i] - mx) * (x[i] - mx); sxy += (x[i] - mx) * (y[i] - my) }
        let p = sxy / sxx
        var squares = 0.0
        for i in x.indices { let r = y[i] - (my + p * (x[i] - mx)); squares += r * r }
        exponent = p
        residual = (squares / Double(x.count)).squareRoot()
        if p > 1 - delta { family = .m0 } else if abs(p) < delta { family = .m1 } else if p < -1 + delta { family = .mInfinity } else { family = .crossover }
    }
}

/// Why a branch cannot be fitted.
public enum ScalingFitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer than two distinct frequencies, or magnitudes and scales not one per frequency.
    case tooFewFrequencies(distinct: Int, magnitudes: Int, scales: Int)

    public var description: String {
        switch self {
        case let .tooFewFrequencies(distinct, magnitudes, scales):
            return "the scaling fit log|λ| = p log ω + c needs two or more distinct frequencies with one |λ| and one scale each; got \(distinct) distinct ω, \(magnitudes) |λ|, \(scales) scales"
        }
    }
}
