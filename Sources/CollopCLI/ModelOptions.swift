import ArgumentParser
import Numerics
import CollisionOperator
import Theory
import Foundation

/// The model options every subcommand shares (docs/model.md §5): the only place a flag is
/// declared, its name that of the property (`scbaMaxIterations` is `--scba-max-iterations`).
/// Everything else about a parameter (its key, what it accepts, how it is read, which model
/// reads it) is in the table `ParameterName.option` below. Values are read as text and
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
    @Option(parsing: .unconditional,
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
    @Option(parsing: .unconditional,
            help: ArgumentHelp("Project 𝕃sing off √ΔG (Suslov (84)): on or off. [default: on]", valueName: "on|off"))
    var wardProjection: String?
    @Option(parsing: .unconditional,
            help: ArgumentHelp("Iteration limit of the SCBA loop: \(ParameterName.scbaMaxIterations.allowed). [default: 10000]", valueName: "n"))
    var scbaMaxIterations: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("TOML or JSON file with the same keys (size = 24, singular = \"cooperon\", q = [0.1, 0] …); flags override it.", valueName: "file"))
    var config: String?

    /// The flags given on the command line, by parameter.
    var flagValues: [ParameterName: String] {
        var result: [ParameterName: String] = [:]
        for name in ParameterName.allCases { if let value = self[keyPath: name.option.field] { result[name] = value } }
        return result
    }

    /// Reads every given option and config value by its own rule (number, integer, choice …)
    /// without building a model: for a command that does not use them (continuum `vw`),
    /// so that a malformed value is still refused, not silently ignored.
    func checkReadable() throws(InputError) {
        var draft = ModelDraft()
        if let config {
            for (name, value) in try ConfigFile(path: config).values {
                try name.option.read(ValueReader(name: name, value: value, label: "config key '\(name.key)' in \(config)", fromConfig: true), &draft)
            }
        }
        for (name, text) in flagValues.sorted(by: { $0.key.key < $1.key.key }) {
            try name.option.read(ValueReader(name: name, value: .text(text), label: name.flag, fromConfig: false), &draft)
        }
    }

    /// Defaults ← config file ← flags, checked, for a command that reads the parameters of
    /// `use`. Returns the parameters (the physics), the probe (q, ω) from --q and --omega,
    /// where each came from, and warnings about options the command or the chosen model does
    /// not read.
    func resolve(for use: ModelUse) throws(InputError) -> ResolvedModel {
        var settings: [ParameterName: (value: ConfigFile.Value, source: ParameterSources.Source)] = [:]
        var sources = ParameterSources()
        for (name, text) in use.defaults { settings[name] = (.text(text), .defaultValue) }
        if let config {
            let file = try ConfigFile(path: config)
            try rejectConflicts(Set(file.values.keys), describe: { "config key '\($0.key)' in \(config)" })
            for (name, value) in file.values { settings[name] = (value, .config(path: config)) }
        }
        let flags = flagValues
        try rejectConflicts(Set(flags.keys), describe: { $0.flag })
        for (name, text) in flags {
            settings[name] = (.text(text), .flag)
            // A flag for one of the two disorder spellings overrides the config's other one.
            if name == .disorder { settings[.u0] = nil }
            if name == .u0 { settings[.disorder] = nil }
        }
        for (name, setting) in settings { sources.sources[name] = setting.source }
        let given = settings.filter { !$0.value.source.isDefault }
        var warnings = try use.warnings(given: given.mapValues { $0.value.written(fromConfig: $0.source.isConfig) }, sources: sources)

        var draft = ModelDraft()
        for name in ParameterName.allCases {
            guard let setting = settings[name] else { continue }
            let reader = ValueReader(name: name, value: setting.value, label: sources.describe(name),
                                     fromConfig: setting.source.isConfig)
            try name.option.read(reader, &draft)
        }
        var p = draft.parameters
        if let q = draft.q, q.count != p.dimension, let setting = settings[.q] {
            // Before validate(), so the message can show q as written and say where dim came from.
            let dimSource: String
            switch sources.sources[.dim] ?? .defaultValue {
            case .flag: dimSource = "\(ParameterName.dim.flag) is \(p.dimension)"
            case .config: dimSource = "config key '\(ParameterName.dim.key)' is \(p.dimension)"
            case .defaultValue: dimSource = "\(ParameterName.dim.flag) is \(p.dimension) (the default)"
            }
            let written = setting.value.written(fromConfig: setting.source.isConfig)
            throw InputError("\(sources.describe(.q)): value \(written) has \(q.count) component\(q.count == 1 ? "" : "s") but \(dimSource) (allowed: \(p.dimension) finite numbers, comma-separated)")
        }
        if let q = draft.q, let component = q.first(where: { $0.isFinite && abs($0) > Double.pi }), let setting = settings[.q] {
            let written = setting.value.written(fromConfig: setting.source.isConfig)
            throw InputError("\(sources.describe(.q)): value \(written) has the component \(format(component)) outside the Brillouin zone |q_i| ≤ π (a shift by 2π maps the grid onto itself only for even L) (allowed: \(ParameterName.q.allowed))")
        }
        switch (draft.selfEnergyName, draft.gamma) {
        case ("fixed", let gamma?): p.selfEnergy = .fixed(gamma: gamma)
        case ("fixed", nil):
            throw InputError("\(sources.describe(.selfEnergy)): value fixed needs --gamma (allowed: \(ParameterName.gamma.allowed))")
        case (_, let gamma?):
            throw InputError("\(sources.describe(.gamma)): value \(format(gamma)) has no effect with --self-energy scba (allowed: only with --self-energy fixed)")
        default: p.selfEnergy = .scba
        }
        let probe = Probe(q: draft.q ?? [Double](repeating: 0, count: max(p.dimension, 0)), omega: draft.omega)
        do {
            try p.validate(with: probe)
        } catch {
            throw inputError(error, sources: sources)
        }
        // An option the model does not read (given, and read by the command).
        var ignored = Set(use.unreadOptions(given: given.keys))
        for name in ParameterName.allCases where given[name] != nil && use.reads(name) {
            if let requirement = name.option.requirement(p) {
                warnings.append("warning: \(sources.describe(name)) has no effect without \(requirement.flagged)")
                ignored.insert(name)
            }
        }
        return ResolvedModel(parameters: p, probe: probe, sources: sources, warnings: warnings,
                             ignored: ParameterName.allCases.filter(ignored.contains),
                             vwRequests: draft.vwRequests)
    }

    private func rejectConflicts(_ names: Set<ParameterName>, describe: (ParameterName) -> String) throws(InputError) {
        if names.contains(.disorder) && names.contains(.u0) {
            throw InputError("\(describe(.u0)): cannot be combined with \(describe(.disorder)) (allowed: one of the two; U0 = W²/12)")
        }
    }
}

/// One model option: its key and what it accepts, how its value is read into the model, and
/// which models read it. `ParameterName.option` holds the table; the flag itself is declared
/// in `ModelOptions`.
struct ModelOption {
    /// The option's property in `ModelOptions`.
    let field: KeyPath<ModelOptions, String?>
    /// The flag without "--", the config key and the header key.
    let key: String
    /// What the parameter accepts, as printed in help and in error messages.
    let allowed: String
    /// Reads the value into the model being resolved.
    let read: (ValueReader, inout ModelDraft) throws(InputError) -> Void
    /// nil when a model with these parameters reads this one; otherwise what it takes for a
    /// model to read it ("--singular localized"), for the warning and the header.
    let requirement: (ModelParameters) -> InputText?

    init(_ field: KeyPath<ModelOptions, String?>, key: String, allowed: String,
         readBy requirement: @escaping (ModelParameters) -> InputText? = { _ in nil },
         read: @escaping (ValueReader, inout ModelDraft) throws(InputError) -> Void) {
        self.field = field
        self.key = key
        self.allowed = allowed
        self.read = read
        self.requirement = requirement
    }
}

extension ParameterName {
    /// The table of the model options: every other place (config keys, reading and its
    /// messages, warnings, the header, what a command reads) derives from it.
    var option: ModelOption {
        switch self {
        case .dim: return ModelOption(\.dim, key: "dim", allowed: "an integer 1…4") { r, m throws(InputError) in m.parameters.dimension = try r.integer() }
        case .size: return ModelOption(\.size, key: "size", allowed: "an integer ≥ 2 (N = L^d grid points)") { r, m throws(InputError) in m.parameters.size = try r.integer() }
        case .hopping: return ModelOption(\.hopping, key: "hopping", allowed: "a finite number in [1e-8, 1e8]") { r, m throws(InputError) in m.parameters.hopping = try r.number() }
        case .energy: return ModelOption(\.energy, key: "energy", allowed: "a finite number inside the disorder-broadened band") { r, m throws(InputError) in m.parameters.energy = try r.number() }
        case .omega: return ModelOption(\.omega, key: "omega", allowed: "a finite number > 0 (≥ 0 with --singular none)") { r, m throws(InputError) in m.omega = try r.number() }
        case .q: return ModelOption(\.q, key: "q", allowed: "dim finite numbers in [−π, π], comma-separated") { r, m throws(InputError) in m.q = try r.list() }
        case .disorder: return ModelOption(\.disorder, key: "disorder", allowed: "a finite number > 0 (U0 = W²/12); not together with --u0") { r, m throws(InputError) in m.parameters.disorder = .width(try r.number()) }
        case .u0: return ModelOption(\.u0, key: "u0", allowed: "a finite number > 0; not together with --disorder") { r, m throws(InputError) in m.parameters.disorder = .vertex(try r.number()) }
        case .correlation: return ModelOption(\.correlation, key: "correlation", allowed: "a finite number ≥ 0 with 4·⌊3r_c/√2⌋ < L") { r, m throws(InputError) in m.parameters.correlationRadius = try r.number() }
        case .selfEnergy: return ModelOption(\.selfEnergy, key: "self-energy", allowed: "scba or fixed") { r, m throws(InputError) in m.selfEnergyName = try r.choice(["scba", "fixed"]) }
        case .gamma: return ModelOption(\.gamma, key: "gamma", allowed: "a finite number > 0, only with --self-energy fixed") { r, m throws(InputError) in m.gamma = try r.number() }
        case .singular:
            return ModelOption(\.singular, key: "singular", allowed: "none, localized, lorentzian or cooperon") { r, m throws(InputError) in
                m.parameters.singular = SingularModel(rawValue: try r.choice(SingularModel.allCases.map(\.rawValue)))!
            }
        case .xi:
            return ModelOption(\.xi, key: "xi", allowed: "a finite number > 0, or vw (ξ of the lattice VW solution; --singular lorentzian)",
                               readBy: { $0.singular == .localized || $0.singular == .lorentzian ? nil : "\(ParameterName.singular, value: "localized or lorentzian")" }) { r, m throws(InputError) in
                // `vw`: the placeholder default stays until the lattice VW is solved (VWConnection.swift).
                if r.isVW { m.vwRequests[.xi] = r.label } else { m.parameters.xi = try r.number() }
            }
        case .range:
            return ModelOption(\.range, key: "range", allowed: "a finite number ≥ 0 with 2R < L", readBy: Self.localizedOnly) { r, m throws(InputError) in m.parameters.range = try r.number() }
        case .profile:
            return ModelOption(\.profile, key: "profile", allowed: "exp or power", readBy: Self.localizedOnly) { r, m throws(InputError) in
                m.parameters.profile = CorrelatorProfile(rawValue: try r.choice(CorrelatorProfile.allCases.map(\.rawValue)))!
            }
        case .zeta:
            return ModelOption(\.zeta, key: "zeta", allowed: "a finite number for which the power envelope max(|x|,1)^(−d−ζ) stays finite on |x| ≤ R/2",
                               readBy: { $0.singular == .localized && $0.profile == .power ? nil : "\(ParameterName.singular, value: "localized") \(ParameterName.profile, value: "power")" }) { r, m throws(InputError) in
                m.parameters.zeta = try r.number()
            }
        case .amplitude:
            return ModelOption(\.amplitude, key: "amplitude", allowed: "a finite number > 0", readBy: Self.singularOnly) { r, m throws(InputError) in m.parameters.amplitude = try r.number() }
        case .d0:
            return ModelOption(\.d0, key: "d0", allowed: "a finite number > 0, or re,im with re > 0 (or re = 0 and im < 0), or vw (D(ω) of the lattice VW solution)",
                               readBy: { $0.singular == .cooperon ? nil : "\(ParameterName.singular, value: "cooperon")" }) { r, m throws(InputError) in
                if r.isVW { m.vwRequests[.d0] = r.label } else { m.parameters.d0 = try r.complexNumber() }
            }
        case .wardProjection:
            return ModelOption(\.wardProjection, key: "ward-projection", allowed: "on or off (in a config file also true or false)", readBy: Self.singularOnly) { r, m throws(InputError) in m.parameters.wardProjection = try r.switchValue() }
        case .scbaMaxIterations:
            return ModelOption(\.scbaMaxIterations, key: "scba-max-iterations", allowed: "an integer ≥ 1",
                               readBy: { $0.selfEnergy == .scba ? nil : "\(ParameterName.selfEnergy, value: "scba")" }) { r, m throws(InputError) in
                m.parameters.scbaMaximumIterations = try r.integer()
            }
        }
    }

    private static func localizedOnly(_ p: ModelParameters) -> InputText? {
        p.singular == .localized ? nil : "\(ParameterName.singular, value: "localized")"
    }

    private static func singularOnly(_ p: ModelParameters) -> InputText? {
        p.singular != .none ? nil : "a singular vertex"
    }

    /// The flag without "--", the config key and the header key.
    var key: String { option.key }
    /// "--size".
    var flag: String { "--" + key }
    /// What the parameter accepts, as printed in help and in error messages.
    var allowed: String { option.allowed }

    /// The parameter of a config key.
    init?(key: String) {
        guard let name = Self.allCases.first(where: { $0.key == key }) else { return nil }
        self = name
    }
}

/// A model while its options are read: the parameters, and what is resolved only once all
/// are read (the probe, the self-energy with its γ, the `vw` requests).
struct ModelDraft {
    var parameters = ModelParameters()
    var omega = Probe.defaultOmega
    var q: [Double]? = nil
    var selfEnergyName = "scba"
    var gamma: Double? = nil
    var vwRequests: [VWTarget: String] = [:]
}

/// A validated model, the point (q, ω) to evaluate it at, and where their values came from.
struct ResolvedModel: Sendable {
    var parameters: ModelParameters
    /// --q (default 0) and --omega (default 1e-3); a command with a ladder of its own sets
    /// the point its header and the VW connection refer to.
    var probe: Probe
    var sources: ParameterSources
    var warnings: [String]
    /// The options given (flag or config key) that neither the command nor this model reads,
    /// in table order: the header's `ignored_options`.
    var ignored: [ParameterName]
    /// `--d0 vw`, `--xi vw` (with where each was given, for messages): the value is taken from
    /// the lattice VW solution when the model is built (VWConnection.swift); the parameter
    /// holds its default until then.
    var vwRequests: [VWTarget: String] = [:]
}

extension ConfigFile.Value {
    /// The value as the user wrote it: flags verbatim; config values in their file
    /// syntax (strings quoted, arrays in brackets).
    func written(fromConfig: Bool) -> String {
        if case .text(let raw) = self, !fromConfig { return raw.isEmpty ? "\"\"" : raw }
        return written
    }
}

extension ParameterSources.Source {
    var isConfig: Bool { if case .config = self { return true } else { return false } }
    var isDefault: Bool { if case .defaultValue = self { return true } else { return false } }
}

/// Reads one parameter's value, from a flag (text, parsed here) or a config file (typed
/// by its TOML or JSON syntax, which must match the parameter: `size = "16"` is a string,
/// not an integer). Every complaint shows the value as written and what is allowed.
struct ValueReader {
    let name: ParameterName
    let value: ConfigFile.Value
    let label: String
    let fromConfig: Bool

    /// The value as the user wrote it.
    var written: String { value.written(fromConfig: fromConfig) }

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
            // One rule: on or off as text (flag or config string); a config file's boolean too.
            switch raw.trimmingCharacters(in: .whitespaces).lowercased() {
            case "on": return true
            case "off": return false
            default: throw fail("is not on or off")
            }
        default: throw wrongType("a boolean or \"on\"/\"off\"")
        }
    }
}
