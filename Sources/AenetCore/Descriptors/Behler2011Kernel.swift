import Foundation

extension Behler2011Fingerprint {
    /// Values (and, if the sink wants them, analytic derivatives) in aenet's summation order:
    /// neighbours in list order, each one's radial terms, then its pairs with later neighbours.
    /// Entries at or beyond `maxCutoff` or outside ENV are dropped first: their terms are exact zeros.
    func kernel<S: GradientSink>(_ nb: Neighbourhood, values: UnsafeMutablePointer<Double>, sink: inout S) {
        values.update(repeating: 0, count: count)
        let cap = nb.count + 1
        let nEnv = envCount
        nb.withPointers { p in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 7 * cap) { buf in
                let dd = buf.baseAddress!, ux = dd + cap, uy = ux + cap, uz = uy + cap
                let rx = uz + cap, ry = rx + cap, rz = ry + cap
                withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * cap) { ib in
                    let entry = ib.baseAddress!, lt = entry + cap
                    var m = 0
                    for j in 0..<p.count {
                        let t = Int(p.type[j]), d = p.distance[j]
                        let l = t >= 0 && t < localType.count ? Int(localType[t]) : -1
                        guard l >= 0, d < maxCutoff else { continue }
                        entry[m] = j; lt[m] = l; dd[m] = d
                        rx[m] = p.dx[j]; ry[m] = p.dy[j]; rz[m] = p.dz[j]
                        ux[m] = p.dx[j] / d; uy[m] = p.dy[j] / d; uz[m] = p.dz[j] / d
                        m &+= 1
                    }
                    // F(R) = exp(−ηR²)fc(R) of every entry for every distinct (Rc, η), computed once. Per
                    // pair, fc(R_jk) once per Rc, F(R_jk) once per (Rc, η) and (½(1 + λ cos θ))^ζ once per
                    // (λ, ζ): `stamp` marks the pair a cached value belongs to. Same operations, same bits.
                    let ns = weightSlots.count, nc = angularCombos.count
                    withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * ns * m + 2 * ns + nc + 1) { fbuf in
                    let ft = fbuf.baseAddress!, dft = ft + ns * m, fjk = dft + ns * m, dfjk = fjk + ns, f1 = dfjk + ns
                    for s in 0..<ns {
                        let (rc, eta) = weightSlots[s]
                        for a in 0..<m { (ft[s &* m &+ a], dft[s &* m &+ a]) = Self.radialWeight(dd[a], rc, eta) }
                    }
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: ns + nc + 1) { stampBuf in
                    let stamp = stampBuf.baseAddress!, comboStamp = stamp + ns
                    stamp.update(repeating: -1, count: ns + nc + 1)
                    var pair = 0
                    radial.withUnsafeBufferPointer { rad in
                        angular.withUnsafeBufferPointer { ang in
                            for a in 0..<m {
                                let ta = lt[a], da = dd[a], ua = SIMD3(ux[a], uy[a], uz[a])
                                for q in radialStart[ta]..<radialStart[ta + 1] {
                                    radialTerm(rad[q], da, ua, entry[a], values, &sink)
                                }
                                for b in (a + 1)..<max(m, a + 1) {
                                    let tb = lt[b]
                                    let key = min(ta, tb) &* nEnv &+ max(ta, tb)
                                    let lo = angularStart[key], hi = angularStart[key &+ 1]
                                    if lo == hi { continue }
                                    let db = dd[b], ub = SIMD3(ux[b], uy[b], uz[b])
                                    var rjk = SIMD3(rx[b] - rx[a], ry[b] - ry[a], rz[b] - rz[a])
                                    let djk = (rjk.x * rjk.x + rjk.y * rjk.y + rjk.z * rjk.z).squareRoot()
                                    if djk > 1.0e-8 { rjk /= djk }
                                    let cost = min(max(ua.x * ub.x + ua.y * ub.y + ua.z * ub.z, -1.0), 1.0)
                                    pair &+= 1
                                    var fcRc = -1.0, fc = (f: 0.0, df: 0.0)
                                    if !S.wantsDerivatives {
                                        // Values only: sf_G4_update / sf_G5_update without derivatives.
                                        for q in lo..<hi {
                                            let t = ang[q]
                                            guard da < t.rc, db < t.rc else { continue }
                                            let s = t.slot
                                            var f3 = 1.0
                                            if t.kind == 4 {
                                                if djk >= t.rc { continue }
                                                if stamp[s] != pair {
                                                    stamp[s] = pair
                                                    if fcRc != t.rc { fcRc = t.rc; fc.f = Self.cutoffValue(djk, t.rc) }
                                                    fjk[s] = exp(-t.eta * djk * djk) * fc.f
                                                }
                                                f3 = fjk[s]
                                            }
                                            let c = t.combo
                                            if comboStamp[c] != pair {
                                                comboStamp[c] = pair
                                                let arg = 0.5 * (1.0 + t.lambda * cost)
                                                f1[c] = t.integerZeta != 0 ? Self.power(arg, t.integerZeta) : pow(arg, t.zeta)
                                            }
                                            values[t.g] += 2.0 * (f1[c] * ft[s &* m &+ a] * ft[s &* m &+ b] * f3)
                                        }
                                        continue
                                    }
                                    for q in lo..<hi {
                                        let t = ang[q], s = t.slot
                                        if t.kind == 4 && stamp[s] != pair && djk < t.rc {   // sf_F2_ij of R_jk
                                            stamp[s] = pair
                                            if fcRc != t.rc { fcRc = t.rc; fc = Self.cutoff(djk, t.rc) }
                                            let e = exp(-t.eta * djk * djk)
                                            fjk[s] = e * fc.f; dfjk[s] = e * (fc.df - 2.0 * t.eta * djk * fc.f)
                                        }
                                        let fij = (ft[s &* m &+ a], dft[s &* m &+ a]), fik = (ft[s &* m &+ b], dft[s &* m &+ b])
                                        angularTerm(t, da, db, djk, ua, ub, rjk, cost, fij, fik, (fjk[s], dfjk[s]),
                                                    entry[a], entry[b], values, &sink)
                                    }
                                }
                            }
                        }
                    }
                    }
                    }
                }
            }
        }
    }

    /// G1 = fc, G2 = exp(−η(R−Rs)²)·fc, G3 = cos(κR)·fc (sf_G1_ij … sf_G3_ij).
    @inline(__always)
    func radialTerm<S: GradientSink>(_ t: Term, _ d: Double, _ u: SIMD3<Double>, _ j: Int,
                                     _ values: UnsafeMutablePointer<Double>, _ sink: inout S) {
        guard d < t.rc else { return }
        let (fc, dfc) = Self.cutoff(d, t.rc)
        let g: Double, dg: Double
        switch t.kind {
        case 1:
            g = fc; dg = dfc
        case 2:
            let arg = d - t.rs
            let e = exp(-t.eta * arg * arg)
            g = e * fc; dg = e * (dfc - 2.0 * t.eta * arg * fc)
        default:
            let arg = t.kappa * d
            let c = cos(arg), s = sin(arg)
            g = c * fc; dg = c * dfc - t.kappa * s * fc
        }
        values[t.g] += g
        if S.wantsDerivatives { sink.add(t.g, j, dg * u) }
    }

    /// G4 = 2·F1·F(R_ij)F(R_ik)F(R_jk), G5 = 2·F1·F(R_ij)F(R_ik) with F1 = (½(1 + λ cos θ))^ζ
    /// (sf_G4_update, sf_G5_update); `ujk` is the unit vector from j to k.
    @inline(__always)
    func angularTerm<S: GradientSink>(_ t: Term, _ dij: Double, _ dik: Double, _ djk: Double,
                                      _ uij: SIMD3<Double>, _ uik: SIMD3<Double>, _ ujk: SIMD3<Double>,
                                      _ cost: Double, _ fIJ: (Double, Double), _ fIK: (Double, Double),
                                      _ fJK: (f: Double, df: Double), _ j: Int, _ k: Int,
                                      _ values: UnsafeMutablePointer<Double>, _ sink: inout S) {
        guard dij < t.rc, dik < t.rc else { return }
        let withJK = t.kind == 4
        if withJK && djk >= t.rc { return }
        let arg = 0.5 * (1.0 + t.lambda * cost)
        // Integer ζ (the usual case) by repeated squaring: pow dominated the cost; differs by ulps only.
        let iz = t.integerZeta
        let integral = iz != 0
        let f1 = integral ? Self.power(arg, iz) : pow(arg, t.zeta)
        let (fij, dfij) = fIJ, (fik, dfik) = fIK
        var fjk = 1.0, dfjk = 0.0
        if withJK { fjk = fJK.f; dfjk = fJK.df }   // sf_F2_ij of R_jk, once per pair and (Rc, η)
        values[t.g] += 2.0 * (f1 * fij * fik * fjk)
        guard S.wantsDerivatives else { return }
        let pre = 0.5 * t.zeta * t.lambda * (integral ? Self.power(arg, iz - 1) : pow(arg, t.zeta - 1.0))
        let df1j = pre * (-cost * (uij / dij) + uik / dij)
        let df1k = pre * (-cost * (uik / dik) + uij / dik)
        var gj = df1j * fij * fik * fjk + uij * f1 * dfij * fik * fjk
        var gk = df1k * fij * fik * fjk + uik * f1 * fij * dfik * fjk
        if withJK {
            gj -= ujk * f1 * fij * fik * dfjk
            gk += ujk * f1 * fij * fik * dfjk
        }
        sink.add(t.g, j, 2.0 * gj)
        sink.add(t.g, k, 2.0 * gk)
    }

    @inline(__always) static func power(_ x: Double, _ n: Int) -> Double {
        var r = 1.0, b = x, e = n
        while e > 0 { if e & 1 == 1 { r *= b }; b *= b; e >>= 1 }
        return r
    }
}
