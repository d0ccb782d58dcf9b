import Foundation

/// Artrith–Urban–Ceder Chebyshev descriptor, numerically as aenet 2.0.4 computes it (aenet ext/sfbasis.f90 and ext/chebyshev.f90).
///
/// Layout (rN = radialOrder+1, aN = angularOrder+1): [radial | angular | spin-weighted radial |
/// spin-weighted angular], the weighted blocks only when `envCount > 1`. Reproduces aenet's quirks:
/// π = 3.14159265358979 in fc, no clamp of cos θ, no cutoff on d_jk, and the stale spin s_j of the
/// weighted angular block (compat/DIFFERENCES.md) — which makes results depend on neighbour order when
/// angularCutoff > radialCutoff. Neighbours whose `localType` is −1 count in the unweighted blocks
/// (as in aenet) and carry spin 0 in the weighted ones.
public struct ChebyshevFingerprint: Fingerprint {
    public let radialCutoff: Double
    public let radialOrder: Int
    public let angularCutoff: Double
    public let angularOrder: Int
    /// localType[t] = 0-based position of global type t in the ENV list (−1 if absent).
    public let localType: [Int32]
    public let envCount: Int
    public let count: Int
    /// aenet's "typespin" of every global type (0 when absent from ENV).
    let spinOfType: [Double]
    let multi: Bool
    let rN: Int, aN: Int
    /// O(n) angular evaluation for the values-only path (nil for high angular orders).
    let moments: ChebyshevMoments?

    /// Expand cos θ on aenet 2.0.0–2.0.3's domain [0, π] (x = (2cosθ − π)/π) instead of 2.0.4's
    /// [−1, 1]: for potentials trained before 2.0.4 (github atomisticnet/aenet issue 10).
    /// See `ChebyshevConvention`.
    public var legacyAngularDomain = false

    /// Tests only: use the O(n²) pair loop for the angular force contraction even where the
    /// O(n) moment sweeps apply (the two are compared against each other).
    var forcePairKernel = false

    /// Tests only: use the sequential value sums even where `evaluateVectorised` applies.
    var sequentialValues = false

    /// aenet's d > EPS guards (ext/sfbasis.f90 EPS = 1e-12).
    static let eps = 1.0e-12

    /// localType[t] = 0-based position of global type t in this setup's ENV list (-1 if absent); envCount = ENV length.
    public init(radialCutoff: Double, radialOrder: Int, angularCutoff: Double, angularOrder: Int,
                localType: [Int32], envCount: Int) {
        precondition(radialOrder >= 0 && angularOrder >= 0 && envCount >= 1)
        self.radialCutoff = radialCutoff; self.radialOrder = radialOrder
        self.angularCutoff = angularCutoff; self.angularOrder = angularOrder
        self.localType = localType; self.envCount = envCount
        rN = radialOrder + 1; aN = angularOrder + 1
        multi = envCount > 1
        count = (rN + aN) * (multi ? 2 : 1)
        let spins = Self.typeSpins(envCount)
        moments = angularOrder <= ChebyshevMoments.maxOrder ? ChebyshevMoments(order: angularOrder) : nil
        spinOfType = localType.map { $0 >= 0 && Int($0) < envCount ? spins[Int($0)] : 0 }
    }

    /// aenet's spin of each ENV species (new_SFBasis): start at trunc(−n/2), skip 0 when n is even.
    public static func typeSpins(_ n: Int) -> [Double] {
        var s = -n / 2
        var out: [Double] = []
        for _ in 0..<n {
            if s == 0 && n % 2 == 0 { s += 1 }
            out.append(Double(s)); s += 1
        }
        return out
    }

    /// Cutoff function as in sfb_fc / sfb_fc_d1 (note the (π/Rc)·R grouping).
    @inline(__always) static func cutoff(_ d: Double, _ rc: Double) -> (f: Double, df: Double) {
        if d >= rc { return (0, 0) }
        let a = aenetPi / rc
        return (0.5 * (cos(a * d) + 1.0), -0.5 * a * sin(a * d))
    }

    @inline(__always) func spin(_ t: Int32) -> Double {
        Int(t) < spinOfType.count && t >= 0 ? spinOfType[Int(t)] : 0
    }

    public func evaluate(_ nb: Neighbourhood, values: UnsafeMutablePointer<Double>) {
        values.update(repeating: 0, count: count)
        if vectorisedValues && !sequentialValues, nb.withPointers({ evaluateVectorised($0, values) }) { return }
        let cap = nb.count + 4
        nb.withPointers { p in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 5 * cap) { buf in
                let ux = buf.baseAddress!, uy = ux + cap, uz = uy + cap, fa = uz + cap, sfa = fa + cap
                withUnsafeTemporaryAllocation(of: Double.self, capacity: cap) { sjBuf in
                    let sj = sjBuf.baseAddress!
                    let m = radialAndCompact(p, values, ux, uy, uz, fa, sfa, sj)
                    // The moment tables hold T_n's coefficients in cos θ: 2.0.4's domain only.
                    if let moments, !legacyAngularDomain {
                        moments.accumulate(m, ux, uy, uz, fa, sfa, sj, unweighted: values + rN,
                                           weighted: multi ? values + (2 * rN + aN) : nil)
                    } else {
                        angularValues(m, values, ux, uy, uz, fa, sfa, sj)
                    }
                }
            }
        }
    }

    /// Radial blocks (added to `values`) and the compact list of angular candidates: unit vectors,
    /// fc, spin·fc, the stale s_j and (optionally) the entry index and dfc. Returns their number;
    /// four zero entries follow so that vector loads past the end contribute nothing.
    @inline(__always)
    func radialAndCompact(_ p: NeighbourPointers, _ values: UnsafeMutablePointer<Double>,
                          _ ux: UnsafeMutablePointer<Double>, _ uy: UnsafeMutablePointer<Double>,
                          _ uz: UnsafeMutablePointer<Double>, _ fa: UnsafeMutablePointer<Double>,
                          _ sfa: UnsafeMutablePointer<Double>, _ sj: UnsafeMutablePointer<Double>,
                          entry: UnsafeMutablePointer<Int>? = nil, dfa: UnsafeMutablePointer<Double>? = nil) -> Int {
        let rr = radialCutoff, ra = angularCutoff
        let rw = rN + aN
        var s = 1.0   // aenet's s_j: only refreshed inside the radial branch (compat/DIFFERENCES.md)
        var m = 0
        for j in 0..<p.count {
            let d = p.distance[j]
            if d <= rr && d > Self.eps {
                let (f, _) = Self.cutoff(d, rr)
                let x = (2.0 * d - rr) / rr
                if multi { s = spin(p.type[j]) }
                var tm = 1.0, t = x
                values[0] += f; if multi { values[rw] += s * f }
                if rN > 1 {
                    values[1] += f * x; if multi { values[rw &+ 1] += s * (f * x) }
                    var n = 2
                    while n < rN {
                        let tn = 2.0 * x * t - tm
                        tm = t; t = tn
                        values[n] += f * tn; if multi { values[rw &+ n] += s * (f * tn) }
                        n &+= 1
                    }
                }
            }
            if d <= ra && d >= Self.eps {
                let inv = 1.0 / d
                let (f, df) = Self.cutoff(d, ra)
                ux[m] = p.dx[j] * inv; uy[m] = p.dy[j] * inv; uz[m] = p.dz[j] * inv
                fa[m] = f; sfa[m] = spin(p.type[j]) * f; sj[m] = s
                entry?[m] = j; dfa?[m] = df
                m &+= 1
            }
        }
        for q in m..<(m + 4) { ux[q] = 0; uy[q] = 0; uz[q] = 0; fa[q] = 0; sfa[q] = 0; sj[q] = 0 }
        return m
    }

    /// Angular blocks over pairs a < b of the compact list, four partners b at a time.
    /// Σ_b fc_a fc_b T_n(cos) is factored as fc_a·Σ_b fc_b T_n (same for the spin weights).
    @inline(__always)
    func angularValues(_ m: Int, _ values: UnsafeMutablePointer<Double>,
                       _ ux: UnsafeMutablePointer<Double>, _ uy: UnsafeMutablePointer<Double>,
                       _ uz: UnsafeMutablePointer<Double>, _ fa: UnsafeMutablePointer<Double>,
                       _ sfa: UnsafeMutablePointer<Double>, _ sj: UnsafeMutablePointer<Double>) {
        guard m > 1 else { return }
        typealias V = SIMD4<Double>
        let na = aN
        withUnsafeTemporaryAllocation(of: V.self, capacity: 4 * na) { accBuf in
            let accU = accBuf.baseAddress!, accW = accU + na, totU = accW + na, totW = totU + na
            totU.update(repeating: V(), count: 2 * na)
            @inline(__always) func load(_ q: UnsafeMutablePointer<Double>) -> V {
                UnsafeRawPointer(q).loadUnaligned(as: V.self)
            }
            for a in 0..<(m - 1) {
                let xa = V(repeating: ux[a]), ya = V(repeating: uy[a]), za = V(repeating: uz[a])
                accU.update(repeating: V(), count: 2 * na)
                var b = a + 1
                while b < m {
                    let f = load(fa + b), sf = load(sfa + b)
                    let c = xa * load(ux + b) + ya * load(uy + b) + za * load(uz + b)
                    // aenet rescales cos from [-1,1]: x = (2c − r0 − r1)/(r1 − r0) = ((2c + 1) − 1)/2.
                    let x = legacyAngularDomain ? (2.0 * c - ChebyshevConvention.pi) / ChebyshevConvention.pi
                        : ((2.0 * c + 1.0) - 1.0) * 0.5
                    accU[0] += f; accW[0] += sf
                    if na > 1 {
                        accU[1] += f * x; accW[1] += sf * x
                        var tm = V(repeating: 1), t = x
                        var n = 2
                        while n < na {
                            let tn = 2.0 * x * t - tm
                            tm = t; t = tn
                            accU[n] += f * tn; accW[n] += sf * tn
                            n &+= 1
                        }
                    }
                    b &+= 4
                }
                let fA = V(repeating: fa[a]), sA = V(repeating: sj[a] * fa[a])
                for n in 0..<na { totU[n] += fA * accU[n]; totW[n] += sA * accW[n] }
            }
            for n in 0..<na {
                values[rN + n] += totU[n].sum()
                if multi { values[2 * rN + na + n] += totW[n].sum() }
            }
        }
    }
}
