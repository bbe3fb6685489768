import ArgumentParser
import CollisionOperator
import Foundation
import SpectralAnalysis

/// The q-ladder options shared by `diffusion` and `dispersion`.
struct LadderOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Direction of q: dim finite numbers, comma-separated, not all zero (normalized). [default: 1,0,…]", valueName: "n1,n2,…"))
    var direction: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Largest |q| of the ladder q_j = qmax·j/nq: a finite number > 0. [default: diffusion 0.1·γ/t ≈ 0.1/ℓ, dispersion 1]", valueName: "q"))
    var qmax: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Number of q points: an integer 1…1000. [default: diffusion 5, dispersion 10]", valueName: "n"))
    var nq: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("λ0 solver: auto (secular when 𝕃 is diagonal plus rank one, i.e. white noise with \(ParameterName.singular.flag) none; otherwise the cheaper of dense and krylov by estimated cost — krylov on all but the smallest grids — except where krylov is not trusted: dispersion up to N = 2048, the lorentzian vertex up to N = 4096; the header's method_rule says which rule chose), secular, dense, or krylov (Newton on the projected secular equation with COCG on the matrix-free FFT action of 𝕃: O(N log N) per product, no N × N matrix; docs/model.md §4).", valueName: "method"))
    var method: String = "auto"

    struct Resolved {
        var direction: [Double]?
        var qmax: Double?
        var count: Int
        var method: DiffusionMethod
    }

    func resolve(dimension: Int, defaultCount: Int) throws(InputError) -> Resolved {
        var resolved = Resolved(direction: nil, qmax: nil, count: defaultCount, method: .auto)
        if let direction {
            let allowed = "\(dimension) finite numbers, comma-separated, not all zero"
            let parts = try parseNumberList(direction, flag: "--direction", allowed: allowed)
            guard parts.count == dimension else {
                throw InputError("--direction: value \(direction) has \(parts.count) component\(parts.count == 1 ? "" : "s") but \(ParameterName.dim.flag) is \(dimension) (allowed: \(allowed))")
            }
            guard parts.allSatisfy(\.isFinite) else {
                throw InputError("--direction: value \(direction) has a component that is not finite (allowed: \(allowed))")
            }
            guard parts.contains(where: { $0 != 0 }) else {
                throw InputError("--direction: value \(direction) is the zero vector, which has no direction (allowed: \(allowed))")
            }
            resolved.direction = parts
        }
        if let qmax {
            guard let value = Double(qmax.trimmingCharacters(in: .whitespaces)), value.isFinite, value > 0 else {
                throw InputError("--qmax: value \(qmax.isEmpty ? "\"\"" : qmax) is out of range (allowed: a finite number > 0)")
            }
            resolved.qmax = value
        }
        if let nq {
            guard let value = Int(nq.trimmingCharacters(in: .whitespaces)), (1...1000).contains(value) else {
                throw InputError("--nq: value \(nq.isEmpty ? "\"\"" : nq) is out of range (allowed: an integer 1…1000)")
            }
            resolved.count = value
        }
        guard let chosen = DiffusionMethod(rawValue: method.lowercased()) else {
            throw InputError("--method: value \(method) is not a method (allowed: auto, secular, dense or krylov)")
        }
        resolved.method = chosen
        return resolved
    }
}

extension LadderOptions.Resolved {
    /// The memory workload: none of N × N when λ0 comes from the O(N) secular equation.
    func workload(_ parameters: ModelParameters, denseUpTo: Int, dense: Workload) -> Workload {
        switch (try? DiffusionMethodChoice(method, parameters: parameters, denseUpTo: denseUpTo))?.method {
        case .secular: return .diffusionSecular
        case .krylov: return .matrixFree(MatrixFreeFootprint(.diffusionMode, parameters: parameters))
        default: return dense
        }
    }
}

/// "a,b,c" as numbers, or an input error naming the flag.
func parseNumberList(_ text: String, flag: String, allowed: String) throws(InputError) -> [Double] {
    var numbers: [Double] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
        guard let value = Double(part.trimmingCharacters(in: .whitespaces)) else {
            throw InputError("\(flag): value \(text.isEmpty ? "\"\"" : text) is not a comma-separated list of numbers (allowed: \(allowed))")
        }
        numbers.append(value)
    }
    return numbers
}

/// A list of distinct finite numbers (`--omegas` of diffusion, `--energies` of dos): the
/// parse of `parseNumberList`, then NaN/inf and a repeated value refused, naming `flag` and
/// what a value is (`noun`: "a frequency", "an energy").
func parseDistinctFiniteList(_ text: String, flag: String, allowed: String, noun: String) throws(InputError) -> [Double] {
    let values = try parseNumberList(text, flag: flag, allowed: allowed)
    if let bad = values.first(where: { !$0.isFinite }) {
        throw InputError("\(flag): value \(text) contains \(format(bad)) (allowed: \(allowed))")
    }
    guard Set(values).count == values.count else {
        throw InputError("\(flag): value \(text) repeats \(noun) (allowed: \(allowed))")
    }
    return values
}
