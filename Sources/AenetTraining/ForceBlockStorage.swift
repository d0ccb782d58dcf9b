import AenetCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a `ForceSet` keeps its derivative blocks (by far its largest part).
public enum ForceBlockPlacement: Sendable, Equatable {
    /// In memory (malloc/realloc).
    case memory
    /// In a file created in this folder and removed at once (it lives while the run has it
    /// open, so a killed run leaves nothing behind), written once while loading and then mapped
    /// read-only. After each pass of force training the pages it used are released from the
    /// process (they stay in the kernel's page cache, which can reclaim them), so the resident
    /// memory holds only the blocks of the structures being worked on.
    /// `file`: write through this existing file instead (opened, neither created nor removed;
    /// errors still name `directory`). For tests: `/dev/full` is a disk that is always full.
    case mappedFile(directory: String, file: String? = nil)
}

/// Append-only storage of Float64 blocks, in memory or in a mapped, unlinked file.
final class ForceBlockStorage: @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<Double>?
    private(set) var count = 0
    private var capacity = 0
    // File mode.
    private var fd: Int32 = -1
    private var pending: UnsafeMutablePointer<Double>?
    private var pendingCount = 0
    private let pendingCapacity = 1 << 20     // 8 MB write buffer
    private var mappedBytes = 0
    let directory: String?
    var isMapped: Bool { directory != nil }
    /// The pages the kernel hands out (for releasing whole pages).
    private let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    init(_ placement: ForceBlockPlacement) throws {
        switch placement {
        case .memory: directory = nil
        case .mappedFile(let dir, let file):
            directory = dir
            let name = file ?? dir + "/.aenet-force-blocks-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            fd = file == nil ? open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) : open(name, O_RDWR | O_CLOEXEC)
            guard fd >= 0 else {
                throw AenetError(.io, "cannot create a file for the force derivatives in this folder (\(String(cString: strerror(errno)))); it must be writable", file: dir)
            }
            if file == nil { unlink(name) }
            pending = .allocate(capacity: pendingCapacity)
        }
    }

    /// Appends `n` values from `p`; returns the index of the first.
    func append(_ p: UnsafePointer<Double>, _ n: Int) throws -> Int {
        defer { count += n }
        if directory == nil {
            if count + n > capacity {
                let c = max(count + n, capacity + capacity / 2, 1 << 16)
                guard let q = realloc(base, 8 * c) else { throw AenetError(.io, "out of memory: \(8 * c) bytes for the force derivatives") }
                base = q.assumingMemoryBound(to: Double.self); capacity = c
            }
            (base! + count).update(from: p, count: n)
            return count
        }
        var src = p, left = n
        while left > 0 {
            let k = min(left, pendingCapacity - pendingCount)
            (pending! + pendingCount).update(from: src, count: k)
            pendingCount += k; src += k; left -= k
            if pendingCount == pendingCapacity { try flush() }
        }
        return count
    }

    private func flush() throws {
        var raw = UnsafeRawPointer(pending!), left = 8 * pendingCount
        while left > 0 {
            let w = write(fd, raw, left)
            if w < 0 {
                if errno == EINTR { continue }
                let why = errno == ENOSPC ? "the disk is full" : String(cString: strerror(errno))
                throw AenetError(.io, String(format: "cannot write the force derivatives (%.3g GB so far): %@; free disk space there or run generate with a lower FORCESPERCENT", Double(8 * count) / 1e9, why), file: directory)
            }
            raw += w; left -= w
        }
        pendingCount = 0
    }

    /// Ends loading: file mode writes what is buffered and maps the file read-only.
    func finish() throws {
        guard directory != nil, fd >= 0 else { return }
        try flush()
        pending?.deallocate(); pending = nil
        defer { close(fd); fd = -1 }
        guard count > 0 else { return }
        let m = mmap(nil, 8 * count, PROT_READ, MAP_SHARED, fd, 0)
        guard let m, m != MAP_FAILED else {
            throw AenetError(.io, "cannot map the file of the force derivatives (\(String(cString: strerror(errno))))", file: directory)
        }
        mappedBytes = 8 * count
        base = m.assumingMemoryBound(to: Double.self)
    }

    /// Releases the pages of values `range` from the process (file mode only; they are read
    /// again from the page cache or the file when next used). Always safe: the mapping is
    /// read-only and backed by the file.
    func release(_ range: Range<Int>) {
        guard directory != nil, mappedBytes > 0, !range.isEmpty else { return }
        let lo = (8 * range.lowerBound) / pageSize * pageSize
        let hi = min(mappedBytes, (8 * range.upperBound + pageSize - 1) / pageSize * pageSize)
        guard hi > lo else { return }
        _ = madvise(UnsafeMutableRawPointer(base!) + lo, hi - lo, Int32(MADV_DONTNEED))
    }

    deinit {
        if directory != nil {
            if mappedBytes > 0 { munmap(base, mappedBytes) }
            pending?.deallocate()
            if fd >= 0 { close(fd) }
        } else {
            free(base)
        }
    }
}
