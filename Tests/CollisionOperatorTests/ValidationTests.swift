import CollisionOperator
import Numerics
import TestSupport
import Testing

@Suite("Parameter validation")
struct ValidationTests {
    static func violation(_ change: (inout ModelSetup) -> Void) -> ParameterName? {
        var p = ModelSetup()
        change(&p)
        do { try p.validate(); return nil } catch { return error.parameter }
    }

    @Test func defaultsAreValid() throws { try ModelParameters().validate() }

    @Test func eachRangeNamesItsParameter() {
        #expect(Self.violation { $0.dimension = 0 } == .dim)
        #expect(Self.violation { $0.dimension = 5 } == .dim)
        #expect(Self.violation { $0.size = 1 } == .size)
        #expect(Self.violation { $0.size = 100_000; $0.dimension = 4 } == .size)
        #expect(Self.violation { $0.hopping = 0 } == .hopping)
        #expect(Self.violation { $0.energy = .nan } == .energy)
        #expect(Self.violation { $0.omega = 0 } == .omega)
        #expect(Self.violation { $0.omega = -1e-3; $0.singular = .none } == .omega)
        #expect(Self.violation { $0.q = [0.1] } == .q)
        #expect(Self.violation { $0.q = [0.1, .infinity] } == .q)
        #expect(Self.violation { $0.disorder = .width(0) } == .disorder)
        #expect(Self.violation { $0.disorder = .vertex(-1) } == .u0)
        #expect(Self.violation { $0.correlationRadius = -0.1 } == .correlation)
        #expect(Self.violation { $0.correlationRadius = 3 } == .correlation)   // 2·9 ≥ 16
        #expect(Self.violation { $0.selfEnergy = .fixed(gamma: 0) } == .gamma)
        #expect(Self.violation { $0.xi = .nan } == .xi)
        #expect(Self.violation { $0.range = 8 } == .range)                     // 2R = L
        #expect(Self.violation { $0.zeta = .infinity } == .zeta)
        #expect(Self.violation { $0.amplitude = 0 } == .amplitude)
        #expect(Self.violation { $0.d0 = Complex(-2) } == .d0)
        #expect(Self.violation { $0.d0 = Complex(0, 1) } == .d0)       // Re D0 = 0 needs Im D0 < 0
        #expect(Self.violation { $0.scbaMaximumIterations = 0 } == .scbaMaxIterations)
    }

    @Test func boundaryValuesAreAccepted() {
        #expect(Self.violation { $0.omega = 0; $0.singular = .none } == nil)
        #expect(Self.violation { $0.range = 7.9 } == nil)
        #expect(Self.violation { $0.range = 8; $0.singular = .lorentzian } == nil)   // R only matters for localized
        #expect(Self.violation { $0.size = 2; $0.range = 0.5 } == nil)
    }

    /// The library's message names the quantity (R), the value and why, in physics terms: no
    /// command-line flag.
    @Test func messageNamesQuantityValueAndReason() {
        var p = ModelSetup()
        p.range = 9
        do {
            try p.validate()
            Issue.record("2R ≥ L accepted")
        } catch {
            #expect(error.description.hasPrefix("R: value 9.0 is too long for the grid: 2R = 18.0 ≥ L = 16"))
            #expect(!error.description.contains("--"))
        }
    }

    /// A reason that refers to other inputs keeps them as references: the library words them
    /// by their quantity, a front end by its own names (the CLI: flags).
    @Test func reasonsReferToInputsByName() {
        var p = ModelSetup()
        p.omega = 0
        p.singular = .cooperon
        do {
            try p.validate()
            Issue.record("ω = 0 accepted with the cooperon")
        } catch {
            #expect(error.parameter == .omega)
            #expect(error.reason.parts.contains(.input(.parameter(.singular), value: "cooperon")))
            #expect(error.description == "ω: value 0.0 is not > 0, but U^sing = cooperon divides by ω")
            let worded = error.reason.worded { input, value in "<\(input == .parameter(.singular) ? "vertex" : "?") \(value ?? "")>" }
            #expect(worded == "not > 0, but <vertex cooperon> divides by ω")
        }
        let failure = ModelComputationError.selfEnergyNotConverged(energy: 0.3, shift: [0, 0], iterations: 5, lastChange: 0.1, tolerance: 1e-14)
        #expect(failure.message.parts.contains(.input(.parameter(.scbaMaxIterations), value: nil)))
        #expect(failure.description.contains("raise the SCBA iteration limit"))
        #expect(!failure.description.contains("--"))
    }
}
