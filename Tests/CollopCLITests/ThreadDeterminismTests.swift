import Foundation
import TestSupport
import Testing

/// The spectrum table does not depend on the BLAS thread count, and a degenerate value
/// shared by several symmetry sectors is listed once with its total multiplicity.
@Suite("Spectrum is independent of the thread count")
struct ThreadDeterminismTests {
    /// Everything but the `# blas_threads` line, which records the setting itself.
    func withoutThreadLine(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("# blas_threads = ") }
            .joined(separator: "\n")
    }

    static let models: [[String]] = [
        [],                                                   // the default 2D model (243-fold value)
        ["--dim", "3", "--size", "6", "--q", "0.1,0,0"],      // 3D, q ≠ 0: blocks of 96, 48, 48, 24
        ["--size", "12", "--symmetry", "off", "--q", "0.1,0.2"],  // one dense zgeev
    ]

    @Test(arguments: models)
    func sameBytesAtOneAndTwoThreads(model: [String]) throws {
        let one = try runCollop(["spectrum", "--quiet", "--threads", "1"] + model)
        let two = try runCollop(["spectrum", "--quiet", "--threads", "2"] + model)
        #expect(one.status == 0 && two.status == 0)
        #expect(headerValue(one.stdout, "blas_threads") == "1" && headerValue(two.stdout, "blas_threads") == "2")
        #expect(withoutThreadLine(one.stdout) == withoutThreadLine(two.stdout))
        #expect(!dataRows(one.stdout).isEmpty)
    }

    /// Each `m@s=i` entry is one numerically degenerate value: exactly m rows of the whole
    /// table (every sector) lie within the cluster tolerance 1e4·ε·‖𝕃‖_F of row i, the
    /// 243-fold one across all five sectors, and no two entries name the same value.
    @Test func degenerateValuesAreMergedAcrossSectors() throws {
        let result = try runCollop(["spectrum", "--quiet"])
        #expect(result.status == 0)
        let rows = dataRows(result.stdout)
        let values = rows.map { (Double($0[1])!, Double($0[2])!) }
        let norm = try #require(headerValue(result.stdout, "frobenius_norm").flatMap(Double.init))
        let tolerance = 1e4 * Double.ulpOfOne * norm
        let clusters = try #require(headerValue(result.stdout, "degenerate_clusters"))
        #expect(clusters.hasPrefix("243@s=1,"), "one 243-fold value across the four sectors: \(clusters)")
        var firsts: [Int] = []
        for entry in clusters.split(separator: ",") {
            let parts = entry.split(separator: "@")
            let multiplicity = try #require(Int(parts[0]))
            let first = try #require(Int(parts[1].dropFirst(2)))
            firsts.append(first)
            let (re, im) = values[first]
            // Single linkage: grow the cluster from row `first`.
            var members: Set<Int> = [first], frontier = [first]
            while let i = frontier.popLast() {
                for j in values.indices where !members.contains(j) {
                    let d = ((values[j].0 - values[i].0) * (values[j].0 - values[i].0)
                             + (values[j].1 - values[i].1) * (values[j].1 - values[i].1)).squareRoot()
                    if d <= tolerance { members.insert(j); frontier.append(j) }
                }
            }
            #expect(members.count == multiplicity, "value \(re)+\(im)i at s=\(first)")
            // The 243-fold value (ΔΣ of M1) is shared by every sector of the table; the 2-fold
            // ones are the two partner rows of one eigenvalue of the two-dimensional irrep E.
            let sectors = Set(members.map { rows[$0][5] })
            if multiplicity == 243 {
                #expect(sectors == Set(rows.map { $0[5] }) && sectors.count == 5, "\(sectors)")
            } else {
                #expect(sectors == ["E"], "value at s=\(first) in \(sectors)")
            }
        }
        #expect(Set(firsts).count == firsts.count)
    }
}
