/// SplitMix64 (Steele, Lea & Flood 2014): a tiny, fast, fully specified 64-bit generator, used
/// wherever the project needs reproducible random numbers (augmentation, reference inputs).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 output function (a bijective 64-bit mixer).
    @inline(__always) public static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A generator for sub-stream `index` of `seed`: independent of how many numbers other
    /// sub-streams draw, so work can be split or reordered without changing results.
    public init(seed: UInt64, stream index: UInt64) {
        state = SplitMix64.mix(seed ^ SplitMix64.mix(index &+ 0xD1B5_4A32_D192_ED03))
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// The same as `unit()` (the name ForcesFile uses).
    public mutating func nextDouble() -> Double { unit() }

    /// Uniform in [lo, hi).
    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }
}
