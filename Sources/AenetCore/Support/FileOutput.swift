import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small POSIX helpers for paths and the low-level write under staged outputs (StagedOutput.swift).
public enum FileOutput {
    /// Creates `path` (which must not exist yet) and writes `contents` to it: the primitive under
    /// `StagedOutputs`; tools write through `AtomicFile` or `StagedOutputs`, never with this directly.
    static func writeNew(path: String, contents: String) throws {
        try write(path: path, contents: contents, flags: O_WRONLY | O_CREAT | O_EXCL)
    }

    static func write(path: String, contents: String, flags: Int32) throws {
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else { throw AenetError(.io, "cannot create file: \(errnoText())", file: path) }
        var text = contents
        let ok = text.withUTF8 { buf -> Bool in
            var done = 0
            while done < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + done, buf.count - done)
                if n < 0 { if errno == EINTR { continue }; return false }
                done += n
            }
            return true
        }
        let err = errnoText()
        guard close(fd) == 0, ok else { throw AenetError(.io, "cannot write file: \(err)", file: path) }
    }

    /// The reason of the last failed file operation, with what to do about it.
    public static func errnoText() -> String { text(forErrno: errno) }

    static func text(forErrno e: Int32) -> String {
        let reason = String(cString: strerror(e))
        switch e {
        case ENOSPC, EDQUOT: return reason + " (the disk is full: free some space or write to another disk)"
        case EROFS: return reason + " (run from a writable folder or copy the inputs to one)"
        case EACCES, EPERM: return reason + " (check the folder's permissions)"
        case ENOENT, ENOTDIR: return reason + " (the folder does not exist)"
        case EFBIG: return reason + " (the file size limit, ulimit -f, was reached)"
        default: return reason
        }
    }

    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Device and inode of an existing file, to tell whether two paths name the same file.
    public static func identity(_ path: String) -> (UInt64, UInt64)? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return (UInt64(st.st_dev), UInt64(st.st_ino))
    }

    /// The directory part of `path` ("." when there is none).
    public static func directory(of path: String) -> String {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    /// The last component of `path`.
    public static func lastComponent(of path: String) -> String {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let slash = trimmed.lastIndex(of: "/") else { return trimmed }
        return String(trimmed[trimmed.index(after: slash)...])
    }
}
