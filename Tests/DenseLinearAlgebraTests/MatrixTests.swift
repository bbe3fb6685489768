import DenseLinearAlgebra
import Numerics
import Testing

@Suite("Matrix")
struct MatrixTests {
    @Test func columnMajorLayout() throws {
        let m = try RealMatrix(rows: 2, columns: 3, columnMajor: [1, 2, 3, 4, 5, 6])
        #expect(m[0, 0] == 1 && m[1, 0] == 2 && m[0, 1] == 3 && m[1, 2] == 6)
        #expect(m.transposed()[2, 1] == 6)
        #expect(m.column(1) == [3, 4])
    }

    /// The throwing allocation: a buffer no system grants (2^58 complex elements, 4 EiB) or
    /// whose byte count overflows Int is `.allocationFailed` with its size and purpose, not a
    /// trap; an ordinary one is the zero matrix, or the filled one.
    @Test func refusedAllocationThrowsItsSizeAndPurpose() throws {
        #expect(throws: LinearAlgebraError.allocationFailed(bytes: 0x1p62, purpose: "a test buffer")) {
            try ComplexMatrix(rows: 1 << 20, columns: 1 << 38, for: "a test buffer")
        }
        #expect(throws: LinearAlgebraError.allocationFailed(bytes: 16 * 0x1p62 * 0x1p62, purpose: "an overflowing buffer")) {
            try ComplexMatrix(rows: 1 << 62, columns: 1 << 62, for: "an overflowing buffer") { _ in }
        }
        #expect(LinearAlgebraError.allocationFailed(bytes: 1.5 * 0x1p30, purpose: "the eigenvectors").description
                    .hasPrefix("the system refused 1.5 GiB for the eigenvectors"))
        let zeros = try ComplexMatrix(rows: 3, columns: 2, for: "a small buffer")
        #expect(zeros == ComplexMatrix(rows: 3, columns: 2))
        let filled = try RealMatrix(rows: 2, columns: 2, for: "a filled buffer") { buffer in
            for i in buffer.indices { buffer[i] = Double(i) }
        }
        #expect(filled == (try RealMatrix(rows: 2, columns: 2, columnMajor: [0, 1, 2, 3])))
    }

    /// Sorting columns in place (cycles of a permutation, one column of scratch) gives what
    /// the copying `columns(at:)` gives, for permutations with fixed points and long cycles.
    @Test(arguments: [[0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0], [1, 2, 3, 4, 5, 0], [2, 0, 1, 3, 5, 4], [3, 5, 0, 1, 4, 2]])
    func columnsPermutedInPlaceEqualTheCopy(order: [Int]) throws {
        let m = ComplexMatrix(order: 6) { i, j in Complex(Double(i) + 0.5, Double(j) * 1.25 - Double(i * j)) }
        var permuted = m
        permuted.permuteColumns(order)
        #expect(try permuted == m.columns(at: order))
        for (k, j) in order.enumerated() { #expect(permuted.column(k) == m.column(j)) }
    }

    @Test func wrongElementCountThrows() {
        #expect(throws: LinearAlgebraError.self) { try RealMatrix(rows: 2, columns: 2, columnMajor: [1, 2, 3]) }
    }

    @Test func normTraceAndProduct() throws {
        let m = try RealMatrix(rows: 2, columns: 2, columnMajor: [3, 0, 4, 5])   // [[3,4],[0,5]]
        #expect(m.frobeniusNorm == (9.0 + 16 + 25).squareRoot())
        #expect(m.trace == 8)
        #expect(try m.multiplied(by: [1, 1]) == [7, 5])
        #expect(throws: LinearAlgebraError.self) { try m.multiplied(by: [1]) }
    }

    @Test func symmetryDefectOfComplexSymmetricMatrixIsZero() {
        let generator = SeededGeneratorForTests(seed: 1)
        let a = ComplexMatrix(order: 6) { i, j in generator.value(min(i, j), max(i, j)) }
        #expect(a.symmetryDefect == 0)
        var b = a
        b[0, 1] += Complex(1e-3)
        #expect(abs(b.symmetryDefect - 1e-3 * 2.0.squareRoot()) < 1e-15)
    }

    @Test func firstNonFiniteElementIsFound() {
        var a = ComplexMatrix(rows: 3, columns: 3, repeating: .one)
        #expect(a.firstNonFiniteElement() == nil)
        a[2, 1] = Complex(.nan, 0)
        #expect(a.firstNonFiniteElement()! == (2, 1))
    }
}

/// Deterministic symmetric filler: value(i, j) depends only on (i, j).
struct SeededGeneratorForTests {
    let seed: Int
    init(seed: Int) { self.seed = seed }
    func value(_ i: Int, _ j: Int) -> Complex<Double> {
        let x = Double((i * 31 + j * 17 + seed * 7) % 23) / 23
        return Complex(x - 0.5, Double((i + 2 * j + seed) % 5) / 5)
    }
}
