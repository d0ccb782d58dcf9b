import Foundation

/// Reads Fortran unformatted sequential records from a memory-mapped file (gfortran's unformatted sequential records).
///
/// Records are parsed in place; a record may be read only partly (as Fortran allows) — the
/// next call moves to the next record. Subrecords (> 2 GiB) are rejected with a clear error.
public final class FortranRecordReader {
    public let path: String
    private let data: Data
    private var offset = 0
    public private(set) var recordNumber = 0

    public init(path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw AenetError(.missingFile, "file not found", file: path)
        }
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) }
        catch { throw AenetError(.missingFile, "cannot read file (\(error.localizedDescription))", file: path) }
    }

    public init(data: Data, name: String = "<memory>") { self.data = data; self.path = name }

    public var atEnd: Bool { offset >= data.count }
    /// Bytes after the current position (for checking claimed counts before allocating).
    public var remainingBytes: Int { max(0, data.count - offset) }

    /// Byte offset of the next record (to come back to it with `seek`).
    public var position: Int { offset }
    public func seek(to position: Int) { offset = position }

    /// The payload of the next record.
    public func next() throws -> FortranRecord {
        recordNumber += 1
        guard offset + 4 <= data.count else { throw failure("unexpected end of file (truncated or not an aenet file)") }
        let n = Int(int32(at: offset))
        guard n >= 0 else { throw failure("record longer than 2 GiB or corrupt length marker") }
        let start = offset + 4
        guard start + n + 4 <= data.count else { throw failure("truncated record (file cut short?)") }
        guard Int(int32(at: start + n)) == n else { throw failure("record markers disagree (corrupt file)") }
        offset = start + n + 4
        return FortranRecord(data: data, start: start, count: n, reader: self, number: recordNumber)
    }

    /// Skips one record.
    public func skip() throws { _ = try next() }

    public func failure(_ message: String) -> AenetError {
        AenetError(.corruptFile, "record \(recordNumber): \(message)", file: path)
    }

    private func int32(at k: Int) -> Int32 {
        data.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(fromByteOffset: k, as: Int32.self)) }
    }
}

/// One record's payload, consumed front to back.
public struct FortranRecord {
    let data: Data
    /// Byte offset of the payload in the file (zero-copy readers address the mapped data with it).
    public let start: Int
    public let count: Int
    let reader: FortranRecordReader
    let number: Int
    private var cursor = 0

    init(data: Data, start: Int, count: Int, reader: FortranRecordReader, number: Int) {
        self.data = data; self.start = start; self.count = count; self.reader = reader; self.number = number
    }

    public var remaining: Int { count - cursor }

    private mutating func take(_ n: Int) throws -> Int {
        guard cursor + n <= count else {
            throw AenetError(.corruptFile, "record \(number): expected \(cursor + n) bytes, record has \(count) (wrong file type or corrupt)", file: reader.path)
        }
        defer { cursor += n }
        return start + cursor
    }

    public mutating func int32() throws -> Int32 {
        let k = try take(4)
        return data.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(fromByteOffset: k, as: Int32.self)) }
    }
    public mutating func int() throws -> Int { Int(try int32()) }
    public mutating func double() throws -> Double {
        let k = try take(8)
        return data.withUnsafeBytes { Double(bitPattern: UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: k, as: UInt64.self))) }
    }
    /// Fortran logical: any non-zero value is true (gfortran writes 1, ifort −1).
    public mutating func logical() throws -> Bool { try int32() != 0 }

    public mutating func doubles(_ n: Int) throws -> [Double] {
        let k = try take(8 * n)
        return [Double](unsafeUninitializedCapacity: n) { buf, initialized in
            data.withUnsafeBytes { raw in
                _ = memcpy(buf.baseAddress!, raw.baseAddress! + k, 8 * n)
            }
            initialized = n
        }
    }
    /// Copies `n` doubles into `dest` without allocating.
    public mutating func doubles(_ n: Int, into dest: UnsafeMutablePointer<Double>) throws {
        let k = try take(8 * n)
        data.withUnsafeBytes { raw in _ = memcpy(dest, raw.baseAddress! + k, 8 * n) }
    }
    public mutating func ints(_ n: Int) throws -> [Int] {
        var out: [Int] = []; out.reserveCapacity(n)
        for _ in 0..<n { out.append(try int()) }
        return out
    }
    /// A `character(len=n)` field with trailing blanks removed.
    public mutating func string(_ n: Int) throws -> String {
        let k = try take(n)
        let bytes = data[data.startIndex + k ..< data.startIndex + k + n]
        var s = String(decoding: bytes, as: UTF8.self)
        while let last = s.last, last == " " || last == "\0" { s.removeLast() }
        return s
    }
    /// The rest of the record as text (variable-length strings).
    public mutating func restAsString() throws -> String { try string(remaining) }
}
