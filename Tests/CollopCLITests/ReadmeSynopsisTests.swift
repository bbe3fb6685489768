import CollopCLI
import Foundation
import Testing

/// Issue #21, item 7: the documentation matches the binary. The README's synopsis block lists
/// exactly the subcommands of `collop`, in their order, and every flag it shows is one the
/// command's help offers (and the other way round); every relative link of README.md and
/// docs/**/*.md points at an existing file and, with a #fragment, at an existing heading.
@Suite("README synopsis and documentation links")
struct ReadmeSynopsisTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let subcommandNames = Collop.configuration.subcommands.compactMap { $0.configuration.commandName }

    /// The synopsis: one line per subcommand ("collop NAME …") and the option groups it
    /// refers to as "[NAME options]" ("NAME options: --flag …", continued on indented lines).
    struct Synopsis {
        var commands: [(name: String, line: String)] = []
        var groups: [String: String] = [:]
    }

    /// The first fenced block of README.md whose first line starts with "collop ".
    static func readSynopsis() throws -> Synopsis {
        let text = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        var blocks: [[String]] = []
        var current: [String]? = nil
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("```") {
                if let block = current { blocks.append(block); current = nil } else { current = [] }
            } else if current != nil {
                current!.append(line)
            }
        }
        let block = try #require(blocks.first { $0.first?.hasPrefix("collop ") == true }, "README.md has no synopsis block")
        var synopsis = Synopsis()
        var group: String? = nil
        for line in block where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            if line.hasPrefix("collop ") {
                let name = String(line.dropFirst("collop ".count).prefix { $0 != " " })
                synopsis.commands.append((name, line))
                group = nil
            } else if let match = line.firstMatch(of: #/^([a-z]+ options):(.*)$/#) {
                group = String(match.1)
                synopsis.groups[String(match.1)] = String(match.2)
            } else if line.first == " ", let name = group {
                synopsis.groups[name, default: ""] += " " + line
            } else {
                Issue.record("synopsis line is neither a command nor an option group: \(line)")
            }
        }
        return synopsis
    }

    static func flags(in text: String) -> Set<String> {
        Set(text.matches(of: #/--[a-z][a-z0-9-]*/#).map { String($0.output) })
    }

    /// The flags of a help text's option lines ("  --flag <value>  …", "  -h, --help  …"),
    /// without --help and --version.
    static func helpFlags(_ arguments: [String]) throws -> Set<String> {
        let (status, message) = Collop.execute(arguments: arguments)
        #expect(status == 0, "collop \(arguments.joined(separator: " ")) exits \(status)")
        let help = try #require(message, "collop \(arguments.joined(separator: " ")) printed no help")
        let flags = help.components(separatedBy: "\n").compactMap { line in
            line.firstMatch(of: #/^  (?:-[a-zA-Z], )?(--[a-z][a-z0-9-]*)/#).map { String($0.1) }
        }
        return Set(flags).subtracting(["--help", "--version"])
    }

    @Test func synopsisListsEverySubcommandInOrder() throws {
        let synopsis = try Self.readSynopsis()
        #expect(synopsis.commands.map(\.name) == Self.subcommandNames,
                "README.md's synopsis must list exactly the subcommands of `collop --help`, in that order")
    }

    @Test(arguments: Self.subcommandNames)
    func synopsisFlagsAreTheHelpFlags(command: String) throws {
        let synopsis = try Self.readSynopsis()
        let line = try #require(synopsis.commands.first { $0.name == command }?.line, "no synopsis line for \(command)")
        let visible = try Self.helpFlags([command, "--help"])
        let withHidden = try Self.helpFlags([command, "--help-hidden"])
        #expect(visible.contains("--format"), "the help of \(command) was not parsed")

        let explicit = Self.flags(in: line)
        #expect(explicit.subtracting(visible).isEmpty,
                "\(command): the synopsis shows \(explicit.subtracting(visible).sorted()), which its help does not offer")
        var shown = explicit
        for match in line.matches(of: #/\[([a-z]+ options)\]/#) {
            let name = String(match.1)
            let group = try #require(synopsis.groups[name], "the synopsis uses [\(name)] but does not define it")
            let groupFlags = Self.flags(in: group)
            #expect(groupFlags.subtracting(withHidden).isEmpty,
                    "\(command): [\(name)] includes \(groupFlags.subtracting(withHidden).sorted()), which \(command) does not take")
            shown.formUnion(groupFlags)
        }
        #expect(visible.subtracting(shown).isEmpty,
                "\(command): its help offers \(visible.subtracting(shown).sorted()), which the synopsis does not show")
    }

    /// GitHub's anchor of a heading: lower case, punctuation other than - and _ dropped,
    /// spaces as hyphens.
    static func anchor(_ heading: String) -> String {
        String(heading.lowercased().compactMap { character -> Character? in
            if character == " " { return "-" }
            return character.isLetter || character.isNumber || character == "-" || character == "_" ? character : nil
        })
    }

    static func anchors(of file: URL) throws -> Set<String> {
        var result: Set<String> = []
        var inFence = false
        for line in try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n") {
            if line.hasPrefix("```") { inFence.toggle(); continue }
            guard !inFence, let match = line.firstMatch(of: #/^#{1,6} +(.*)$/#) else { continue }
            result.insert(anchor(String(match.1)))
        }
        return result
    }

    static func markdownFiles() -> [URL] {
        var files = [root.appendingPathComponent("README.md")]
        let docs = root.appendingPathComponent("docs")
        let enumerator = FileManager.default.enumerator(at: docs, includingPropertiesForKeys: nil)
        while let file = enumerator?.nextObject() as? URL {
            if file.pathExtension == "md" { files.append(file) }
        }
        return files
    }

    @Test func relativeLinksResolve() throws {
        let files = Self.markdownFiles()
        #expect(files.count > 10, "docs/ was not found")
        var checked = 0
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: #/\]\(([^)\s]+)\)/#) {
                let link = String(match.1)
                if link.hasPrefix("http://") || link.hasPrefix("https://") || link.hasPrefix("mailto:") { continue }
                let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let target = parts[0].isEmpty ? file : file.deletingLastPathComponent().appendingPathComponent(parts[0]).standardizedFileURL
                let name = file.path.replacingOccurrences(of: Self.root.path + "/", with: "")
                guard FileManager.default.fileExists(atPath: target.path) else {
                    Issue.record("\(name): link \(link) points at a missing file")
                    continue
                }
                if parts.count == 2, target.pathExtension == "md" {
                    #expect(try Self.anchors(of: target).contains(parts[1]), "\(name): link \(link) names no heading of \(target.lastPathComponent)")
                }
                checked += 1
            }
        }
        #expect(checked > 30)
    }
}
