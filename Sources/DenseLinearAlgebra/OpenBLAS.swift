import CLapacke
import Numerics

/// The BLAS/LAPACK backend behind LAPACKE (OpenBLAS on Debian).
public enum LinearAlgebraBackend {
    /// OpenBLAS's build description, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64".
    public static var description: String {
        guard let config = openblas_get_config() else { return "OpenBLAS (unknown configuration)" }
        return String(cString: config).trimmingCharacters(in: " ")
    }

    /// Threads OpenBLAS uses for one LAPACK call.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(clamping: max(newValue, 1))) }
    }
}

private extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
