import Foundation

/// SIGINT and SIGTERM end collop with status 130 / 143 and never leave a partial table:
/// the only file that can exist half-written is the temporary file of an atomic write,
/// and the handler unlinks it (unlink and _exit are async-signal-safe). SIGXFSZ (a write past
/// the file-size limit) is ignored, so that write fails with EFBIG and the writer reports it
/// and removes the temporary file instead of the process dying with a partial one.
enum SignalGuard {
    /// Path of the temporary file being written, NUL-terminated, or empty.
    nonisolated(unsafe) private static let pathBuffer: UnsafeMutablePointer<CChar> = {
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(PATH_MAX) + 1)
        buffer[0] = 0
        return buffer
    }()

    /// Installs the handlers and unblocks the two signals (a parent may have launched us
    /// with them blocked); the executable does this once at start.
    static func install() {
        _ = pathBuffer
        var set = sigset_t()
        sigemptyset(&set)
        for signal in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                if SignalGuard.pathBuffer[0] != 0 { unlink(SignalGuard.pathBuffer) }
                _exit(128 + number)
            }
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
            sigaddset(&set, signal)
        }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        signal(SIGXFSZ, SIG_IGN)
    }

    /// Registers the temporary file of an atomic write (nil when it is gone). The first
    /// byte is written last, so the handler never sees a half-written path.
    static func setTemporaryFile(_ path: String?) {
        pathBuffer[0] = 0
        guard let path else { return }
        let bytes = Array(path.utf8.prefix(Int(PATH_MAX)))
        guard let first = bytes.first else { return }
        for (i, byte) in bytes.enumerated().dropFirst() { pathBuffer[i] = CChar(bitPattern: byte) }
        pathBuffer[bytes.count] = 0
        pathBuffer[0] = CChar(bitPattern: first)
    }
}
