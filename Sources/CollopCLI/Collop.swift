import ArgumentParser
import CollisionOperator
import DenseLinearAlgebra
import ExactModel
import Foundation
import SpectralAnalysis
import Theory

/// The tool's version, printed in every table header.
public let collopVersion = "0.1.0"

/// `collop`: the quantum collision operator of the Bethe–Salpeter equation on a lattice.
public struct Collop: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "collop",
        abstract: "Build and diagonalize the quantum collision operator L̂ = L̂reg + L̂sing (Suslov; Vollhardt–Wölfle).",
        discussion: """
            L̂ is the kernel of the Bethe–Salpeter equation written as a kinetic equation (Suslov (36), (74)–(76)) on a d-dimensional momentum lattice. Its eigenvalues are the relaxation rates: λ0 = −iDq² is the diffusion mode, exactly zero at q = 0.

            Exit status: 0 ok, 1 a check failed, 2 bad input, 3 numerical failure.
            Examples:
              collop spectrum          # the default model, d = 2, L = 16
              collop check --self-energy fixed --gamma 0.2
              collop diffusion --singular none --dim 2 --size 64 --disorder 1.5
            """,
        version: collopVersion,
        subcommands: [SpectrumCommand.self, CheckCommand.self, DiffusionCommand.self,
                      HierarchyCommand.self, FlowCommand.self, DispersionCommand.self, VWCommand.self, ScalingCommand.self, ClosureCommand.self,
                      MergeSectorsCommand.self, ExactCommand.self, DosCommand.self]
    )

    public init() {}

    /// Parses `arguments`, runs the subcommand and returns the exit status of docs/model.md §5,
    /// printing help to stdout and errors to stderr.
    public static func run(arguments: [String]) -> Int32 {
        let outcome = execute(arguments: arguments)
        if let message = outcome.message {
            if outcome.status == 0 { print(message) } else { writeError(message) }
        }
        return outcome.status
    }

    /// Parses and runs without printing messages: the exit status and the help or error
    /// text (tables still go to stdout or --output). Never traps on user input.
    public static func execute(arguments: [String]) -> (status: Int32, message: String?) {
        if let unknown = unknownSubcommand(arguments) { return (2, unknown) }
        // hierarchy takes its frequencies from --omegas: --omega stays accepted there
        // (warned about) but is not offered in its help.
        let path = arguments.first == "help" ? Array(arguments.dropFirst()) : arguments
        let visibility: ArgumentVisibility = path.first == HierarchyCommand.configuration.commandName ? .hidden : .default
        // The help of --dry-run and --symmetry says what they do in this subcommand.
        return ModelOptions.$omegaVisibility.withValue(visibility) {
            ResourceOptions.$subcommand.withValue(path.first) { () -> (status: Int32, message: String?) in
                do {
                    var command = try parseAsRoot(arguments)
                    try command.run()
                    return (0, nil)
                } catch let failed as ChecksFailed {
                    return (1, failed.description)
                } catch {
                    let (status, message) = exitStatus(for: error)
                    return (status, message)
                }
            }
        }
    }

    /// The subcommand names, as typed.
    static var subcommandNames: [String] {
        configuration.subcommands.compactMap { $0.configuration.commandName }
    }

    /// "Error: unknown subcommand 'bogus' …" when the first argument is a word that names
    /// no subcommand (ArgumentParser would say "Unexpected argument").
    static func unknownSubcommand(_ arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
        let names = subcommandNames
        guard !names.contains(first), first != "help" else { return nil }
        let suggestion = nearestName(to: first, among: names).map { "; did you mean '\($0)'?" } ?? ""
        return "\(errorPrefix)unknown subcommand '\(first)'\(suggestion) (allowed: \(names.joined(separator: ", ")), or help)\n"
            + "Usage: collop <subcommand> [options]; see 'collop --help'."
    }

    /// Entry point of the executable.
    public static func runAndExit() -> Never {
        SignalGuard.install()
        AllocatorPolicy.install()
        Foundation.exit(run(arguments: Array(CommandLine.arguments.dropFirst())))
    }

    /// Status and message for an error: 2 for bad input, 3 for numerical failure
    /// (docs/model.md §5); 0 for help and version requests.
    public static func exitStatus(for error: Error) -> (Int32, String) {
        switch error {
        case let e as InputError: return (2, "\(errorPrefix)\(e.message)")
        case let e as OutputWriteError: return (3, "\(errorPrefix)\(e.message)")
        case let e as ParameterError: return (2, "\(errorPrefix)\(describe(e))")
        case let e as DiffusionSolverError: return e.isInputError ? (2, "\(errorPrefix)\(e.cliMessage)") : (3, "\(errorPrefix)numerical failure: \(e.cliMessage)")
        case let e as ModelComputationError: return (3, "\(errorPrefix)numerical failure: \(flaggedDescription(e))")
        case LinearAlgebraError.allocationFailed(let bytes, let purpose):
            return (3, "\(errorPrefix)out of memory: the system refused \(LinearAlgebraError.describe(bytes: bytes)) for \(purpose) (a limit such as ulimit -v, or memory taken by other processes); nothing was written (allowed: a smaller --size or --dim, fewer --threads, --values-only, or one --sector at a time)")
        case let e as LinearAlgebraError: return (3, "\(errorPrefix)numerical failure: \(e.description)")
        case let e as SpectrumError: return (3, "\(errorPrefix)numerical failure: \(e.description)")
        case let e as ClosureError: return (3, "\(errorPrefix)numerical failure: \(e.description)")
        case let e as TheoryConvergenceError: return (3, "\(errorPrefix)numerical failure: \(e.description)")
        case let e as TheoryInputError: return (2, "\(errorPrefix)\(e.description)")
        case let e as ChecksFailed: return (1, e.description)
        case let e as ExactModelError: return exactExitStatus(e)
        default:
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success { return (0, message) }
            return (2, message.isEmpty ? "\(errorPrefix)\(error)" : message)
        }
    }

    /// The one prefix of every error message: ArgumentParser's own ("Error: ...").
    static let errorPrefix = "Error: "

    /// A parameter error that reached the CLI without its source: named as the flag.
    static func describe(_ error: ParameterError) -> String {
        "\(error.parameter.flag): \(phrase(error))"
    }

    static func writeError(_ message: String) {
        FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
    }
}

/// `collop check` found a failing identity (exit status 1).
public struct ChecksFailed: Error, CustomStringConvertible {
    public init(names: [String], unresolved: [String] = []) {
        self.names = names
        self.unresolved = unresolved
    }
    public var names: [String]
    /// Identities below the round-off floor (status UNRESOLVED).
    public var unresolved: [String]
    public var description: String {
        let parts = (names.isEmpty ? [] : ["check failed: \(names.joined(separator: ", "))"])
            + (unresolved.isEmpty ? [] : ["unresolved below the round-off floor (see the detail column): \(unresolved.joined(separator: ", "))"])
        return parts.joined(separator: "; ")
    }
}
