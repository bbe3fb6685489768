// collop-bench: times the matrix-free action y = 𝕃x (OperatorAction, FFT, O(N log N)) on
// one model. A developer benchmark run by bench/apply.sh, not part of collop.
//
//   collop-bench [--dim d] [--size L] [--singular none|localized|lorentzian|cooperon]
//                [--repeats R] [--planning estimate|measure]
import CollisionOperator
import DenseLinearAlgebra
import Foundation
import Numerics

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("collop-bench: \(message)\n".utf8))
    exit(2)
}

var parameters = ModelParameters()
parameters.dimension = 3
parameters.size = 64
parameters.singular = .cooperon
var repeats = 10
var planning = FourierTransform.Planning.estimate
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let option = arguments.removeFirst()
    guard let value = arguments.first else { fail("\(option) needs a value") }
    arguments.removeFirst()
    switch option {
    case "--dim": parameters.dimension = Int(value) ?? 0
    case "--size": parameters.size = Int(value) ?? 0
    case "--singular":
        guard let model = SingularModel(rawValue: value) else { fail("unknown vertex model \(value)") }
        parameters.singular = model
    case "--repeats": repeats = max(Int(value) ?? 1, 1)
    case "--planning":
        switch value {
        case "estimate": planning = .estimate
        case "measure": planning = .measure
        default: fail("--planning is estimate or measure")
        }
    default: fail("unknown option \(option)")
    }
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
}

func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024   // Linux: kilobytes
}

do {
    var model: CollisionModel!
    var op: CollisionOperator!
    var action: OperatorAction!
    let modelTime = try seconds { model = try CollisionModel(parameters: parameters) }
    let operatorTime = try seconds { op = try model.operator(at: Probe(dimension: parameters.dimension, omega: Probe.defaultOmega)) }
    let actionTime = try seconds { action = try op.action(planning: planning) }
    let n = op.order
    var x = (0..<n).map { Complex(sin(Double($0) * 0.37), cos(Double($0) * 0.11)) }
    var y = [Complex<Double>](repeating: .zero, count: n)
    func product() throws {
        try x.withUnsafeBufferPointer { (input) throws(LinearAlgebraError) in
            try y.withUnsafeMutableBufferPointer { (output) throws(LinearAlgebraError) in
                try action.apply(input, into: output)
            }
        }
    }
    try product()   // warm-up
    var times: [Double] = []
    for _ in 0..<repeats {
        times.append(try seconds { try product() })
        swap(&x, &y)
        let norm = euclideanNorm(x)
        x = x.map { $0 / Complex(norm) }
    }
    times.sort()
    let median = times[times.count / 2]
    print(String(format: "d=%d L=%d N=%d singular=%@ planning=%@  model %.2f s  operator %.2f s  action init %.3f s  apply: median %.2f ms  min %.2f ms  (%d products)  peak RSS %.0f MB",
                 parameters.dimension, parameters.size, n, parameters.singular.rawValue,
                 planning == .measure ? "measure" : "estimate", modelTime, operatorTime, actionTime,
                 median * 1e3, times[0] * 1e3, repeats, peakResidentMegabytes()))
} catch {
    fail("\(error)")
}
