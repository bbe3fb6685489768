import CollisionOperator
import DenseLinearAlgebra
import Foundation
import Numerics
import Theory

/// The flag a theory parameter is given by (`collop vw`, `collop scaling`).
func theoryFlag(_ parameter: TheoryParameter) -> String {
    switch parameter {
    case .dimension: return ParameterName.dim.flag
    case .omega: return "--omegas"
    default: return "--\(parameter.rawValue)"
    }
}

/// Runs a theory computation, turning its errors into the CLI's: bad input names the flag
/// (exit 2); a self-consistency that does not converge is a numerical failure (exit 3) whose
/// message keeps the equation, the place and the last iterates.
func theoryCall<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as TheoryInputError {
        throw InputError("\(theoryFlag(error.parameter)): value \(error.value) \(error.reason) (allowed: \(error.allowed))")
    } catch let error as TheoryConvergenceError {
        throw LinearAlgebraError.iterationLimit(solver: "\(error.equation): \(error.detail); last iterates \(error.lastIterates.suffix(4).map(describeComplex).joined(separator: ", "))",
                                                iterations: error.iterations, lastChange: lastChange(error.lastIterates))
    }
}

private func lastChange(_ iterates: [Complex<Double>]) -> Double {
    guard iterates.count >= 2 else { return .nan }
    return (iterates[iterates.count - 1] - iterates[iterates.count - 2]).length
}

func describeComplex(_ z: Complex<Double>) -> String {
    "\(formatNumber(z.real))\(z.imaginary < 0 || (z.imaginary == 0 && z.imaginary.sign == .minus) ? "-" : "+")\(formatNumber(abs(z.imaginary)))i"
}

/// A frequency ladder: ≥ 1 finite numbers > 0 (down to 1e-250), comma-separated, distinct.
func parseFrequencyLadder(_ text: String, flag: String = "--omegas") throws(InputError) -> [Double] {
    let allowed = "one or more distinct finite numbers in [1e-250, 1e250], comma-separated"
    let values = try parseNumberList(text, flag: flag, allowed: allowed)
    if let bad = values.first(where: { !($0.isFinite && $0 >= 1e-250 && $0 <= 1e250) }) {
        throw InputError("\(flag): value \(text) contains \(format(bad)) (allowed: \(allowed))")
    }
    guard Set(values).count == values.count else { throw InputError("\(flag): value \(text) repeats a frequency (allowed: \(allowed))") }
    return values
}

/// One number of a theory option, with the flag and what is allowed in the message.
func parseTheoryNumber(_ text: String, flag: String, allowed: String, valid: (Double) -> Bool) throws(InputError) -> Double {
    guard let value = Double(text.trimmingCharacters(in: .whitespaces)), valid(value) else {
        throw InputError("\(flag): value \(text.isEmpty ? "\"\"" : text) is not allowed (allowed: \(allowed))")
    }
    return value
}
