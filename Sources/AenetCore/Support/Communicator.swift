import Foundation

/// The processes of a distributed run (MPI ranks) as the tools see them. AenetCore and
/// AenetTraining know only this protocol; the MPI implementation lives in the MPI-only target
/// `AenetMPI` (built with `AENET_MPI=1`, see scripts/build-mpi.sh). Every method is collective:
/// all ranks call it in the same order.
public protocol Communicator: AnyObject {
    var rank: Int { get }
    var size: Int { get }
    /// Element-wise sum over all ranks, in place, in a fixed order (rank 0 + rank 1 + …), so the
    /// result is the same on every rank and in every run with this number of ranks.
    func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Double>)
    /// Rank `root`'s bytes on every rank (`bytes` is replaced on the others).
    func broadcast(_ bytes: inout [UInt8], root: Int)
    /// Every rank's byte block, in rank order, on rank `root` (nil on the others).
    func gather(_ bytes: [UInt8], root: Int) -> [[UInt8]]?
    func barrier()
    /// Ends every rank at once (the last resort when a rank cannot reach the next collective).
    func abort(code: Int32) -> Never
}

extension Communicator {
    public var isRoot: Bool { rank == 0 }

    public func allreduceSum(_ values: inout [Double]) {
        values.withUnsafeMutableBufferPointer { allreduceSum($0) }
    }

    public func allreduceSum(_ x: Double) -> Double {
        var v = [x]; allreduceSum(&v); return v[0]
    }

    /// Every rank's byte block, in rank order, on every rank.
    public func allgather(_ bytes: [UInt8]) -> [[UInt8]] {
        var packed = gather(bytes, root: 0).map { ByteBlocks.pack($0) } ?? []
        broadcast(&packed, root: 0)
        return ByteBlocks.unpack(packed)
    }

    /// Rank 0's value of a trivially copyable number on every rank.
    public func broadcast<T: BitwiseCopyable>(value: T, root: Int = 0) -> T {
        var bytes = withUnsafeBytes(of: value) { Array($0) }
        broadcast(&bytes, root: root)
        return bytes.withUnsafeBytes { $0.loadUnaligned(as: T.self) }
    }

    /// The collective error check: every rank says whether its part failed; when one did, the
    /// lowest failing rank throws its own error and the others throw `RankFailed` (which the
    /// tools end with quietly, since that rank prints the message). Returns when all succeeded.
    public func check(_ error: Error?) throws {
        let failed = allgather([error == nil ? 0 : 1])
        guard let first = failed.firstIndex(where: { $0.first == 1 }) else { return }
        if first == rank, let error { throw error }
        throw RankFailed(rank: first)
    }

    /// Runs `body`, then the collective error check (see `check`).
    public func checked<T>(_ body: () throws -> T) throws -> T {
        var result: T?, failure: Error?
        do { result = try body() } catch { failure = error }
        try check(failure)
        return result!
    }

    /// Contiguous block of `count` items owned by this rank (the first `count % size` ranks get
    /// one more).
    public func block(of count: Int) -> Range<Int> { Self.block(of: count, rank: rank, size: size) }

    public static func block(of count: Int, rank: Int, size: Int) -> Range<Int> {
        let base = count / size, extra = count % size
        let lo = rank * base + min(rank, extra)
        return lo..<(lo + base + (rank < extra ? 1 : 0))
    }
}

/// Another rank failed; it reported the error itself.
public struct RankFailed: Error, CustomStringConvertible {
    public let rank: Int
    public var description: String { "stopped because rank \(rank) failed (see its message)" }
}

/// One process: every collective is the identity.
public final class SerialCommunicator: Communicator {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) {}
    public func broadcast(_ bytes: inout [UInt8], root: Int) {}
    public func gather(_ bytes: [UInt8], root: Int) -> [[UInt8]]? { [bytes] }
    public func barrier() {}
    public func abort(code: Int32) -> Never { exit(code) }
}

/// A list of byte blocks as one block: count, lengths (Int64 little-endian), then the bytes.
public enum ByteBlocks {
    public static func pack(_ blocks: [[UInt8]]) -> [UInt8] {
        var out = ByteWriter()
        out.int(blocks.count)
        for b in blocks { out.int(b.count) }
        for b in blocks { out.bytes.append(contentsOf: b) }
        return out.bytes
    }

    public static func unpack(_ packed: [UInt8]) -> [[UInt8]] {
        var r = ByteReader(packed)
        let n = r.int()
        let lengths = (0..<n).map { _ in r.int() }
        return lengths.map { r.raw($0) }
    }
}

/// Little helpers to serialize values into byte blocks for a `Communicator` (same machine
/// architecture on every rank).
public struct ByteWriter {
    public var bytes: [UInt8] = []
    public init() {}
    public mutating func int(_ x: Int) { withUnsafeBytes(of: Int64(x).littleEndian) { bytes.append(contentsOf: $0) } }
    public mutating func double(_ x: Double) { withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    public mutating func string(_ s: String) { let u = Array(s.utf8); int(u.count); bytes.append(contentsOf: u) }
    public mutating func doubles(_ a: [Double]) { int(a.count); a.withUnsafeBytes { bytes.append(contentsOf: $0) } }
    public mutating func ints(_ a: [Int]) { int(a.count); for x in a { int(x) } }
    public mutating func int32s(_ a: [Int32]) { int(a.count); a.withUnsafeBytes { bytes.append(contentsOf: $0) } }
    public mutating func strings(_ a: [String]) { int(a.count); for s in a { string(s) } }
}

public struct ByteReader {
    let bytes: [UInt8]
    var position = 0
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var atEnd: Bool { position >= bytes.count }
    public mutating func raw(_ n: Int) -> [UInt8] { defer { position += n }; return Array(bytes[position..<position + n]) }
    public mutating func int() -> Int {
        let v = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: position, as: Int64.self) }
        position += 8
        return Int(Int64(littleEndian: v))
    }
    public mutating func double() -> Double {
        let v = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: position, as: UInt64.self) }
        position += 8
        return Double(bitPattern: UInt64(littleEndian: v))
    }
    public mutating func string() -> String { let n = int(); return String(decoding: raw(n), as: UTF8.self) }
    public mutating func doubles() -> [Double] { array(of: Double.self) }
    /// A count, then that many values of a fixed-size type in this machine's byte order.
    private mutating func array<T: BitwiseCopyable>(of _: T.Type) -> [T] {
        let n = int(), size = MemoryLayout<T>.size
        let a = [T](unsafeUninitializedCapacity: n) { buf, count in
            bytes.withUnsafeBytes { src in
                UnsafeMutableRawBufferPointer(buf).copyMemory(from: UnsafeRawBufferPointer(rebasing: src[position..<position + size * n]))
            }
            count = n
        }
        position += size * n
        return a
    }
    public mutating func ints() -> [Int] { let n = int(); return (0..<n).map { _ in int() } }
    public mutating func int32s() -> [Int32] { array(of: Int32.self) }
    public mutating func strings() -> [String] { let n = int(); return (0..<n).map { _ in string() } }
}
