import ArgumentParser
import Numerics
import CollisionOperator
import Theory
import Foundation

/// The model options every subcommand shares (docs/model.md §5). Values are read as text and
/// checked here, so that every complaint names the flag, the value and what is allowed.
/// Each option takes the next argument unconditionally, so negative numbers work
/// (`--energy -0.4`). A `--config` file supplies the same keys; flags override it.
struct ModelOptions: ParsableArguments {
    /// Whether --omega is offered in help: hidden for hierarchy, whose frequencies are
    /// --omegas (there --omega is still accepted, and warned about). Set by `Collop.execute`
    /// around parsing and help generation.
    @TaskLocal static var omegaVisibility: ArgumentVisibility = .default

    @Option(parsing: .unconditional, help: ArgumentHelp("Lattice dimension d: \(ParameterName.dim.allowed). [default: 2]", valueName: "d"))
    var dim: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Points per axis L: \(ParameterName.size.allowed). [default: 16]", valueName: "L"))
    var size: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Hopping t of ε(k) = −2t Σ cos k_i: \(ParameterName.hopping.allowed). [default: 1]", valueName: "t"))
    var hopping: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Energy E: \(ParameterName.energy.allowed). [default: 0.3]", valueName: "E"))
    var energy: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Frequency ω: \(ParameterName.omega.allowed). [default: 1e-3]", valueName: "ω",
                                                              visibility: ModelOptions.omegaVisibility))
    var omega: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("External momentum q: \(ParameterName.q.allowed), need not be a grid vector. [default: 0]", valueName: "q1,q2,…"))
    var q: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Disorder width W: \(ParameterName.disorder.allowed). [default: 2]", valueName: "W"))
    var disorder: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("White-noise vertex U0 given directly: \(ParameterName.u0.allowed).", valueName: "U0"))
    var u0: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Disorder correlation radius r_c (0 = white noise): \(ParameterName.correlation.allowed). [default: 0]", valueName: "r_c"))
    var correlation: String?
    @Option(name: .customLong("self-energy"), parsing: .unconditional,
            help: ArgumentHelp("Self-energy: scba (Ward identity exact) or fixed (Σ^R = −iγ, needs --gamma). [default: scba]", valueName: "scba|fixed"))
    var selfEnergy: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("γ of --self-energy fixed: \(ParameterName.gamma.allowed).", valueName: "γ"))
    var gamma: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Singular vertex U^sing(k+k'): none, localized, lorentzian or cooperon. [default: localized]", valueName: "model"))
    var singular: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Length ξ of the localized/lorentzian correlator: \(ParameterName.xi.allowed). vw: with --singular lorentzian, ξ of the lattice VW (42) solution at --omega (where it is localized, ξ < L; hierarchy: at the smallest ω of --omegas). [default: 1.5]", valueName: "ξ|vw"))
    var xi: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Range R of the localized correlator, |x| ≤ R: \(ParameterName.range.allowed). [default: 2]", valueName: "R"))
    var range: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Profile of the localized correlator: exp or power (Suslov (66)). [default: exp]", valueName: "exp|power"))
    var profile: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Exponent ζ of --profile power: \(ParameterName.zeta.allowed). [default: -0.5]", valueName: "ζ"))
    var zeta: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Amplitude F of U^sing: \(ParameterName.amplitude.allowed). [default: 2γU0, VW (40)]", valueName: "F"))
    var amplitude: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Diffusion constant D0 of the cooperon, real or complex (re,im): \(ParameterName.d0.allowed). vw: D(ω) of the lattice VW (42) solution of this model at --omega (hierarchy: at the smallest ω of --omegas, held fixed along the ladder). [default: Kubo–Greenwood D]", valueName: "D0|vw"))
    var d0: String?
    @Option(name: .customLong("ward-projection"), parsing: .unconditional,
            help: ArgumentHelp("Project 𝕃sing off √ΔG (Suslov (84)): on or off. [default: on]", valueName: "on|off"))
    var wardProjection: String?
    @Option(name: .customLong("scba-max-iterations"), parsing: .unconditional,
            help: ArgumentHelp("Iteration limit of the SCBA loop: \(ParameterName.scbaMaxIterations.allowed). [default: 10000]", valueName: "n"))
    var scbaMaxIterations: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("TOML or JSON file with the same keys (size = 24, singular = \"cooperon\", q = [0.1, 0] …); flags override it.", valueName: "file"))
    var config: String?

    /// The flags given on the command line, by parameter.
    var flagValues: [ParameterName: String] {
        let pairs: [(ParameterName, String?)] = [
            (.dim, dim), (.size, size), (.hopping, hopping), (.energy, energy), (.omega, omega), (.q, q),
            (.disorder, disorder), (.u0, u0), (.correlation, correlation), (.selfEnergy, selfEnergy),
            (.gamma, gamma), (.singular, singular), (.xi, xi), (.range, range), (.profile, profile),
            (.zeta, zeta), (.amplitude, amplitude), (.d0, d0), (.wardProjection, wardProjection),
            (.scbaMaxIterations, scbaMaxIterations),
        ]
        var result: [ParameterName: String] = [:]
        for (name, value) in pairs { if let value { result[name] = value } }
        return result
    }

    /// Defaults ← config file ← flags, checked. Returns the parameters (the physics), the
    /// probe (q, ω) from --q and --omega, where each came from, and warnings about options the chosen model does not use.
    func resolve() throws(InputError) -> ResolvedModel {
        var settings: [ParameterName: (value: ConfigFile.Value, source: ParameterSources.Source)] = [:]
        var sources = ParameterSources()
        if let config {
            let file = try ConfigFile(path: config)
            try rejectConflicts(Set(file.values.keys), describe: { "config key '\($0.rawValue)' in \(config)" })
            for (name, value) in file.values { settings[name] = (value, .config(path: config)) }
        }
        let flags = flagValues
        try rejectConflicts(Set(flags.keys), describe: { "--\($0.rawValue)" })
        for (name, text) in flags {
            settings[name] = (.text(text), .flag)
            // A flag for one of the two disorder spellings overrides the config's other one.
            if name == .disorder { settings[.u0] = nil }
            if name == .u0 { settings[.disorder] = nil }
        }
        for (name, setting) in settings { sources.sources[name] = setting.source }

        var p = ModelParameters()
        var omega = Probe.defaultOmega
        var qGiven: [Double]? = nil
        var vwRequests: [VWTarget: String] = [:]
        var gammaValue: Double?
        var selfEnergyName = "scba"
        for name in ParameterName.allCases {
            guard let setting = settings[name] else { continue }
            let reader = ValueReader(name: name, value: setting.value, label: sources.describe(name),
                                     fromConfig: setting.source.isConfig)
            switch name {
            case .dim: p.dimension = try reader.integer()
            case .size: p.size = try reader.integer()
            case .hopping: p.hopping = try reader.number()
            case .energy: p.energy = try reader.number()
            case .omega: omega = try reader.number()
            case .q: qGiven = try reader.list()
            case .disorder: p.disorder = .width(try reader.number())
            case .u0: p.disorder = .vertex(try reader.number())
            case .correlation: p.correlationRadius = try reader.number()
            case .selfEnergy: selfEnergyName = try reader.choice(["scba", "fixed"])
            case .gamma: gammaValue = try reader.number()
            case .singular: p.singular = SingularModel(rawValue: try reader.choice(SingularModel.allCases.map(\.rawValue)))!
            case .xi:
                // `vw`: the placeholder default stays until the lattice VW is solved (VWConnection.swift).
                if reader.isVW { vwRequests[.xi] = sources.describe(name) } else { p.xi = try reader.number() }
            case .range: p.range = try reader.number()
            case .profile: p.profile = CorrelatorProfile(rawValue: try reader.choice(CorrelatorProfile.allCases.map(\.rawValue)))!
            case .zeta: p.zeta = try reader.number()
            case .amplitude: p.amplitude = try reader.number()
            case .d0:
                if reader.isVW { vwRequests[.d0] = sources.describe(name) } else { p.d0 = try reader.complexNumber() }
            case .wardProjection: p.wardProjection = try reader.switchValue()
            case .scbaMaxIterations: p.scbaMaximumIterations = try reader.integer()
            }
        }
        if let q = qGiven, q.count != p.dimension, let setting = settings[.q] {
            // Before validate(), so the message can show q as written and say where dim came from.
            let dimSource: String
            switch sources.sources[.dim] ?? .defaultValue {
            case .flag: dimSource = "--dim is \(p.dimension)"
            case .config: dimSource = "config key 'dim' is \(p.dimension)"
            case .defaultValue: dimSource = "--dim is \(p.dimension) (the default)"
            }
            let written = ValueReader(name: .q, value: setting.value, label: "", fromConfig: settings[.q]!.source.isConfig).written
            throw InputError("\(sources.describe(.q)): value \(written) has \(q.count) component\(q.count == 1 ? "" : "s") but \(dimSource) (allowed: \(p.dimension) finite numbers, comma-separated)")
        }
        switch (selfEnergyName, gammaValue) {
        case ("fixed", let gamma?): p.selfEnergy = .fixed(gamma: gamma)
        case ("fixed", nil):
            throw InputError("\(sources.describe(.selfEnergy)): value fixed needs --gamma (allowed: \(ParameterName.gamma.allowed))")
        case (_, let gamma?):
            throw InputError("\(sources.describe(.gamma)): value \(format(gamma)) has no effect with --self-energy scba (allowed: only with --self-energy fixed)")
        default: p.selfEnergy = .scba
        }
        let probe = Probe(q: qGiven ?? [Double](repeating: 0, count: max(p.dimension, 0)), omega: omega)
        do {
            try p.validate(with: probe)
        } catch {
            throw inputError(error, sources: sources)
        }
        return ResolvedModel(parameters: p, probe: probe, sources: sources,
                             warnings: unusedOptionWarnings(p, given: Set(settings.keys), sources: sources),
                             vwRequests: vwRequests)
    }

    private func rejectConflicts(_ names: Set<ParameterName>, describe: (ParameterName) -> String) throws(InputError) {
        if names.contains(.disorder) && names.contains(.u0) {
            throw InputError("\(describe(.u0)): cannot be combined with \(describe(.disorder)) (allowed: one of the two; U0 = W²/12)")
        }
    }

    private func unusedOptionWarnings(_ p: ModelParameters, given: Set<ParameterName>,
                                      sources: ParameterSources) -> [String] {
        var unused: [(ParameterName, String)] = []
        if p.singular != .localized {
            unused += [(.range, "--singular localized"), (.profile, "--singular localized")]
        }
        if p.singular != .localized || p.profile != .power { unused.append((.zeta, "--singular localized --profile power")) }
        if p.singular != .localized && p.singular != .lorentzian { unused.append((.xi, "--singular localized or lorentzian")) }
        if p.singular == .none { unused += [(.amplitude, "a singular vertex"), (.wardProjection, "a singular vertex")] }
        if p.singular != .cooperon { unused.append((.d0, "--singular cooperon")) }
        return unused.filter { given.contains($0.0) }.map { "warning: \(sources.describe($0.0)) has no effect without \($0.1)" }
    }
}

/// A validated model, the point (q, ω) to evaluate it at, and where their values came from.
struct ResolvedModel: Sendable {
    var parameters: ModelParameters
    /// --q (default 0) and --omega (default 1e-3); a command with a ladder of its own sets
    /// the point its header and the VW connection refer to.
    var probe: Probe
    var sources: ParameterSources
    var warnings: [String]
    /// `--d0 vw`, `--xi vw` (with where each was given, for messages): the value is taken from
    /// the lattice VW solution when the model is built (VWConnection.swift); the parameter
    /// holds its default until then.
    var vwRequests: [VWTarget: String] = [:]
}

extension ParameterSources.Source {
    var isConfig: Bool { if case .config = self { return true } else { return false } }
}

/// Reads one parameter's value, from a flag (text, parsed here) or a config file (typed
/// by its TOML or JSON syntax, which must match the parameter: `size = "16"` is a string,
/// not an integer). Every complaint shows the value as written and what is allowed.
private struct ValueReader {
    let name: ParameterName
    let value: ConfigFile.Value
    let label: String
    let fromConfig: Bool

    /// The value as the user wrote it: flags verbatim; config values in their file
    /// syntax (strings quoted, arrays in brackets).
    var written: String {
        if case .text(let raw) = value, !fromConfig { return raw.isEmpty ? "\"\"" : raw }
        return value.written
    }

    func fail(_ reason: String) -> InputError {
        InputError("\(label): value \(written) \(reason) (allowed: \(name.allowed))")
    }

    /// "is a string, not an integer": a config value of the wrong type.
    func wrongType(_ expected: String) -> InputError {
        fail("is \(value.typeName), not \(expected)")
    }

    func number() throws(InputError) -> Double {
        switch value {
        case .number(let d): return d
        case .integer(let i): return Double(i)
        case .text(let raw) where !fromConfig:
            guard let d = Double(raw.trimmingCharacters(in: .whitespaces)) else { throw fail("is not a number") }
            return d
        default: throw wrongType("a number")
        }
    }

    func integer() throws(InputError) -> Int {
        switch value {
        case .integer(let i): return i
        case .number(let d):
            guard d.isFinite, d == d.rounded(), abs(d) < 1e15 else { throw fail("is not an integer") }
            return Int(d)
        case .text(let raw) where !fromConfig:
            guard let i = Int(raw.trimmingCharacters(in: .whitespaces)) else { throw fail("is not an integer") }
            return i
        default: throw wrongType("an integer")
        }
    }

    func list() throws(InputError) -> [Double] {
        switch value {
        case .list(let l): return l
        case .number(let d): return [d]
        case .integer(let i): return [Double(i)]
        case .text(let raw) where !fromConfig:
            var numbers: [Double] = []
            for part in raw.split(separator: ",", omittingEmptySubsequences: false) {
                guard let d = Double(part.trimmingCharacters(in: .whitespaces)) else {
                    throw fail("is not a comma-separated list of numbers")
                }
                numbers.append(d)
            }
            return numbers
        default: throw wrongType("an array of numbers")
        }
    }

    /// A real number, or a complex one as "re,im" (a flag) or [re, im] (a config file).
    func complexNumber() throws(InputError) -> Complex<Double> {
        let parts = try list()
        guard parts.count == 1 || parts.count == 2 else { throw fail("has \(parts.count) components") }
        return Complex(parts[0], parts.count == 2 ? parts[1] : 0)
    }

    /// The value `vw` (any case): take the number from the lattice VW solution.
    var isVW: Bool {
        guard case .text(let raw) = value else { return false }
        return raw.trimmingCharacters(in: .whitespaces).lowercased() == "vw"
    }

    func choice(_ options: [String]) throws(InputError) -> String {
        guard case .text(let raw) = value else { throw wrongType("a string naming one of the choices") }
        let text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        guard options.contains(text) else { throw fail("is not one of the names") }
        return text
    }

    func switchValue() throws(InputError) -> Bool {
        switch value {
        case .boolean(let b): return b
        case .text(let raw):
            switch raw.trimmingCharacters(in: .whitespaces).lowercased() {
            case "on", "true", "yes": return true
            case "off", "false", "no": return false
            default: throw fail("is not on or off")
            }
        default: throw wrongType("a boolean or \"on\"/\"off\"")
        }
    }
}
