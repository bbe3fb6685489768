import CollisionOperator
import DenseLinearAlgebra
import Numerics

/// The outcome of one exact identity of docs/model.md §3.
public struct IdentityResult: Sendable, Equatable {
    /// `unresolved`: the identity holds or fails below the round-off floor of the solve
    /// (`ResolutionFloor`), so its residual says nothing about the model.
    public enum Status: String, Sendable { case pass = "PASS", fail = "FAIL", unresolved = "UNRESOLVED" }
    /// Short machine name, e.g. `zero_mode_q0`.
    public var name: String
    /// The identity and its docs/model.md / Suslov reference.
    public var statement: String
    public var residual: Double
    public var tolerance: Double
    public var status: Status
    /// Extra figures (e.g. the rank and its cutoff).
    public var detail: String

    init(_ name: String, _ statement: String, residual: Double, tolerance: Double, detail: String = "",
         passes: Bool? = nil) {
        self.name = name
        self.statement = statement
        self.residual = residual
        self.tolerance = tolerance
        self.status = (passes ?? (residual <= tolerance)) ? .pass : .fail
        self.detail = detail
    }

    /// This result marked `unresolved`, with the reason in front of its detail.
    func unresolved(because reason: String) -> IdentityResult {
        var result = self
        result.status = .unresolved
        result.detail = detail.isEmpty ? reason : reason + "; " + detail
        return result
    }
}

/// Runs every identity of docs/model.md §3 that applies to a model. Eigen-solves: 𝕃 at q (and
/// at −q and at q = 0 when q ≠ 0), 𝕃1 for the rank; the Einstein relation for `none`
/// with white noise.
public struct IdentityChecker: Sendable {
    public let model: CollisionModel
    /// The point (q, ω) at which the identities are checked (𝕃 also at −q and at q = 0).
    public let probe: Probe

    public init(model: CollisionModel, at probe: Probe) {
        self.model = model
        self.probe = probe
    }

    public static let symmetryTolerance = 1e-14
    public static let zeroModeTolerance = 1e-12
    public static let wardTolerance = 1e-12
    public static let parityMatrixTolerance = 1e-12
    public static let paritySpectrumTolerance = 1e-10

    /// Relative tolerance of the streaming identity: ω does not enter (fields at ω = 0), and
    /// the O(q⁴) remainder of the extrapolation at ql = 0.05 was 1e-7 to 2e-5 of D_RA + |D_RR|
    /// on the grids tried (d = 1–3, L = 8–64; largest on small 1D grids, where the discrete
    /// Fermi points make f(q) vary on the scale of the level spacing).
    public static let streamingTolerance = 1e-4

    /// The streaming identity of §3.7: f(q) = iλ_M(q)/q² with λ_M = (s, Ms)/(s, s) on the
    /// fields at ω = 0, q along axis 1, extrapolated to q → 0 from q and 2q
    /// (f = D_RR + O(q²)), against D_RR; residual relative to D_RA + |D_RR|.
    public func streamingIdentity() throws -> (extrapolated: Double, residual: Double, momentum: Double) {
        let dimension = model.parameters.dimension
        let q = 0.05 / model.resolution.meanFreePath
        func f(_ magnitude: Double) throws -> Complex<Double> {
            let vector = [magnitude] + [Double](repeating: 0, count: dimension - 1)
            let lambda = try model.fields(at: Probe(q: vector, omega: 0)).streamingTerm
            return Complex(0, 1) * lambda / Complex(magnitude * magnitude)
        }
        let extrapolated = (Complex(4) * (try f(q)) - (try f(2 * q))) / Complex(3)
        let kg = model.kuboGreenwood
        let residual = (extrapolated - Complex(kg.fermiSeaDiffusion)).length / (abs(kg.onShellDiffusion) + abs(kg.fermiSeaDiffusion))
        return (extrapolated.real, residual, q)
    }

    /// Relative tolerances of the matrix-free forms, where an FFT product (round-off
    /// ~ε log N) stands in for the matrix.
    public static let matrixFreeSymmetryTolerance = 1e-13

    /// The identities of docs/model.md §3 that need no matrix, for grids too large for a
    /// dense check: complex symmetry as xᵀ𝕃y = yᵀ𝕃x, the zero modes and parity through the
    /// FFT action on fixed pseudo-random vectors (norms measured against ‖𝕃x‖/‖x‖), the
    /// Ward residuals, the streaming identity and the Einstein relation (its q-ladder takes
    /// the secular or the Krylov path). The trace, the eigenvalue checks and the rank of 𝕃1
    /// need the spectrum: `skipped` names them.
    public func runMatrixFree(progress: ((String) -> Void)? = nil) throws -> (results: [IdentityResult], skipped: [String]) {
        let p = model.parameters
        let q = probe.q
        let zero = [Double](repeating: 0, count: p.dimension)
        let atZero = probe.isZeroMomentum
        var results: [IdentityResult] = []
        let n = model.grid.count
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func random() -> Double {                                       // SplitMix64 in [−1, 1)
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 52) - 1
        }
        let x = (0..<n).map { _ in Complex(random(), random()) }
        let y = (0..<n).map { _ in Complex(random(), random()) }

        progress?("building the operator at q (matrix-free)")
        let op = try model.operator(at: probe)
        let action = try op.action()
        let lx = try action.apply(x), ly = try action.apply(y)
        let scale = euclideanNorm(lx) / euclideanNorm(x)              // ≤ ‖𝕃‖₂

        let asymmetry = (bilinearSum(x, ly) - bilinearSum(y, lx)).length
            / (euclideanNorm(x) * euclideanNorm(ly) + euclideanNorm(y) * euclideanNorm(lx))
        results.append(IdentityResult("complex_symmetry", "|xᵀ𝕃y − yᵀ𝕃x| ≤ 1e-13 (‖x‖‖𝕃y‖ + ‖y‖‖𝕃x‖), matrix-free (§3.1)",
                                      residual: asymmetry, tolerance: Self.matrixFreeSymmetryTolerance))

        let opZero = atZero ? op : try model.operator(at: probe.at(q: zero))
        let s0 = opZero.fields.root
        let zeroAction = atZero ? action : try opZero.action()
        let zeroScale = atZero ? scale : euclideanNorm(try zeroAction.apply(x)) / euclideanNorm(x)
        results.append(IdentityResult("zero_mode_q0", "‖𝕃 s‖ ≤ 1e-12 (‖𝕃x‖/‖x‖) ‖s‖ at q = 0, s = √ΔG, matrix-free (§3.2, Suslov (39))",
                                      residual: euclideanNorm(try zeroAction.apply(s0)) / (zeroScale * euclideanNorm(s0)),
                                      tolerance: Self.zeroModeTolerance))
        if !atZero {
            let s = op.fields.root
            var reduced = try action.apply(s)
            for k in reduced.indices { reduced[k] -= Complex(op.streamingDiagonal[k]) * s[k] }
            results.append(IdentityResult("L0_zero_mode_q", "‖(𝕃 − diag M) s‖ ≤ 1e-12 (‖𝕃x‖/‖x‖) ‖s‖ at q, matrix-free (§3.2)",
                                          residual: euclideanNorm(reduced) / (scale * euclideanNorm(s)),
                                          tolerance: Self.zeroModeTolerance))
        }

        results += wardIdentities(atZero: opZero, atQ: atZero ? nil : op)
        // Parity at q = 0 too, as the dense check does: 𝕃(0) = Π𝕃(0)Π.
        if !atZero { progress?("building the operator at −q (matrix-free)") }
        let minus = atZero ? action : try model.operator(at: probe.at(q: q.map { -$0 })).action()
        let negated = model.grid.negatedIndex.map(Int.init)
        let mirrored = try minus.apply(negated.map { x[$0] })                // 𝕃(−q) Π x
        var defect = 0.0
        for k in 0..<n { defect += (lx[k] - mirrored[negated[k]]).magnitudeSquared }
        results.append(IdentityResult("parity_matrix", "‖𝕃(q)x − Π𝕃(−q)Πx‖ ≤ 1e-12 ‖𝕃(q)x‖, matrix-free (§3.4, Suslov (A1))",
                                      residual: defect.squareRoot() / euclideanNorm(lx), tolerance: Self.parityMatrixTolerance))

        results += try diffusionIdentities(omega: probe.omega, progress: progress)
        var skipped = ["trace", "zero_eigenvalue_q0"]
        if !atZero { skipped.append("parity_spectrum") }
        if model.vertex.predictedRank(wardProjection: p.wardProjection) != nil { skipped.append("rank_L1") }
        return (results, skipped)
    }

    /// All applicable identities, in the order of docs/model.md §3. `progress` receives a short stage name.
    public func run(progress: ((String) -> Void)? = nil) throws -> [IdentityResult] {
        let p = model.parameters
        let q = probe.q
        let zero = [Double](repeating: 0, count: p.dimension)
        let atZero = probe.isZeroMomentum
        var results: [IdentityResult] = []

        progress?("assembling 𝕃 at q")
        let op = try model.operator(at: probe)
        let matrix = try op.fullMatrix
        let norm = matrix.frobeniusNorm

        // 1. Complex symmetry.
        results.append(IdentityResult("complex_symmetry", "‖𝕃 − 𝕃ᵀ‖_F ≤ 1e-14 ‖𝕃‖_F (§3.1)",
                                      residual: matrix.symmetryDefect / norm, tolerance: Self.symmetryTolerance))

        // 2. Zero mode at q = 0 and L̂0's zero mode at q.
        let opZero = atZero ? op : try model.operator(at: probe.at(q: zero))
        let matrixZero = atZero ? matrix : try opZero.fullMatrix
        let s0 = opZero.fields.root
        let zeroResidual = euclideanNorm(try matrixZero.multiplied(by: s0)) / (matrixZero.frobeniusNorm * euclideanNorm(s0))
        results.append(IdentityResult("zero_mode_q0", "‖𝕃 s‖ ≤ 1e-12 ‖𝕃‖_F ‖s‖ at q = 0, s = √ΔG (§3.2, Suslov (39))",
                                      residual: zeroResidual, tolerance: Self.zeroModeTolerance))
        if !atZero {
            let s = op.fields.root
            var reduced = try matrix.multiplied(by: s)
            for k in reduced.indices { reduced[k] -= Complex(op.streamingDiagonal[k]) * s[k] }
            results.append(IdentityResult("L0_zero_mode_q", "‖(𝕃 − diag M) s‖ ≤ 1e-12 ‖𝕃‖_F ‖s‖ at q (§3.2)",
                                          residual: euclideanNorm(reduced) / (norm * euclideanNorm(s)),
                                          tolerance: Self.zeroModeTolerance))
        }

        // 3. Ward identity.
        results += wardIdentities(atZero: opZero, atQ: atZero ? nil : op)

        // 4. Parity: 𝕃_kk'(q) = 𝕃_{−k,−k'}(−q).
        let minusQ = q.map { -$0 }
        let matrixMinus = atZero ? matrix : try model.operator(at: probe.at(q: minusQ)).fullMatrix
        let grid = model.grid
        var parityDefect = 0.0
        for j in 0..<grid.count {
            let mj = Int(grid.negatedIndex[j])
            for i in 0..<grid.count {
                parityDefect += (matrix[i, j] - matrixMinus[Int(grid.negatedIndex[i]), mj]).magnitudeSquared
            }
        }
        results.append(IdentityResult("parity_matrix", "‖𝕃(q) − Π𝕃(−q)Π‖_F ≤ 1e-12 ‖𝕃‖_F (§3.4, Suslov (A1))",
                                      residual: parityDefect.squareRoot() / norm, tolerance: Self.parityMatrixTolerance))

        // 5. Trace, and the zero eigenvalue at q = 0.
        progress?("diagonalizing 𝕃 at q (zgeev, N = \(grid.count))")
        let spectrum = try Spectrum(matrix: matrix, zeroMode: nil, computeVectors: false)
        results.append(IdentityResult("trace", "|Σλ − tr 𝕃| ≤ 1e-10 |tr 𝕃| (§3.5)",
                                      residual: spectrum.traceResidual, tolerance: Spectrum.traceTolerance))
        let spectrumZero: Spectrum
        if atZero {
            spectrumZero = spectrum
        } else {
            progress?("diagonalizing 𝕃 at q = 0")
            spectrumZero = try Spectrum(matrix: matrixZero, zeroMode: nil, computeVectors: false)
        }
        let smallest = spectrumZero.modes.first?.value.length ?? 0
        // Eigenvalue identities measured against ‖𝕃‖ ∝ 1/ω cannot tell the zero mode or the
        // M1 eigenvalues from round-off once the floor ε‖𝕃sing‖ is not small against 2γ.
        let floor = try ResolutionFloor(model: model, at: probe)
        let floorReason = floor.isResolved ? nil
            : "round-off floor eps*|L_sing| = \(floor.absolute) is \(floor.relative) of 2 gamma = \(floor.regularScale) (limit \(ResolutionFloor.relativeLimit)): the zero mode and M1 eigenvalues carry no digits; take omega >= \(floor.smallestResolvedOmega)"
        func resolving(_ result: IdentityResult) -> IdentityResult { floorReason.map { result.unresolved(because: $0) } ?? result }
        results.append(resolving(IdentityResult("zero_eigenvalue_q0", "min|λ| ≤ 1e-12 ‖𝕃‖_F at q = 0 (§3.2)",
                                                residual: smallest / spectrumZero.frobeniusNorm, tolerance: Self.zeroModeTolerance,
                                                detail: "lambda0 = \(smallest)")))
        if !atZero {
            progress?("diagonalizing 𝕃 at −q")
            let spectrumMinus = try Spectrum(matrix: matrixMinus, zeroMode: nil, computeVectors: false)
            let scale = spectrum.modes.last?.value.length ?? 1
            results.append(resolving(IdentityResult("parity_spectrum", "max|λ_s(q) − λ_s(−q)| ≤ 1e-10 max|λ| (§3.4)",
                                                    residual: spectralDistance(spectrum.values, spectrumMinus.values) / scale,
                                                    tolerance: Self.paritySpectrumTolerance)))
        }

        // 6. rank 𝕃1 = |X| − 1 (|X| without the projection), localized model with 2R < L.
        if let predicted = model.vertex.predictedRank(wardProjection: p.wardProjection) {
            progress?("diagonalizing 𝕃1")
            let rank = try SingularRank(operator: op)
            let gap = "cutoff |η| > \(rank.threshold) (\(rank.relativeCutoff)·ω·scale of the unprojected 𝕊); smallest kept |η| = \(rank.smallestKept.map { "\($0)" } ?? "none"), largest dropped |η| = \(rank.largestDropped.map { "\($0)" } ?? "none")"
            results.append(IdentityResult("rank_L1", "rank 𝕃1 = \(p.wardProjection ? "|X| − 1" : "|X|") = \(predicted) (§3.6)",
                                          residual: Double(abs(rank.rank - predicted)), tolerance: 0,
                                          detail: "rank = \(rank.rank), |X| = \(model.vertex.correlatorSize ?? 0); \(gap)"))
        }

        // 7. The streaming identity and the Einstein relation.
        results += try diffusionIdentities(omega: probe.omega, progress: progress)
        return results
    }

    /// §3.3: the Ward residual at q = 0 and, when given, at q.
    func wardIdentities(atZero: CollisionOperator, atQ: CollisionOperator?) -> [IdentityResult] {
        var results = [IdentityResult("ward_residual_q0", "max|ΔΣ − (1/N)Σ U0 C ΔG| / max|ΔΣ| ≤ 1e-12 at q = 0 (§3.3, Suslov (13))",
                                      residual: model.wardResidual(atZero.fields), tolerance: Self.wardTolerance)]
        if let atQ {
            results.append(IdentityResult("ward_residual_q", "the same at q (shifted-grid SCBA) (§3.3)",
                                          residual: model.wardResidual(atQ.fields), tolerance: Self.wardTolerance))
        }
        return results
    }

    /// §3.7: the streaming identity — every vertex model (it does not see the vertex), white
    /// noise (with r_c > 0 Σ_k depends on k and dresses the velocity in ΔG(q), so the
    /// bare-velocity D_RR is not its limit) — and the Einstein relation for the metallic
    /// ladder with white noise (its q ladder by the secular equation, or dense on small grids).
    func diffusionIdentities(omega: Double, progress: ((String) -> Void)?) throws -> [IdentityResult] {
        guard model.correlation.isWhiteNoise else { return [] }
        progress?("streaming term at small q")
        let streaming = try streamingIdentity()
        var results = [IdentityResult("streaming_fermi_sea", "i(s, Ms)/((s, s) q²) → D_RR as q → 0, white noise (§3.7)",
                                      residual: streaming.residual, tolerance: Self.streamingTolerance,
                                      detail: "D_stream = \(streaming.extrapolated), D_RR = \(model.kuboGreenwood.fermiSeaDiffusion); from q = \(streaming.momentum) and \(2 * streaming.momentum) along axis 1 (ql = 0.05, 0.1), Richardson-extrapolated")]
        if model.parameters.singular == .none {
            progress?("diffusion pole (Einstein relation)")
            let diffusion = try DiffusionAnalysis(model: model, probes: DiffusionAnalysis.probes(model: model, omega: omega))
            results.append(IdentityResult("einstein", "|D_fit − D_KG| ≤ 1e-3 D_KG (§3.7, Suslov (23), (45))",
                                          residual: diffusion.relativeDifference, tolerance: DiffusionAnalysis.einsteinTolerance,
                                          detail: "D_fit = \(diffusion.fitted.real) + \(diffusion.fitted.imaginary)i, D_KG = \(diffusion.kuboGreenwood)"))
        }
        return results
    }
}
