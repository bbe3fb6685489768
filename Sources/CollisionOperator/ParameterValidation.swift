extension ModelParameters {
    /// Checks every input against its allowed range (docs/model.md §2, §5). Throws the first
    /// violation as a `ParameterError` naming the parameter, the value and the range.
    ///
    /// Physical limits that need a computation (an energy outside the SCBA band) are
    /// reported later, by the self-energy solver, as the same error type.
    public func validate() throws(ParameterError) { try validate(probe: nil) }

    /// The parameters and a probe (q, ω) meant for them, in one pass and in the order of
    /// docs/model.md §5 (ω and q after the energy), so that the first violation reported is
    /// the same whichever of the two holds it.
    public func validate(with probe: Probe) throws(ParameterError) { try validate(probe: probe) }

    private func validate(probe: Probe?) throws(ParameterError) {
        func finite(_ name: ParameterName, _ value: Double) throws(ParameterError) {
            guard value.isFinite else { throw ParameterError(name, value: format(value), reason: "not a finite number") }
        }
        func positive(_ name: ParameterName, _ value: Double) throws(ParameterError) {
            try finite(name, value)
            guard value > 0 else { throw ParameterError(name, value: format(value)) }
        }

        guard (1...4).contains(dimension) else { throw ParameterError(.dim, value: "\(dimension)") }
        guard size >= 2 else { throw ParameterError(.size, value: "\(size)") }
        let (_, overflow) = size.toThePower(dimension)
        guard !overflow, gridPointCount <= Int(Int32.max) else {
            throw ParameterError(.size, value: "\(size)", reason: "too large: L^d = \(size)^\(dimension) overflows the grid index")
        }
        try positive(.hopping, hopping)
        try finite(.energy, energy)
        if let probe { try probe.validate(for: self) }
        switch disorder {
        case .width(let w): try positive(.disorder, w)
        case .vertex(let u0): try positive(.u0, u0)
        }
        try finite(.correlation, correlationRadius)
        guard correlationRadius >= 0 else { throw ParameterError(.correlation, value: format(correlationRadius)) }
        let correlationReach = DisorderCorrelation.supportReach(correlationRadius)   // a Double: r_c may be huge
        guard 2 * correlationReach < Double(size) else {
            throw ParameterError(.correlation, value: format(correlationRadius),
                                 reason: "too long for the grid: C's support reaches 2⌊3r_c/√2⌋ = \(format(correlationReach)) lattice spacings, and twice that is ≥ L = \(size), which aliases the correlation vectors")
        }
        if case .fixed(let gamma) = selfEnergy { try positive(.gamma, gamma) }
        try positive(.xi, xi)
        try finite(.range, range)
        guard range >= 0 else { throw ParameterError(.range, value: format(range)) }
        if singular == .localized {
            guard 2 * range < Double(size) else {
                throw ParameterError(.range, value: format(range),
                                     reason: "too long for the grid: 2R = \(format(2 * range)) ≥ L = \(size) aliases the lattice vectors")
            }
        }
        try finite(.zeta, zeta)
        if let amplitude { try positive(.amplitude, amplitude) }
        if let d0 {
            let written = d0.imaginary == 0 ? format(d0.real) : "\(format(d0.real)),\(format(d0.imaginary))"
            guard d0.isFinite else { throw ParameterError(.d0, value: written, reason: "not finite") }
            guard DiffusionRegime.isPhysical(d0) else {
                throw ParameterError(.d0, value: written, reason: "outside the physical half plane: the cooperon 1/(−iω + D0 Q̂²) needs Re D0 > 0, or Re D0 = 0 with Im D0 < 0 (a localized D = −iωξ²)")
            }
        }
        guard scbaMaximumIterations >= 1 else { throw ParameterError(.scbaMaxIterations, value: "\(scbaMaximumIterations)") }
    }
}

/// A number as the tools print parameters: shortest round-trip form.
public func format(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    return "\(value)"
}

extension Int {
    /// self^exponent with overflow detection.
    func toThePower(_ exponent: Int) -> (Int, Bool) {
        var result = 1
        for _ in 0..<Swift.max(exponent, 0) {
            let (product, overflow) = result.multipliedReportingOverflow(by: self)
            if overflow { return (product, true) }
            result = product
        }
        return (result, false)
    }
}
