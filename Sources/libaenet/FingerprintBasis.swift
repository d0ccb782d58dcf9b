import AenetCore
import Foundation

// aenet's stand-alone Chebyshev fingerprint basis (aenet_sfb_*), independent of the potentials:
// the same descriptor as a Chebyshev potential setup whose ENV list is the aenet_sfb_init list.

final class BasisState: @unchecked Sendable {
    var basis: ChebyshevFingerprint?
    var types: [String] = []
    private let mutex = ProcessLock()
    init() {}
    func locked<R>(_ body: () throws -> R) rethrows -> R { try mutex.locked(body) }
    static let shared = BasisState()
}

@_cdecl("aenet_sfb_init")
public func aenet_sfb_init(_ ntypes: Int32, _ atomTypes: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                           _ radialOrder: Int32, _ angularOrder: Int32, _ radialRc: Double, _ angularRc: Double,
                           _ stat: UnsafeMutablePointer<Int32>?) {
    let f = "aenet_sfb_init"
    let st = BasisState.shared
    st.locked {
        if st.basis != nil { return finish(stat, errInit, f, "basis already set up (call aenet_sfb_final first)") }
        guard ntypes > 0 else { return finish(stat, errType, f, "number of species \(ntypes) must be positive") }
        guard radialOrder >= 0, angularOrder >= 0, radialOrder < 10_000, angularOrder < 10_000 else {
            return finish(stat, errMalloc, f, "orders must be 0…9999 (got \(radialOrder), \(angularOrder))")
        }
        guard radialRc > 0, angularRc > 0, radialRc.isFinite, angularRc.isFinite else {
            return finish(stat, errMalloc, f, "cutoffs must be positive (got \(radialRc), \(angularRc))")
        }
        guard let atomTypes else { return finish(stat, errMalloc, f, "atom_types is a null pointer") }
        var names: [String] = []
        for k in 0..<Int(ntypes) {
            guard let p = atomTypes[k] else { return finish(stat, errMalloc, f, "atom_types[\(k)] is a null pointer") }
            names.append(speciesName(p))
        }
        let n = Int(ntypes)
        st.types = names
        st.basis = ChebyshevFingerprint(radialCutoff: radialRc, radialOrder: Int(radialOrder), angularCutoff: angularRc,
                                        angularOrder: Int(angularOrder), localType: (0..<n).map { Int32($0) }, envCount: n)
        finish(stat, statusOK)
    }
}

@_cdecl("aenet_sfb_final")
public func aenet_sfb_final(_ stat: UnsafeMutablePointer<Int32>?) {
    let st = BasisState.shared
    st.locked {
        guard st.basis != nil else { return finish(stat, errInit, "aenet_sfb_final", "no basis set up") }
        st.basis = nil; st.types = []
        finish(stat, statusOK)
    }
}

@_cdecl("aenet_sfb_nvalues")
public func aenet_sfb_nvalues() -> Int32 {
    let st = BasisState.shared
    return st.locked { Int32(st.basis?.count ?? 0) }
}

@_cdecl("aenet_sfb_eval")
public func aenet_sfb_eval(_ itype0: Int32, _ coo0: UnsafePointer<Double>?, _ nat: Int32, _ itype1: UnsafePointer<Int32>?,
                           _ coo1: UnsafePointer<Double>?, _ nv: Int32, _ values: UnsafeMutablePointer<Double>?,
                           _ stat: UnsafeMutablePointer<Int32>?) {
    let f = "aenet_sfb_eval"
    let st = BasisState.shared
    guard let b = st.locked({ st.basis }) else { return finish(stat, errInit, f, "no basis set up (aenet_sfb_init)") }
    guard Int(nv) == b.count else { return finish(stat, errMalloc, f, "nv = \(nv), but the basis has \(b.count) values") }
    guard let coo0, let values, nat >= 0 else { return finish(stat, errMalloc, f, "null pointer or negative count") }
    let ntypes = Int32(b.envCount)
    guard itype0 >= 1 && itype0 <= ntypes else { return finish(stat, errType, f, "itype0 = \(itype0) out of range 1…\(ntypes)") }
    let n = Int(nat)
    if n > 0 && (itype1 == nil || coo1 == nil) { return finish(stat, errMalloc, f, "itype1 or coo1 is a null pointer") }
    var hood = Neighbourhood()
    hood.reserve(n)
    let r0 = SIMD3(coo0[0], coo0[1], coo0[2])
    hood.center = r0
    for j in 0..<n {
        let t = itype1![j]
        guard t >= 1 && t <= ntypes else { return finish(stat, errType, f, "itype1[\(j)] = \(t) out of range 1…\(ntypes)") }
        let r = SIMD3(coo1![3 * j], coo1![3 * j + 1], coo1![3 * j + 2]) - r0
        hood.append(r, d2: (r * r).sum(), atom: Int32(j), type: t - 1)
    }
    b.evaluate(hood, values: values)
    finish(stat, statusOK)
}

@_cdecl("aenet_sfb_reconstruct_radial")
public func aenet_sfb_reconstruct_radial(_ nv: Int32, _ values: UnsafePointer<Double>?, _ nx: Int32,
                                         _ x: UnsafeMutablePointer<Double>?, _ y: UnsafeMutablePointer<Double>?,
                                         _ stat: UnsafeMutablePointer<Int32>?) {
    let f = "aenet_sfb_reconstruct_radial"
    let st = BasisState.shared
    guard let b = st.locked({ st.basis }) else { return finish(stat, errInit, f, "no basis set up (aenet_sfb_init)") }
    let rN = b.radialOrder + 1
    guard let values, let x, let y, Int(nv) >= rN, nx >= 2 else {
        return finish(stat, errMalloc, f, "null pointer, nv < \(rN) radial values, or nx < 2")
    }
    // Grid on [0, Rc]; Chebyshev weight 1/sqrt(1 − t²) on the rescaled interval, as aenet.
    let rc = b.radialCutoff, n = Int(nx)
    let dx = rc / Double(n - 1)
    let piInv = 1.0 / 3.14159265358979
    for i in 0..<n { x[i] = Double(i) * dx }
    var t = [Double](repeating: 0, count: rN)
    for i in 0..<(n - 1) {
        let u = (2.0 * x[i] - 0.0 - rc) / (rc - 0.0)
        t[0] = 1
        if rN > 1 { t[1] = u }
        if rN > 2 { for k in 2..<rN { t[k] = 2.0 * u * t[k - 1] - t[k - 2] } }
        let r = x[i] / rc
        let w = 0.5 / (r - r * r).squareRoot()
        for k in 0..<rN { t[k] = t[k] * w * piInv }
        t[0] = 0.5 * t[0]
        var s = 0.0
        for k in stride(from: rN - 1, through: 0, by: -1) { s += values[k] * t[k] }
        y[i] = s
    }
    y[n - 1] = 0
    finish(stat, statusOK)
}
