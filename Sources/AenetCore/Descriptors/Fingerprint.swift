/// A structural fingerprint of one central species: a fixed-length vector of descriptor values.
///
/// Implementations are immutable values and safe to share between threads: every call keeps its
/// scratch memory in `withUnsafeTemporaryAllocation` (on the stack for typical neighbour counts),
/// so concurrent calls only need distinct `Neighbourhood`s and output buffers.
///
/// Derivatives are with respect to the central atom and to each neighbour ENTRY as independent
/// points (a periodic image of the central atom is an entry of its own), exactly as aenet stores
/// them in the `.forces` file; summing entries onto atoms is the caller's job.
public protocol Fingerprint: Sendable {
    /// Number of descriptor values.
    var count: Int { get }
    /// values[0..<count]
    func evaluate(_ nb: Neighbourhood, values: UnsafeMutablePointer<Double>)
    /// Also the derivatives, in the layout of aenet's .forces file (aenet pytorchoutput.f90):
    /// dCenter[g + count*c] = ∂G_g/∂r_center,c ; dNeighbours[j + nb.count*(g + count*c)] = ∂G_g/∂r_j,c
    /// (per neighbour ENTRY j). Both arrays are overwritten (3·count and 3·count·nb.count doubles).
    func evaluate(_ nb: Neighbourhood, values: UnsafeMutablePointer<Double>,
                  dCenter: UnsafeMutablePointer<Double>, dNeighbours: UnsafeMutablePointer<Double>)
    /// Σ_g w[g] ∂G_g/∂r for the centre (added to `center`) and for each entry j (added to
    /// neighbours[3*j+c]) — what forces need, without nnb·count storage. Nothing is zeroed.
    func accumulateGradient(_ nb: Neighbourhood, weights: UnsafePointer<Double>,
                            center: inout SIMD3<Double>, neighbours: UnsafeMutablePointer<Double>)
}

/// Receives derivative contributions ∂G_g/∂r_j += v of one feature g and one entry j; the centre
/// gets −v because every term depends on r_j − r_center only (translation invariance).
protocol GradientSink {
    /// Whether derivatives are wanted at all (lets kernels skip their derivative code).
    static var wantsDerivatives: Bool { get }
    mutating func add(_ g: Int, _ j: Int, _ v: SIMD3<Double>)
}

/// Values only.
struct NoGradient: GradientSink {
    static var wantsDerivatives: Bool { false }
    @inline(__always) mutating func add(_ g: Int, _ j: Int, _ v: SIMD3<Double>) {}
}

/// Full derivative arrays in the `.forces` layout.
struct FullGradient: GradientSink {
    let dCenter: UnsafeMutablePointer<Double>
    let dNeighbours: UnsafeMutablePointer<Double>
    let count: Int, nnb: Int
    static var wantsDerivatives: Bool { true }
    init(dCenter: UnsafeMutablePointer<Double>, dNeighbours: UnsafeMutablePointer<Double>, count: Int, nnb: Int) {
        self.dCenter = dCenter; self.dNeighbours = dNeighbours; self.count = count; self.nnb = nnb
        dCenter.update(repeating: 0, count: 3 &* count)
        dNeighbours.update(repeating: 0, count: 3 &* count &* nnb)
    }
    @inline(__always) mutating func add(_ g: Int, _ j: Int, _ v: SIMD3<Double>) {
        dCenter[g] -= v.x; dCenter[g &+ count] -= v.y; dCenter[g &+ 2 &* count] -= v.z
        let base = j &+ nnb &* g, stride = nnb &* count
        dNeighbours[base] += v.x; dNeighbours[base &+ stride] += v.y; dNeighbours[base &+ 2 &* stride] += v.z
    }
}

/// Weighted contraction Σ_g w_g ∂G_g/∂r.
struct WeightedGradient: GradientSink {
    let weights: UnsafePointer<Double>
    let neighbours: UnsafeMutablePointer<Double>
    var center = SIMD3<Double>(0, 0, 0)
    static var wantsDerivatives: Bool { true }
    init(weights: UnsafePointer<Double>, neighbours: UnsafeMutablePointer<Double>) {
        self.weights = weights; self.neighbours = neighbours
    }
    @inline(__always) mutating func add(_ g: Int, _ j: Int, _ v: SIMD3<Double>) {
        let s = weights[g] * v
        center -= s
        let p = neighbours + 3 &* j
        p[0] += s.x; p[1] += s.y; p[2] += s.z
    }
}

/// π exactly as aenet's descriptor modules spell it (ext/sfbasis.f90, ext/symmfunc.f90); using the
/// full-precision constant would move results in the last bits.
let aenetPi = 3.14159265358979
