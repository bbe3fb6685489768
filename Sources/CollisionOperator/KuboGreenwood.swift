import Numerics

/// The Kubo–Greenwood diffusion constant of DESIGN §3.7 at q = 0, ω → 0:
/// σ = (1/2πN) Σ_k v_n²(|G^R_k|² − Re (G^R_k)²),  ρ = −(1/πN) Σ_k Im G^R_k,  D = σ/ρ,
/// with v_n = n̂·v(k) and G^R_k = 1/(E − ε_k − Σ^R_k(E)). For white noise the ladder's
/// diffusion pole iλ0(q)/q² tends to this D (Einstein relation, Suslov (23), (45)).
public struct KuboGreenwood: Sendable, Equatable {
    public let conductivity: Double
    public let densityOfStates: Double
    public var diffusion: Double { conductivity / densityOfStates }

    public init(grid: MomentumGrid, band: TightBindingBand, energy: Double,
                selfEnergy: SelfEnergyField, direction: [Double]) {
        let zero = [Double](repeating: 0, count: grid.dimension)
        let energies = band.energies(on: grid, shiftedBy: zero)
        let velocities = band.velocities(on: grid, shiftedBy: zero, direction: direction)
        var sigma = 0.0, rho = 0.0
        for k in 0..<grid.count {
            let g = reciprocal(Complex(energy - energies[k]) - selfEnergy.values[k])
            let v2 = velocities[k] * velocities[k]
            sigma += v2 * (g.magnitudeSquared - (g * g).real)
            rho -= g.imaginary
        }
        let n = Double(grid.count)
        conductivity = sigma / (2 * Double.pi * n)
        densityOfStates = rho / (Double.pi * n)
    }
}
