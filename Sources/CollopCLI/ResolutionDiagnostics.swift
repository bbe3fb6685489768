import CollisionOperator
import Foundation

/// Whether a model's grid resolves what its numbers need (docs/model.md §2), each verdict
/// both a warning for stderr and `# key = value` lines for the header, so that a `--quiet`
/// run — a sweep's point — keeps it:
/// - `grid_resolved` / `grid_unresolved_by`: the grid spans ≥ 4 mean free paths, holds ≥ 40
///   states within the broadening 2γ, and the Fermi-sea part D_RR of D_KG changes by ≤ 5 % of
///   D_RA from L to L + 1;
/// - with the cooperon, `thouless_ratio` = ω/(D0(2π/L)²) and `finite_size_dominated`: below 1
///   the pole of F/(−iω + D0Q̂²) at Q = 0 dominates (the Thouless regime), so the numbers
///   describe the finite grid, not the diffusive regime.
struct ResolutionDiagnostics {
    /// The header keys that depend on the probe's ω (the rest only on the model).
    static let probeKeys: Set<String> = ["thouless_ratio", "finite_size_dominated"]

    let header: [(key: String, value: Cell)]
    let warnings: [String]

    init(model: CollisionModel, probe: Probe) {
        let p = model.parameters
        let r = model.resolution
        let kg = model.kuboGreenwood
        var header: [(key: String, value: Cell)] = []
        var warnings: [String] = []
        // Each failed criterion as (header text, warning text).
        var coarse: [(header: String, warning: String)] = []
        if r.sizeOverMeanFreePath < GridResolution.minimumSizeOverMeanFreePath {
            coarse.append(("L/l = \(short(r.sizeOverMeanFreePath)) < \(format(GridResolution.minimumSizeOverMeanFreePath))",
                           "it spans L/l = \(short(r.sizeOverMeanFreePath)) mean free paths (l = \(short(r.meanFreePath)); want ≥ \(format(GridResolution.minimumSizeOverMeanFreePath)))"))
        }
        if r.statesInBroadening < GridResolution.minimumStatesInBroadening {
            coarse.append(("N*rho(E)*2gamma = \(short(r.statesInBroadening)) < \(format(GridResolution.minimumStatesInBroadening))",
                           "only N·ρ(E)·2γ = \(short(r.statesInBroadening)) grid states lie within the broadening (want ≥ \(format(GridResolution.minimumStatesInBroadening)))"))
        }
        if let next = model.kuboGreenwoodNextSize {
            let here = kg.fermiSeaDiffusion, there = next.fermiSeaDiffusion
            if here * there < 0 || abs(here - there) > GridResolution.maximumFermiSeaSwing * abs(kg.onShellDiffusion) {
                coarse.append(("D_RR changes from \(short(here)) to \(short(there)) at L = \(p.size + 1), more than \(format(100 * GridResolution.maximumFermiSeaSwing)) % of D_RA = \(short(kg.onShellDiffusion))",
                               "the Fermi-sea part D_RR = \(short(here)) of D_KG becomes \(short(there)) at L = \(p.size + 1) (D_RA = \(short(kg.onShellDiffusion)); want a change ≤ \(format(100 * GridResolution.maximumFermiSeaSwing)) % of D_RA)"))
            }
        }
        header.append(("grid_resolved", .text(coarse.isEmpty ? "yes" : "no")))
        header.append(("grid_unresolved_by", .text(coarse.isEmpty ? "none" : coarse.map(\.header).joined(separator: "; "))))
        if !coarse.isEmpty {
            warnings.append("the grid is too coarse for continuum numbers: " + coarse.map(\.warning).joined(separator: "; ") + ". D_KG, D_fit and λ0 depend on L here; take a larger \(ParameterName.size.flag) (README: How D converges with L)")
        }
        if p.singular == .cooperon {
            let thouless = model.cooperonDiffusion.length * model.grid.spacing * model.grid.spacing
            let dominated = probe.omega < thouless
            header.append(("thouless_ratio", .number(probe.omega / thouless)))
            header.append(("finite_size_dominated", .text(dominated ? "yes" : "no")))
            if dominated {
                // A Double: at subnormal ω the needed L overflows Int.
                let needed = (2 * Double.pi * (model.cooperonDiffusion.length / probe.omega).squareRoot()).rounded(.up)
                let size = needed < 1e15 ? "\(Int(needed))" : short(needed)
                warnings.append("ω = \(format(probe.omega)) < D0(2π/L)² = \(short(thouless)): the cooperon pole at Q = 0 dominates (finite-size / Thouless regime); for the diffusive regime take \(ParameterName.omega.flag) ≥ \(short(thouless)) or \(ParameterName.size.flag) > \(size) (L > 2π√(D0/ω))")
            }
        }
        self.header = header
        self.warnings = warnings
    }
}

/// Four significant digits, for messages.
private func short(_ value: Double) -> String { String(format: "%.4g", value) }
