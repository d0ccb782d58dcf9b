import Foundation

/// One Behler (2011) symmetry function as given on a `.stp` FUNCTIONS line (aenet sfsetup.f90, read_Setup_parameters).
public struct SymmetryFunction: Sendable, Equatable {
    /// G number, 1...5 (1–3 radial, 4–5 angular).
    public var kind: Int
    /// 0-based ENV indices of the neighbour species; `type3` is unused for kinds 1–3.
    public var type2: Int
    public var type3: Int
    public var cutoff, rs, eta, kappa, lambda, zeta: Double

    public init(kind: Int, type2: Int, type3: Int = 0, cutoff: Double, rs: Double = 0, eta: Double = 0,
                kappa: Double = 0, lambda: Double = 0, zeta: Double = 0) {
        self.kind = kind; self.type2 = type2; self.type3 = type3; self.cutoff = cutoff
        self.rs = rs; self.eta = eta; self.kappa = kappa; self.lambda = lambda; self.zeta = zeta
    }

    public var isRadial: Bool { kind <= 3 }
}

/// Behler–Parrinello symmetry functions G1–G5 as aenet 2.0.4 evaluates them (aenet ext/symmfunc.f90):
/// factor 2 in G4/G5 over unordered pairs j < k, cos θ clamped to [−1, 1], one Rc for every
/// distance including R_jk, Rs only in G2. Features come in aenet's evaluation order: per neighbour
/// species t2 (ENV order) the pair block (G1, G2, G3 with type2 = t2, each in file order), then for
/// t3 = t2… the triple block (G4, G5 with {type2, type3} = {t2, t3}). Neighbours whose `localType`
/// is −1 contribute to nothing.
public struct Behler2011Fingerprint: Fingerprint {
    /// Functions in `.stp` file order.
    public let functions: [SymmetryFunction]
    public let localType: [Int32]
    public let envCount: Int
    public var count: Int { functions.count }
    /// evaluationOrder[k] = file-order index of feature k.
    public var evaluationOrder: [Int]
    /// Largest cutoff: entries at or beyond it contribute exactly nothing.
    public let maxCutoff: Double

    /// A function as evaluated: its feature index and parameters.
    struct Term {
        var g: Int, kind: Int, rc: Double, rs: Double, eta: Double, kappa: Double, lambda: Double, zeta: Double
        /// Angular terms: index of (Rc, η) in `weightSlots` (F(R) = exp(−ηR²)·fc(R) is shared by all
        /// terms with the same Rc and η); ζ as an integer when it is one in 1…64, else 0.
        var slot: Int = 0, integerZeta: Int = 0
        /// Angular terms: index of (λ, ζ) in `angularCombos`.
        var combo: Int = 0
    }
    /// Radial terms of neighbour species t: radial[radialStart[t]..<radialStart[t+1]].
    let radial: [Term], radialStart: [Int]
    /// Angular terms of the species pair (lo, hi), lo ≤ hi: angular[angularStart[lo*envCount+hi]..<…+1].
    let angular: [Term], angularStart: [Int]
    /// Distinct (Rc, η) of the angular terms.
    let weightSlots: [(rc: Double, eta: Double)]
    /// Distinct (λ, ζ) of the angular terms.
    let angularCombos: [(lambda: Double, zeta: Double)]

    /// functions in .stp FILE order; values are produced in aenet's EVALUATION order (aenet ext/symmfunc.f90 feature order).
    public init(functions: [SymmetryFunction], localType: [Int32], envCount: Int) {
        for f in functions {
            precondition((1...5).contains(f.kind), "symmetry function kind must be 1...5")
            precondition(f.type2 >= 0 && f.type2 < envCount && (f.isRadial || (f.type3 >= 0 && f.type3 < envCount)),
                         "symmetry function species must be ENV indices")
        }
        self.functions = functions; self.localType = localType; self.envCount = envCount
        maxCutoff = functions.map(\.cutoff).max() ?? 0
        func term(_ i: Int, _ g: Int) -> Term {
            let f = functions[i]
            return Term(g: g, kind: f.kind, rc: f.cutoff, rs: f.rs, eta: f.eta, kappa: f.kappa, lambda: f.lambda, zeta: f.zeta)
        }
        var order: [Int] = [], rad: [Term] = [], ang: [Term] = []
        var rStart = [0], aStart = [Int](repeating: 0, count: envCount * envCount + 1)
        var angByPair = [[Term]](repeating: [], count: envCount * envCount)
        for t2 in 0..<envCount {
            for kind in 1...3 {
                for (i, f) in functions.enumerated() where f.kind == kind && f.type2 == t2 {
                    rad.append(term(i, order.count)); order.append(i)
                }
            }
            rStart.append(rad.count)
            for t3 in t2..<envCount {
                for kind in 4...5 {
                    for (i, f) in functions.enumerated()
                    where f.kind == kind && min(f.type2, f.type3) == t2 && max(f.type2, f.type3) == t3 {
                        angByPair[t2 * envCount + t3].append(term(i, order.count)); order.append(i)
                    }
                }
            }
        }
        for p in 0..<(envCount * envCount) { ang += angByPair[p]; aStart[p + 1] = ang.count }
        var slots: [(rc: Double, eta: Double)] = []
        for q in ang.indices {
            let t = ang[q]
            ang[q].slot = distinctIndex(of: (t.rc, t.eta), in: &slots) { $0.rc == $1.rc && $0.eta == $1.eta }
            let iz = t.zeta.isFinite && abs(t.zeta) <= 64 ? Int(t.zeta) : 0
            ang[q].integerZeta = Double(iz) == t.zeta && iz >= 1 && iz <= 64 ? iz : 0
        }
        weightSlots = slots
        var combos: [(lambda: Double, zeta: Double)] = []
        for q in ang.indices {
            let t = ang[q]
            ang[q].combo = distinctIndex(of: (t.lambda, t.zeta), in: &combos) { $0.lambda == $1.lambda && $0.zeta == $1.zeta }
        }
        angularCombos = combos
        evaluationOrder = order; radial = rad; radialStart = rStart; angular = ang; angularStart = aStart
    }

    /// Cutoff function as in sf_cut (note the (π·R)/Rc grouping, unlike the Chebyshev basis).
    @inline(__always) static func cutoff(_ d: Double, _ rc: Double) -> (f: Double, df: Double) {
        if d >= rc { return (0, 0) }
        let a = aenetPi * d / rc
        return (0.5 * (cos(a) + 1.0), -0.5 * aenetPi / rc * sin(a))
    }

    /// `cutoff(d, rc).f` alone.
    @inline(__always) static func cutoffValue(_ d: Double, _ rc: Double) -> Double {
        if d >= rc { return 0 }
        return 0.5 * (cos(aenetPi * d / rc) + 1.0)
    }

    /// F(R) = exp(−η R²)·fc(R) and its derivative (sf_F2_ij).
    @inline(__always) static func radialWeight(_ d: Double, _ rc: Double, _ eta: Double) -> (f: Double, df: Double) {
        let (fc, dfc) = cutoff(d, rc)
        let e = exp(-eta * d * d)
        return (e * fc, e * (dfc - 2.0 * eta * d * fc))
    }

    public func evaluate(_ nb: Neighbourhood, values: UnsafeMutablePointer<Double>) {
        valuesKernel(nb, values: values)
    }

    public func evaluate(_ nb: Neighbourhood, values: UnsafeMutablePointer<Double>,
                         dCenter: UnsafeMutablePointer<Double>, dNeighbours: UnsafeMutablePointer<Double>) {
        var sink = FullGradient(dCenter: dCenter, dNeighbours: dNeighbours, count: count, nnb: nb.count)
        kernel(nb, values: values, sink: &sink)
    }

    public func accumulateGradient(_ nb: Neighbourhood, weights: UnsafePointer<Double>,
                                   center: inout SIMD3<Double>, neighbours: UnsafeMutablePointer<Double>) {
        var sink = WeightedGradient(weights: weights, neighbours: neighbours)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(count, 1)) { v in
            kernel(nb, values: v.baseAddress!, sink: &sink)
        }
        center += sink.center
    }
}

/// The index of `key` in `list` (appended when new): the terms shared by several functions
/// (one F(R) per (Rc, η), one power per (λ, ζ)) are computed once per slot.
private func distinctIndex<K>(of key: K, in list: inout [K], _ same: (K, K) -> Bool) -> Int {
    if let k = list.firstIndex(where: { same($0, key) }) { return k }
    list.append(key)
    return list.count - 1
}
