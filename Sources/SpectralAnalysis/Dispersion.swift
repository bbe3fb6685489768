import CollisionOperator
import Numerics

/// λ0(q) along a direction, beyond the small-q fit (docs/model.md §4, §5 `dispersion`): for each
/// q the diffusion mode λ0 (largest w0), the streaming term λ_M = (s, M s)/(s, s), the
/// remainder λ0 − λ_M (∝ ω when the current mode lies in the range of 𝕃1) and
/// D(ω, q) = iλ0/q².
public struct DispersionAnalysis: Sendable {
    public let direction: [Double]
    public let method: DiffusionMethod
    public let points: [DiffusionPoint]
    /// The Krylov path's cost and accuracy (nil on the other paths).
    public let krylovReport: KrylovReport?

    /// Grids up to this N use the dense solve under `auto` (see `DiffusionAnalysis.resolve`).
    public static let denseAutoLimit = 2048

    /// q_j = qmax·j/count, j = 1…count, each at the frequency ω.
    public init(model: CollisionModel, omega: Double, direction: [Double]? = nil, maximumMomentum: Double, count: Int,
                method: DiffusionMethod = .auto, symmetry: Bool = true, progress: ((Int, Int) -> Void)? = nil,
                newtonProgress: ((Int, Complex<Double>, Int) -> Void)? = nil) throws {
        let d = model.parameters.dimension
        let unit = DiffusionAnalysis.unitDirection(direction, dimension: d)
        let resolved = try DiffusionAnalysis.resolve(method, model: model, denseUpTo: Self.denseAutoLimit)
        let momenta = (1...max(count, 1)).map { maximumMomentum * Double($0) / Double(max(count, 1)) }
        var done = 0
        var report = KrylovReport()
        points = try DiffusionAnalysis.ladder(model: model, direction: unit, momenta: momenta,
                                              omega: omega, method: resolved, symmetry: symmetry,
                                              krylov: &report, newtonProgress: newtonProgress) {
            progress?(done, momenta.count)
            done += 1
        }
        self.direction = unit
        self.method = resolved
        krylovReport = resolved == .krylov ? report : nil
    }
}
