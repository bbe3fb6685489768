import CollisionOperator

/// Which model options a command reads, declared once per command and used by its run and
/// its dry run alike: the header leaves out a parameter the command does not read (with the
/// lines derived from it), and such a parameter, when given, is warned about, passed over or
/// refused. `printsSelfEnergy`: the header carries Σ^R at the probe (`sigma_R_re` …).
///
///     static let modelUse = ModelUse("spectrum").printingSelfEnergy
///     static let modelUse = ModelUse("hierarchy").except(.omega, "the ladder is --omegas")
///     static let modelUse = ModelUse("exact").readingOnly([.dim, .hopping, .energy, .disorder, .u0])
struct ModelUse: Sendable {
    /// What becomes of a model option the command does not read, when it is given.
    enum Unread: Sendable {
        /// "warning: --omega has no effect in hierarchy; the ladder is --omegas".
        case warned(because: String)
        /// Left out of the header without a word (the command builds the model but its
        /// equation does not involve the parameter).
        case passedOver
        /// An input error naming the options the command reads.
        case refused
    }

    /// The subcommand, for messages.
    let command: String
    private(set) var unread: [ParameterName: Unread] = [:]
    private(set) var printsSelfEnergy = false
    /// Defaults of this command that differ from the model's (as option text), below the
    /// config file and the flags.
    private(set) var defaults: [ParameterName: String] = [:]

    /// Every model option is read.
    init(_ command: String) { self.command = command }

    /// Only `read` (the probe's q and ω too only if listed); any other option given is refused.
    func readingOnly(_ read: Set<ParameterName>) -> ModelUse {
        var use = self
        for name in ParameterName.allCases where !read.contains(name) { use.unread[name] = .refused }
        return use
    }

    /// `parameter` is not read; given, it draws a warning saying why.
    func except(_ parameter: ParameterName, _ because: String) -> ModelUse {
        var use = self
        use.unread[parameter] = .warned(because: because)
        return use
    }

    /// `parameters` are not read and not mentioned.
    func passingOver(_ parameters: [ParameterName]) -> ModelUse {
        var use = self
        for name in parameters { use.unread[name] = .passedOver }
        return use
    }

    /// `parameter` defaults to `value` (written as on the command line) in this command.
    func defaulting(_ parameter: ParameterName, to value: String) -> ModelUse {
        var use = self
        use.defaults[parameter] = value
        return use
    }

    /// Σ^R at the probe in the header.
    var printingSelfEnergy: ModelUse {
        var use = self
        use.printsSelfEnergy = true
        return use
    }

    func reads(_ parameter: ParameterName) -> Bool { unread[parameter] == nil }

    /// The parameters read, in table order.
    var read: [ParameterName] { ParameterName.allCases.filter(reads) }

    /// The given options the command does not read (warned about or passed over), in table
    /// order; one it refuses never gets here (`warnings` throws).
    func unreadOptions(given: some Collection<ParameterName>) -> [ParameterName] {
        ParameterName.allCases.filter { given.contains($0) && !reads($0) }
    }

    /// Warnings for the given options the command does not read; throws for one it refuses.
    /// - Parameter given: the options given, with their values as written.
    func warnings(given: [ParameterName: String], sources: ParameterSources) throws(InputError) -> [String] {
        var warnings: [String] = []
        for name in ParameterName.allCases {
            guard let value = given[name] else { continue }
            switch unread[name] {
            case nil, .passedOver?: continue
            case let .warned(because)?:
                warnings.append("warning: \(sources.describe(name)) has no effect in \(command); \(because)")
            case .refused?:
                throw InputError("\(sources.describe(name)): value \(value) has no effect in \(command) (allowed: only \(read.map(\.flag).joined(separator: ", ")))")
            }
        }
        return warnings
    }
}
