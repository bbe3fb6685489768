import CollisionOperator
import Foundation
import SpectralAnalysis

extension LadderOptions.Resolved {
    /// Refuses a ladder whose last point leaves the Brillouin zone: every component of
    /// qmax·n̂ must stay within [−π, π] (beyond, q aliases to a smaller momentum).
    /// `qmax` is the given one unless `defaultValue` (with how it was derived) is passed.
    func checkZone(dimension: Int, defaultValue: (value: Double, rule: String)? = nil) throws(InputError) {
        guard let value = qmax ?? defaultValue?.value else { return }
        let unit = DiffusionAnalysis.unitDirection(direction, dimension: dimension)
        let largest = unit.map(abs).max() ?? 1
        guard value * largest <= Double.pi else {
            let written = qmax != nil ? "value \(format(value))" : "the default \(defaultValue!.rule) = \(format(value))"
            throw InputError("--qmax: \(written) takes q = qmax·n̂ beyond the Brillouin zone (component \(format(value * largest)) > π along the direction \(unit.map { String(format: "%.4g", $0) }.joined(separator: ","))) (allowed: 0 < qmax ≤ π/max|n̂_i| = \(String(format: "%.6g", Double.pi / largest)))")
        }
    }
}

/// Which rows of a q ladder still show the diffusion pole (docs/model.md §3.7, §4): the
/// diffusive regime needs q·l ≤ 1, and the mode of largest w0 must still be mostly √ΔG
/// (w0 ≥ 0.5); beyond, λ0 is a mode of the continuum of M_k + ΔΣ. The header keeps both
/// verdicts (`diffusive_rows`, and `max_q_times_l`, `min_w0` against their bounds) for a
/// `--quiet` run, which prints no warning.
struct LadderDiagnostics {
    static let largestDiffusiveQL = 1.0
    static let smallestOverlap = 0.5

    let header: [(key: String, value: Cell)]
    let warnings: [String]

    init(points: [DiffusionPoint], model: CollisionModel) {
        let l = model.resolution.meanFreePath
        let diffusive = points.filter { $0.q * l <= Self.largestDiffusiveQL && $0.zeroModeOverlap >= Self.smallestOverlap }
        var warnings: [String] = []
        if let first = points.first(where: { $0.q * l > Self.largestDiffusiveQL }) {
            warnings.append("q·l > 1 from q = \(format(first.q)) on (l = \(String(format: "%.4g", l))): beyond the diffusive regime, λ0 is no longer −iDq²; take --qmax ≤ \(String(format: "%.4g", Self.largestDiffusiveQL / l))")
        }
        if let first = points.first(where: { $0.zeroModeOverlap < Self.smallestOverlap }) {
            warnings.append("at q = \(format(first.q)) the mode of largest overlap with √ΔG has w0 = \(String(format: "%.3g", first.zeroModeOverlap)) < \(format(Self.smallestOverlap)): the diffusion mode has merged with the continuum, and that row (and those with w0 < \(format(Self.smallestOverlap))) is not the diffusion pole")
        }
        header = [("diffusive_rows", .text("\(diffusive.count) of \(points.count) (q*l <= \(format(Self.largestDiffusiveQL)) and w0 >= \(format(Self.smallestOverlap)))")),
                  ("max_q_times_l", .number((points.map(\.q).max() ?? 0) * l)),
                  ("min_w0", .number(points.map(\.zeroModeOverlap).min() ?? .nan))]
        self.warnings = warnings
    }
}

/// Header lines of the matrix-free Krylov path: what it cost and the residuals it reached.
func krylovHeader(_ report: KrylovReport) -> [(key: String, value: Cell)] {
    [("krylov_solves", .integer(report.solves)),
     ("krylov_newton_steps", .integer(report.newtonSteps)),
     ("krylov_operator_products", .integer(report.products)),
     ("krylov_inner_residual", .number(report.worstInnerResidual)),
     ("krylov_inner_tolerance", .parameter(KrylovDiffusion.innerTolerance)),
     ("krylov_inner_backward_error", .number(report.worstInnerBackwardError)),
     ("krylov_eigen_residual", .number(report.worstEigenResidual)),
     ("lambda0_solver", .text(report.directSolves == 0 ? "cocg"
                              : "lu in \(report.directSolves) of \(report.solves) solves (COCG did not converge), cocg in the rest"))]
}
