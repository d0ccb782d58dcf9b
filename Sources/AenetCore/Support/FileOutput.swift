import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small POSIX helpers for writing outputs that are either complete or absent.
public enum FileOutput {
    /// Creates `path` (which must not exist yet) and writes `contents` to it.
    public static func writeNew(path: String, contents: String) throws {
        try write(path: path, contents: contents, flags: O_WRONLY | O_CREAT | O_EXCL)
    }

    /// Creates or truncates `path` and writes `contents` to it.
    public static func replace(path: String, contents: String) throws {
        try write(path: path, contents: contents, flags: O_WRONLY | O_CREAT | O_TRUNC)
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

    public static func errnoText() -> String { String(cString: strerror(errno)) }

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

/// Outputs written under hidden temporary names next to their final paths and renamed into place
/// only by `commit()`; `discard()` (or a failed commit) removes every trace.
///
/// A final directory may already exist if it is empty (rename(2) replaces an empty directory);
/// a final file must not exist unless `replaceFiles` is set.
public final class StagedOutputs {
    private var items: [(temp: String, final: String, isDirectory: Bool)] = []
    private let tag = "augment-tmp-\(getpid())"
    public var replaceFiles = false

    public init() {}

    /// Creates the temporary directory that will become `final` and returns its path.
    public func directory(final: String) throws -> String {
        let temp = tempPath(for: final)
        guard mkdir(temp, 0o755) == 0 else {
            throw AenetError(.io, "cannot create a directory next to it: \(FileOutput.errnoText())", file: final)
        }
        items.append((temp, final, true))
        return temp
    }

    /// Writes `contents` to a temporary file that will become `final`.
    public func file(final: String, contents: String) throws {
        let temp = tempPath(for: final)
        try FileOutput.writeNew(path: temp, contents: contents)
        items.append((temp, final, false))
    }

    /// Renames everything into place; on failure undoes the renames already done and removes the rest.
    public func commit() throws {
        var done: [(temp: String, final: String, isDirectory: Bool)] = []
        for item in items {
            if !item.isDirectory && !replaceFiles && FileOutput.exists(item.final) {
                undo(done); discard()
                throw AenetError(.outputExists, "already exists; not replaced", file: item.final)
            }
            if rename(item.temp, item.final) != 0 {
                let why = errno == ENOTEMPTY || errno == EEXIST ? "already exists and is not empty" : FileOutput.errnoText()
                undo(done); discard()
                throw AenetError(.io, "cannot create: \(why)", file: item.final)
            }
            done.append(item)
        }
        items = []
    }

    /// Removes all temporary outputs.
    public func discard() {
        for item in items { try? FileManager.default.removeItem(atPath: item.temp) }
        items = []
    }

    private func undo(_ done: [(temp: String, final: String, isDirectory: Bool)]) {
        for item in done.reversed() { _ = rename(item.final, item.temp) }
    }

    private func tempPath(for final: String) -> String {
        let dir = FileOutput.directory(of: final)
        let name = "." + FileOutput.lastComponent(of: final) + "." + tag
        return dir == "." ? name : dir + "/" + name
    }
}
