/// A 64-bit FNV-1a hash of values, to record what a file belongs to (train.restart) and to
/// recognise it later. Not cryptographic: it detects accidental mismatches, not forgeries.
public struct ContentHash: Sendable, Equatable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var h = value
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        value = h
    }
    public mutating func add(_ bytes: [UInt8]) { bytes.withUnsafeBytes { add($0) } }
    public mutating func add(_ x: Double) { withUnsafeBytes(of: x.bitPattern.littleEndian) { add($0) } }
    public mutating func add(_ x: Int) { withUnsafeBytes(of: Int64(x).littleEndian) { add($0) } }
    public mutating func add(_ s: String) { add(s.utf8.count); add(Array(s.utf8)) }
    public mutating func add(_ xs: [Double]) { add(xs.count); xs.withUnsafeBytes { add($0) } }
}
