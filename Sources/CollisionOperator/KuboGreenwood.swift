import Foundation
import Numerics

/// The Kubo–Greenwood diffusion constant of docs/model.md §3.7 at q = 0, ω → 0, with
/// G^R_k = 1/(E − ε_k − Σ^R_k(E)) and v_n = n̂·v(k):
///
/// ρ = −(1/πN) Σ_k Im G^R_k,   D_KG = σ/ρ = D_RA + D_RR,
/// D_RA = (1/2πρN) Σ_k v_n² |G^R_k|²        (on-shell part, converges fast in L),
/// D_RR = −(1/2πρN) Σ_k v_n² Re[(G^R_k)²]   (Fermi-sea part, swings with the parity of L
///                                          on small grids).
///
/// For white noise the ladder's diffusion pole iλ0(q)/q² tends to D_KG (Einstein relation,
/// Suslov (23), (45)), and the streaming term (s, Ms)/(s, s) tends to −iD_RR q².
/// Also the Fermi-surface velocity and the resolution figures of the grid.
public struct KuboGreenwood: Sendable, Equatable {
    /// D_RA·ρ and D_RR·ρ: the two parts of σ.
    public let onShellConductivity: Double
    public let fermiSeaConductivity: Double
    public let densityOfStates: Double
    /// v_F² = Σ_k |v_k|² A_k / Σ_k A_k with the spectral weight A_k = −Im G^R_k: the mean
    /// square velocity on the disorder-broadened Fermi surface.
    public let fermiVelocitySquared: Double

    public var conductivity: Double { onShellConductivity + fermiSeaConductivity }
    public var diffusion: Double { conductivity / densityOfStates }
    public var onShellDiffusion: Double { onShellConductivity / densityOfStates }
    public var fermiSeaDiffusion: Double { fermiSeaConductivity / densityOfStates }
    public var fermiVelocity: Double { fermiVelocitySquared.squareRoot() }

    public init(grid: MomentumGrid, band: TightBindingBand, energy: Double,
                selfEnergy: SelfEnergyField, direction: [Double]) {
        let zero = [Double](repeating: 0, count: grid.dimension)
        let energies = band.energies(on: grid, shiftedBy: zero)
        // v_i(k) = 2t sin k_i from one table per axis (k_i = 2πn/L): no N-length arrays.
        let sines = (0..<grid.size).map { 2 * band.hopping * sin(grid.spacing * Double($0)) }
        var onShell = 0.0, fermiSea = 0.0, rho = 0.0, speed = 0.0
        for k in 0..<grid.count {
            let g = reciprocal(Complex(energy - energies[k]) - selfEnergy.values[k])
            var along = 0.0, speed2 = 0.0
            for axis in 0..<grid.dimension {
                let v = sines[grid.digit(k, axis: axis)]
                along += direction[axis] * v
                speed2 += v * v
            }
            let v2 = along * along
            onShell += v2 * g.magnitudeSquared
            fermiSea -= v2 * (g * g).real
            rho -= g.imaginary
            speed -= speed2 * g.imaginary
        }
        let n = Double(grid.count)
        onShellConductivity = onShell / (2 * Double.pi * n)
        fermiSeaConductivity = fermiSea / (2 * Double.pi * n)
        densityOfStates = rho / (Double.pi * n)
        fermiVelocitySquared = rho > 0 ? speed / rho : 0
    }
}

/// How well a grid resolves the physics at E (docs/model.md §2, "Resolution of the grid"): the mean
/// free path l = v_F/(2γ) against L, and the number of grid states within the broadening,
/// N·ρ(E)·2γ.
public struct GridResolution: Sendable, Equatable {
    public let meanFreePath: Double
    public let sizeOverMeanFreePath: Double
    public let statesInBroadening: Double

    /// Below these the grid is too coarse for D and λ0 to be near their continuum values.
    /// Justification (docs/model.md §2, README "How D converges with L"): on the 2D default
    /// D_RA is within 0.5 % of its L → ∞ value once L ≥ 4l (L ≥ 17) and N·ρ·2γ ≥ 40 (L ≥ 24); below, it is off by up to 5 %. D_RR needs far more: it changes by less than 5 % of D_RA between L and L + 1 only from L ≈ 64 (13 l) on.
    public static let minimumSizeOverMeanFreePath = 4.0
    public static let minimumStatesInBroadening = 40.0
    /// D_RR may change by at most this fraction of D_RA between L and L + 1.
    public static let maximumFermiSeaSwing = 0.05

    public init(kuboGreenwood kg: KuboGreenwood, gamma: Double, grid: MomentumGrid) {
        meanFreePath = gamma > 0 ? kg.fermiVelocity / (2 * gamma) : .infinity
        sizeOverMeanFreePath = Double(grid.size) / meanFreePath
        statesInBroadening = Double(grid.count) * kg.densityOfStates * 2 * gamma
    }
}
