extension ChebyshevFingerprint {
    /// Σ_g w_g ∂G_g/∂r for all entries — the force kernel — without per-feature bookkeeping.
    ///
    /// Contracting with the weights first turns the per-order sums into two scalars per term,
    /// S = Σ_n W_n T_n(x) and D = Σ_n W_n T'_n(x) (W_n = unweighted + spin·weighted weight), so a
    /// pair costs one Chebyshev recurrence and two vector updates instead of 2·(N+1) gradient
    /// scatters. Angular pairs (a, b > a) run four partners b at a time like the values path;
    /// the gradient of a is gathered as
    /// g_a = fc'_a u_a Σ_b fc_b S + (fc_a/d_a)(Σ_b fc_b D u_b − (Σ_b fc_b D c) u_a).
    /// Same mathematics (and the same stale-spin rule) as `kernel`; only summation order differs.
    func weightedGradient(_ nb: Neighbourhood, weights w: UnsafePointer<Double>,
                          center: inout SIMD3<Double>, neighbours grad: UnsafeMutablePointer<Double>) {
        let rr = radialCutoff, ra = angularCutoff, rw = rN + aN, aw = 2 * rN + aN
        let dxdc = legacyAngularDomain ? ChebyshevConvention.legacyDerivativeFactor : 1.0
        var total = SIMD3<Double>.zero
        nb.withPointers { p in
            let cap = p.count + 4
            let useMoments = moments != nil && !legacyAngularDomain && !forcePairKernel
            let extra = useMoments ? cap + moments!.gradientScratchCount : 0
            let rows = spinOfType.count + 1   // radial weights per neighbour type; the last row: spin 0
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 11 * cap + 2 * aN + 2 * rows * rN + extra) { buf in
                let ux = buf.baseAddress!, uy = ux + cap, uz = uy + cap, fa = uz + cap, dfa = fa + cap
                let sp = dfa + cap, sj = sp + cap, invd = sj + cap, gx = invd + cap, gy = gx + cap, gz = gy + cap
                let wu = gz + cap, ww = wu + aN
                for n in 0..<aN { wu[n] = w[rN + n]; ww[n] = multi ? w[aw + n] : 0 }
                // W_n = unweighted + spin·weighted radial weight, and n·W_n, for each neighbour type.
                let wtab = ww + aN, dtab = wtab + rows * rN
                for r in 0..<rows {
                    let sr = r < spinOfType.count ? spinOfType[r] : 0
                    for n in 0..<rN {
                        let wn = multi ? w[n] + sr * w[rw &+ n] : w[n]
                        wtab[r &* rN &+ n] = wn; dtab[r &* rN &+ n] = Double(n) * wn
                    }
                }
                withUnsafeTemporaryAllocation(of: Int.self, capacity: cap) { eb in
                    let entry = eb.baseAddress!
                    var s = 1.0, m = 0
                    for j in 0..<p.count {
                        let d = p.distance[j]
                        if d <= rr && d > Self.eps {
                            let (f, df) = Self.cutoff(d, rr)
                            let x = (2.0 * d - rr) / rr
                            if multi { s = spin(p.type[j]) }
                            let ty = Int(p.type[j])
                            let row = (ty >= 0 && ty < spinOfType.count ? ty : spinOfType.count) &* rN
                            let wr = wtab + row, dr = dtab + row
                            var sum = wr[0], dsum = 0.0
                            if rN > 1 {
                                sum += wr[1] * x; dsum += wr[1]
                                var tm = 1.0, t = x, um = 1.0, uc = 2.0 * x
                                var n = 2
                                while n < rN {
                                    let tn = 2.0 * x * t - tm; tm = t; t = tn
                                    sum += wr[n] * tn; dsum += dr[n] * uc
                                    let un = 2.0 * x * uc - um; um = uc; uc = un
                                    n &+= 1
                                }
                            }
                            let g = p.r(j) * ((df * sum + f * dsum * (2.0 / rr)) / d)
                            grad[3 &* j] += g.x; grad[3 &* j &+ 1] += g.y; grad[3 &* j &+ 2] += g.z
                            total += g
                        }
                        if d <= ra && d >= Self.eps {
                            let inv = 1.0 / d
                            let (f, df) = Self.cutoff(d, ra)
                            ux[m] = p.dx[j] * inv; uy[m] = p.dy[j] * inv; uz[m] = p.dz[j] * inv
                            fa[m] = f; dfa[m] = df; sp[m] = spin(p.type[j]); sj[m] = s; invd[m] = inv
                            entry[m] = j; m &+= 1
                        }
                    }
                    // Zero padding: lanes past the end have fc = fc' = 0 and contribute nothing.
                    for q in m..<(m + 4) { ux[q] = 0; uy[q] = 0; uz[q] = 0; fa[q] = 0; dfa[q] = 0; sp[q] = 0; sj[q] = 0; invd[q] = 0 }
                    gx.update(repeating: 0, count: m + 4); gy.update(repeating: 0, count: m + 4); gz.update(repeating: 0, count: m + 4)
                    if useMoments, let moments {
                        // O(m) moment sweeps (ChebyshevMomentGradient.swift); pairs for legacy/high orders.
                        let kv = dtab + rows * rN
                        moments.gradient(m, ux, uy, uz, fa, dfa, sp, sj, invd, wu: wu, ww: multi ? ww : nil,
                                         gx, gy, gz, kv: kv, scratch: kv + cap)
                    } else {
                        angularPairs(m, ux, uy, uz, fa, dfa, sp, sj, invd, gx, gy, gz, wu, ww, dxdc)
                    }
                    for q in 0..<m {
                        let j = entry[q]
                        grad[3 &* j] += gx[q]; grad[3 &* j &+ 1] += gy[q]; grad[3 &* j &+ 2] += gz[q]
                        total += SIMD3(gx[q], gy[q], gz[q])
                    }
                }
            }
        }
        // Every term depends on r_j − r_center only.
        center -= total
    }

    @inline(__always)
    private func angularPairs(_ m: Int, _ ux: UnsafeMutablePointer<Double>, _ uy: UnsafeMutablePointer<Double>,
                              _ uz: UnsafeMutablePointer<Double>, _ fa: UnsafeMutablePointer<Double>,
                              _ dfa: UnsafeMutablePointer<Double>, _ sp: UnsafeMutablePointer<Double>,
                              _ sj: UnsafeMutablePointer<Double>, _ invd: UnsafeMutablePointer<Double>,
                              _ gx: UnsafeMutablePointer<Double>, _ gy: UnsafeMutablePointer<Double>,
                              _ gz: UnsafeMutablePointer<Double>, _ wu: UnsafeMutablePointer<Double>,
                              _ ww: UnsafeMutablePointer<Double>, _ dxdc: Double) {
        typealias V = SIMD4<Double>
        @inline(__always) func load(_ q: UnsafeMutablePointer<Double>) -> V { UnsafeRawPointer(q).loadUnaligned(as: V.self) }
        @inline(__always) func add(_ q: UnsafeMutablePointer<Double>, _ v: V) {
            UnsafeMutableRawPointer(q).storeBytes(of: load(q) + v, as: V.self)
        }
        let legacy = legacyAngularDomain, pi = V(repeating: ChebyshevConvention.pi)
        let na = aN
        guard m > 1 else { return }
        for a in 0..<(m - 1) {
            let xa = V(repeating: ux[a]), ya = V(repeating: uy[a]), za = V(repeating: uz[a])
            let faA = V(repeating: fa[a]), sjA = V(repeating: sj[a])
            var a1 = V(), a2 = V(), vx = V(), vy = V(), vz = V()
            var b = a + 1
            while b < m {
                let fb = load(fa + b), dfb = load(dfa + b), ib = load(invd + b), spb = load(sp + b)
                let bx = load(ux + b), by = load(uy + b), bz = load(uz + b)
                let c = xa * bx + ya * by + za * bz
                let x = legacy ? (2.0 * c - pi) / pi : ((2.0 * c + 1.0) - 1.0) * 0.5
                var su = V(repeating: wu[0]), sw = V(repeating: ww[0]), du = V(), dw = V()
                if na > 1 {
                    su += wu[1] * x; sw += ww[1] * x; du += V(repeating: wu[1]); dw += V(repeating: ww[1])
                    var tm = V(repeating: 1), t = x, um = V(repeating: 1), uc = 2.0 * x
                    var n = 2
                    while n < na {
                        let tn = 2.0 * x * t - tm; tm = t; t = tn
                        let dtn = Double(n) * uc
                        su += wu[n] * tn; sw += ww[n] * tn; du += wu[n] * dtn; dw += ww[n] * dtn
                        let un = 2.0 * x * uc - um; um = uc; uc = un
                        n &+= 1
                    }
                }
                let spin = sjA * spb
                let sum = su + spin * sw, dsum = (du + spin * dw) * dxdc
                let fs = fb * sum, fd = fb * dsum
                a1 += fs; a2 += fd * c; vx += fd * bx; vy += fd * by; vz += fd * bz
                let k1 = faA * dfb * sum, k2 = faA * fd * ib
                add(gx + b, k1 * bx + k2 * (xa - c * bx))
                add(gy + b, k1 * by + k2 * (ya - c * by))
                add(gz + b, k1 * bz + k2 * (za - c * bz))
                b &+= 4
            }
            let s1 = a1.sum(), s2 = a2.sum()
            let k1 = dfa[a] * s1, k2 = fa[a] * invd[a]
            gx[a] += k1 * ux[a] + k2 * (vx.sum() - s2 * ux[a])
            gy[a] += k1 * uy[a] + k2 * (vy.sum() - s2 * uy[a])
            gz[a] += k1 * uz[a] + k2 * (vz.sum() - s2 * uz[a])
        }
    }
}
