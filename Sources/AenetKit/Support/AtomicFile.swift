import Foundation

/// Writes a file completely or not at all: into a temporary sibling, then renamed into place.
public enum AtomicFile {
    /// - Parameter overwrite: when false an existing file is an error (aenet's `status='new'`).
    public static func write(_ bytes: [UInt8], to path: String, overwrite: Bool) throws {
        try write(to: path, overwrite: overwrite) { tmp in
            guard FileManager.default.createFile(atPath: tmp, contents: Data(bytes)) else {
                throw AenetError("cannot write (directory missing or not writable?)", file: path)
            }
        }
    }

    /// Runs `produce` with a temporary path beside `path` and renames the result into place.
    public static func write(to path: String, overwrite: Bool, _ produce: (String) throws -> Void) throws {
        let fm = FileManager.default
        if !overwrite && fm.fileExists(atPath: path) {
            throw AenetError("output file already exists; remove it or choose another name (aenet refuses to overwrite it too)", file: path)
        }
        let dir = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        let tmp = (dir.isEmpty ? "" : dir + "/") + ".\(base).tmp-\(getpid())"
        do {
            try produce(tmp)
            if rename(tmp, path) != 0 {
                throw AenetError("cannot rename temporary file into place: \(String(cString: strerror(errno)))", file: path)
            }
        } catch {
            try? fm.removeItem(atPath: tmp)
            throw error
        }
    }
}

/// Streams bytes to a file opened once; used for outputs too large to hold in memory.
public final class BinaryFileSink {
    private let handle: UnsafeMutablePointer<FILE>
    public let path: String

    public init(path: String) throws {
        guard let h = fopen(path, "wb") else {
            throw AenetError("cannot create file: \(String(cString: strerror(errno)))", file: path)
        }
        handle = h; self.path = path
    }

    public func write(_ bytes: [UInt8]) throws {
        let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
        guard n == bytes.count else { throw AenetError("write failed (disk full?)", file: path) }
    }

    public func close() throws {
        guard fclose(handle) == 0 else { throw AenetError("closing failed (disk full?)", file: path) }
    }
}
