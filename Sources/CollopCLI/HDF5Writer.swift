import HDF5IO

/// The HDF5 rendering of a Report, layout version 1 (docs/guide/output.md): the header as
/// typed attributes of the root group, one group per table with one dataset per column
/// (adjacent X_re, X_im as one complex dataset X), the streamed table as a matrix written
/// one group of rows at a time. Same names and numbers as the TSV (the same doubles, so
/// bit-identical to its 17 digits).
extension Report {
    static let hdf5FormatVersion: Int64 = 1

    /// Writes the header, the held tables and the streamed one into `file`.
    func hdf5(into file: HDF5File) throws(HDF5Error) {
        let header = canonicalHeader
        try file.setAttribute("format_version", .int64([Self.hdf5FormatVersion]), scalar: true)
        try file.setAttribute("tool", .strings(["collop"]), scalar: true)
        try file.setAttribute("version", .strings([collopVersion]), scalar: true)
        try file.setAttribute("command", .strings([command]), scalar: true)
        for (key, value) in header {
            switch value {
            case .integer(let i): try file.setAttribute(key, .int64([Int64(i)]), scalar: true)
            case .number(let d), .parameter(let d): try file.setAttribute(key, .float64([d]), scalar: true)
            case .text(let s): try file.setAttribute(key, .strings([s]), scalar: true)
            case .parameters(let list): try file.setAttribute(key, .float64(list))
            }
        }
        try file.setAttribute("header_keys", .strings(header.map(\.key)))
        try file.setAttribute("table_names", .strings(tables.map(\.name) + (stream.map { [$0.name] } ?? [])))
        for table in tables {
            let group = try file.createGroup(table.name)
            try group.setAttribute("columns", .strings(table.columns))
            try group.setAttribute("rows", .int64([Int64(table.rows.count)]), scalar: true)
            let columns = table.columns.indices.map { c in
                table.rows.map { row in c < row.count ? Self.canonical(row[c], column: table.columns[c]) : .text("") }
            }
            let pairs = Self.complexPairs(table.columns) { columns[$0].allSatisfy(\.isNumeric) }
            try group.setAttribute("complex_pairs", .strings(pairs.map(\.name)))
            var c = 0
            while c < columns.count {
                if let pair = pairs.first(where: { $0.column == c }) {
                    try group.createDataset(pair.name, .complex(zip(columns[c], columns[c + 1]).flatMap { [$0.numericValue ?? .nan, $1.numericValue ?? .nan] }))
                    c += 2
                } else {
                    try group.createDataset(table.columns[c], Self.hdf5Values(columns[c]))
                    c += 1
                }
            }
        }
        if let stream { try hdf5(stream, into: file) }
    }

    /// The streamed table as `/NAME`: its `groupColumns` as datasets of one value per group,
    /// the other columns as datasets of one value per row of a group (the same in every
    /// group, checked), and its complex pair as the groups × rows matrix `matrix`, written one
    /// row per group as `rows(g)` produces it (the whole matrix is never held).
    private func hdf5(_ stream: RowStream, into file: HDF5File) throws(HDF5Error) {
        let what = "writing the table \(stream.name)"
        let group = try file.createGroup(stream.name)
        guard let pair = Self.complexPairs(stream.columns, isNumeric: { _ in true }).first else {
            throw HDF5Error(operation: what, reason: "the streamed columns \(stream.columns) hold no complex pair X_re, X_im")
        }
        let groupColumns = stream.columns.indices.filter { stream.groupColumns.contains(stream.columns[$0]) }
        let rowColumns = stream.columns.indices.filter { !groupColumns.contains($0) && $0 != pair.column && $0 != pair.column + 1 }
        var perGroup = groupColumns.map { _ in [Cell]() }
        var firstGroup: [[Cell]] = []
        var matrix: HDF5ComplexMatrix?
        var buffer: [Double] = []
        for g in 0..<stream.groups {
            let rows = stream.rows(g)
            if g == 0 {
                firstGroup = rows.map { row in rowColumns.map { row[$0] } }
                for (position, c) in rowColumns.enumerated() {
                    try group.createDataset(stream.columns[c], Self.hdf5Values(firstGroup.map { Self.canonical($0[position], column: stream.columns[c]) }))
                }
                matrix = try group.createComplexMatrix(stream.matrix, rows: stream.groups, columns: rows.count)
                buffer = [Double](repeating: 0, count: 2 * rows.count)
            } else {
                guard rows.count == firstGroup.count else {
                    throw HDF5Error(operation: what, reason: "group \(g) has \(rows.count) rows, group 0 \(firstGroup.count)")
                }
            }
            for (k, row) in rows.enumerated() {
                if g > 0, !rowColumns.enumerated().allSatisfy({ row[$1] == firstGroup[k][$0] }) {
                    throw HDF5Error(operation: what, reason: "row \(k) of group \(g) differs from group 0 in \(rowColumns.map { stream.columns[$0] })")
                }
                guard let re = row[pair.column].numericValue, let im = row[pair.column + 1].numericValue else {
                    throw HDF5Error(operation: what, reason: "row \(k) of group \(g) has a non-numeric \(pair.name)")
                }
                buffer[2 * k] = re
                buffer[2 * k + 1] = im
            }
            for (position, c) in groupColumns.enumerated() {
                perGroup[position].append(rows.first.map { Self.canonical($0[c], column: stream.columns[c]) } ?? .text(""))
            }
            try buffer.withUnsafeBufferPointer { (values) throws(HDF5Error) in try matrix!.writeRow(g, values) }
        }
        try matrix?.close()
        for (position, c) in groupColumns.enumerated() {
            try group.createDataset(stream.columns[c], Self.hdf5Values(perGroup[position]))
        }
        try group.setAttribute("columns", .strings(stream.columns))
        try group.setAttribute("rows", .int64([Int64(stream.groups * firstGroup.count)]), scalar: true)
        try group.setAttribute("complex_pairs", .strings([stream.matrix]))
        let coordinates = groupColumns.map { "\(stream.columns[$0]) = \(stream.columns[$0])[j]" }
            + rowColumns.map { "\(stream.columns[$0]) = \(stream.columns[$0])[k]" }
        try group.setAttribute("layout", .strings(["\(stream.matrix)[j, k] is the TSV row (\(coordinates.joined(separator: ", ")))"]), scalar: true)
    }

    /// A column's cells as a dataset: int64 when every cell is an integer, float64 when every
    /// cell is a number, otherwise each cell's TSV text.
    static func hdf5Values(_ cells: [Cell]) -> HDF5Values {
        if cells.allSatisfy({ if case .integer = $0 { true } else { false } }) {
            return .int64(cells.map { if case .integer(let i) = $0 { Int64(i) } else { 0 } })
        }
        if cells.allSatisfy(\.isNumeric) { return .float64(cells.map { $0.numericValue ?? .nan }) }
        return .strings(cells.map(\.tsv))
    }

    /// The complex pairs among `columns`: adjacent X_re, X_im (or re, im, named `value`),
    /// both numeric, whose name X is no other column's; (first column, name).
    static func complexPairs(_ columns: [String], isNumeric: (Int) -> Bool) -> [(column: Int, name: String)] {
        var pairs: [(column: Int, name: String)] = []
        var c = 0
        while c + 1 < columns.count {
            let (real, imaginary) = (columns[c], columns[c + 1])
            let name = real == "re" && imaginary == "im" ? "value"
                : real.hasSuffix("_re") && real.count > 3 && imaginary == real.dropLast(3) + "_im" ? String(real.dropLast(3)) : nil
            if let name, isNumeric(c), isNumeric(c + 1), !columns.contains(name), !pairs.contains(where: { $0.name == name }) {
                pairs.append((c, name))
                c += 2
            } else {
                c += 1
            }
        }
        return pairs
    }
}
