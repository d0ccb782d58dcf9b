/// The two conventions of aenet's angular Chebyshev expansion.
///
/// aenet 2.0.0–2.0.3 expanded cos θ as if it lived on [0, π]: x = (2·cosθ − π)/π
/// (github atomisticnet/aenet issue 10, commit 0ec7154). 2.0.4 uses x = cos θ. A potential trained
/// with one convention predicts garbage under the other, and the file does not say which it is.
///
/// The stored statistics can tell, because the angular block is a sum of non-negative weights
/// w = fc·fc times T_n(x): with T0 = Σw and T1 = Σw·x per atom,
/// * 2.0.4: |T1| ≤ T0 for every atom, so avg(T1) ≥ −avg(T0) and min(T1) ≥ −max(T0);
/// * legacy: x ∈ [−1 − 2/π, 2/π − 1], so T1 ≤ −(1 − 2/π)·T0 ≤ 0 for every atom, hence
///   max(T1) ≤ 0 and avg(T1) ≤ −(1 − 2/π)·avg(T0).
/// Only violations of these bounds are reported; statistics that fit both say nothing.
public enum ChebyshevConvention {
    /// π as aenet's sfbasis module spells it.
    static let pi = 3.14159265358979

    /// Legacy angular argument and its derivative factor dx/dcosθ.
    @inline(__always) static func legacyArgument(_ c: Double) -> Double { (2 * c - pi) / pi }
    static let legacyDerivativeFactor = 2 / pi

    /// nil when the statistics are compatible with both conventions (or there are none).
    public static func diagnose(_ s: FingerprintSetup) -> (isLegacy: Bool, reason: String)? {
        guard s.isChebyshev, s.neval > 0 else { return nil }
        let p = s.chebyshevParameters
        guard p.angularN >= 1 else { return nil }
        let t0 = p.radialN + 1, t1 = t0 + 1          // unweighted angular T0, T1
        guard t1 < s.nsf else { return nil }
        let tol = 1e-9 * max(1, abs(s.sfvalMax[t0]))
        let avg0 = s.sfvalAvg[t0], avg1 = s.sfvalAvg[t1]
        let oldFactor = 1 - 2 / pi
        if s.sfvalMax[t1] > tol || avg1 > -oldFactor * avg0 + tol {
            // Impossible for the legacy convention: the file is a 2.0.4 one.
            return (false, "angular T1 average \(avg1), maximum \(s.sfvalMax[t1]) vs T0 average \(avg0)")
        }
        if avg1 < -avg0 - tol || s.sfvalMin[t1] < -s.sfvalMax[t0] - tol {
            return (true, "angular T1 average \(avg1), minimum \(s.sfvalMin[t1]) vs T0 average \(avg0), maximum \(s.sfvalMax[t0])")
        }
        return nil
    }
}
