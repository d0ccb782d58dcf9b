import CVecMath

/// The values-only Chebyshev path vectorised across neighbours (issue 11).
///
/// * Cutoff functions: the cosines of one atom's neighbours in one libmvec call (`cvm_cos`).
/// * Radial blocks: four neighbours per SIMD4 lane set, the Chebyshev recurrence in registers.
/// * Angular blocks: when the pair weights are symmetric (x_a = y_a: always for the unweighted
///   block; for the spin-weighted one when angular Rc ≤ radial Rc, where aenet's stale spin is the
///   neighbour's own), Σ_{a<b} w_a w_b c_ab^k = ½(Σ_{|α|=k} k!/α! M_α² − Σ_a w_a² c_aa^k) with the
///   total moments M_α = Σ_a w_a u_a^α: no sweep in list order, so neighbours go four at a time.
///
/// Results differ from the sequential sums (`radialAndCompact` + `ChebyshevMoments.accumulate`)
/// only by rounding (summation order, libmvec's cos within an ulp or two of glibc's scalar cos);
/// the compat tests check them against aenet's stored training sets and predict output.
extension ChebyshevFingerprint {
    /// Whether `evaluateVectorised` applies to this setup: moment tables, aenet 2.0.4's angular
    /// domain, and symmetric spin weights.
    var vectorisedValues: Bool {
        moments != nil && !legacyAngularDomain && (!multi || angularCutoff <= radialCutoff)
    }

    /// Adds the values of `p` to `values` (zeroed by the caller); false (nothing written) when a
    /// neighbour sits exactly at d = 1e-12, where aenet's radial and angular guards differ.
    func evaluateVectorised(_ p: NeighbourPointers, _ values: UnsafeMutablePointer<Double>) -> Bool {
        guard let mo = moments else { return false }
        typealias V = SIMD4<Double>
        let n = p.count, cap = n + 4
        let rr = radialCutoff, ra = angularCutoff
        let ar = aenetPi / rr, aa = aenetPi / ra
        let eps = Self.eps, multi = self.multi
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: 8 * cap) { buf -> Bool in
            let xr = buf.baseAddress!, fr = xr + cap, sr = fr + cap
            let ux = sr + cap, uy = ux + cap, uz = uy + cap, fa = uz + cap, sa = fa + cap
            var mr = 0, ma = 0
            for j in 0..<n {
                let d = p.distance[j]
                // Entries at d = Rc have fc = 0 and contribute nothing.
                if d < rr && d > eps {
                    xr[mr] = (2.0 * d - rr) / rr
                    fr[mr] = ar * d
                    if multi { sr[mr] = spin(p.type[j]) }
                    mr &+= 1
                }
                if d < ra && d >= eps {
                    if d == eps { return false }
                    let inv = 1.0 / d
                    ux[ma] = p.dx[j] * inv; uy[ma] = p.dy[j] * inv; uz[ma] = p.dz[j] * inv
                    fa[ma] = aa * d
                    if multi { sa[ma] = spin(p.type[j]) }
                    ma &+= 1
                }
            }
            cvm_cos(fr, fr, mr)
            cvm_cos(fa, fa, ma)
            for q in 0..<mr { fr[q] = 0.5 * (fr[q] + 1.0) }
            for q in 0..<ma { fa[q] = 0.5 * (fa[q] + 1.0) }
            for q in mr..<(mr + 4) { xr[q] = 0; fr[q] = 0; sr[q] = 0 }
            for q in ma..<(ma + 4) { ux[q] = 0; uy[q] = 0; uz[q] = 0; fa[q] = 0; sa[q] = 0 }
            @inline(__always) func load(_ q: UnsafeMutablePointer<Double>) -> V {
                UnsafeRawPointer(q).loadUnaligned(as: V.self)
            }
            let rN = self.rN, aN = self.aN, rw = rN + aN
            let nm = mo.monomialCount
            withUnsafeTemporaryAllocation(of: V.self, capacity: 2 * rN + 2 * nm + 2 * aN + 3 * aN) { acc in
                // Radial.
                let accU = acc.baseAddress!, accW = accU + rN
                accU.update(repeating: V(), count: 2 * rN)
                var j = 0
                while j < mr {
                    let x = load(xr + j), f = load(fr + j)
                    accU[0] += f
                    if multi {
                        let s = load(sr + j)
                        accW[0] += s * f
                        if rN > 1 {
                            accU[1] += f * x; accW[1] += s * (f * x)
                            var tm = V(repeating: 1), t = x, k = 2
                            while k < rN {
                                let tn = 2.0 * x * t - tm
                                tm = t; t = tn
                                let ft = f * tn
                                accU[k] += ft; accW[k] += s * ft
                                k &+= 1
                            }
                        }
                    } else if rN > 1 {
                        accU[1] += f * x
                        var tm = V(repeating: 1), t = x, k = 2
                        while k < rN {
                            let tn = 2.0 * x * t - tm
                            tm = t; t = tn
                            accU[k] += f * tn
                            k &+= 1
                        }
                    }
                    j &+= 4
                }
                for k in 0..<rN {
                    values[k] += accU[k].sum()
                    if multi { values[rw &+ k] += accW[k].sum() }
                }
                // Angular: total moments and the diagonal a = b.
                guard ma > 1 else { return }
                let mU = accW + rN, mW = mU + nm, dU = mW + nm, dW = dU + aN
                let xp = dW + aN, yp = xp + aN, zp = yp + aN
                mU.update(repeating: V(), count: 2 * nm + 2 * aN)
                xp[0] = V(repeating: 1); yp[0] = xp[0]; zp[0] = xp[0]
                mo.px.withUnsafeBufferPointer { ex in mo.py.withUnsafeBufferPointer { ey in mo.pz.withUnsafeBufferPointer { ez in
                    j = 0
                    while j < ma {
                        let x = load(ux + j), y = load(uy + j), z = load(uz + j), f = load(fa + j)
                        var q = 1
                        while q < aN { xp[q] = xp[q &- 1] * x; yp[q] = yp[q &- 1] * y; zp[q] = zp[q &- 1] * z; q &+= 1 }
                        let c = x * x + y * y + z * z
                        if multi {
                            let sf = load(sa + j) * f
                            for i in 0..<nm {
                                let m = xp[ex[i]] * yp[ey[i]] * zp[ez[i]]
                                mU[i] += f * m; mW[i] += sf * m
                            }
                            let f2 = f * f, s2 = sf * sf
                            var ck = V(repeating: 1)
                            for k in 0..<aN { dU[k] += f2 * ck; dW[k] += s2 * ck; ck *= c }
                        } else {
                            for i in 0..<nm { mU[i] += f * (xp[ex[i]] * yp[ey[i]] * zp[ez[i]]) }
                            let f2 = f * f
                            var ck = V(repeating: 1)
                            for k in 0..<aN { dU[k] += f2 * ck; ck *= c }
                        }
                        j &+= 4
                    }
                } } }
                // Pair sums per power k, then the Chebyshev rows.
                withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * aN) { pk in
                    let pu = pk.baseAddress!, pw = pu + aN
                    mo.multinomial.withUnsafeBufferPointer { mc in mo.start.withUnsafeBufferPointer { st in
                        for k in 0..<aN {
                            var su = 0.0, sw = 0.0
                            for i in st[k]..<st[k &+ 1] {
                                let u = mU[i].sum(); su += mc[i] * (u * u)
                                if multi { let w = mW[i].sum(); sw += mc[i] * (w * w) }
                            }
                            pu[k] = 0.5 * (su - dU[k].sum())
                            pw[k] = multi ? 0.5 * (sw - dW[k].sum()) : 0
                        }
                    } }
                    mo.chebyshev.withUnsafeBufferPointer { t in
                        for nn in 0..<aN {
                            var a = 0.0, s = 0.0
                            for k in 0..<aN { a += t[nn &* aN &+ k] * pu[k]; s += t[nn &* aN &+ k] * pw[k] }
                            values[rN &+ nn] += a
                            if multi { values[2 &* rN &+ aN &+ nn] += s }
                        }
                    }
                }
            }
            return true
        }
    }
}
