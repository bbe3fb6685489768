import DenseLinearAlgebra
import Numerics

/// The one-particle quantities of the kinetic equation at external momentum q and
/// frequency ω, on the grid points k (docs/model.md §2 "Green functions", Suslov (5), (14), (36)):
///
/// G^R_k = 1/(E+ω − ε(k+q/2) − Σ^R_{k+q/2}),  G^A_k = 1/(E − ε(k−q/2) − Σ^A_{k−q/2}),
/// ΔG_k = G^R_k − G^A_k,  s_k = √ΔG_k (principal branch; Im ΔG_k < 0),
/// ΔΣ_k = Σ^R_{k+q/2} − Σ^A_{k−q/2},  M_k = ε(k+q/2) − ε(k−q/2).
///
/// Only what the operator reads is kept (three complex and one real number per grid
/// point): G^R, G^A and the two self-energies enter through ΔG and ΔΣ alone and are not
/// stored; of Σ^R the mean and the SCBA's iteration count remain for the header.
public struct KineticFields: Sendable {
    /// The point (q, ω) of the fields.
    public let probe: Probe
    /// The parameters of the model that solved them (nil when assembled without one).
    let source: ModelParameters?
    public var q: [Double] { probe.q }
    public var omega: Double { probe.omega }
    /// (1/N) Σ_k Σ^R_{k+q/2}(E+ω).
    public let retardedSelfEnergyMean: Complex<Double>
    /// The SCBA iterations that solved Σ^R_{k+q/2}(E+ω) (0 for a prescribed self-energy).
    public let retardedSelfEnergyIterations: Int
    public let deltaG: [Complex<Double>]
    /// s_k = √ΔG_k, the exact zero mode of L̂0.
    public let root: [Complex<Double>]
    public let deltaSigma: [Complex<Double>]
    /// M_k = ε(k+q/2) − ε(k−q/2).
    public let streaming: [Double]

    public var count: Int { root.count }

    /// M_k + ΔΣ_k at every grid point: the diagonal of 𝕃reg (Suslov (75)) before the
    /// disorder convolution, the part every preconditioner and secular equation starts from.
    public var regularDiagonal: [Complex<Double>] {
        (0..<count).map { Complex(streaming[$0]) + deltaSigma[$0] }
    }

    /// The streaming term λ_M = (s, M s)/(s, s) = Σ_k M_k ΔG_k / Σ_k ΔG_k (docs/model.md §3.7,
    /// §4): at small q it equals −iD_RR q², the Fermi-sea part of the Einstein relation.
    public var streamingTerm: Complex<Double> {
        var numerator = Complex<Double>.zero
        for k in 0..<count { numerator += Complex(streaming[k]) * deltaG[k] }
        return numerator / compensatedSum(deltaG)
    }

    /// Assembles the fields from the band energies ε(k ± q/2) on the two shifted grids
    /// (`plus`, `minus`) and the self-energies there — the same ε the SCBA solver used:
    /// `retarded` is Σ^R_{k+q/2}(E+ω), `advancedConjugate` is Σ^R_{k−q/2}(E), whose
    /// conjugate is Σ^A_{k−q/2} (taken here, element by element, so no conjugated copy exists).
    /// Throws when a value is not finite or ΔG leaves the lower half plane.
    init(grid: MomentumGrid, energy: Double, probe: Probe, plus: [Double], minus: [Double],
         retarded: SelfEnergyField, advancedConjugate: SelfEnergyField,
         source: ModelParameters? = nil) throws(ModelComputationError) {
        let omega = probe.omega
        let n = grid.count
        var dG = [Complex<Double>](repeating: .zero, count: n)
        var s = dG, dS = dG
        var m = [Double](repeating: 0, count: n)
        for k in 0..<n {
            let gR = reciprocal(Complex(energy + omega - plus[k]) - retarded.values[k])
            let sigmaA = advancedConjugate.values[k].conjugate
            let gA = reciprocal(Complex(energy - minus[k]) - sigmaA)
            dG[k] = gR - gA
            guard dG[k].isFinite else { throw .nonFinite(quantity: "ΔG", index: k) }
            guard dG[k].imaginary < 0 else { throw .deltaGNotInLowerHalfPlane(index: k, value: dG[k]) }
            s[k] = Complex.sqrt(dG[k])
            dS[k] = retarded.values[k] - sigmaA
            m[k] = plus[k] - minus[k]
        }
        self.probe = probe
        self.source = source
        self.retardedSelfEnergyMean = retarded.mean
        self.retardedSelfEnergyIterations = retarded.iterations
        self.deltaG = dG
        self.root = s
        self.deltaSigma = dS
        self.streaming = m
    }
}
