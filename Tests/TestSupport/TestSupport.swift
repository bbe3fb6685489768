import DenseLinearAlgebra
import Foundation
import Numerics

/// SplitMix64: a seeded generator, so every "random" test case is reproducible.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SeededGenerator {
    public mutating func complex() -> Complex<Double> {
        Complex(Double.random(in: -1...1, using: &self), Double.random(in: -1...1, using: &self))
    }

    public mutating func complexMatrix(_ n: Int) -> ComplexMatrix {
        var m = ComplexMatrix(rows: n, columns: n)
        for j in 0..<n { for i in 0..<n { m[i, j] = complex() } }
        return m
    }
}

/// C = A B for small test matrices, real or complex, by the triple loop (independent of BLAS).
public func product<Scalar: MatrixScalar>(_ a: Matrix<Scalar>, _ b: Matrix<Scalar>) -> Matrix<Scalar> {
    var c = Matrix<Scalar>(rows: a.rows, columns: b.columns)
    for j in 0..<b.columns {
        for k in 0..<a.columns {
            let bkj = b[k, j]
            for i in 0..<a.rows { c[i, j] = c[i, j] + a[i, k] * bkj }
        }
    }
    return c
}

/// max_s ‖A v_s − λ_s v_s‖ / (‖A‖_F ‖v_s‖).
public func eigenResidual(_ a: ComplexMatrix, values: [Complex<Double>], vectors: ComplexMatrix) -> Double {
    var worst = 0.0
    let norm = a.frobeniusNorm
    for s in 0..<values.count {
        let v = vectors.column(s)
        let av = try! a.multiplied(by: v)
        var r = 0.0
        for i in 0..<v.count { r += (av[i] - values[s] * v[i]).magnitudeSquared }
        worst = max(worst, r.squareRoot() / (norm * euclideanNorm(v)))
    }
    return worst
}

/// Distance between two multisets of complex numbers by sorting on (re, im) after rounding
/// is fragile; this matches each value to its nearest unused partner (small test sizes).
public func multisetDistance(_ a: [Complex<Double>], _ b: [Complex<Double>]) -> Double {
    guard a.count == b.count else { return .infinity }
    var used = [Bool](repeating: false, count: b.count)
    var worst = 0.0
    for x in a {
        var best = -1
        var distance = Double.infinity
        for (j, y) in b.enumerated() where !used[j] && (x - y).length < distance {
            best = j
            distance = (x - y).length
        }
        used[best] = true
        worst = max(worst, distance)
    }
    return worst
}

/// Runs the built `collop` executable; returns (status, stdout, stderr). The streams go to
/// temporary files, not pipes: a pipe read can be interrupted by the child's signal (Foundation
/// traps on EINTR there) and a full stderr pipe would block a child still writing stdout.
public func runCollop(_ arguments: [String], currentDirectory: URL? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    let directory = try makeTemporaryDirectory(prefix: "collop-run")
    defer { try? FileManager.default.removeItem(at: directory) }
    let outURL = directory.appendingPathComponent("stdout"), errURL = directory.appendingPathComponent("stderr")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
    let process = Process()
    process.executableURL = collopExecutable()
    process.arguments = arguments
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    process.standardOutput = out
    process.standardError = err
    try process.run()
    process.waitUntilExit()
    try out.close()
    try err.close()
    let outData = try Data(contentsOf: outURL), errData = try Data(contentsOf: errURL)
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// The `collop` binary next to the test bundle (same build configuration).
public func collopExecutable() -> URL {
    let candidates = [
        Bundle.main.executableURL?.deletingLastPathComponent(),
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        Bundle.main.bundleURL,
    ].compactMap { $0 }
    for directory in candidates {
        let url = directory.appendingPathComponent("collop")
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return candidates[0].appendingPathComponent("collop")
}

/// Data rows of a TSV table (no comments, no header row), split on tabs; first table only.
public func dataRows(_ tsv: String) -> [[String]] {
    var rows: [[String]] = []
    var sawHeader = false
    for line in tsv.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.hasPrefix("#") { continue }
        if line.isEmpty { if sawHeader && !rows.isEmpty { break } else { continue } }
        if !sawHeader { sawHeader = true; continue }
        rows.append(line.split(separator: "\t").map(String.init))
    }
    return rows
}

/// The value of `# key = value` in a TSV header.
public func headerValue(_ tsv: String, _ key: String) -> String? {
    for line in tsv.split(separator: "\n") where line.hasPrefix("# \(key) = ") {
        return String(line.dropFirst("# \(key) = ".count))
    }
    return nil
}

/// A new empty directory under the system's temporary directory.
public func makeTemporaryDirectory(prefix: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
