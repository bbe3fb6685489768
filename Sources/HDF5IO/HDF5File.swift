import CHDF5
#if canImport(Glibc)
import Glibc
#endif

/// A failed HDF5 call: what was being done and the library's own messages, outermost first
/// and the innermost reason last (for a full disk: "… file write failed: … errno = 28, error
/// message = 'No space left on device' …").
public struct HDF5Error: Error, CustomStringConvertible, Sendable {
    public var operation: String
    public var reason: String
    public init(operation: String, reason: String) {
        self.operation = operation
        self.reason = reason
    }
    public var description: String { "\(operation): \(reason)" }
}

/// The values of a 1-D dataset or attribute, in the four kinds collop writes.
public enum HDF5Values: Sendable {
    case int64([Int64])
    case float64([Double])
    /// Complex numbers as the compound type {r: float64, i: float64} (h5py reads it as
    /// complex128), interleaved: r0, i0, r1, i1, ….
    case complex([Double])
    /// Variable-length UTF-8 strings.
    case strings([String])

    public var count: Int {
        switch self {
        case .int64(let v): return v.count
        case .float64(let v): return v.count
        case .complex(let v): return v.count / 2
        case .strings(let v): return v.count
        }
    }
}

/// Runs one HDF5 call; a negative result (the library's failure value for every identifier,
/// status and count) is thrown as an `HDF5Error` carrying the error stack the call left.
@discardableResult
func call<T: BinaryInteger>(_ operation: @autoclosure () -> String, _ body: () -> T) throws(HDF5Error) -> T {
    HDF5Library.silence()
    let result = body()
    guard result >= 0 else { throw HDF5Error(operation: operation(), reason: HDF5Library.takeErrorStack()) }
    return result
}

enum HDF5Library {
    /// Before the first call: HDF5's printing of error stacks on stderr is turned off (errors
    /// reach the caller as `HDF5Error`), and so is its clean-up at process exit, which
    /// crashes in HDF5 1.10 on a file whose close failed (a full disk) and has nothing to
    /// do after a successful write (every object is closed by then).
    private static let initialized: Void = {
        H5dont_atexit()
        H5Eset_auto2(collop_h5e_default(), nil, nil)
    }()

    static func silence() { _ = initialized }

    /// The messages of the current error stack, from the API call down to where the error
    /// was detected (first and innermost; the innermost system error as its errno text),
    /// and clears the stack.
    static func takeErrorStack() -> String {
        var messages: [String] = []
        withUnsafeMutablePointer(to: &messages) { pointer in
            _ = H5Ewalk2(collop_h5e_default(), H5E_WALK_DOWNWARD, { _, error, data in
                guard let error, let data, let text = error.pointee.desc else { return 0 }
                let list = data.assumingMemoryBound(to: [String].self)
                let message = String(cString: text)
                if !message.isEmpty && list.pointee.last != message { list.pointee.append(message) }
                return 0
            }, pointer)
        }
        H5Eclear2(collop_h5e_default())
        guard var innermost = messages.last else { return "HDF5 gave no reason" }
        // "file write failed: time = …, errno = 28, error message = 'No space left on device', …"
        if let start = innermost.firstRange(of: "error message = '"), let end = innermost[start.upperBound...].firstIndex(of: "'") {
            let what = innermost.prefix { $0 != ":" }
            innermost = "\(what): \(innermost[start.upperBound..<end])"
        }
        switch messages.count {
        case 1: return innermost
        case 2: return "\(messages[0]); \(innermost)"
        default: return "\(messages[0]); …; \(innermost)"
        }
    }
}

/// One open HDF5 identifier, closed when released (or earlier by `close`, which reports
/// the failure of a close that has to write, as the file's does).
final class Handle {
    let id: hid_t
    private let closer: (hid_t) -> herr_t
    private var isOpen = true

    init(_ id: hid_t, closer: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.closer = closer
    }

    func close(_ operation: @autoclosure () -> String) throws(HDF5Error) {
        guard isOpen else { return }
        isOpen = false
        try call(operation()) { closer(id) }
    }

    deinit { if isOpen { _ = closer(id) } }
}

/// The HDF5 types of the four value kinds, in memory (native) and in the file (little endian).
enum ValueType {
    static func memory(_ values: HDF5Values) throws(HDF5Error) -> Handle {
        switch values {
        case .int64: return try copy(collop_h5t_native_int64())
        case .float64: return try copy(collop_h5t_native_double())
        case .complex: return try complexPair()
        case .strings: return try variableString()
        }
    }

    static func file(_ values: HDF5Values) throws(HDF5Error) -> Handle {
        switch values {
        case .int64: return try copy(collop_h5t_std_i64le())
        case .float64: return try copy(collop_h5t_ieee_f64le())
        case .complex, .strings: return try memory(values)
        }
    }

    static func copy(_ type: hid_t) throws(HDF5Error) -> Handle {
        Handle(try call("copying a predefined type") { H5Tcopy(type) }, closer: H5Tclose)
    }

    /// {r: float64 at byte 0, i: float64 at byte 8}: the layout of two adjacent doubles.
    static func complexPair() throws(HDF5Error) -> Handle {
        let type = Handle(try call("creating the compound type {r, i}") { H5Tcreate(H5T_COMPOUND, 16) }, closer: H5Tclose)
        try call("adding the member r") { H5Tinsert(type.id, "r", 0, collop_h5t_native_double()) }
        try call("adding the member i") { H5Tinsert(type.id, "i", 8, collop_h5t_native_double()) }
        return type
    }

    static func variableString() throws(HDF5Error) -> Handle {
        let type = try copy(collop_h5t_c_s1())
        try call("making the string type variable-length") { H5Tset_size(type.id, collop_h5t_variable()) }
        try call("making the string type UTF-8") { H5Tset_cset(type.id, H5T_CSET_UTF8) }
        return type
    }
}

/// A dataspace: a scalar, or 1-D or 2-D of the given extents.
func dataspace(_ dimensions: [Int]?) throws(HDF5Error) -> Handle {
    guard let dimensions else {
        return Handle(try call("creating a scalar dataspace") { H5Screate(H5S_SCALAR) }, closer: H5Sclose)
    }
    let extents = dimensions.map { hsize_t($0) }
    return Handle(try call("creating a dataspace of extent \(dimensions)") { H5Screate_simple(Int32(extents.count), extents, nil) }, closer: H5Sclose)
}

/// Calls `body` with a pointer to the values in their memory type (NUL-terminated copies of
/// strings, freed afterwards) and returns its status.
func withMemory(_ values: HDF5Values, _ body: (UnsafeRawPointer?) -> herr_t) -> herr_t {
    switch values {
    case .int64(let v): return v.withUnsafeBytes { body($0.baseAddress) }
    case .float64(let v), .complex(let v): return v.withUnsafeBytes { body($0.baseAddress) }
    case .strings(let v):
        let pointers = v.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeBytes { body($0.baseAddress) }
    }
}

/// A group of an open file (the file itself is its root group): attributes, subgroups,
/// datasets. `path` names it in error messages.
public class HDF5Group {
    let handle: Handle
    public let path: String

    init(_ handle: Handle, path: String) {
        self.handle = handle
        self.path = path
    }

    func child(_ name: String) -> String { path == "/" ? "/\(name)" : "\(path)/\(name)" }

    public func createGroup(_ name: String) throws(HDF5Error) -> HDF5Group {
        let id = try call("creating the group \(child(name))") {
            H5Gcreate2(handle.id, name, collop_h5p_default(), collop_h5p_default(), collop_h5p_default())
        }
        return HDF5Group(Handle(id, closer: H5Gclose), path: child(name))
    }

    public func group(_ name: String) throws(HDF5Error) -> HDF5Group {
        let id = try call("opening the group \(child(name))") { H5Gopen2(handle.id, name, collop_h5p_default()) }
        return HDF5Group(Handle(id, closer: H5Gclose), path: child(name))
    }

    /// Writes the attribute `name`: a scalar (one value) or a 1-D array.
    public func setAttribute(_ name: String, _ values: HDF5Values, scalar: Bool = false) throws(HDF5Error) {
        let what = "writing the attribute \(name) of \(path)"
        if scalar && values.count != 1 { throw HDF5Error(operation: what, reason: "a scalar needs one value, not \(values.count)") }
        let fileType = try ValueType.file(values), memoryType = try ValueType.memory(values)
        let space = try dataspace(scalar ? nil : [values.count])
        let attribute = Handle(try call(what) {
            H5Acreate2(handle.id, name, fileType.id, space.id, collop_h5p_default(), collop_h5p_default())
        }, closer: H5Aclose)
        try call(what) { withMemory(values) { H5Awrite(attribute.id, memoryType.id, $0) } }
        try attribute.close(what)
    }

    /// Writes the 1-D dataset `name`, contiguous and uncompressed.
    public func createDataset(_ name: String, _ values: HDF5Values) throws(HDF5Error) {
        let what = "writing the dataset \(child(name))"
        let fileType = try ValueType.file(values), memoryType = try ValueType.memory(values)
        let space = try dataspace([values.count])
        let dataset = Handle(try call(what) {
            H5Dcreate2(handle.id, name, fileType.id, space.id, collop_h5p_default(), collop_h5p_default(), collop_h5p_default())
        }, closer: H5Dclose)
        if values.count > 0 {
            try call(what) {
                withMemory(values) { H5Dwrite(dataset.id, memoryType.id, collop_h5s_all(), collop_h5s_all(), collop_h5p_default(), $0) }
            }
        }
        try dataset.close(what)
    }

    /// Creates the 2-D dataset `name` of `rows` × `columns` complex numbers ({r, i}),
    /// chunked one row (at most 2^16 elements) per chunk so that rows are written one at a
    /// time, uncompressed (docs/benchmarks.md: deflate doubled the cost of writing
    /// eigenvectors for a third less disk).
    public func createComplexMatrix(_ name: String, rows: Int, columns: Int) throws(HDF5Error) -> HDF5ComplexMatrix {
        let what = "creating the dataset \(child(name))"
        let type = try ValueType.complexPair()
        let space = try dataspace([rows, columns])
        let properties = Handle(try call(what) { H5Pcreate(collop_h5p_dataset_create()) }, closer: H5Pclose)
        if rows > 0 && columns > 0 {
            let chunk = [hsize_t(1), hsize_t(min(columns, 1 << 16))]
            try call("\(what): chunks") { H5Pset_chunk(properties.id, 2, chunk) }
        }
        let dataset = Handle(try call(what) {
            H5Dcreate2(handle.id, name, type.id, space.id, collop_h5p_default(), properties.id, collop_h5p_default())
        }, closer: H5Dclose)
        return try HDF5ComplexMatrix(dataset, type: type, path: child(name), columns: columns)
    }

    /// The attribute `name`, and whether it is a scalar.
    public func attribute(_ name: String) throws(HDF5Error) -> (values: HDF5Values, isScalar: Bool) {
        let what = "reading the attribute \(name) of \(path)"
        let attribute = Handle(try call(what) { H5Aopen(handle.id, name, collop_h5p_default()) }, closer: H5Aclose)
        let type = Handle(try call(what) { H5Aget_type(attribute.id) }, closer: H5Tclose)
        let space = Handle(try call(what) { H5Aget_space(attribute.id) }, closer: H5Sclose)
        let isScalar = H5Sget_simple_extent_type(space.id) == H5S_SCALAR
        let values = try read(type: type, space: space, what: what) { memoryType, buffer in H5Aread(attribute.id, memoryType, buffer) }
        return (values, isScalar)
    }

    /// The dataset `name` and its extents.
    public func dataset(_ name: String) throws(HDF5Error) -> (values: HDF5Values, shape: [Int]) {
        let what = "reading the dataset \(child(name))"
        let dataset = Handle(try call(what) { H5Dopen2(handle.id, name, collop_h5p_default()) }, closer: H5Dclose)
        let type = Handle(try call(what) { H5Dget_type(dataset.id) }, closer: H5Tclose)
        let space = Handle(try call(what) { H5Dget_space(dataset.id) }, closer: H5Sclose)
        let rank = Int(try call(what) { H5Sget_simple_extent_ndims(space.id) })
        var extents = [hsize_t](repeating: 0, count: rank)
        try call(what) { H5Sget_simple_extent_dims(space.id, &extents, nil) }
        let values = try read(type: type, space: space, what: what) { memoryType, buffer in
            H5Dread(dataset.id, memoryType, collop_h5s_all(), collop_h5s_all(), collop_h5p_default(), buffer)
        }
        return (values, extents.map { Int($0) })
    }

    /// The chunk extents of the dataset `name`, nil when it is not chunked.
    public func chunkShape(of name: String) throws(HDF5Error) -> [Int]? {
        let what = "reading the layout of \(child(name))"
        let dataset = Handle(try call(what) { H5Dopen2(handle.id, name, collop_h5p_default()) }, closer: H5Dclose)
        let properties = Handle(try call(what) { H5Dget_create_plist(dataset.id) }, closer: H5Pclose)
        guard H5Pget_layout(properties.id) == H5D_CHUNKED else { return nil }
        var extents = [hsize_t](repeating: 0, count: 32)
        let rank = Int(try call(what) { H5Pget_chunk(properties.id, 32, &extents) })
        return extents.prefix(rank).map { Int($0) }
    }

    /// Names of the attributes, in the library's (alphabetical) order.
    public func attributeNames() throws(HDF5Error) -> [String] {
        var names: [String] = []
        _ = try withUnsafeMutablePointer(to: &names) { (pointer) throws(HDF5Error) in
            try call("listing the attributes of \(path)") {
                H5Aiterate2(handle.id, H5_INDEX_NAME, H5_ITER_INC, nil, { _, name, _, data in
                    guard let name, let data else { return -1 }
                    data.assumingMemoryBound(to: [String].self).pointee.append(String(cString: name))
                    return 0
                }, pointer)
            }
        }
        return names
    }

    /// Names of the groups and datasets in this group, in the library's (alphabetical) order.
    public func memberNames() throws(HDF5Error) -> [String] {
        var names: [String] = []
        _ = try withUnsafeMutablePointer(to: &names) { (pointer) throws(HDF5Error) in
            try call("listing the members of \(path)") {
                H5Literate(handle.id, H5_INDEX_NAME, H5_ITER_INC, nil, { _, name, _, data in
                    guard let name, let data else { return -1 }
                    data.assumingMemoryBound(to: [String].self).pointee.append(String(cString: name))
                    return 0
                }, pointer)
            }
        }
        return names
    }

    /// Reads an attribute's or dataset's values through `readInto(memory type, buffer)` in
    /// the kind its stored type belongs to.
    private func read(type: Handle, space: Handle, what: String,
                      _ readInto: (hid_t, UnsafeMutableRawPointer?) -> herr_t) throws(HDF5Error) -> HDF5Values {
        let count = Int(try call(what) { H5Sget_simple_extent_npoints(space.id) })
        switch H5Tget_class(type.id) {
        case H5T_INTEGER:
            var values = [Int64](repeating: 0, count: count)
            try call(what) { values.withUnsafeMutableBytes { readInto(collop_h5t_native_int64(), $0.baseAddress) } }
            return .int64(values)
        case H5T_FLOAT:
            var values = [Double](repeating: 0, count: count)
            try call(what) { values.withUnsafeMutableBytes { readInto(collop_h5t_native_double(), $0.baseAddress) } }
            return .float64(values)
        case H5T_COMPOUND:
            let pair = try ValueType.complexPair()
            var values = [Double](repeating: 0, count: 2 * count)
            try call(what) { values.withUnsafeMutableBytes { readInto(pair.id, $0.baseAddress) } }
            return .complex(values)
        case H5T_STRING where H5Tis_variable_str(type.id) > 0:
            let memoryType = try ValueType.variableString()
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            try call(what) { pointers.withUnsafeMutableBytes { readInto(memoryType.id, $0.baseAddress) } }
            let strings = pointers.map { $0.map { String(cString: $0) } ?? "" }
            try call("\(what): freeing the strings") {
                pointers.withUnsafeMutableBytes { H5Dvlen_reclaim(memoryType.id, space.id, collop_h5p_default(), $0.baseAddress) }
            }
            return .strings(strings)
        default:
            throw HDF5Error(operation: what, reason: "its type is none of int64, float64, {r, i} or a variable-length string")
        }
    }
}

/// An HDF5 file open for writing (created, truncated) or for reading.
public final class HDF5File: HDF5Group {
    /// Creates (or truncates) the file at `path`. Closing the file closes everything still
    /// open in it and writes it out (H5F_CLOSE_STRONG), so `close` reports every write failure.
    public static func create(_ path: String) throws(HDF5Error) -> HDF5File {
        let what = "creating the HDF5 file \(path)"
        let access = Handle(try call(what) { H5Pcreate(collop_h5p_file_access()) }, closer: H5Pclose)
        try call(what) { H5Pset_fclose_degree(access.id, H5F_CLOSE_STRONG) }
        let id = try call(what) { H5Fcreate(path, collop_h5f_acc_trunc(), collop_h5p_default(), access.id) }
        return HDF5File(Handle(id, closer: H5Fclose), path: "/")
    }

    /// Opens the file at `path` read-only.
    public static func open(_ path: String) throws(HDF5Error) -> HDF5File {
        let id = try call("opening the HDF5 file \(path)") { H5Fopen(path, collop_h5f_acc_rdonly(), collop_h5p_default()) }
        return HDF5File(Handle(id, closer: H5Fclose), path: "/")
    }

    /// Writes out what is buffered and closes the file.
    public func close() throws(HDF5Error) {
        try call("flushing the HDF5 file") { H5Fflush(handle.id, H5F_SCOPE_GLOBAL) }
        try handle.close("closing the HDF5 file")
    }
}

/// A 2-D complex dataset written one row at a time.
public final class HDF5ComplexMatrix {
    private let dataset: Handle
    private let type: Handle
    private let fileSpace: Handle
    private let rowSpace: Handle
    private let columns: Int
    public let path: String

    init(_ dataset: Handle, type: Handle, path: String, columns: Int) throws(HDF5Error) {
        self.dataset = dataset
        self.type = type
        self.path = path
        self.columns = columns
        fileSpace = Handle(try call("opening the dataspace of \(path)") { H5Dget_space(dataset.id) }, closer: H5Sclose)
        rowSpace = try dataspace([columns])
    }

    /// Writes row `row` from `values`: `columns` complex numbers, interleaved r, i.
    public func writeRow(_ row: Int, _ values: UnsafeBufferPointer<Double>) throws(HDF5Error) {
        let what = "writing row \(row) of \(path)"
        guard values.count == 2 * columns else {
            throw HDF5Error(operation: what, reason: "\(values.count / 2) values for \(columns) columns")
        }
        guard columns > 0 else { return }
        let start = [hsize_t(row), 0], count = [hsize_t(1), hsize_t(columns)]
        try call(what) { H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, start, nil, count, nil) }
        try call(what) { H5Dwrite(dataset.id, type.id, rowSpace.id, fileSpace.id, collop_h5p_default(), values.baseAddress) }
    }

    public func close() throws(HDF5Error) { try dataset.close("closing \(path)") }
}
