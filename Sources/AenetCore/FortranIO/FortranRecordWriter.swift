import Foundation

/// Builds a file of Fortran unformatted sequential records (`[i4 n][n bytes][i4 n]`, little endian),
/// the framing of every binary file aenet writes (gfortran's unformatted sequential records).
public struct FortranRecordWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    private var recordStart: Int?

    public init(reservingCapacity n: Int = 0) { bytes.reserveCapacity(n) }

    /// A writer continuing complete records made elsewhere.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Opens a record; values appended until `endRecord()` form its payload.
    public mutating func beginRecord() {
        precondition(recordStart == nil, "record already open")
        recordStart = bytes.count
        append(Int32(0))
    }

    public mutating func endRecord() {
        guard let start = recordStart else { preconditionFailure("no open record") }
        let n = Int32(bytes.count - start - 4)
        withUnsafeBytes(of: n.littleEndian) { raw in
            for k in 0..<4 { bytes[start + k] = raw[k] }
        }
        append(n)
        recordStart = nil
    }

    /// One record holding the given values, in order.
    public mutating func record(_ body: (inout FortranRecordWriter) -> Void) {
        beginRecord(); body(&self); endRecord()
    }

    public mutating func append(_ v: Int32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    public mutating func append(_ v: Int) { append(Int32(truncatingIfNeeded: v)) }
    public mutating func append(_ v: Double) { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    /// Fortran default logical: gfortran writes 1 for true.
    public mutating func append(logical v: Bool) { append(Int32(v ? 1 : 0)) }
    public mutating func append(_ v: [Double]) { for x in v { append(x) } }
    public mutating func append(_ v: UnsafeBufferPointer<Double>) { for x in v { append(x) } }
    public mutating func append(_ v: [Int32]) { for x in v { append(x) } }
    public mutating func append(_ v: [Int]) { for x in v { append(x) } }
    /// A `character(len=n)` field: blank padded or truncated to exactly `n` bytes.
    public mutating func append(_ s: String, length n: Int) {
        let u = Array(s.utf8.prefix(n))
        bytes.append(contentsOf: u)
        bytes.append(contentsOf: repeatElement(0x20, count: n - u.count))
    }
    /// Raw bytes of a string with no padding (variable-length records such as structure paths).
    public mutating func append(raw s: String) { bytes.append(contentsOf: Array(s.utf8)) }

    public mutating func removeAll(keepingCapacity: Bool = true) {
        bytes.removeAll(keepingCapacity: keepingCapacity); recordStart = nil
    }
}
