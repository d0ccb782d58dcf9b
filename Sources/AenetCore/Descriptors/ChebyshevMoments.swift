/// Tables for evaluating the angular Chebyshev sums in O(neighbours) instead of O(neighbours²).
///
/// T_n(u_a·u_b) is a polynomial in c = u_a·u_b, and c^k = Σ_{|α|=k} k!/α! u_a^α u_b^α. So
/// Σ_{a<b} x_a y_b c_ab^k = Σ_b y_b ⟨P_k(<b), u_b^α⟩ with the running prefix moment
/// P_k(<b) = Σ_{a<b} x_a k!/α! u_a^α. A single sweep in list order keeps aenet's a < b pairing, so
/// the stale spin weights x_a ≠ y_a of a quirk listed in compat/DIFFERENCES.md are handled exactly. The power basis costs
/// accuracy for high orders, hence `maxOrder`; beyond it the pair loop is used.
struct ChebyshevMoments: Sendable {
    /// Largest angular order evaluated this way (T_8 has coefficients up to 256; errors stay ~1e-13 relative).
    static let maxOrder = 8

    let order: Int
    /// Monomials grouped by degree: exponents and k!/α!, degree k at start[k]..<start[k+1].
    let px: [Int], py: [Int], pz: [Int]
    let multinomial: [Double]
    let start: [Int]
    /// chebyshev[n*(order+1) + k] = coefficient of c^k in T_n(c).
    let chebyshev: [Double]
    /// Degree |α| of every monomial.
    let degree: [Int]
    /// ∂u^α/∂u_c = derivativeFactor[3i+c] · u^(derivativeIndex[3i+c]) (factor 0, index 0 when α_c = 0).
    let derivativeIndex: [Int], derivativeFactor: [Double]

    var monomialCount: Int { px.count }

    init(order: Int) {
        self.order = order
        var px: [Int] = [], py: [Int] = [], pz: [Int] = [], mult: [Double] = [], start = [0]
        func factorial(_ n: Int) -> Double { n < 2 ? 1 : Double(n) * factorial(n - 1) }
        for k in 0...order {
            for a in stride(from: k, through: 0, by: -1) {
                for b in stride(from: k - a, through: 0, by: -1) {
                    px.append(a); py.append(b); pz.append(k - a - b)
                    mult.append(factorial(k) / (factorial(a) * factorial(b) * factorial(k - a - b)))
                }
            }
            start.append(px.count)
        }
        self.px = px; self.py = py; self.pz = pz; multinomial = mult; self.start = start
        degree = (0..<px.count).map { px[$0] + py[$0] + pz[$0] }
        var di: [Int] = [], df: [Double] = []
        for i in 0..<px.count {
            for (c, e) in [px[i], py[i], pz[i]].enumerated() {
                guard e > 0 else { di.append(0); df.append(0); continue }
                var a = [px[i], py[i], pz[i]]; a[c] -= 1
                di.append((0..<px.count).first { px[$0] == a[0] && py[$0] == a[1] && pz[$0] == a[2] }!)
                df.append(Double(e))
            }
        }
        derivativeIndex = di; derivativeFactor = df
        // T_0 = 1, T_1 = c, T_{n+1} = 2c T_n − T_{n−1}, as coefficient rows.
        let w = order + 1
        var t = [Double](repeating: 0, count: w * w)
        t[0] = 1
        if order >= 1 { t[w + 1] = 1 }
        if order >= 2 {
            for n in 2...order {
                for k in 0...order {
                    t[n * w + k] = (k > 0 ? 2 * t[(n - 1) * w + k - 1] : 0) - t[(n - 2) * w + k]
                }
            }
        }
        chebyshev = t
    }

    /// Unweighted (A_n) and spin-weighted (W_n) angular sums over pairs a < b of the compact list:
    /// A_n = Σ fa_a fa_b T_n(c_ab), W_n = Σ (sj_a fa_a)(sfa_b) T_n(c_ab). Results are added to
    /// `unweighted[0..<order+1]` and, when `weighted` is given, to `weighted[0..<order+1]`.
    func accumulate(_ m: Int, _ ux: UnsafePointer<Double>, _ uy: UnsafePointer<Double>, _ uz: UnsafePointer<Double>,
                    _ fa: UnsafePointer<Double>, _ sfa: UnsafePointer<Double>, _ sj: UnsafePointer<Double>,
                    unweighted: UnsafeMutablePointer<Double>, weighted: UnsafeMutablePointer<Double>?) {
        let nm = monomialCount, w = order + 1
        let multi = weighted != nil
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * nm + 3 * w + 2 * w) { buf in
            let mono = buf.baseAddress!, pu = mono + nm, pw = pu + nm
            let xp = pw + nm, yp = xp + w, zp = yp + w, du = zp + w, dw = du + w
            pu.update(repeating: 0, count: 2 * nm)
            du.update(repeating: 0, count: 2 * w)
            px.withUnsafeBufferPointer { ex in py.withUnsafeBufferPointer { ey in pz.withUnsafeBufferPointer { ez in
            multinomial.withUnsafeBufferPointer { mc in start.withUnsafeBufferPointer { st in
                for b in 0..<m {
                    xp[0] = 1; yp[0] = 1; zp[0] = 1
                    var q = 1
                    while q < w { xp[q] = xp[q &- 1] * ux[b]; yp[q] = yp[q &- 1] * uy[b]; zp[q] = zp[q &- 1] * uz[b]; q &+= 1 }
                    for i in 0..<nm { mono[i] = xp[ex[i]] * yp[ey[i]] * zp[ez[i]] }
                    // Pairs (a, b) with every earlier a.
                    let f = fa[b], sf = sfa[b]
                    for k in 0..<w {
                        var su = 0.0, sw = 0.0
                        for i in st[k]..<st[k &+ 1] { su += pu[i] * mono[i]; sw += pw[i] * mono[i] }
                        du[k] += f * su
                        if multi { dw[k] += sf * sw }
                    }
                    // b becomes an earlier partner.
                    let xu = f, xw = sj[b] * f
                    for i in 0..<nm {
                        let v = mc[i] * mono[i]
                        pu[i] += xu * v
                        if multi { pw[i] += xw * v }
                    }
                }
            } } } } }
            chebyshev.withUnsafeBufferPointer { t in
                for n in 0..<w {
                    var a = 0.0, s = 0.0
                    for k in 0..<w { a += t[n &* w &+ k] * du[k]; s += t[n &* w &+ k] * dw[k] }
                    unweighted[n] += a
                    if let weighted { weighted[n] += s }
                }
            }
        }
    }
}
