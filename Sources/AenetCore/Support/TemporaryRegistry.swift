import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The temporary files and directories this process has open (staged outputs), so that they are
/// removed when the process is interrupted (SIGINT, SIGTERM, SIGHUP) — not only on error paths —
/// and the stale ones of a process that died (SIGKILL, power loss) are removed by the next run.
///
/// The signal handler only reads a fixed table of C strings and calls unlink/rmdir
/// (async-signal-safe); registration happens under a lock outside the handler.
public enum TemporaryRegistry {
    static let capacity = 256
    /// Slot i: a malloc'ed C path, or nil. Written only under `lock`; read by the handler.
    nonisolated(unsafe) static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let p = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        p.initialize(repeating: nil, count: capacity)
        return p
    }()
    /// 1 where the slot holds a directory (its files are removed one level deep, then it).
    nonisolated(unsafe) static let isDir: UnsafeMutablePointer<Int32> = {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        p.initialize(repeating: 0, count: capacity)
        return p
    }()
    static let lock = NSLock()
    nonisolated(unsafe) static var installed = false

    /// Notes about stale temporaries removed (stderr by default; tests may replace it).
    nonisolated(unsafe) public static var report: (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func register(_ path: String, directory: Bool = false) {
        lock.lock(); defer { lock.unlock() }
        installHandlers()
        for i in 0..<capacity where slots[i] == nil {
            isDir[i] = directory ? 1 : 0
            slots[i] = strdup(path)
            return
        }
    }

    static func unregister(_ path: String) {
        lock.lock(); defer { lock.unlock() }
        for i in 0..<capacity {
            if let p = slots[i], strcmp(p, path) == 0 {
                slots[i] = nil
                free(p)
                return
            }
        }
    }

    private static func installHandlers() {
        guard !installed else { return }
        installed = true
        // A parent may start us with these signals blocked (inherited mask): unblock them so that
        // an interruption reaches the handler instead of staying pending until exit.
        var set = sigset_t()
        sigemptyset(&set)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, sig) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        // Beyond `ulimit -f` a write then fails with EFBIG and is reported like a full disk,
        // instead of SIGXFSZ killing the process before it can clean up.
        signal(SIGXFSZ, SIG_IGN)
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            let previous = signal(sig) { sig in
                TemporaryRegistry.removeAllForSignal()
                signal(sig, SIG_DFL)
                raise(sig)
            }
            // A signal the parent chose to ignore (nohup, background jobs) stays ignored.
            if let previous, unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
                signal(sig, SIG_IGN)
            }
        }
    }

    /// Signal context: unlink/rmdir only.
    static func removeAllForSignal() {
        for i in 0..<capacity {
            guard let p = slots[i] else { continue }
            if isDir[i] != 0 {
                if let d = opendir(p) {
                    while let e = readdir(d) {
                        var name = e.pointee.d_name
                        withUnsafeBytes(of: &name) { raw in
                            let cname = raw.bindMemory(to: CChar.self).baseAddress!
                            if strcmp(cname, ".") == 0 || strcmp(cname, "..") == 0 { return }
                            var full = [CChar](repeating: 0, count: 4352)
                            strncpy(&full, p, 4096); strncat(&full, "/", 1); strncat(&full, cname, 255)
                            unlink(full)
                        }
                    }
                    closedir(d)
                }
                rmdir(p)
            } else {
                unlink(p)
            }
        }
    }

    /// Removes `.<name>.tmp-<pid>` siblings of `path` left by processes that no longer run, with a
    /// note for each; temporaries of running processes (another run writing the same output) are
    /// left alone.
    public static func removeStale(near path: String) {
        let dir = FileOutput.directory(of: path)
        let prefix = "." + FileOutput.lastComponent(of: path) + ".tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) == 0 || errno != ESRCH { continue }
            let full = dir == "." && !path.hasPrefix("./") ? name : dir + "/" + name
            if (try? FileManager.default.removeItem(atPath: full)) != nil {
                report("note: removed \(full), left by an interrupted run (process \(pid) no longer exists)")
            }
        }
    }
}
