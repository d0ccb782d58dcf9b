import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Outputs are complete or absent: every file and directory a tool writes is first written under
/// a hidden temporary name beside its final path, `.<name>.tmp-<pid>`, and renamed into place
/// when complete. This file is the one home of that mechanism.
enum Staging {
    /// The temporary sibling of `path` used while it is being written by this process.
    public static func temporaryPath(for path: String) -> String {
        let dir = FileOutput.directory(of: path)
        let name = "." + FileOutput.lastComponent(of: path) + ".tmp-\(getpid())"
        return dir == "." && !path.hasPrefix("./") ? name : dir + "/" + name
    }

    /// Moves the finished temporary `temp` to `final` unless `final` exists, atomically: two runs
    /// writing the same output cannot both succeed, and neither replaces the other's file.
    /// (link(2) fails with EEXIST atomically; rename(2) would replace.) On failure `temp` is removed.
    static func placeWithoutReplacing(_ temp: String, _ final: String) throws {
        if link(temp, final) == 0 { unlink(temp); return }
        let e = errno
        if e == EEXIST {
            unlink(temp)
            throw AenetError(.outputExists, "was created by another process while this run was writing it; that file is kept and this run's result dropped (run one job per output name)", file: final)
        }
        // File systems without hard links: check, then rename (not atomic, but the best there is).
        guard e == EPERM || e == EOPNOTSUPP || e == EMLINK || e == ENOSYS || e == EXDEV else {
            unlink(temp)
            throw AenetError(.io, "cannot move the finished file into place: \(FileOutput.text(forErrno: e))", file: final)
        }
        if FileOutput.exists(final) {
            unlink(temp)
            throw AenetError(.outputExists, "was created by another process while this run was writing it; that file is kept", file: final)
        }
        guard rename(temp, final) == 0 else {
            let reason = FileOutput.errnoText()
            unlink(temp)
            throw AenetError(.io, "cannot move the finished file into place: \(reason)", file: final)
        }
    }

    static func refuseExisting(_ path: String, overwrite: Bool) throws {
        if !overwrite && FileOutput.exists(path) {
            throw AenetError(.outputExists, "output file already exists; remove it or choose another name (aenet refuses to overwrite it too)", file: path)
        }
    }
}

/// Writes a file completely or not at all.
public enum AtomicFile {
    /// - Parameter overwrite: when false an existing file is an error (aenet's `status='new'`).
    public static func write(_ bytes: [UInt8], to path: String, overwrite: Bool) throws {
        let f = try StagedFile(path: path, overwrite: overwrite)
        try f.write(bytes)
        try f.commit()
    }

    public static func write(_ text: String, to path: String, overwrite: Bool) throws {
        try write(Array(text.utf8), to: path, overwrite: overwrite)
    }
}

/// A file written in pieces under its temporary name and renamed into place by `commit`;
/// discarded (the temporary removed) if never committed. For outputs too large to hold in memory.
public final class StagedFile {
    public let path: String
    private let tmpPath: String
    private let handle: UnsafeMutablePointer<FILE>
    private let overwrite: Bool
    private var finished = false

    /// - Parameter overwrite: when false an existing file is an error (aenet's `status='new'`).
    public init(path: String, overwrite: Bool) throws {
        try Staging.refuseExisting(path, overwrite: overwrite)
        self.path = path
        self.overwrite = overwrite
        tmpPath = Staging.temporaryPath(for: path)
        TemporaryRegistry.removeStale(near: path)
        TemporaryRegistry.register(tmpPath)
        guard let h = fopen(tmpPath, "wb") else {
            let reason = FileOutput.errnoText()
            TemporaryRegistry.unregister(tmpPath)
            throw AenetError(.io, "cannot create file: \(reason)", file: path)
        }
        handle = h
    }

    deinit { discard() }

    public func write(_ bytes: [UInt8]) throws {
        let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
        guard n == bytes.count else { throw AenetError(.io, "write failed: \(FileOutput.errnoText())", file: path) }
    }

    /// Closes the file and moves it into place: replacing an older file of that name when
    /// `overwrite` was given, otherwise never (if another process created the file meanwhile,
    /// its file is kept and this one is an error).
    public func commit() throws {
        guard !finished else { return }
        finished = true
        defer { TemporaryRegistry.unregister(tmpPath) }
        guard fflush(handle) == 0, fclose(handle) == 0 else {
            let reason = FileOutput.errnoText()
            unlink(tmpPath)
            throw AenetError(.io, "writing failed: \(reason)", file: path)
        }
        if !overwrite {
            try Staging.placeWithoutReplacing(tmpPath, path)
            return
        }
        guard rename(tmpPath, path) == 0 else {
            let reason = FileOutput.errnoText()
            unlink(tmpPath)
            throw AenetError(.io, "cannot move the finished file into place: \(reason)", file: path)
        }
    }

    /// Drops the partial file.
    public func discard() {
        guard !finished else { return }
        finished = true
        fclose(handle)
        unlink(tmpPath)
        TemporaryRegistry.unregister(tmpPath)
    }
}

/// Several outputs (files and directories) committed together: renamed into place only by
/// `commit()`; `discard()` (or a failed commit) removes every trace.
///
/// A final directory may already exist if it is empty (rename(2) replaces an empty directory);
/// a final file must not exist unless `replaceFiles` is set.
public final class StagedOutputs {
    private var items: [(temp: String, final: String, isDirectory: Bool)] = []
    public var replaceFiles = false

    public init() {}

    /// Creates the temporary directory that will become `final` and returns its path.
    public func directory(final: String) throws -> String {
        let temp = Staging.temporaryPath(for: final)
        TemporaryRegistry.removeStale(near: final)
        guard mkdir(temp, 0o755) == 0 else {
            throw AenetError(.io, "cannot create a directory next to it: \(FileOutput.errnoText())", file: final)
        }
        TemporaryRegistry.register(temp, directory: true)
        items.append((temp, final, true))
        return temp
    }

    /// Writes a file inside a directory made by `directory(final:)` (it moves with the directory).
    public func write(_ contents: String, inDirectory temp: String, name: String) throws {
        try FileOutput.writeNew(path: temp + "/" + name, contents: contents)
    }

    /// Writes `contents` to the temporary file that will become `final`.
    public func file(final: String, contents: String) throws {
        let temp = Staging.temporaryPath(for: final)
        TemporaryRegistry.removeStale(near: final)
        TemporaryRegistry.register(temp)
        do { try FileOutput.writeNew(path: temp, contents: contents) } catch {
            unlink(temp); TemporaryRegistry.unregister(temp); throw error
        }
        items.append((temp, final, false))
    }

    /// Renames everything into place; on failure undoes the renames already done and removes the rest.
    public func commit() throws {
        var done: [(temp: String, final: String, isDirectory: Bool)] = []
        for item in items {
            if !item.isDirectory && !replaceFiles {
                if FileOutput.exists(item.final) {
                    undo(done); discard()
                    throw AenetError(.outputExists, "already exists; not replaced", file: item.final)
                }
                do { try Staging.placeWithoutReplacing(item.temp, item.final) } catch { undo(done); discard(); throw error }
            } else if rename(item.temp, item.final) != 0 {
                let exists = errno == ENOTEMPTY || errno == EEXIST
                let why = exists ? "already exists and is not empty" : FileOutput.errnoText()
                undo(done); discard()
                throw AenetError(exists ? .outputExists : .io, "cannot create: \(why)", file: item.final)
            }
            done.append(item)
        }
        for item in items { TemporaryRegistry.unregister(item.temp) }
        items = []
    }

    /// Removes all temporary outputs.
    public func discard() {
        for item in items { try? FileManager.default.removeItem(atPath: item.temp); TemporaryRegistry.unregister(item.temp) }
        items = []
    }

    private func undo(_ done: [(temp: String, final: String, isDirectory: Bool)]) {
        for item in done.reversed() { _ = rename(item.final, item.temp) }
    }
}
