import AenetCore
import Foundation

/// gfortran's `random_number` generator (xoshiro256**, gfortran ≥ 9) with the seed mapping of
/// `random_seed(put=/get=)`, so that a `train.rngstate` written by aenet gives the same draws here
/// and vice versa (aenet train.f90, decide_testing_set).
public struct GfortranRandom: Sendable, Equatable {
    /// Number of default integers in gfortran's seed (`random_seed(size=n)`).
    public static let seedSize = 8
    /// libgfortran XORs the user seed with these words (so an all-zero seed is still usable).
    static let scramble: [UInt64] = [0xbd0c5b6e50c2df49, 0xd46061cd46e1df38, 0xbb4f4d4ed6103544, 0x114a583d0756ad39]

    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    /// The generator after `random_seed(put=seed)` with 8 default integers.
    public init(seed: [Int32]) {
        precondition(seed.count == Self.seedSize)
        // libgfortran copies the integers into its state bytes in reverse order.
        let w = (0..<8).map { UInt64(UInt32(bitPattern: seed[7 - $0])) }
        var s = [UInt64](repeating: 0, count: 4)
        for k in 0..<4 { s[k] = (w[2 * k] | (w[2 * k + 1] << 32)) ^ Self.scramble[k] }
        state = (s[0], s[1], s[2], s[3])
    }

    /// aenet's clock seeding: seed(i) = clock + 37·(i−1).
    public init(clock: Int32) {
        self.init(seed: (0..<8).map { clock &+ Int32(37 * $0) })
    }

    public static func == (a: Self, b: Self) -> Bool { a.seed == b.seed }

    /// `random_seed(get=)`: the current state as 8 default integers.
    public var seed: [Int32] {
        let s = [state.0, state.1, state.2, state.3]
        var w = [UInt32](repeating: 0, count: 8)
        for k in 0..<4 {
            let v = s[k] ^ Self.scramble[k]
            w[2 * k] = UInt32(truncatingIfNeeded: v)
            w[2 * k + 1] = UInt32(truncatingIfNeeded: v >> 32)
        }
        return (0..<8).map { Int32(bitPattern: w[7 - $0]) }
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// The next 64-bit output of xoshiro256**.
    public mutating func next64() -> UInt64 {
        var (s0, s1, s2, s3) = state
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t
        s3 = Self.rotl(s3, 45)
        state = (s0, s1, s2, s3)
        return result
    }

    /// `call random_number(r)` for a double: the top 53 bits scaled to [0, 1).
    public mutating func nextDouble() -> Double {
        Double(next64() & ~UInt64(0x7ff)) * 0x1p-64
    }
}

/// The file `train.rngstate`: two records, the seed size and the seed (aenet train.f90, decide_testing_set).
public enum RandomStateFile {
    /// Reads the state; nil (with the reason) when the file holds a seed of another size, the case
    /// in which aenet warns and goes on with a clock seed.
    public static func read(path: String) throws -> (GfortranRandom?, warning: String?) {
        let r = try FortranRecordReader(path: path)
        var rec = try r.next()
        let n = try rec.int()
        rec = try r.next()
        guard n == GfortranRandom.seedSize, rec.count >= 4 * n else {
            return (nil, "unable to restart RNG state (incompatible seed of size \(n) in \(path)); using a fresh seed")
        }
        let seed = try (0..<n).map { _ in try rec.int32() }
        return (GfortranRandom(seed: seed), nil)
    }

    public static func write(_ g: GfortranRandom, path: String) throws {
        var w = FortranRecordWriter()
        w.record { $0.append(Int32(GfortranRandom.seedSize)) }
        w.record { $0.append(g.seed) }
        try AtomicFile.write(w.bytes, to: path, overwrite: true)
    }
}

/// aenet's choice of test structures (decide_testing_set, aenet train.f90, decide_testing_set).
public enum TestSplit {
    /// `isTest[i]` for structures in file order, drawing from `rng` exactly as aenet does.
    public static func draw(count n: Int, testPercent p: Double, rng: inout GfortranRandom) -> [Bool] {
        let nTrain = Int(((1.0 - p / 100.0) * Double(n)).rounded(.up))
        let nTest = n - nTrain
        var isTest = [Bool](repeating: false, count: n)
        var itrain = 0, itest = 0
        for i in 0..<n {
            if itest == nTest { itrain += 1 }
            else if itrain == nTrain { itest += 1; isTest[i] = true }
            else if rng.nextDouble() <= p / 100.0 { itest += 1; isTest[i] = true }
            else { itrain += 1 }
        }
        return isTest
    }
}
