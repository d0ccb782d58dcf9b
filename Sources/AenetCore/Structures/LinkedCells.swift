import Foundation

/// Linked cells for the complete neighbour list in linear time (`NeighbourSearch`, `.complete`).
///
/// The atoms are binned on a grid in fractional coordinates (periodic) or over the bounding box
/// (isolated), with bins at least half the cutoff wide. The candidates of atom i are the atoms of the
/// bins m whose span overlaps [u_i − w, u_i + w] per axis (u: grid coordinate, w: the sphere's
/// half-width in bins); a periodic bin index m outside [0, n_k) is bin m mod n_k seen through the
/// image T_k = ⌊m / n_k⌋, so skewed cells and cutoffs longer than the cell need nothing special:
/// |Δf_k| ≤ R·|b_k| holds for every displacement shorter than R, whatever the cell shape.
///
/// The exact test and the displacement arithmetic are `NeighbourSearch`'s own, and the entries
/// are put back into its documented order (self images, then atoms N−1 … 0, home image first,
/// then T3, T2, T1 ascending) by sorting integer keys, so the list is bit for bit the one of the
/// all-pairs search. Memory: one bin index per atom and at most max(2N, 1) bins.
struct LinkedCells: Sendable {
    /// Bins per axis.
    let nBins: SIMD3<Int>
    let periodic: Bool
    /// Grid coordinate of every atom (bins, in [0, nBins)).
    let grid: [SIMD3<Double>]
    /// Half-width of the cutoff sphere in bins, per axis (slightly enlarged; the distance test decides).
    let halfWidth: SIMD3<Double>
    /// Atoms of bin b: `binAtoms[binStart[b] ..< binStart[b + 1]]`.
    let binStart: [Int32]
    let binAtoms: [Int32]
    /// Periodic T range (the search's bound): |T_k| ≤ imageBound_k.
    let imageBound: SIMD3<Int>

    /// Most bins per atom: bounds the memory for dilute structures.
    static let binsPerAtom = 2

    /// Bins for a periodic structure from the wrapped fractional coordinates. `fractionalHalfWidth`
    /// is R·|b_k| (already enlarged by the search). Nil when the image keys would not fit 32 bits.
    init?(fractional: [SIMD3<Double>], fractionalHalfWidth hw: SIMD3<Double>, imageBound: SIMD3<Int>) {
        let span = (2 &* imageBound &+ 1)
        guard span.x > 0, span.y > 0, span.z > 0,
              Double(span.x) * Double(span.y) * Double(span.z) < 2.0e9 else { return nil }
        let w = hw * (1 + 1e-9) + 1e-9
        var n = SIMD3<Int>(1, 1, 1)
        for k in 0..<3 where w[k] < 2 { n[k] = max(1, Int(2 / w[k])) }   // bins ≥ half the cutoff wide
        n = Self.capped(n, atoms: fractional.count)
        let nd = SIMD3<Double>(Double(n.x), Double(n.y), Double(n.z))
        self.init(nBins: n, periodic: true, grid: fractional.map { $0 * nd }, halfWidth: w * nd, imageBound: imageBound)
    }

    /// Bins for an isolated structure over the bounding box of `positions`; `radius` = cutoff + tolerance.
    init(isolated positions: [SIMD3<Double>], radius: Double) {
        guard var lo = positions.first else {
            self.init(nBins: SIMD3(1, 1, 1), periodic: false, grid: [], halfWidth: .zero, imageBound: .zero)
            return
        }
        var hi = lo
        for p in positions { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
        let extent = hi - lo
        let r = radius * (1 + 1e-9) + 1e-9
        var n = SIMD3<Int>(1, 1, 1)
        for k in 0..<3 {
            let bins = 2 * extent[k] / r
            if bins >= 2, bins < 1e9 { n[k] = Int(bins) }
        }
        n = Self.capped(n, atoms: positions.count)
        var scale = SIMD3<Double>(0, 0, 0), width = SIMD3<Double>(0, 0, 0)
        for k in 0..<3 where n[k] > 1 {
            scale[k] = Double(n[k]) / extent[k]
            width[k] = r * scale[k]
        }
        // With one bin along an axis every atom sits at grid coordinate 0 and the range is that bin.
        self.init(nBins: n, periodic: false, grid: positions.map { ($0 - lo) * scale }, halfWidth: width, imageBound: .zero)
    }

    private init(nBins n: SIMD3<Int>, periodic: Bool, grid: [SIMD3<Double>], halfWidth: SIMD3<Double>, imageBound: SIMD3<Int>) {
        nBins = n
        self.periodic = periodic
        self.grid = grid
        self.halfWidth = halfWidth
        self.imageBound = imageBound
        let nb = n.x * n.y * n.z
        var start = [Int32](repeating: 0, count: nb + 1)
        var bins = [Int32](repeating: 0, count: grid.count)
        for (a, u) in grid.enumerated() {
            let b = Self.linear(Self.bin(u, n), n)
            bins[a] = Int32(truncatingIfNeeded: b)
            start[b + 1] &+= 1
        }
        for b in 0..<nb { start[b + 1] &+= start[b] }
        var fill = start
        var atoms = [Int32](repeating: 0, count: grid.count)
        for a in grid.indices {
            let b = Int(bins[a])
            atoms[Int(fill[b])] = Int32(truncatingIfNeeded: a)
            fill[b] &+= 1
        }
        binStart = start
        binAtoms = atoms
    }

    /// At most max(binsPerAtom·N, 1) bins in total (dilute structures, huge cells).
    static func capped(_ n0: SIMD3<Int>, atoms: Int) -> SIMD3<Int> {
        var n = n0
        let cap = Double(max(binsPerAtom * atoms, 1))
        let total = Double(n.x) * Double(n.y) * Double(n.z)
        if total > cap {
            let s = Foundation.cbrt(cap / total)
            for k in 0..<3 { n[k] = max(1, Int(Double(n[k]) * s)) }
            while n.x * n.y * n.z > Int(cap) {
                let k = n.x >= n.y && n.x >= n.z ? 0 : (n.y >= n.z ? 1 : 2)
                n[k] = max(1, n[k] - 1)
            }
        }
        return n
    }

    @inline(__always) static func bin(_ u: SIMD3<Double>, _ n: SIMD3<Int>) -> SIMD3<Int> {
        var b = SIMD3<Int>(0, 0, 0)
        for k in 0..<3 {
            let x = u[k]
            // NaN and out-of-range values land in a border bin; the distance test still decides.
            b[k] = x >= 1 ? min(Int(Swift.min(x, 1e15)), n[k] - 1) : 0
        }
        return b
    }

    @inline(__always) static func linear(_ b: SIMD3<Int>, _ n: SIMD3<Int>) -> Int { (b.z * n.y + b.y) * n.x + b.x }

    @inline(__always) static func floorDiv(_ a: Int, _ n: Int) -> Int { a >= 0 ? a / n : -((-a + n - 1) / n) }

    /// Range of bin indices m (periodic: before wrapping) that may hold neighbours along axis k.
    @inline(__always) func range(_ u: Double, _ k: Int) -> (Int, Int) {
        let w = halfWidth[k]
        var lo = Int((u - w).rounded(.down)), hi = Int((u + w).rounded(.down))
        if periodic {
            let n = nBins[k], b = imageBound[k]
            lo = max(lo, -b * n); hi = min(hi, (b + 1) * n - 1)
        } else {
            lo = max(lo, 0); hi = min(hi, nBins[k] - 1)
        }
        return (lo, hi)
    }
}

/// One candidate of the linked-cell search, kept until the list is sorted.
struct PendingNeighbour {
    var key: UInt64
    var r: SIMD3<Double>
    var d2: Double
    var atom: Int32
}

extension NeighbourSearch {
    /// Appends the own images of atom i and then its other neighbours found through `cells`, in the
    /// all-pairs order; false when `nb`'s buffers are too small (the caller grows them and retries).
    func appendFromCells(_ cells: LinkedCells, of i: Int, into nb: inout Neighbourhood) -> Bool {
        let u = cells.grid[i]
        let (l1, h1) = cells.range(u.x, 0), (l2, h2) = cells.range(u.y, 1), (l3, h3) = cells.range(u.z, 2)
        guard l1 <= h1, l2 <= h2, l3 <= h3 else { return nb.withAppender { appendSelfImages(of: i, into: &$0) } }
        let n = cells.nBins, b = cells.imageBound
        let s1 = 2 * b.x + 1, s2 = 2 * b.y + 1
        let ri = positions[i]
        let last = positions.count - 1
        let lat = lattice
        // Candidates go to `pending` through a pointer; when it is full it grows and the scan starts again.
        // `pending` is taken out of `nb` while `nb`'s own buffers are written (exclusive access).
        var pend: [PendingNeighbour] = []
        swap(&pend, &nb.pending)
        defer { swap(&pend, &nb.pending) }
        var found = 0, full = true
        while full {
            full = false
            found = 0
            let room = pend.count
            cells.binStart.withUnsafeBufferPointer { start in
                cells.binAtoms.withUnsafeBufferPointer { atoms in
                    positions.withUnsafeBufferPointer { pos in
                        pend.withUnsafeMutableBufferPointer { pending in
                            scan: for m3 in l3...h3 {
                                let t3 = cells.periodic ? LinkedCells.floorDiv(m3, n.z) : 0
                                let b3 = m3 - t3 * n.z
                                for m2 in l2...h2 {
                                    let t2 = cells.periodic ? LinkedCells.floorDiv(m2, n.y) : 0
                                    let b2 = m2 - t2 * n.y
                                    for m1 in l1...h1 {
                                        let t1 = cells.periodic ? LinkedCells.floorDiv(m1, n.x) : 0
                                        let b1 = m1 - t1 * n.x
                                        let bin = (b3 * n.y + b2) * n.x + b1
                                        let home = t1 == 0 && t2 == 0 && t3 == 0
                                        let imageKey: UInt64 = home ? 0
                                            : 1 + UInt64(((t3 + b.z) * s2 + (t2 + b.y)) * s1 + (t1 + b.x))
                                        for k in Int(start[bin])..<Int(start[bin + 1]) {
                                            let j = Int(atoms[k])
                                            if j == i { continue }   // own images come from `selfImages`
                                            // Same arithmetic as the all-pairs search, for identical bits.
                                            let base = pos[j] - ri
                                            var r = base
                                            if !home, let lat {
                                                let r3 = base + Double(t3) * lat.c
                                                let r2 = r3 + Double(t2) * lat.b
                                                r = r2 + Double(t1) * lat.a
                                            }
                                            let d2 = dot(r, r)
                                            if d2 <= cutoff2 {
                                                if found == room { full = true; break scan }
                                                pending[found] = PendingNeighbour(key: UInt64(last - j) << 32 | imageKey, r: r, d2: d2,
                                                                                  atom: Int32(truncatingIfNeeded: j))
                                                found &+= 1
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if full {
                pend.append(contentsOf: repeatElement(PendingNeighbour(key: 0, r: .zero, d2: 0, atom: 0),
                                                            count: max(room, 64)))
            }
        }
        let count = found
        return pend.withUnsafeMutableBufferPointer { p in
            if let base = p.baseAddress { sortByKey(base, count) }
            return nb.withAppender { app in
                guard appendSelfImages(of: i, into: &app), app.capacity - app.count >= count else { return false }
                for e in 0..<count {
                    let q = p[e]
                    app.append(q.r, d2: q.d2, atom: q.atom, type: types[Int(q.atom)])
                }
                return true
            }
        }
    }
}

/// In-place sort by key (quicksort, median of three, insertion sort below 16; keys are distinct).
func sortByKey(_ a: UnsafeMutablePointer<PendingNeighbour>, _ n: Int) {
    var lo = 0, hi = n - 1
    while hi - lo >= 16 {
        let mid = lo + (hi - lo) / 2
        if a[mid].key < a[lo].key { a.swapAt(mid, lo) }
        if a[hi].key < a[lo].key { a.swapAt(hi, lo) }
        if a[hi].key < a[mid].key { a.swapAt(hi, mid) }
        let pivot = a[mid].key
        var i = lo, j = hi
        while i <= j {
            while a[i].key < pivot { i += 1 }
            while a[j].key > pivot { j -= 1 }
            if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
        }
        // Recurse into the smaller part, loop on the larger: stack depth ≤ log2 n.
        if j - lo < hi - i {
            if lo < j { sortByKey(a + lo, j - lo + 1) }
            lo = i
        } else {
            if i < hi { sortByKey(a + i, hi - i + 1) }
            hi = j
        }
    }
    if hi > lo {
        for x in (lo + 1)...hi {
            let v = a[x]
            var y = x - 1
            while y >= lo && a[y].key > v.key { a[y + 1] = a[y]; y -= 1 }
            a[y + 1] = v
        }
    }
}

extension UnsafeMutablePointer {
    @inline(__always) fileprivate func swapAt(_ i: Int, _ j: Int) {
        let t = self[i]; self[i] = self[j]; self[j] = t
    }
}
