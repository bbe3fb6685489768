import Foundation
import TestSupport
import Testing

/// scripts/sweep.sh, scripts/merge.sh and scripts/figures.sh driven end to end with the
/// built collop (COLLOP is passed, so the scripts never build). They need GNU parallel,
/// python3 and gnuplot, which scripts/setup.sh installs.
@Suite("sweeps, merge and figures")
struct SweepTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func installed(_ tool: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
    }

    static let toolsInstalled = installed("parallel") && installed("python3")

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    func temporaryDirectory() throws -> URL { try makeTemporaryDirectory(prefix: "collop-sweep-tests") }

    /// Starts `scripts/<script> arguments` with COLLOP set; output goes to files (no pipe can fill up).
    func start(_ script: String, _ arguments: [String], in directory: URL, collop: String? = nil) throws -> (Process, URL, URL) {
        try launch(Self.root.appendingPathComponent("scripts/\(script)"), arguments, in: directory, collop: collop)
    }

    /// Starts `bash -c command` (SCRIPTS is the scripts directory) with COLLOP set, like `start`.
    func startShell(_ command: String, in directory: URL, collop: String? = nil) throws -> (Process, URL, URL) {
        try launch(URL(fileURLWithPath: "/bin/bash"), ["-c", command, "bash"], in: directory, collop: collop,
                   environment: ["SCRIPTS": Self.root.appendingPathComponent("scripts").path])
    }

    func launch(_ executable: URL, _ arguments: [String], in directory: URL, collop: String?,
                environment extra: [String: String] = [:]) throws -> (Process, URL, URL) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["COLLOP"] = collop ?? collopExecutable().path
        environment.merge(extra) { $1 }
        process.environment = environment
        let tag = UUID().uuidString
        let out = directory.appendingPathComponent(".stdout-\(tag)"), err = directory.appendingPathComponent(".stderr-\(tag)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, out, err)
    }

    func finish(_ started: (Process, URL, URL)) throws -> Result {
        started.0.waitUntilExit()
        return Result(status: started.0.terminationStatus,
                      stdout: try String(contentsOf: started.1, encoding: .utf8),
                      stderr: try String(contentsOf: started.2, encoding: .utf8))
    }

    func run(_ script: String, _ arguments: [String], in directory: URL, collop: String? = nil) throws -> Result {
        try finish(start(script, arguments, in: directory, collop: collop))
    }

    func write(_ text: String, to url: URL) throws {
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// A collop that appends its arguments (one line per invocation) to `log`, then runs the real one.
    func recordingCollop(in work: URL) throws -> (collop: URL, log: URL) {
        let collop = work.appendingPathComponent("recording-collop"), log = work.appendingPathComponent("collop-calls.log")
        try write("""
            #!/bin/sh
            printf '%s\\n' "$*" >>'\(log.path)'
            exec '\(collopExecutable().path)' "$@"
            """, to: collop)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: collop.path)
        return (collop, log)
    }

    /// The invocations a `recordingCollop` saw.
    func calls(_ log: URL) -> [String] {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func posixPermissions(_ url: URL) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int)
    }

    /// Names of the complete point tables (a header row present) in OUTDIR/points.
    func completeTables(_ outdir: URL) -> Set<String> {
        let points = outdir.appendingPathComponent("points")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: points.path)) ?? []
        return Set(names.filter { name in
            guard name.hasSuffix(".tsv"), !name.hasPrefix("."),
                  let text = try? String(contentsOf: points.appendingPathComponent(name), encoding: .utf8) else { return false }
            return text.split(separator: "\n").contains { !$0.hasPrefix("#") && !$0.isEmpty }
        }.map { String($0.dropLast(4)) })
    }

    /// runs.log as (run, event, point) triples, runs in order of appearance.
    func events(_ outdir: URL) throws -> (runs: [String], events: [(run: String, event: String, point: String)]) {
        let text = try String(contentsOf: outdir.appendingPathComponent("runs.log"), encoding: .utf8)
        var runs: [String] = []
        var events: [(String, String, String)] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 7 else { continue }
            if !runs.contains(fields[1]) { runs.append(fields[1]) }
            events.append((fields[1], fields[2], fields[3]))
        }
        return (runs, events)
    }

    func count(_ events: [(run: String, event: String, point: String)], run: String? = nil, event: String, point: String) -> Int {
        events.filter { (run == nil || $0.run == run) && $0.event == event && $0.point == point }.count
    }

    func inode(_ url: URL) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: url.path)[.systemFileNumber] as? Int)
    }

    /// Rows of a TSV file after its comment lines: header first.
    func tsvRows(_ url: URL) throws -> [[String]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") }
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    // MARK: - interruption, resume, failures

    @Test(.enabled(if: toolsInstalled, "GNU parallel or python3 missing: run scripts/setup.sh"))
    func interruptedSweepResumesAndComputesEveryPointOnce() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        // 9 points: range = 9 violates 2R < L = 16, so 3 of them fail with exit status 2,
        // and they sit between the good ones in the run order.
        try write("""
            command = "hierarchy"
            [base]
            size = 16
            [vary]
            range = [1, 9, 2]
            xi = [1.0, 1.5, 2.0]
            """, to: work.appendingPathComponent("sweep.toml"))
        let outdir = work.appendingPathComponent("out")
        let good = ["1", "2"].flatMap { r in ["1.0", "1.5", "2.0"].map { "range=\(r),xi=\($0)" } }
        let bad = ["1.0", "1.5", "2.0"].map { "range=9,xi=\($0)" }

        // Run 1, one point at a time, killed (SIGKILL to the whole process group) once two
        // tables exist.
        let first = try start("sweep.sh", ["-j", "1", "-o", outdir.path, "sweep.toml"], in: work)
        let pid = first.0.processIdentifier
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        let processGroup = stat.split(separator: ")").last!.split(separator: " ")[2]
        try #require(Int32(processGroup) == pid, "the sweep must lead its own process group to be killed as one")
        let deadline = Date().addingTimeInterval(60)
        while completeTables(outdir).count < 2 && first.0.isRunning && Date() < deadline {
            usleep(10_000)
        }
        kill(-pid, SIGKILL)
        let killed = try finish(first)
        #expect(killed.status == SIGKILL && first.0.terminationReason == .uncaughtSignal)
        usleep(300_000)  // the jobs die with GNU parallel (parent-death signal)
        let before = completeTables(outdir)
        try #require(before.count >= 2 && before.count < good.count, "interrupted after \(before.count) of \(good.count) points")
        var inodes: [String: Int] = [:]
        for name in before { inodes[name] = try inode(outdir.appendingPathComponent("points/\(name).tsv")) }
        let afterKill = try events(outdir)
        for name in good + bad {
            #expect(count(afterKill.events, event: "start", point: name) <= 1, "\(name) started twice in run 1")
        }

        // Run 2 resumes: computes exactly the missing good points, fails the bad ones again.
        let second = try run("sweep.sh", ["-j", "2", "-o", outdir.path, "sweep.toml"], in: work)
        #expect(second.status == 1, "a failed point makes the sweep exit 1")
        #expect(second.stderr.contains("\(before.count) already complete"))
        #expect(second.stderr.contains("3 failed point(s) listed in"))
        #expect(completeTables(outdir) == Set(good))
        let log = try events(outdir)
        try #require(log.runs.count == 2)
        let resumed = log.runs[1]
        for name in good {
            let okFirst = count(log.events, run: log.runs[0], event: "ok", point: name)
            let okSecond = count(log.events, run: resumed, event: "ok", point: name)
            if before.contains(name) {
                #expect(okSecond == 0 && count(log.events, run: resumed, event: "start", point: name) == 0, "\(name) recomputed")
                #expect(try inode(outdir.appendingPathComponent("points/\(name).tsv")) == inodes[name], "\(name) rewritten")
            } else {
                #expect(okFirst + okSecond == 1, "\(name) computed \(okFirst) + \(okSecond) times")
            }
        }
        for name in bad {
            #expect(count(log.events, run: resumed, event: "fail", point: name) == 1)
            #expect(!FileManager.default.fileExists(atPath: outdir.appendingPathComponent("points/\(name).tsv").path))
        }
        // Nothing but the complete tables in points/ (no temporary files survive).
        let files = try FileManager.default.contentsOfDirectory(atPath: outdir.appendingPathComponent("points").path)
        #expect(Set(files) == Set(good.map { "\($0).tsv" }))

        // Table contents: each table is its own point (parameters in the header) and complete.
        for name in good {
            let table = try String(contentsOf: outdir.appendingPathComponent("points/\(name).tsv"), encoding: .utf8)
            let values = Dictionary(uniqueKeysWithValues: name.split(separator: ",").map {
                let pair = $0.split(separator: "=")
                return (String(pair[0]), Double(pair[1])!)
            })
            #expect(headerValue(table, "range").flatMap(Double.init) == values["range"])
            #expect(headerValue(table, "xi").flatMap(Double.init) == values["xi"])
            #expect(headerValue(table, "size") == "16")
            #expect(dataRows(table).count == 256)
        }

        // The failures file lists exactly the bad points, with exit status and message.
        let failures = try tsvRows(outdir.appendingPathComponent("failures.tsv"))
        #expect(failures.first == ["point", "status", "message", "detail"])
        #expect(Set(failures.dropFirst().map { $0[0] }) == Set(bad))
        for row in failures.dropFirst() {
            #expect(row[1] == "2")
            #expect(row[2].contains("--range"))
            #expect(FileManager.default.fileExists(atPath: outdir.appendingPathComponent(row[3]).path))
        }

        // Run 3 computes nothing: only the failed points are tried again.
        let third = try run("sweep.sh", ["-q", "-o", outdir.path, "sweep.toml"], in: work)
        #expect(third.status == 1)
        let last = try events(outdir)
        let thirdRun = try #require(last.runs.last)
        #expect(last.events.filter { $0.run == thirdRun && $0.event == "ok" }.isEmpty)
        #expect(Set(last.events.filter { $0.run == thirdRun && $0.event == "start" }.map(\.point)) == Set(bad))
    }

    @Test(.enabled(if: toolsInstalled, "GNU parallel or python3 missing: run scripts/setup.sh"))
    func ctrlCStopsTheSweepWithoutRecordingFailures() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        try write("""
            command = "hierarchy"
            [base]
            size = 16
            [vary]
            xi = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
            """, to: work.appendingPathComponent("sweep.toml"))
        let outdir = work.appendingPathComponent("out")
        let first = try start("sweep.sh", ["-j", "2", "-o", outdir.path, "sweep.toml"], in: work)
        let pid = first.0.processIdentifier
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        try #require(Int32(stat.split(separator: ")").last!.split(separator: " ")[2]) == pid)
        let deadline = Date().addingTimeInterval(60)
        while completeTables(outdir).isEmpty && first.0.isRunning && Date() < deadline { usleep(10_000) }
        // What Ctrl-C does: SIGINT to the foreground process group. (The test runner starts
        // children with SIGINT blocked; sweep.sh unblocks it, which this also checks.)
        kill(-pid, SIGINT)
        let stopped = try finish(first)
        #expect(stopped.status == 130, "\(stopped.stderr)")
        #expect(stopped.stderr.contains("interrupted"))
        let before = completeTables(outdir)
        try #require(!before.isEmpty && before.count < 6, "stopped after \(before.count) of 6 points")
        // An interrupted point is not a failed point.
        #expect(try tsvRows(outdir.appendingPathComponent("failures.tsv")).count == 1)
        #expect(try events(outdir).events.allSatisfy { $0.event != "fail" })

        let resumed = try run("sweep.sh", ["-j", "2", "-o", outdir.path, "sweep.toml"], in: work)
        #expect(resumed.status == 0)
        #expect(completeTables(outdir).count == 6)
        let log = try events(outdir)
        let second = try #require(log.runs.last)
        #expect(Set(log.events.filter { $0.run == second && $0.event == "ok" }.map(\.point)) == Set(completeTables(outdir)).subtracting(before))
    }

    @Test(.enabled(if: toolsInstalled, "GNU parallel or python3 missing: run scripts/setup.sh"))
    func backgroundSweepStoppedBySignalExits130Or143() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        try write("""
            command = "hierarchy"
            [base]
            size = 16
            [vary]
            xi = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]
            """, to: work.appendingPathComponent("sweep.toml"))
        for (signal, status) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
            let outdir = work.appendingPathComponent("out\(signal)")
            // Started in the background of a non-interactive shell, so it starts with SIGINT
            // ignored; the shell itself ignores the signals and reports the sweep's status.
            let shell = try startShell("""
                "$SCRIPTS/sweep.sh" -j 1 -o '\(outdir.path)' sweep.toml & sweep=$!
                trap '' INT TERM
                wait "$sweep"
                """, in: work)
            let pid = shell.0.processIdentifier
            let deadline = Date().addingTimeInterval(60)
            while completeTables(outdir).isEmpty && shell.0.isRunning && Date() < deadline { usleep(10_000) }
            kill(-pid, signal)
            let stopped = try finish(shell)
            #expect(stopped.status == status, "signal \(signal): \(stopped.stderr)")
            #expect(stopped.stderr.contains("interrupted"), "\(stopped.stderr)")
            #expect(!stopped.stderr.contains("GNU parallel stopped"), "\(stopped.stderr)")
            let done = completeTables(outdir)
            #expect(!done.isEmpty && done.count < 10, "stopped after \(done.count) of 10 points")
            #expect(try events(outdir).events.allSatisfy { $0.event != "fail" })
            #expect(try tsvRows(outdir.appendingPathComponent("failures.tsv")).count == 1)
        }
    }

    @Test(.enabled(if: toolsInstalled, "GNU parallel or python3 missing: run scripts/setup.sh"))
    func failingPointIsListedWithoutBlockingAndUnlistedOnceItSucceeds() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        try write("""
            command = "spectrum"
            [base]
            size = 6
            [vary]
            xi = [-1.0, 1.0, 1.5, 2.0]
            """, to: work.appendingPathComponent("sweep.toml"))
        let outdir = work.appendingPathComponent("out")
        // A collop that fails (status 3) whenever ξ = 1.5, as a transient failure would.
        let flaky = work.appendingPathComponent("flaky-collop")
        try write("""
            #!/bin/sh
            case " $* " in *" --xi 1.5 "*) echo "numerical failure: injected for the test" >&2; exit 3 ;; esac
            exec '\(collopExecutable().path)' "$@"
            """, to: flaky)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: flaky.path)

        let first = try run("sweep.sh", ["-j", "1", "-o", outdir.path, "sweep.toml"], in: work, collop: flaky.path)
        #expect(first.status == 1)
        // ξ = −1 is invalid and comes first; the points after it still ran.
        #expect(completeTables(outdir) == ["xi=1.0", "xi=2.0"])
        var failures = try tsvRows(outdir.appendingPathComponent("failures.tsv"))
        #expect(failures.dropFirst().map { [$0[0], $0[1]] } == [["xi=-1.0", "2"], ["xi=1.5", "3"]])
        #expect(failures.dropFirst().first?[2].contains("--xi") == true)
        #expect(first.stderr.contains("xi=1.5 FAILED (exit 3)"))

        // With the real collop ξ = 1.5 succeeds and leaves the list; ξ = −1 stays.
        let second = try run("sweep.sh", ["-o", outdir.path, "sweep.toml"], in: work)
        #expect(second.status == 1)
        #expect(completeTables(outdir) == ["xi=1.0", "xi=1.5", "xi=2.0"])
        failures = try tsvRows(outdir.appendingPathComponent("failures.tsv"))
        #expect(failures.dropFirst().map { $0[0] } == ["xi=-1.0"])
        #expect(!FileManager.default.fileExists(atPath: outdir.appendingPathComponent("failed/xi=1.5.err").path))
    }

    @Test(.enabled(if: toolsInstalled, "GNU parallel or python3 missing: run scripts/setup.sh"))
    func shardsRunConcurrentlyAndCoverEveryPointOnce() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        try write("""
            command = "spectrum"
            args = ["--values-only"]
            [base]
            size = 6
            [vary]
            omega = { start = 1e-4, stop = 1e-2, num = 3, scale = "log" }
            q = [[0, 0], [0.1, 0.2]]
            """, to: work.appendingPathComponent("sweep.toml"))
        let outdir = work.appendingPathComponent("out")
        let shards = try (1...3).map { try start("sweep.sh", ["-j", "1", "--shard", "\($0)/3", "-o", outdir.path, "sweep.toml"], in: work) }
        for shard in shards { #expect(try finish(shard).status == 0) }
        let expected = ["0.0001", "0.001", "0.01"].flatMap { w in ["0_0", "0.1_0.2"].map { "omega=\(w),q=\($0)" } }
        #expect(completeTables(outdir) == Set(expected))
        let log = try events(outdir)
        #expect(log.runs.count == 3)
        for name in expected { #expect(count(log.events, event: "ok", point: name) == 1, "\(name)") }
        let table = try String(contentsOf: outdir.appendingPathComponent("points/omega=0.01,q=0.1_0.2.tsv"), encoding: .utf8)
        #expect(headerValue(table, "omega").flatMap(Double.init) == 0.01)
        #expect(headerValue(table, "q") == "0.1,0.2")
    }

    @Test(.enabled(if: toolsInstalled, "GNU parallel or python3 missing: run scripts/setup.sh"))
    func badSweepDescriptionsAreRefused() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let cases: [(String, String)] = [
            ("command = \"hierarchy\"\n[vary]\nxi = [1.0]\n[extra]\n", "unknown key 'extra'"),
            ("command = \"spectra\"\n[vary]\nxi = [1.0]\n", "command = 'spectra'"),
            ("command = \"spectrum\"\n[base]\nsize = 6\n", "[vary] is missing"),
            ("command = \"spectrum\"\n[vary]\nxi = [1.0\n", "not valid TOML"),
            ("command = \"spectrum\"\nargs = [\"--output\", \"x.tsv\"]\n[vary]\nxi = [1.0]\n", "must not contain '--output'"),
        ]
        for (index, (text, message)) in cases.enumerated() {
            try write(text, to: work.appendingPathComponent("bad\(index).toml"))
            let result = try run("sweep.sh", ["-o", "out\(index)", "bad\(index).toml"], in: work)
            #expect(result.status == 2, "\(text)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
        // A directory made by another sweep description is not reused.
        try write("command = \"spectrum\"\n[base]\nsize = 6\n[vary]\nxi = [1.0]\n", to: work.appendingPathComponent("a.toml"))
        try write("command = \"spectrum\"\n[base]\nsize = 8\n[vary]\nxi = [1.0]\n", to: work.appendingPathComponent("b.toml"))
        #expect(try run("sweep.sh", ["-o", "shared", "a.toml"], in: work).status == 0)
        let other = try run("sweep.sh", ["-o", "shared", "b.toml"], in: work)
        #expect(other.status == 2 && other.stderr.contains("different base"))
    }

    @Test(.enabled(if: toolsInstalled, "GNU parallel or python3 missing: run scripts/setup.sh"))
    func typosAndBadValuesAreRefusedBeforeAnyPointRuns() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let (collop, log) = try recordingCollop(in: work)
        // (description, what the message must name): a typo in [vary], in [base] and in args,
        // a flag swept as if it took a value, a value of the wrong type, and a value no point
        // of its shape accepts.
        let cases: [(String, [String])] = [
            ("command = \"spectrum\"\n[base]\nsize = 6\n[vary]\nsise = [8, 10]\n", ["vary.sise", "'sise'", "did you mean 'size'"]),
            ("command = \"spectrum\"\n[base]\nsise = 6\n[vary]\nxi = [1.0, 2.0]\n", ["'sise'", "size"]),
            ("command = \"hierarchy\"\nargs = [\"--omegass\", \"1e-3\"]\n[base]\nsize = 6\n[vary]\nxi = [1.0]\n", ["--omegass"]),
            ("command = \"spectrum\"\n[base]\nsize = 6\n[vary]\nvalues-only = [true, false]\n", ["values-only", "flag"]),
            ("command = \"spectrum\"\n[vary]\nsize = [\"big\", \"small\"]\n", ["--size", "big", "integer"]),
            ("command = \"spectrum\"\n[base]\nsize = 6\n[vary]\nxi = [1.0, 2.0]\nrange = [1, \"far\"]\n", ["--range", "far"]),
            ("command = \"hierarchy\"\n[base]\nsize = 16\n[vary]\nrange = [9, 10]\n", ["--range", "9", "2R < L"]),
        ]
        for (index, (text, names)) in cases.enumerated() {
            try write(text, to: work.appendingPathComponent("bad\(index).toml"))
            let outdir = work.appendingPathComponent("out\(index)")
            let result = try run("sweep.sh", ["-o", outdir.path, "bad\(index).toml"], in: work, collop: collop.path)
            #expect(result.status == 2, "\(text): \(result.stderr)")
            for name in names { #expect(result.stderr.contains(name), "\(name) not in: \(result.stderr)") }
            #expect(result.stderr.contains("bad\(index).toml"), "\(result.stderr)")
            #expect(!result.stderr.contains("FAILED"), "\(result.stderr)")
            // Nothing launched and nothing written: no output directory at all.
            #expect(!FileManager.default.fileExists(atPath: outdir.path), "\(text) left \(outdir.path)")
        }
        #expect(!calls(log).contains { $0.contains("--output") }, "a point ran: \(calls(log))")
    }

    @Test(.enabled(if: toolsInstalled, "GNU parallel or python3 missing: run scripts/setup.sh"))
    func oneDryRunPerParameterShapeBeforeLaunching() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let (collop, log) = try recordingCollop(in: work)
        // Two shapes: (range integer, xi integer) and (range integer, xi float); 6 points.
        try write("command = \"spectrum\"\nargs = [\"--values-only\"]\n[base]\nsize = 6\n[vary]\nrange = [1, 2]\nxi = [1, 1.5, 2.0]\n",
                  to: work.appendingPathComponent("shapes.toml"))
        let result = try run("sweep.sh", ["-o", "shapes", "shapes.toml"], in: work, collop: collop.path)
        #expect(result.status == 0, "\(result.stderr)")
        var seen = calls(log)
        #expect(seen.filter { $0.contains("--dry-run") }.count == 2, "\(seen)")
        #expect(seen.filter { $0.contains("--output") }.count == 6)
        // The dry runs come before every point.
        let lastDryRun = try #require(seen.lastIndex { $0.contains("--dry-run") })
        let firstPoint = try #require(seen.firstIndex { $0.contains("--output") })
        #expect(lastDryRun < firstPoint)

        // A value that fails on its own point only (ξ = −1) is a point failure, not a bad
        // description: the dry run moves on to the next point of the shape, and the sweep runs.
        try FileManager.default.removeItem(at: log)
        try write("command = \"spectrum\"\n[base]\nsize = 6\n[vary]\nxi = [-1.0, 1.0, 1.5]\n", to: work.appendingPathComponent("value.toml"))
        let value = try run("sweep.sh", ["-o", "value", "value.toml"], in: work, collop: collop.path)
        #expect(value.status == 1, "\(value.stderr)")
        #expect(completeTables(work.appendingPathComponent("value")) == ["xi=1.0", "xi=1.5"])
        seen = calls(log)
        #expect(seen.filter { $0.contains("--dry-run") }.count == 2, "\(seen)")
    }

    @Test(.enabled(if: toolsInstalled, "GNU parallel or python3 missing: run scripts/setup.sh"))
    func formatAndOutputInArgsAreRefused() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let (collop, log) = try recordingCollop(in: work)
        let cases: [(String, [String])] = [
            ("[\"--format\", \"json\"]", ["--format json", "TSV"]),
            ("[\"--format=json\"]", ["--format json", "TSV"]),
            ("[\"--output=x.tsv\"]", ["must not contain '--output=x.tsv'"]),
            ("[\"-o\", \"x.tsv\"]", ["must not contain '-o'"]),
            ("[\"--dry-run\"]", ["must not contain '--dry-run'"]),
        ]
        for (index, (args, names)) in cases.enumerated() {
            try write("command = \"spectrum\"\nargs = \(args)\n[base]\nsize = 6\n[vary]\nxi = [1.0, 2.0]\n",
                      to: work.appendingPathComponent("args\(index).toml"))
            let result = try run("sweep.sh", ["-o", "out\(index)", "args\(index).toml"], in: work, collop: collop.path)
            #expect(result.status == 2, "\(args): \(result.stderr)")
            for name in names { #expect(result.stderr.contains(name), "\(name) not in: \(result.stderr)") }
            #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("out\(index)").path))
        }
        #expect(calls(log).allSatisfy { !$0.contains("--output") })
        // TSV, collop's default, may be spelled out.
        try write("command = \"spectrum\"\nargs = [\"--format\", \"tsv\"]\n[base]\nsize = 6\n[vary]\nxi = [1.0]\n",
                  to: work.appendingPathComponent("tsv.toml"))
        #expect(try run("sweep.sh", ["-o", "tsv", "tsv.toml"], in: work).status == 0)
    }

    /// `kill -INT` / `kill -TERM` to the sweep's PID alone (not its process group) stops it at
    /// once: the running points are killed, nothing of them is left, the exit status is
    /// 128 + the signal, and a rerun computes every point (issue 23, item 9). The points of
    /// the first run never finish by themselves, so a sweep that waited for them would not
    /// exit within the test's deadline.
    @Test(.enabled(if: toolsInstalled, "GNU parallel or python3 missing: run scripts/setup.sh"),
          arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func signalToTheSweepsPidStopsItsRunningPointsAndResumes(signal: Int32, status: Int32) throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let stub = work.appendingPathComponent("sleeping-collop"), pids = work.appendingPathComponent("pids")
        try write("""
            #!/bin/sh
            case "$*" in *--output*) echo $$ >>'\(pids.path)'; exec sleep 600 ;; esac
            exec '\(collopExecutable().path)' "$@"
            """, to: stub)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stub.path)
        try write("command = \"spectrum\"\nargs = [\"--values-only\"]\n[base]\nsize = 6\n[vary]\nxi = [1.0, 1.5, 2.0, 2.5]\n",
                  to: work.appendingPathComponent("sweep.toml"))
        let outdir = work.appendingPathComponent("out")
        let started = try start("sweep.sh", ["-j", "2", "-o", outdir.path, "sweep.toml"], in: work, collop: stub.path)
        let pid = started.0.processIdentifier
        func running() -> [Int32] {
            ((try? String(contentsOf: pids, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int32($0) }
        }
        var deadline = Date().addingTimeInterval(60)
        while running().count < 2 && started.0.isRunning && Date() < deadline { usleep(10_000) }
        try #require(running().count == 2, "two points should be running")
        kill(pid, signal)
        deadline = Date().addingTimeInterval(60)
        while started.0.isRunning && Date() < deadline { usleep(10_000) }
        let exited = !started.0.isRunning
        if !exited { kill(-pid, SIGKILL) }
        let stopped = try finish(started)
        #expect(exited, "the sweep waited for its points after SIG\(signal)")
        #expect(stopped.status == status, "\(stopped.stderr)")
        #expect(stopped.stderr.contains("interrupted"))
        // Every running point was killed, and left neither a table nor a temporary file.
        deadline = Date().addingTimeInterval(10)
        while running().contains(where: { kill($0, 0) == 0 }) && Date() < deadline { usleep(10_000) }
        #expect(!running().contains { kill($0, 0) == 0 }, "a point outlived the sweep")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outdir.appendingPathComponent("points").path).isEmpty)
        #expect(try events(outdir).events.allSatisfy { $0.event != "fail" && $0.event != "ok" })

        let resumed = try run("sweep.sh", ["-j", "2", "-o", outdir.path, "sweep.toml"], in: work)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(completeTables(outdir) == ["xi=1.0", "xi=1.5", "xi=2.0", "xi=2.5"])
    }

    // MARK: - what a sweep keeps and refuses

    /// A `--quiet` sweep keeps the Thouless verdict of every point (issue 23, item 1): each
    /// point's header says whether the cooperon pole dominates, and the merged table carries
    /// the keys that differ between points as columns, those all points share as header lines.
    @Test(.enabled(if: toolsInstalled, "GNU parallel or python3 missing: run scripts/setup.sh"))
    func quietSweepKeepsTheFiniteSizeVerdict() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        try write("""
            command = "diffusion"
            [base]
            dim = 1
            size = 128
            singular = "cooperon"
            [vary]
            omega = [1e-1, 1e-4]
            """, to: work.appendingPathComponent("sweep.toml"))
        let outdir = work.appendingPathComponent("out")
        let sweep = try run("sweep.sh", ["-q", "-o", outdir.path, "sweep.toml"], in: work)
        #expect(sweep.status == 0, "\(sweep.stderr)")
        #expect(!sweep.stderr.contains("warning"))
        for (omega, dominated) in [("0.1", "no"), ("0.0001", "yes")] {
            let table = try String(contentsOf: outdir.appendingPathComponent("points/omega=\(omega).tsv"), encoding: .utf8)
            #expect(headerValue(table, "finite_size_dominated") == dominated)
        }
        #expect(try run("merge.sh", [outdir.path], in: work).status == 0)
        let merged = try String(contentsOf: outdir.appendingPathComponent("merged.tsv"), encoding: .utf8)
        let rows = try tsvRows(outdir.appendingPathComponent("merged.tsv"))
        let header = try #require(rows.first)
        let omega = try #require(header.firstIndex(of: "sweep_omega") ?? header.firstIndex(of: "omega"))
        let ratio = try #require(header.firstIndex(of: "thouless_ratio"))
        let verdict = try #require(header.firstIndex(of: "finite_size_dominated"))
        #expect(rows.count == 1 + 2 * 5)
        for row in rows.dropFirst() {
            let r = try #require(Double(row[ratio]))
            #expect(row[verdict] == (r < 1 ? "yes" : "no"))
            #expect(row[verdict] == (row[omega] == "0.0001" ? "yes" : "no"))
        }
        // The grid verdict does not depend on ω: one header line for the whole table.
        #expect(!header.contains("grid_resolved"))
        #expect(headerValue(merged, "grid_resolved") == headerValue(
            try String(contentsOf: outdir.appendingPathComponent("points/omega=0.1.tsv"), encoding: .utf8), "grid_resolved"))
    }

    /// A key the command (or a point's model) does not read is refused before anything runs,
    /// naming it and where it is set (issue 23, item 2); a key every point's model reads is not.
    @Test(.enabled(if: toolsInstalled, "GNU parallel or python3 missing: run scripts/setup.sh"))
    func optionsAPointDoesNotReadAreRefused() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let (collop, log) = try recordingCollop(in: work)
        let cases: [(String, [String])] = [
            ("command = \"hierarchy\"\n[base]\nsize = 6\n[vary]\nomega = [1e-2, 1e-4]\n",
             ["vary.omega: collop hierarchy does not read --omega", "the ladder is --omegas", "identical"]),
            ("command = \"diffusion\"\n[base]\nsize = 6\n[vary]\nq = [[0.1, 0], [0.2, 0]]\n",
             ["vary.q: collop diffusion does not read --q", "--direction"]),
            ("command = \"spectrum\"\n[base]\nsize = 6\nsingular = \"cooperon\"\nxi = 2.0\n[vary]\ndisorder = [2.0, 3.0]\n",
             ["[base] key xi: collop spectrum does not read --xi", "has no effect without --singular localized or lorentzian"]),
            ("command = \"spectrum\"\n[base]\nsize = 6\n[vary]\nsingular = [\"localized\", \"cooperon\"]\nxi = [1.0, 2.0]\n",
             ["vary.xi: collop spectrum does not read --xi for the points with singular=cooperon"]),
            ("command = \"flow\"\nargs = [\"--d0\", \"2\"]\n[base]\nsize = 6\n[vary]\nxi = [1.0, 2.0]\n",
             ["args: --d0: collop flow does not read --d0"]),
            // The theories sweep too, with the same refusals (issue 25, item 5).
            ("command = \"closure\"\n[base]\ndim = 1\nsize = 64\nsingular = \"cooperon\"\nxi = 2.0\n[vary]\ndisorder = [1.6, 2.0]\n",
             ["[base] key xi: collop closure does not read --xi", "has no effect without --singular localized or lorentzian"]),
            ("command = \"vw\"\nargs = [\"--dim\", \"2\"]\n[vary]\nlambda = [0.1, 0.2]\nxi = [1.0, 2.0]\n",
             ["vary.xi: collop vw does not read --xi", "identical"]),
            // The continuum vw reads no config file, so it has no [base].
            ("command = \"vw\"\n[base]\ndim = 2\n[vary]\nlambda = [0.1, 0.2]\n",
             ["[base]: collop vw reads no config file", "--config has no effect without --lattice", "args or [vary]"]),
        ]
        for (index, (description, phrases)) in cases.enumerated() {
            let file = "refused\(index).toml"
            try write(description, to: work.appendingPathComponent(file))
            let result = try run("sweep.sh", ["-o", "out\(index)", file], in: work, collop: collop.path)
            #expect(result.status == 2, "\(file): \(result.stderr)")
            for phrase in phrases { #expect(result.stderr.contains(phrase), "\(file): \(result.stderr)") }
            #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("out\(index)").path))
        }
        #expect(!calls(log).contains { $0.contains("--output") }, "a point ran: \(calls(log))")

        // Both models read ξ: accepted, one dry run per model.
        try FileManager.default.removeItem(at: log)
        try write("command = \"spectrum\"\nargs = [\"--values-only\"]\n[base]\nsize = 6\n[vary]\nsingular = [\"localized\", \"lorentzian\"]\nxi = [1.0, 2.0]\n",
                  to: work.appendingPathComponent("read.toml"))
        let accepted = try run("sweep.sh", ["-o", "read", "read.toml"], in: work, collop: collop.path)
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(calls(log).filter { $0.contains("--dry-run") }.count == 2)
        #expect(completeTables(work.appendingPathComponent("read")).count == 4)
    }

    // MARK: - merge

    @Test(.enabled(if: toolsInstalled, "GNU parallel or python3 missing: run scripts/setup.sh"))
    func mergeJoinsTablesWithSweptColumnsAndRefusesDisagreeingHeaders() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        try write("""
            command = "spectrum"
            [base]
            dim = 2
            [vary]
            size = [6, 8]
            xi = [1.0, 2.0]
            omega = [1e-3]
            """, to: work.appendingPathComponent("sweep.toml"))
        let outdir = work.appendingPathComponent("out")
        #expect(try run("sweep.sh", ["-o", outdir.path, "sweep.toml"], in: work).status == 0)
        let pointHeader = try #require(try tsvRows(outdir.appendingPathComponent("points/size=6,xi=1.0,omega=0.001.tsv")).first)

        // Long table: 2 points with N = 36 and 2 with N = 64 rows.
        let merged = try run("merge.sh", [outdir.path], in: work)
        #expect(merged.status == 0, "\(merged.stderr)")
        let rows = try tsvRows(outdir.appendingPathComponent("merged.tsv"))
        let header = try #require(rows.first)
        // Swept values, then the header keys that differ between points (N with the size,
        // γ, the correlator with ξ …), then the point's own columns.
        #expect(header.prefix(3) == ["size", "xi", "omega"] && header.suffix(pointHeader.count) == ArraySlice(pointHeader))
        let varying = header.dropFirst(3).dropLast(pointHeader.count)
        #expect(varying.contains("N") && varying.contains("d0_correlator") && !varying.contains("dim") && !varying.contains("xi"))
        let mergedText = try String(contentsOf: outdir.appendingPathComponent("merged.tsv"), encoding: .utf8)
        #expect(headerValue(mergedText, "varying_keys") == varying.joined(separator: ","))
        #expect(headerValue(mergedText, "dim") == "2", "a key every point shares stays a header line")
        #expect(rows.count - 1 == 2 * 36 + 2 * 64)
        #expect(rows.dropFirst().allSatisfy { $0.count == header.count })
        let sizeColumn = try #require(header.firstIndex(of: "size"))
        #expect(rows.dropFirst().filter { $0[sizeColumn] == "8" }.count == 2 * 64)

        // Summary: one row per point with header keys as columns.
        let summary = try run("merge.sh", ["--summary", "--keys", "N,gamma", "-o", "-", outdir.path], in: work)
        #expect(summary.status == 0)
        let summaryRows = summary.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t").map(String.init) }
        #expect(summaryRows.first?.prefix(5) == ["size", "xi", "omega", "N", "gamma"])
        #expect(summaryRows.first?.dropFirst(5).contains("N") == false)
        #expect(summaryRows.count == 5)
        for row in summaryRows.dropFirst() { #expect(Int(row[3]) == Int(row[0])! * Int(row[0])!) }

        // A missing point is an error unless --partial.
        let missing = outdir.appendingPathComponent("points/size=8,xi=2.0,omega=0.001.tsv")
        let saved = try Data(contentsOf: missing)
        try FileManager.default.removeItem(at: missing)
        #expect(try run("merge.sh", ["-o", "-", outdir.path], in: work).status == 1)
        let partial = try run("merge.sh", ["--partial", "-o", "-", outdir.path], in: work)
        #expect(partial.status == 0)
        #expect(partial.stdout.contains("# points = 3 of 4"))
        #expect(partial.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }.count == 1 + 2 * 36 + 64)
        try saved.write(to: missing)

        // Disagreeing column headers (a column renamed): refused, both files named.
        let edited = outdir.appendingPathComponent("points/size=8,xi=1.0,omega=0.001.tsv")
        let text = try String(contentsOf: edited, encoding: .utf8)
        try write(text.replacingOccurrences(of: "\n" + pointHeader.joined(separator: "\t") + "\n",
                                            with: "\n" + (pointHeader.dropLast() + ["extra"]).joined(separator: "\t") + "\n"), to: edited)
        let refused = try run("merge.sh", ["-o", work.appendingPathComponent("refused.tsv").path, outdir.path], in: work)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("size=8,xi=1.0,omega=0.001.tsv") && refused.stderr.contains("size=6,xi=1.0,omega=0.001.tsv"))
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("refused.tsv").path))

        // A point table that is not a readable collop table (a row longer than its column
        // row): refused, naming the file and the line.
        try write(text.replacingOccurrences(of: "\n" + pointHeader.joined(separator: "\t") + "\n",
                                            with: "\n" + pointHeader.dropLast().joined(separator: "\t") + "\n"), to: edited)
        let unreadable = try run("merge.sh", ["-o", work.appendingPathComponent("refused.tsv").path, outdir.path], in: work)
        #expect(unreadable.status == 2)
        #expect(unreadable.stderr.contains("size=8,xi=1.0,omega=0.001.tsv") && unreadable.stderr.contains("fields"), "\(unreadable.stderr)")
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("refused.tsv").path))
    }

    /// Every command sweeps (issue 25, item 5): a `closure` sweep stopped by SIGTERM to the
    /// driver while a point runs resumes — the rerun computes only the points without a table
    /// — and merges into one table with every point's rows; a multi-table command (`scaling`)
    /// merges into one file per table.
    @Test(.enabled(if: toolsInstalled, "GNU parallel or python3 missing: run scripts/setup.sh"))
    func closureSweepResumesAfterSIGTERMAndEveryTableMerges() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        // The point W = 2.0 never finishes in the first run (it sleeps); the others are real.
        let stub = work.appendingPathComponent("stalling-collop"), pids = work.appendingPathComponent("pids")
        try write("""
            #!/bin/sh
            case "$*" in *"--disorder 2.0 --output"*) echo $$ >>'\(pids.path)'; exec sleep 600 ;; esac
            exec '\(collopExecutable().path)' "$@"
            """, to: stub)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stub.path)
        try write("""
            command = "closure"
            args = ["--omegas", "1e-2,1e-3"]
            [base]
            dim = 1
            size = 64
            singular = "cooperon"
            [vary]
            disorder = [1.6, 2.0, 2.4]
            """, to: work.appendingPathComponent("closure.toml"))
        let outdir = work.appendingPathComponent("out")
        let started = try start("sweep.sh", ["-j", "1", "-o", outdir.path, "closure.toml"], in: work, collop: stub.path)
        var deadline = Date().addingTimeInterval(60)
        while (try? String(contentsOf: pids, encoding: .utf8)) == nil && started.0.isRunning && Date() < deadline { usleep(10_000) }
        try #require(completeTables(outdir) == ["disorder=1.6"], "W = 1.6 done, W = 2.0 running")
        kill(started.0.processIdentifier, SIGTERM)
        deadline = Date().addingTimeInterval(60)
        while started.0.isRunning && Date() < deadline { usleep(10_000) }
        if started.0.isRunning { kill(-started.0.processIdentifier, SIGKILL) }
        let stopped = try finish(started)
        #expect(stopped.status == 143, "\(stopped.stderr)")
        #expect(completeTables(outdir) == ["disorder=1.6"])

        let resumed = try run("sweep.sh", ["-j", "1", "-o", outdir.path, "closure.toml"], in: work)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(completeTables(outdir) == ["disorder=1.6", "disorder=2.0", "disorder=2.4"])
        let (runs, log) = try events(outdir)
        #expect(runs.count == 2 && count(log, run: runs[1], event: "start", point: "disorder=1.6") == 0,
                "the rerun recomputed a complete point")
        #expect(try run("merge.sh", [outdir.path], in: work).status == 0)
        let rows = try tsvRows(outdir.appendingPathComponent("merged.tsv"))
        let header = try #require(rows.first)
        let disorder = try #require(header.firstIndex(of: "disorder")), omega = try #require(header.firstIndex(of: "omega"))
        #expect(rows.dropFirst().map { "\($0[disorder]) \($0[omega])" }
                == ["1.6 0.01", "1.6 0.001", "2.0 0.01", "2.0 0.001", "2.4 0.01", "2.4 0.001"])

        // scaling has two tables: scaling → merged.tsv, collapse → merged-collapse.tsv.
        try write("command = \"scaling\"\nargs = [\"--omegas\", \"1e-2,1e-3\"]\n[vary]\ntau = [-0.1, 0.1]\n",
                  to: work.appendingPathComponent("scaling.toml"))
        let scaling = work.appendingPathComponent("scaling")
        #expect(try run("sweep.sh", ["-o", scaling.path, "scaling.toml"], in: work).status == 0)
        #expect(try run("merge.sh", [scaling.path], in: work).status == 0)
        #expect(try tsvRows(scaling.appendingPathComponent("merged.tsv")).count == 1 + 2 * 2)
        let collapse = try tsvRows(scaling.appendingPathComponent("merged-collapse.tsv"))
        // The swept τ is renamed where the table has a τ column of its own.
        #expect(collapse.first?.first == "sweep_tau" && collapse.first?.suffix(5) == ["tau", "omega", "x", "y_re", "y_im"],
                "\(collapse.first ?? [])")
        #expect(collapse.count == 1 + 2 * 22)
    }

    @Test(.enabled(if: toolsInstalled, "GNU parallel or python3 missing: run scripts/setup.sh"))
    func mergedTablesAreCreatedWithTheUmask() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        try write("command = \"spectrum\"\nargs = [\"--values-only\"]\n[base]\nsize = 6\n[vary]\nxi = [1.0, 2.0]\n",
                  to: work.appendingPathComponent("sweep.toml"))
        for (mask, mode) in [("022", 0o644), ("027", 0o640), ("002", 0o664)] {
            let outdir = work.appendingPathComponent("out\(mask)")
            let result = try finish(startShell("""
                umask \(mask)
                "$SCRIPTS/sweep.sh" -q -o '\(outdir.path)' sweep.toml &&
                "$SCRIPTS/merge.sh" '\(outdir.path)' &&
                "$SCRIPTS/merge.sh" --summary --keys N '\(outdir.path)'
                """, in: work))
            #expect(result.status == 0, "\(result.stderr)")
            for file in ["merged.tsv", "summary.tsv", "points.tsv", "failures.tsv", "sweep.json"] {
                let permissions = try posixPermissions(outdir.appendingPathComponent(file))
                #expect(permissions == mode, "umask \(mask): \(file) has mode \(String(permissions, radix: 8))")
            }
        }
    }

    // MARK: - figures

    @Test(.enabled(if: toolsInstalled && installed("gnuplot"), "gnuplot, GNU parallel or python3 missing: run scripts/setup.sh"))
    func figureScriptDrawsEveryFigureFromAFreshRun() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let outdir = work.appendingPathComponent("figures")
        let result = try run("figures.sh", [outdir.path], in: work)
        #expect(result.status == 0, "\(result.stderr)")
        for figure in ["fig1-flow", "fig2-ladder", "fig3-plane", "fig4-dispersion", "fig5-sweep"] {
            let png = try Data(contentsOf: outdir.appendingPathComponent("\(figure).png"))
            #expect(png.count > 10_000, "\(figure).png has \(png.count) bytes")
            #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "\(figure).png is a PNG")
            let svg = try String(contentsOf: outdir.appendingPathComponent("\(figure).svg"), encoding: .utf8)
            #expect(svg.contains("<svg") && svg.contains("</svg>"))
        }
        // The plotted columns come from the tables collop wrote in this run.
        for table in ["flow", "hierarchy", "dispersion-metallic", "dispersion-localized", "sweep-summary"] {
            let text = try String(contentsOf: outdir.appendingPathComponent("tables/\(table).tsv"), encoding: .utf8)
            #expect(text.hasPrefix("# collop"), "\(table)")
        }
        #expect(!result.stderr.contains("warning"), "\(result.stderr)")
    }
}
