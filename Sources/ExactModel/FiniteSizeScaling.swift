/// What Λ_M(W) = ξ_M/M says about one disorder, and where two widths cross.
public enum ScalingVerdict: String, Sendable {
    /// Λ_M rises with M beyond the errors: a metal.
    case extended
    /// Λ_M falls with M beyond the errors: an insulator.
    case localized
    case undecided

    /// Compares the smallest and the largest width: Λ_large − Λ_small beyond twice its
    /// error (the errors added in quadrature) decides; one width never does.
    public static func of(_ points: [BarLocalization]) -> ScalingVerdict {
        guard let small = points.min(by: { $0.width < $1.width }), let large = points.max(by: { $0.width < $1.width }),
              large.width > small.width else { return .undecided }
        let difference = large.reducedLength - small.reducedLength
        let error = (large.reducedLengthError * large.reducedLengthError + small.reducedLengthError * small.reducedLengthError).squareRoot()
        if difference > 2 * error { return .extended }
        if difference < -2 * error { return .localized }
        return .undecided
    }
}

/// The finite-size estimate of W_c: where Λ_M(W) of two widths cross.
public struct ScalingCrossing: Sendable, Equatable {
    public var disorder: Double
    public var error: Double

    /// The first sign change of δ(W) = Λ_large(W) − Λ_small(W) between consecutive scanned
    /// disorders W_i < W_{i+1}, by linear interpolation, W_c = W_i + ΔW·δ_i/(δ_i − δ_{i+1}),
    /// with the error propagated from the errors of δ_i and δ_{i+1}; nil when δ keeps its sign.
    /// - Parameters: `small`, `large`: the two widths' points, one per disorder (same disorders).
    public static func find(small: [BarLocalization], large: [BarLocalization]) -> ScalingCrossing? {
        let pairs = zip(small, large).sorted { $0.0.disorder < $1.0.disorder }
        guard pairs.count >= 2 else { return nil }
        func difference(_ pair: (BarLocalization, BarLocalization)) -> (value: Double, error: Double) {
            let (s, l) = pair
            return (l.reducedLength - s.reducedLength,
                    (l.reducedLengthError * l.reducedLengthError + s.reducedLengthError * s.reducedLengthError).squareRoot())
        }
        for i in 0..<(pairs.count - 1) {
            let a = difference(pairs[i]), b = difference(pairs[i + 1])
            guard (a.value > 0) != (b.value > 0) else { continue }
            let w0 = pairs[i].0.disorder, spacing = pairs[i + 1].0.disorder - w0
            let denominator = a.value - b.value
            let crossing = w0 + spacing * a.value / denominator
            let da = spacing * (-b.value) / (denominator * denominator)
            let db = spacing * a.value / (denominator * denominator)
            return ScalingCrossing(disorder: crossing, error: ((da * a.error) * (da * a.error) + (db * b.error) * (db * b.error)).squareRoot())
        }
        return nil
    }
}
