import CollisionOperator
import DenseLinearAlgebra
import Foundation
import Numerics
import TestSupport
import Testing

/// A compact description of a test model, printable in test names.
struct ModelCase: CustomTestStringConvertible, Sendable {
    var dimension: Int
    var size: Int
    var energy: Double
    var q: [Double]
    var singular: SingularModel
    var correlation = 0.0
    var range = 2.0
    var profile = CorrelatorProfile.exp
    var projection = true
    var omega = 1e-3
    /// Box width W; correlated cases need more (C(0) = 1 leaves a local variance U0·c_0 < U0).
    var disorder = 2.0

    var parameters: ModelSetup {
        var p = ModelSetup()
        p.disorder = .width(disorder)
        p.dimension = dimension
        p.size = size
        p.energy = energy
        p.q = q
        p.singular = singular
        p.correlationRadius = correlation
        p.range = range
        p.profile = profile
        p.wardProjection = projection
        p.omega = omega
        return p
    }

    var testDescription: String {
        "d=\(dimension) L=\(size) E=\(energy) q=\(q) \(singular.rawValue)\(correlation > 0 ? " rc=\(correlation)" : "")\(profile == .power ? " power" : "")\(projection ? "" : " no-projection")"
    }

    /// Dimensions 1…4, sizes, energies, q (zero, grid-aligned, generic) and all vertex models;
    /// every `localized` case has R ≥ 2, so its kernel is not a one-point envelope that the
    /// Ward projection removes.
    static let variety: [ModelCase] = [
        ModelCase(dimension: 1, size: 24, energy: 0.3, q: [0], singular: .localized),
        ModelCase(dimension: 1, size: 20, energy: -1.1, q: [0.37], singular: .lorentzian),
        ModelCase(dimension: 2, size: 8, energy: 0.3, q: [0, 0], singular: .localized),
        ModelCase(dimension: 2, size: 10, energy: 1.2, q: [0.3, -0.2], singular: .cooperon),
        ModelCase(dimension: 2, size: 9, energy: -0.5, q: [0.2, 0], singular: .localized, correlation: 0.5, profile: .power),
        ModelCase(dimension: 2, size: 8, energy: 0.4, q: [0.15, 0.05], singular: .none, correlation: 0.7, disorder: 5),
        ModelCase(dimension: 3, size: 5, energy: 0.3, q: [0, 0, 0], singular: .lorentzian),
        ModelCase(dimension: 3, size: 5, energy: 1.9, q: [0.1, 0.2, 0.3], singular: .localized, range: 2.2, disorder: 5),
        ModelCase(dimension: 3, size: 6, energy: -0.3, q: [0, 0.25, 0], singular: .cooperon, correlation: 0.6, disorder: 5),
        ModelCase(dimension: 4, size: 5, energy: 1.0, q: [0, 0, 0, 0], singular: .localized, range: 2.2),
    ]
}

/// U^sing(Q) straight from the docs/model.md §2 formulas at a momentum vector Q (no grid tables).
func directSingularVertex(_ model: CollisionModel, _ Q: [Double], omega: Double) -> Complex<Double> {
    let p = model.parameters
    let qHat2 = Q.reduce(0) { $0 + 2 * (1 - cos($1)) }
    let f = model.amplitude
    switch p.singular {
    case .none:
        return .zero
    case .localized:
        let vectors = model.vertex.correlator!.support
        let weights = model.vertex.correlator!.weights
        var a = 0.0
        for v in 0..<vectors.count {
            let x = vectors.vector(v)
            a += weights[v] * cos(zip(Q, x).reduce(0) { $0 + $1.0 * Double($1.1) })
        }
        return Complex(0, f / omega) * Complex(a)
    case .lorentzian:
        return Complex(0, f / omega) / Complex(1 + p.xi * p.xi * qHat2)
    case .cooperon:
        return Complex(f) / (model.cooperonDiffusion * Complex(qHat2) - Complex(0, omega))
    }
}

/// C(p) straight from its definition.
func directCorrelation(_ model: CollisionModel, _ p: [Double]) -> Double {
    let c = model.correlation
    var sum = 0.0
    for v in 0..<c.vectors.count {
        let x = c.vectors.vector(v)
        sum += c.coefficients[v] * cos(zip(p, x).reduce(0) { $0 + $1.0 * Double($1.1) })
    }
    return sum
}

/// 𝕃 built naively: explicit momenta, explicit projector, explicit matrix products.
func naiveOperator(_ model: CollisionModel, _ op: CollisionOperator) -> ComplexMatrix {
    let grid = model.grid
    let n = grid.count
    let fields = op.fields
    let s = fields.root
    let u0 = model.parameters.u0
    var regular = ComplexMatrix(rows: n, columns: n)
    var singular = ComplexMatrix(rows: n, columns: n)
    for j in 0..<n {
        let kj = grid.momentum(j)
        for i in 0..<n {
            let ki = grid.momentum(i)
            let difference = zip(ki, kj).map { $0 - $1 }
            let sum = zip(ki, kj).map { $0 + $1 }
            regular[i, j] = Complex(-u0 * directCorrelation(model, difference) / Double(n)) * s[i] * s[j]
            if i == j { regular[i, j] += Complex(fields.streaming[i]) + fields.deltaSigma[i] }
            singular[i, j] = directSingularVertex(model, sum, omega: op.omega) / Complex(Double(n)) * s[i] * s[j]
        }
    }
    if model.parameters.wardProjection {
        let sigma = bilinearSum(s, s)
        let projector = ComplexMatrix(order: n) { i, j in (i == j ? .one : .zero) - s[i] * s[j] / sigma }
        singular = product(product(projector, singular), projector)
    }
    return ComplexMatrix(order: n) { i, j in regular[i, j] - singular[i, j] }
}

func maxDifference(_ a: ComplexMatrix, _ b: ComplexMatrix) -> Double {
    zip(a.elements, b.elements).reduce(0) { max($0, ($1.0 - $1.1).length) }
}

func maxMagnitude(_ a: ComplexMatrix) -> Double { a.elements.reduce(0) { max($0, $1.length) } }
