import AenetCore
import Foundation

/// Limited-memory BFGS with a strong-Wolfe line search (cubic interpolation, Nocedal & Wright
/// alg. 3.5/3.6), with aenet's settings: m = 20 corrections, sufficient decrease 1e-3, curvature
/// 0.9 (L-BFGS-B's ftol/gtol), converged when the gradient's ∞-norm ≤ 1e-6.
///
/// One call of `iterate` is one L-BFGS iteration (one accepted step; usually one evaluation).
/// aenet instead counts every function evaluation as an epoch; see compat/DIFFERENCES.md (train).
struct LBFGS: Sendable {
    public enum Status: Equatable, Sendable { case progress, converged, stalled }

    public var m = 20
    public var pgtol = 1e-6
    public var c1 = 1e-3
    public var c2 = 0.9
    public var maxEvaluationsPerIteration = 20

    /// The current point, with its loss and gradient once `evaluated`.
    public private(set) var x: [Double]
    public private(set) var f = 0.0
    public private(set) var g: [Double]
    public private(set) var evaluated = false
    public private(set) var iteration = 0
    public private(set) var evaluations = 0
    var s: [[Double]] = []
    var y: [[Double]] = []

    public init(x: [Double]) { self.x = x; g = Array(repeating: 0, count: x.count) }

    /// One iteration. `fg(x, &g)` returns the loss at x and stores its gradient in g.
    public mutating func iterate(_ fg: ([Double], inout [Double]) -> Double) -> Status {
        if !evaluated { f = fg(x, &g); evaluations += 1; evaluated = true }
        if Self.normInf(g) <= pgtol { return .converged }
        var d = direction()
        var dg = dot(d, g)
        if !(dg < 0) { s.removeAll(); y.removeAll(); d = g.map { -$0 }; dg = -dot(g, g) }
        let a0 = s.isEmpty ? min(1.0 / sqrt(dot(d, d)), 1.0) : 1.0
        guard let (xn, fn, gn) = lineSearch(d: d, dg0: dg, a0: a0, fg) else {
            if s.isEmpty { return .stalled }
            s.removeAll(); y.removeAll()   // a bad curvature model: retry from steepest descent next time
            return .progress
        }
        let sk = zip(xn, x).map { $0 - $1 }, yk = zip(gn, g).map { $0 - $1 }
        let sy = dot(sk, yk)
        if sy > 2.2e-16 * dot(yk, yk) {
            s.append(sk); y.append(yk)
            if s.count > m { s.removeFirst(); y.removeFirst() }
        }
        x = xn; f = fn; g = gn; iteration += 1
        return .progress
    }

    /// Sets the point (e.g. after loading networks); forgets the curvature history.
    public mutating func reset(x newX: [Double]) {
        x = newX; g = Array(repeating: 0, count: x.count); evaluated = false; s.removeAll(); y.removeAll()
    }

    /// −H·g by the two-loop recursion.
    func direction() -> [Double] {
        var q = g.map { -$0 }
        var alpha = [Double](repeating: 0, count: s.count)
        for i in stride(from: s.count - 1, through: 0, by: -1) {
            alpha[i] = dot(s[i], q) / dot(y[i], s[i])
            axpy(-alpha[i], y[i], &q)
        }
        if let sl = s.last, let yl = y.last {
            let gamma = dot(sl, yl) / dot(yl, yl)
            for k in q.indices { q[k] *= gamma }
        }
        for i in s.indices {
            let beta = dot(y[i], q) / dot(y[i], s[i])
            axpy(alpha[i] - beta, s[i], &q)
        }
        return q
    }

    /// Strong-Wolfe line search along d; nil when no acceptable (or at least lower) point was found.
    private mutating func lineSearch(d: [Double], dg0: Double, a0: Double,
                                     _ fg: ([Double], inout [Double]) -> Double) -> ([Double], Double, [Double])? {
        let f0 = f
        var best: ([Double], Double, [Double])? = nil
        var gt = [Double](repeating: 0, count: x.count)
        func eval(_ a: Double) -> (Double, Double, [Double], [Double]) {
            var xt = x; axpy(a, d, &xt)
            let ft = fg(xt, &gt); evaluations += 1
            if ft.isFinite, ft < (best?.1 ?? f0) { best = (xt, ft, gt) }
            return (ft, dot(gt, d), xt, gt)
        }
        var (aLo, fLo, dLo) = (0.0, f0, dg0)
        var aHi = 0.0, fHi = 0.0, dHi = 0.0, bracketed = false
        var a = a0
        for k in 0..<maxEvaluationsPerIteration {
            let (fa, da, xa, ga) = eval(a)
            if !bracketed {
                if !fa.isFinite || fa > f0 + c1 * a * dg0 || (k > 0 && fa >= fLo) {
                    (aHi, fHi, dHi) = (a, fa.isFinite ? fa : .greatestFiniteMagnitude, fa.isFinite ? da : 0)
                    bracketed = true
                } else if abs(da) <= -c2 * dg0 {
                    return (xa, fa, ga)
                } else if da >= 0 {
                    (aHi, fHi, dHi) = (aLo, fLo, dLo); (aLo, fLo, dLo) = (a, fa, da); bracketed = true
                } else {
                    (aLo, fLo, dLo) = (a, fa, da); a *= 4; continue
                }
            } else {
                if !fa.isFinite || fa > f0 + c1 * a * dg0 || fa >= fLo {
                    (aHi, fHi, dHi) = (a, fa.isFinite ? fa : .greatestFiniteMagnitude, fa.isFinite ? da : 0)
                } else {
                    if abs(da) <= -c2 * dg0 { return (xa, fa, ga) }
                    if da * (aHi - aLo) >= 0 { (aHi, fHi, dHi) = (aLo, fLo, dLo) }
                    (aLo, fLo, dLo) = (a, fa, da)
                }
            }
            a = Self.cubicMinimizer(aLo, fLo, dLo, aHi, fHi, dHi)
            if abs(aHi - aLo) < 1e-16 * max(1, abs(aLo)) { break }
        }
        return best
    }

    /// Minimizer of the cubic through two points with slopes, kept inside the safe part of the bracket.
    static func cubicMinimizer(_ a1: Double, _ f1: Double, _ d1: Double, _ a2: Double, _ f2: Double, _ d2: Double) -> Double {
        let lo = min(a1, a2), hi = max(a1, a2), w = hi - lo
        var t = 0.5 * (a1 + a2)
        if f2 < .greatestFiniteMagnitude {
            let e1 = d1 + d2 - 3 * (f1 - f2) / (a1 - a2)
            let rad = e1 * e1 - d1 * d2
            if rad >= 0 {
                let e2 = (a2 > a1 ? 1.0 : -1.0) * rad.squareRoot()
                let c = a2 - (a2 - a1) * (d2 + e2 - e1) / (d2 - d1 + 2 * e2)
                if c.isFinite { t = c }
            }
        }
        return min(max(t, lo + 0.1 * w), hi - 0.1 * w)
    }

    static func normInf(_ v: [Double]) -> Double { v.reduce(0) { max($0, abs($1)) } }
}

extension LBFGS {
    /// Our `train.restart` payload for bfgs (after the method-name record).
    public func write(to w: inout FortranRecordWriter) {
        w.record { $0.append(Int32(m)); $0.append(Int32(x.count)); $0.append(Int32(s.count)); $0.append(Int32(iteration)) }
        w.record { $0.append(f); $0.append(logical: evaluated) }
        w.record { $0.append(x) }
        w.record { $0.append(g) }
        for k in s.indices { w.record { $0.append(s[k]); $0.append(y[k]) } }
    }

    /// Reads what `write` wrote; nil when the sizes do not fit `n` weights.
    public static func read(from r: FortranRecordReader, n: Int) throws -> LBFGS? {
        var rec = try r.next()
        let m = try rec.int(), nx = try rec.int(), k = try rec.int(), it = try rec.int()
        guard nx == n, k >= 0, k <= m else { return nil }
        var o = LBFGS(x: [])
        o.m = m; o.iteration = it
        rec = try r.next(); o.f = try rec.double(); o.evaluated = try rec.logical()
        rec = try r.next(); o.x = try rec.doubles(n)
        rec = try r.next(); o.g = try rec.doubles(n)
        for _ in 0..<k { rec = try r.next(); o.s.append(try rec.doubles(n)); o.y.append(try rec.doubles(n)) }
        return o
    }
}

/// METHOD bfgs: one L-BFGS iteration (one accepted step) per epoch over the whole training set,
/// always in sequential order (aenet forces it and warns).
final class BFGSMethod: TrainingMethod {
    public static let token = "bfgs"
    public static let displayName = "Limited Memory BFGS"
    public static let parameters: [(name: String, value: Double)] = []
    public static func problem(with values: [Double]) -> String? { nil }
    public static var fixedSampling: Sampling? { .sequential }
    /// m = 20 correction pairs and a few vectors.
    public static func workingMemory(values: [Double], weightCount nw: Int, structureCount: Int) -> (bytes: Double, what: String) {
        (8 * Double(2 * 20 + 6) * Double(nw), "46 vectors of \(nw) weights")
    }

    /// Nil until the first epoch (started at the problem's weights) or a restored state.
    private(set) var lbfgs: LBFGS?

    public init(values: [Double], weightCount: Int, structureCount: Int) {}

    public func epoch(_ p: TrainingProblem) -> Bool {
        var o = lbfgs ?? LBFGS(x: p.weights)
        let status = o.iterate { x, g in p.lossAndGradient(x, &g, batch: nil) }
        lbfgs = o
        p.weights = o.x
        return status != .progress
    }

    public func writeState(to w: inout FortranRecordWriter) { (lbfgs ?? LBFGS(x: [])).write(to: &w) }

    public func readState(from r: FortranRecordReader, weightCount: Int) throws -> Bool {
        guard let o = try LBFGS.read(from: r, n: weightCount) else { return false }
        lbfgs = o
        return true
    }
}
