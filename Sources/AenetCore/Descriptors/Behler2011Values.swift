import CVecMath
import Foundation

/// Values only (no derivatives) of the Behler2011 functions, vectorised over neighbour pairs.
///
/// The entries are grouped by species, so that for a neighbour a the partners b > a of one
/// species are a contiguous row; per row, F(R_jk) = exp(−ηR_jk²)·fc(R_jk) is computed for every
/// distinct (Rc, η) with libmvec's exp and cos, (½(1 + λ cos θ))^ζ for every distinct (λ, ζ), and
/// every G4/G5 function is then one dot product over the row:
///   G += 2·F_a · Σ_b (½(1 + λ cos θ_ab))^ζ · F_b · F(R_ab).
/// Same functions as `kernel` (each unordered pair once, the same cutoffs and clamping), summed in
/// another order and with vector exp/cos: values agree to ~1e-15 relative, not bit for bit.
/// Radial functions are summed exactly as in `kernel`.
extension Behler2011Fingerprint {
    func valuesKernel(_ nb: Neighbourhood, values: UnsafeMutablePointer<Double>) {
        values.update(repeating: 0, count: count)
        let nEnv = envCount, ns = weightSlots.count, nc = angularCombos.count
        let cap = nb.count + 1
        nb.withPointers { p in
            // Entries: 7 arrays in list order, 7 grouped by species; ft: ns arrays; row buffers:
            // djk, cost, tmp, fc, ns weights, nc powers.
            let size = 14 * cap + ns * cap + (4 + ns + nc) * cap
            withUnsafeTemporaryAllocation(of: Double.self, capacity: size) { buf in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * cap + 2 * nEnv + 1 + ns + nc) { ib in
                let base = buf.baseAddress!
                let dd = base, ex = dd + cap, ey = ex + cap, ez = ey + cap, vx = ez + cap, vy = vx + cap, vz = vy + cap
                let gd = vz + cap, gx = gd + cap, gy = gx + cap, gz = gy + cap, gux = gz + cap, guy = gux + cap, guz = guy + cap
                let ft = guz + cap
                let djk = ft + ns * cap, cost = djk + cap, tmp = cost + cap, fc = tmp + cap
                let w = fc + cap, f1 = w + ns * cap
                let lt = ib.baseAddress!, order = lt + cap, start = order + cap
                let fill = start + nEnv + 1, slotMark = fill + nEnv, comboMark = slotMark + ns
                // Entries within the largest cutoff and in ENV, in list order (radial terms as `kernel`).
                var m = 0
                for j in 0..<p.count {
                    let t = Int(p.type[j]), d = p.distance[j]
                    let l = t >= 0 && t < localType.count ? Int(localType[t]) : -1
                    guard l >= 0, d < maxCutoff else { continue }
                    lt[m] = l; dd[m] = d
                    ex[m] = p.dx[j]; ey[m] = p.dy[j]; ez[m] = p.dz[j]
                    vx[m] = p.dx[j] / d; vy[m] = p.dy[j] / d; vz[m] = p.dz[j] / d
                    var lastRc = -1.0, f = 0.0
                    for q in radialStart[l]..<radialStart[l + 1] {
                        let t = radial[q]
                        guard d < t.rc else { continue }
                        if t.rc != lastRc { lastRc = t.rc; f = Self.cutoffValue(d, t.rc) }
                        switch t.kind {
                        case 1: values[t.g] += f
                        case 2:
                            let arg = d - t.rs
                            values[t.g] += exp(-t.eta * arg * arg) * f
                        default: values[t.g] += cos(t.kappa * d) * f
                        }
                    }
                    m &+= 1
                }
                guard m > 1, !angular.isEmpty else { return }
                // Group by species (stable counting sort).
                for t in 0...nEnv { start[t] = 0 }
                for a in 0..<m { start[lt[a] + 1] &+= 1 }
                for t in 0..<nEnv { start[t + 1] &+= start[t] }
                for t in 0..<nEnv { fill[t] = start[t] }
                for a in 0..<m { order[fill[lt[a]]] = a; fill[lt[a]] &+= 1 }
                for k in 0..<m {
                    let a = order[k]
                    gd[k] = dd[a]; gx[k] = ex[a]; gy[k] = ey[a]; gz[k] = ez[a]
                    gux[k] = vx[a]; guy[k] = vy[a]; guz[k] = vz[a]
                }
                for s in 0..<ns {
                    let (rc, eta) = weightSlots[s]
                    let row = ft + s * cap
                    for k in 0..<m {
                        let d = gd[k]
                        row[k] = d < rc ? exp(-eta * d * d) * Self.cutoffValue(d, rc) : 0
                    }
                }
                angular.withUnsafeBufferPointer { ang in
                    for ta in 0..<nEnv {
                        for a in start[ta]..<start[ta + 1] {
                            for tb in ta..<nEnv {
                                let lo = angularStart[ta &* nEnv &+ tb], hi = angularStart[ta &* nEnv &+ tb &+ 1]
                                if lo == hi { continue }
                                let b0 = tb == ta ? a + 1 : start[tb], n = start[tb + 1] - b0
                                if n <= 0 { continue }
                                let xa = gx[a], ya = gy[a], za = gz[a], uxa = gux[a], uya = guy[a], uza = guz[a]
                                for i in 0..<n {
                                    let b = b0 + i
                                    let x = gx[b] - xa, y = gy[b] - ya, z = gz[b] - za
                                    djk[i] = (x * x + y * y + z * z).squareRoot()
                                    cost[i] = min(max(uxa * gux[b] + uya * guy[b] + uza * guz[b], -1.0), 1.0)
                                }
                                for s in 0..<ns { slotMark[s] = 0 }
                                for c in 0..<nc { comboMark[c] = 0 }
                                var fcRc = -1.0
                                for q in lo..<hi {
                                    let t = ang[q], s = t.slot, c = t.combo
                                    if t.kind == 4 && slotMark[s] == 0 {
                                        slotMark[s] = 1
                                        // fc(R_jk) for this Rc (vector cos), then F(R_jk)·F_b.
                                        if t.rc != fcRc {
                                            fcRc = t.rc
                                            let scale = aenetPi / t.rc
                                            for i in 0..<n { tmp[i] = scale * djk[i] }
                                            cvm_cos(tmp, tmp, n)
                                            for i in 0..<n { fc[i] = djk[i] < t.rc ? 0.5 * (tmp[i] + 1.0) : 0 }
                                        }
                                        let eta = t.eta, row = w + s * cap
                                        for i in 0..<n { row[i] = -eta * djk[i] * djk[i] }
                                        cvm_exp(row, row, n)
                                        let fb = ft + s * cap + b0
                                        for i in 0..<n { row[i] = row[i] * fc[i] * fb[i] }
                                    }
                                    if comboMark[c] == 0 {
                                        comboMark[c] = 1
                                        let row = f1 + c * cap, lambda = t.lambda
                                        switch t.integerZeta {
                                        case 1: for i in 0..<n { row[i] = 0.5 * (1.0 + lambda * cost[i]) }
                                        case 2: for i in 0..<n { let v = 0.5 * (1.0 + lambda * cost[i]); row[i] = v * v }
                                        case 4: for i in 0..<n { let v = 0.5 * (1.0 + lambda * cost[i]); let v2 = v * v; row[i] = v2 * v2 }
                                        case 0: for i in 0..<n { row[i] = pow(0.5 * (1.0 + lambda * cost[i]), t.zeta) }
                                        default: for i in 0..<n { row[i] = Self.power(0.5 * (1.0 + lambda * cost[i]), t.integerZeta) }
                                        }
                                    }
                                    let fa = ft[s * cap + a]
                                    if fa == 0 { continue }
                                    let other = t.kind == 4 ? UnsafePointer(w + s * cap) : UnsafePointer(ft + s * cap + b0)
                                    values[t.g] += 2.0 * fa * Self.dot(UnsafePointer(f1 + c * cap), other, n)
                                }
                            }
                        }
                    }
                }
            }
            }
        }
    }

    /// Σ x_i·y_i, four lanes at a time.
    @inline(__always) static func dot(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ n: Int) -> Double {
        var s0 = SIMD4<Double>(), s1 = SIMD4<Double>()
        var i = 0
        let rx = UnsafeRawPointer(x), ry = UnsafeRawPointer(y)
        while i + 8 <= n {
            s0 += rx.loadUnaligned(fromByteOffset: 8 * i, as: SIMD4<Double>.self) * ry.loadUnaligned(fromByteOffset: 8 * i, as: SIMD4<Double>.self)
            s1 += rx.loadUnaligned(fromByteOffset: 8 * i + 32, as: SIMD4<Double>.self) * ry.loadUnaligned(fromByteOffset: 8 * i + 32, as: SIMD4<Double>.self)
            i += 8
        }
        var s = (s0 + s1).sum()
        while i < n { s += x[i] * y[i]; i += 1 }
        return s
    }
}
