import Foundation

/// Writes a file completely or not at all: into a temporary sibling, then renamed into place.
public enum AtomicFile {
    /// - Parameter overwrite: when false an existing file is an error (aenet's `status='new'`).
    public static func write(_ bytes: [UInt8], to path: String, overwrite: Bool) throws {
        try write(to: path, overwrite: overwrite) { tmp in
            guard FileManager.default.createFile(atPath: tmp, contents: Data(bytes)) else {
                throw AenetError(.io, "cannot write (directory missing or not writable?)", file: path)
            }
        }
    }

    /// Runs `produce` with a temporary path beside `path` and renames the result into place.
    public static func write(to path: String, overwrite: Bool, _ produce: (String) throws -> Void) throws {
        let fm = FileManager.default
        if !overwrite && fm.fileExists(atPath: path) {
            throw AenetError(.outputExists, "output file already exists; remove it or choose another name (aenet refuses to overwrite it too)", file: path)
        }
        let dir = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        let tmp = (dir.isEmpty ? "" : dir + "/") + ".\(base).tmp-\(getpid())"
        do {
            try produce(tmp)
            if rename(tmp, path) != 0 {
                throw AenetError(.io, "cannot rename temporary file into place: \(String(cString: strerror(errno)))", file: path)
            }
        } catch {
            try? fm.removeItem(atPath: tmp)
            throw error
        }
    }
}

/// A file written in pieces under a temporary sibling name and renamed into place by `commit`;
/// discarded (the temporary removed) if never committed. For outputs too large to hold in memory.
public final class StagedFile {
    public let path: String
    private let tmpPath: String
    private let handle: UnsafeMutablePointer<FILE>
    private var finished = false

    /// - Parameter overwrite: when false an existing file is an error (aenet's `status='new'`).
    public init(path: String, overwrite: Bool) throws {
        if !overwrite && FileManager.default.fileExists(atPath: path) {
            throw AenetError(.outputExists, "output file already exists; remove it or choose another name (aenet refuses to overwrite it too)", file: path)
        }
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        tmpPath = (dir.isEmpty ? "" : dir + "/") + ".\((path as NSString).lastPathComponent).tmp-\(getpid())"
        guard let h = fopen(tmpPath, "wb") else {
            throw AenetError(.io, "cannot create file: \(String(cString: strerror(errno)))", file: path)
        }
        handle = h
    }

    deinit { discard() }

    public func write(_ bytes: [UInt8]) throws {
        let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
        guard n == bytes.count else { throw AenetError(.io, "write failed (disk full?)", file: path) }
    }

    /// Closes the file and moves it into place (replacing an older file of that name).
    public func commit() throws {
        guard !finished else { return }
        finished = true
        guard fclose(handle) == 0 else { unlink(tmpPath); throw AenetError(.io, "closing failed (disk full?)", file: path) }
        guard rename(tmpPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
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
    }
}
