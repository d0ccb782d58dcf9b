extension ChebyshevFingerprint {
    public func evaluate(_ nb: Neighbourhood, values: UnsafeMutablePointer<Double>,
                         dCenter: UnsafeMutablePointer<Double>, dNeighbours: UnsafeMutablePointer<Double>) {
        var sink = FullGradient(dCenter: dCenter, dNeighbours: dNeighbours, count: count, nnb: nb.count)
        kernel(nb, values: values, sink: &sink)
    }

    public func accumulateGradient(_ nb: Neighbourhood, weights: UnsafePointer<Double>,
                                   center: inout SIMD3<Double>, neighbours: UnsafeMutablePointer<Double>) {
        // The contracted, four-partners-at-a-time kernel (ChebyshevForceKernel.swift).
        weightedGradient(nb, weights: weights, center: &center, neighbours: neighbours)
    }

    /// Values and analytic derivatives, pair by pair (scalar; the values-only path is vectorised).
    /// Per term: ∂/∂r_j of fc(d)·T_n(x) = u_j·(fc'·T_n + fc·T_n'·dx/dd) for the radial part;
    /// for the angular part with c = u_j·u_k: ∂c/∂r_j = (u_k − c u_j)/d_j.
    func kernel<S: GradientSink>(_ nb: Neighbourhood, values: UnsafeMutablePointer<Double>, sink: inout S) {
        values.update(repeating: 0, count: count)
        let cap = nb.count + 4
        let rr = radialCutoff, rw = rN + aN, aw = 2 * rN + aN
        let dxdc = legacyAngularDomain ? ChebyshevConvention.legacyDerivativeFactor : 1.0   // dx/dcos θ
        nb.withPointers { p in
            // Radial blocks with derivatives (values again, so that this path is self-contained).
            for j in 0..<p.count {
                let d = p.distance[j]
                guard d <= rr && d > Self.eps else { continue }
                let (f, df) = Self.cutoff(d, rr)
                let x = (2.0 * d - rr) / rr
                let s = multi ? spin(p.type[j]) : 0
                let u = p.r(j) / d
                let dxdd = 2.0 / rr
                var series = ChebyshevSeries(x)
                for n in 0..<rN {
                    let (tn, dtn) = series.term(n)
                    values[n] += f * tn
                    let g = u * (df * tn + f * (dtn * dxdd))
                    sink.add(n, j, g)
                    if multi { values[rw &+ n] += s * (f * tn); sink.add(rw &+ n, j, s * g) }
                }
            }
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 7 * cap) { buf in
                let ux = buf.baseAddress!, uy = ux + cap, uz = uy + cap, fa = uz + cap, sfa = fa + cap
                let sj = sfa + cap, dfa = sj + cap
                withUnsafeTemporaryAllocation(of: Int.self, capacity: cap) { eBuf in
                    let entry = eBuf.baseAddress!
                    // Only the compact list is wanted here; radial values go to a throwaway buffer.
                    let m = withUnsafeTemporaryAllocation(of: Double.self, capacity: count) { junk in
                        radialAndCompact(p, junk.baseAddress!, ux, uy, uz, fa, sfa, sj, entry: entry, dfa: dfa)
                    }
                    for a in 0..<max(m - 1, 0) {
                        let ua = SIMD3(ux[a], uy[a], uz[a]), ia = 1.0 / p.distance[entry[a]]
                        for b in (a + 1)..<m {
                            let ub = SIMD3(ux[b], uy[b], uz[b]), ib = 1.0 / p.distance[entry[b]]
                            let c = dot(ua, ub)
                            let x = legacyAngularDomain ? ChebyshevConvention.legacyArgument(c) : ((2.0 * c + 1.0) - 1.0) * 0.5
                            let w = fa[a] * fa[b]
                            let sw = sj[a] * spin(p.type[entry[b]])   // stale s_j times s_k
                            let dca = (ub - c * ua) * ia, dcb = (ua - c * ub) * ib
                            let dwa = (dfa[a] * fa[b]) * ua, dwb = (fa[a] * dfa[b]) * ub
                            var series = ChebyshevSeries(x)
                            for n in 0..<aN {
                                let (tn, dtn) = series.term(n)
                                let v = w * tn
                                values[rN &+ n] += v
                                let ga = dwa * tn + (w * (dtn * dxdc)) * dca, gb = dwb * tn + (w * (dtn * dxdc)) * dcb
                                sink.add(rN &+ n, entry[a], ga); sink.add(rN &+ n, entry[b], gb)
                                if multi {
                                    values[aw &+ n] += sw * v
                                    sink.add(aw &+ n, entry[a], sw * ga); sink.add(aw &+ n, entry[b], sw * gb)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// T_n(x) and dT_n/dx = n·U_{n−1}(x) by the three-term recurrences, one order at a time
/// (orders must be asked for in sequence 0, 1, 2, …).
struct ChebyshevSeries {
    let x: Double
    private var tm = 1.0, t: Double, um = 1.0, uc: Double   // T_{n-2}, T_{n-1}, U_{n-2}, U_{n-1}

    @inline(__always) init(_ x: Double) { self.x = x; t = x; uc = 2.0 * x }

    @inline(__always) mutating func term(_ n: Int) -> (value: Double, derivative: Double) {
        switch n {
        case 0: return (1, 0)
        case 1: return (x, 1)
        default:
            let tn = 2.0 * x * t - tm; tm = t; t = tn
            let dtn = Double(n) * uc
            let un = 2.0 * x * uc - um; um = uc; uc = un
            return (tn, dtn)
        }
    }
}
