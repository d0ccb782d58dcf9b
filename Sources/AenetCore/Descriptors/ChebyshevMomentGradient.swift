/// The contracted angular force kernel in O(neighbours) instead of O(neighbours²).
///
/// With the network's weights W the angular energy of an atom is
/// E = Σ_{a<b} x_a y_b P(c_ab) over the compact angular list, c_ab = u_a·u_b, where P(c) = Σ_n W_n T_n(c)
/// is a polynomial of degree N in c (one for the unweighted block with x = y = fc, one for the
/// spin-weighted block with x_a = s_a(stale)·fc_a, y_b = spin_b·fc_b). Expanding c^k in monomials of the
/// unit vectors (`ChebyshevMoments`), for an entry j the partners b > j contribute through the polynomial
/// g_j(u) = Σ_{b>j} y_b P(u·u_b) = Σ_α G_α u^α (a suffix moment) and the partners a < j through
/// h_j(u) = Σ_{a<j} x_a P(u·u_a) (a prefix moment). Both roles carry the factor fc_j, so with
/// k_j = fc_j-free part of g_j + h_j (spin factors folded in) the gradient on r_j is
/// fc'_j k_j(u_j) u_j + (fc_j/d_j)(∇k_j − (u_j·∇k_j) u_j), ∇ taken in free u.
/// A backward sweep builds the suffix moments, a forward sweep the prefix moments: no subtraction of
/// running totals, aenet's a < b pairing (and the stale spin of compat/DIFFERENCES.md) kept exactly.
extension ChebyshevMoments {
    /// Doubles of scratch `gradient` needs.
    var gradientScratchCount: Int { 6 * monomialCount + 3 * (order + 1) + 11 * paddedCount }

    /// All monomials u^α in this type's order, degree k from degree k − 1 by contiguous products:
    /// x·(degree k − 1), y·(its α_x = 0 tail), z·(its last), no index gathers.
    @inline(__always)
    func fillMonomials(_ x: Double, _ y: Double, _ z: Double, _ mono: UnsafeMutablePointer<Double>,
                       _ st: UnsafeBufferPointer<Int>) {
        mono[0] = 1
        var k = 1
        while k <= order {
            let s0 = st[k &- 1], s1 = st[k], n0 = s1 &- s0
            for i in 0..<n0 { mono[s1 &+ i] = x * mono[s0 &+ i] }
            let tail = s1 &- k
            for j in 0..<k { mono[s1 &+ n0 &+ j] = y * mono[tail &+ j] }
            mono[s1 &+ n0 &+ k] = z * mono[s1 &- 1]
            k &+= 1
        }
    }

    /// monomialCount rounded up to whole SIMD4 vectors.
    var paddedCount: Int { (monomialCount + 3) & ~3 }

    /// Writes the angular gradient of entry q of the compact list to (gx, gy, gz)[q] for q < m
    /// (overwriting them). wu/ww: the weights of the unweighted / spin-weighted angular blocks
    /// (ww nil for a single species). `kv` holds m doubles of scratch, `scratch` gradientScratchCount.
    func gradient(_ m: Int, _ ux: UnsafePointer<Double>, _ uy: UnsafePointer<Double>, _ uz: UnsafePointer<Double>,
                  _ fa: UnsafePointer<Double>, _ dfa: UnsafePointer<Double>, _ sp: UnsafePointer<Double>,
                  _ sj: UnsafePointer<Double>, _ invd: UnsafePointer<Double>,
                  wu: UnsafePointer<Double>, ww: UnsafePointer<Double>?,
                  _ gx: UnsafeMutablePointer<Double>, _ gy: UnsafeMutablePointer<Double>, _ gz: UnsafeMutablePointer<Double>,
                  kv: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>) {
        let nm = monomialCount, w = order + 1
        let multi = ww != nil
        let cu = scratch, cw = cu + nm, mono = cw + nm, accA = mono + nm, accB = accA + nm, kk = accB + nm
        let xp = kk + nm, yp = xp + w, zp = yp + w
        // Polynomial coefficients of P_u and P_w in c, spread over the monomials with k!/α!.
        chebyshev.withUnsafeBufferPointer { t in multinomial.withUnsafeBufferPointer { mc in degree.withUnsafeBufferPointer { dg in
            for i in 0..<nm {
                let k = dg[i]
                var pu = 0.0, pw = 0.0
                for n in k..<w { pu += wu[n] * t[n &* w &+ k]; if let ww { pw += ww[n] * t[n &* w &+ k] } }
                cu[i] = pu * mc[i]; cw[i] = pw * mc[i]
            }
        } } }
        // Without stale spins (s_a = spin_a for every entry, e.g. angular cutoff ≤ radial cutoff) both
        // blocks are symmetric in a, b: one pass over totals suffices (`symmetricGradient`).
        var symmetric = true
        if multi { for q in 0..<m where sj[q] != sp[q] { symmetric = false; break } }
        if symmetric {
            symmetricGradient(m, ux, uy, uz, fa, dfa, sp, invd, wu: wu, ww: ww, gx, gy, gz,
                              cu: cu, cw: cw, scratch: xp + 3 * w)
            return
        }
        px.withUnsafeBufferPointer { ex in py.withUnsafeBufferPointer { ey in pz.withUnsafeBufferPointer { ez in
        derivativeIndex.withUnsafeBufferPointer { di in derivativeFactor.withUnsafeBufferPointer { df in
            @inline(__always) func monomials(_ q: Int) {
                xp[0] = 1; yp[0] = 1; zp[0] = 1
                var e = 1
                while e < w { xp[e] = xp[e &- 1] * ux[q]; yp[e] = yp[e &- 1] * uy[q]; zp[e] = zp[e &- 1] * uz[q]; e &+= 1 }
                for i in 0..<nm { mono[i] = xp[ex[i]] * yp[ey[i]] * zp[ez[i]] }
            }
            /// k(u_q) and ∇k(u_q) of kk (monomials of u_q in `mono`).
            @inline(__always) func evaluate() -> (Double, Double, Double, Double) {
                var v = 0.0, dx = 0.0, dy = 0.0, dz = 0.0
                for i in 0..<nm {
                    let c = kk[i]
                    v += c * mono[i]
                    dx += c * (df[3 &* i] * mono[di[3 &* i]])
                    dy += c * (df[3 &* i &+ 1] * mono[di[3 &* i &+ 1]])
                    dz += c * (df[3 &* i &+ 2] * mono[di[3 &* i &+ 2]])
                }
                return (v, dx, dy, dz)
            }
            // Backward sweep: partners b > q (suffix moments of y_b = fc_b and spin_b·fc_b).
            accA.update(repeating: 0, count: 2 * nm)
            var q = m &- 1
            while q >= 0 {
                monomials(q)
                let s = sj[q]
                if multi { for i in 0..<nm { kk[i] = accA[i] + s * accB[i] } } else { for i in 0..<nm { kk[i] = accA[i] } }
                let (v, dx, dy, dz) = evaluate()
                kv[q] = v; gx[q] = dx; gy[q] = dy; gz[q] = dz
                let f = fa[q], sf = sp[q] * fa[q]
                for i in 0..<nm { accA[i] += f * (cu[i] * mono[i]) }
                if multi { for i in 0..<nm { accB[i] += sf * (cw[i] * mono[i]) } }
                q &-= 1
            }
            // Forward sweep: partners a < q (prefix moments of x_a = fc_a and s_a·fc_a).
            accA.update(repeating: 0, count: 2 * nm)
            for q in 0..<m {
                monomials(q)
                let s = sp[q]
                if multi { for i in 0..<nm { kk[i] = accA[i] + s * accB[i] } } else { for i in 0..<nm { kk[i] = accA[i] } }
                let (v, dx, dy, dz) = evaluate()
                let k = kv[q] + v, kx = gx[q] + dx, ky = gy[q] + dy, kz = gz[q] + dz
                let x = ux[q], y = uy[q], z = uz[q]
                let radial = dfa[q] * k, tangential = fa[q] * invd[q]
                let along = x * kx + y * ky + z * kz
                gx[q] = radial * x + tangential * (kx - along * x)
                gy[q] = radial * y + tangential * (ky - along * y)
                gz[q] = radial * z + tangential * (kz - along * z)
                let f = fa[q], sf = sj[q] * fa[q]
                for i in 0..<nm { accA[i] += f * (cu[i] * mono[i]) }
                if multi { for i in 0..<nm { accB[i] += sf * (cw[i] * mono[i]) } }
            }
        } } } } }
    }

    /// The symmetric case: with k_q(u) = Σ_{b≠q} fc_b (P_u + s_q s_b P_w)(u·u_b) = T_u(u) + s_q T_w(u) − fc_q (P_u(1) + s_q² P_w(1))
    /// (T: moments over all entries, the self term's gradient is radial in u and drops out of the
    /// tangential projection). T and its three partial derivatives are fixed polynomials, so each
    /// entry costs its monomials and eight contiguous dot products.
    private func symmetricGradient(_ m: Int, _ ux: UnsafePointer<Double>, _ uy: UnsafePointer<Double>, _ uz: UnsafePointer<Double>,
                                   _ fa: UnsafePointer<Double>, _ dfa: UnsafePointer<Double>, _ sp: UnsafePointer<Double>,
                                   _ invd: UnsafePointer<Double>, wu: UnsafePointer<Double>, ww: UnsafePointer<Double>?,
                                   _ gx: UnsafeMutablePointer<Double>, _ gy: UnsafeMutablePointer<Double>, _ gz: UnsafeMutablePointer<Double>,
                                   cu: UnsafePointer<Double>, cw: UnsafePointer<Double>, scratch: UnsafeMutablePointer<Double>) {
        typealias V = SIMD4<Double>
        let nm = monomialCount, np = paddedCount, w = order + 1
        let multi = ww != nil
        // mono | T_u | T_w | eight polynomials: T_u, ∂x T_u, ∂y T_u, ∂z T_u, T_w, ∂x T_w, ∂y T_w, ∂z T_w.
        let mono = scratch, tu = mono + np, tw = tu + np, polyD = tw + np
        mono.update(repeating: 0, count: np)
        tu.update(repeating: 0, count: 2 * np + 8 * np)
        var pu1 = 0.0, pw1 = 0.0
        for n in 0..<w { pu1 += wu[n]; if let ww { pw1 += ww[n] } }
        // Pass 1: moments over every entry.
        start.withUnsafeBufferPointer { st in
            for q in 0..<m {
                fillMonomials(ux[q], uy[q], uz[q], mono, st)
                let f = fa[q], sf = sp[q] * fa[q]
                if multi {
                    for i in 0..<nm { tu[i] += f * mono[i]; tw[i] += sf * mono[i] }
                } else {
                    for i in 0..<nm { tu[i] += f * mono[i] }
                }
            }
        }
        // T_u, T_w as polynomials in free u, and their partial derivatives (same monomial basis).
        derivativeIndex.withUnsafeBufferPointer { di in derivativeFactor.withUnsafeBufferPointer { df in
            for i in 0..<nm {
                let a = cu[i] * tu[i], b = cw[i] * tw[i]
                polyD[i] += a; polyD[4 &* np &+ i] += b
                for c in 0..<3 where df[3 &* i &+ c] != 0 {
                    let j = di[3 &* i &+ c]
                    polyD[(1 &+ c) &* np &+ j] += df[3 &* i &+ c] * a
                    polyD[(5 &+ c) &* np &+ j] += df[3 &* i &+ c] * b
                }
            }
        } }
        @inline(__always) func load(_ p: UnsafeMutablePointer<Double>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        // Pass 2: evaluate at every u_q.
        start.withUnsafeBufferPointer { st in
            for q in 0..<m {
                fillMonomials(ux[q], uy[q], uz[q], mono, st)
                var a0 = V(), a1 = V(), a2 = V(), a3 = V(), b0 = V(), b1 = V(), b2 = V(), b3 = V()
                var i = 0
                while i < np {
                    let mv = load(mono + i)
                    a0 += load(polyD + i) * mv; a1 += load(polyD + np + i) * mv
                    a2 += load(polyD + 2 * np + i) * mv; a3 += load(polyD + 3 * np + i) * mv
                    if multi {
                        b0 += load(polyD + 4 * np + i) * mv; b1 += load(polyD + 5 * np + i) * mv
                        b2 += load(polyD + 6 * np + i) * mv; b3 += load(polyD + 7 * np + i) * mv
                    }
                    i &+= 4
                }
                let s = multi ? sp[q] : 0
                let k = a0.sum() + s * b0.sum() - fa[q] * (pu1 + s * s * pw1)
                let kx = a1.sum() + s * b1.sum(), ky = a2.sum() + s * b2.sum(), kz = a3.sum() + s * b3.sum()
                let x = ux[q], y = uy[q], z = uz[q]
                let radial = dfa[q] * k, tangential = fa[q] * invd[q]
                let along = x * kx + y * ky + z * kz
                gx[q] = radial * x + tangential * (kx - along * x)
                gy[q] = radial * y + tangential * (ky - along * y)
                gz[q] = radial * z + tangential * (kz - along * z)
            }
        }
    }
}
