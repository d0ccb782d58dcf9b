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
    var gradientScratchCount: Int { 6 * monomialCount + 3 * (order + 1) }

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
}
