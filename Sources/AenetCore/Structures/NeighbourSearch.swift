/// All neighbours within a cutoff, over every periodic image (aenet's lclist semantics, aenet ext/lclist.f90).
///
/// Entry set: every (j, T) ≠ (i, 0) with |r_j + A·T − r_i|² ≤ (cutoff + 0.001)², images of the
/// central atom included. Unlike aenet (compat/DIFFERENCES.md) the image range is always sufficient, so the list
/// is complete for any cell shape. Entry order follows aenet's single-cell order, which matters for
/// the Chebyshev stale-spin quirk (compat/DIFFERENCES.md): first the images of atom i in T order (T3 outer, T1 inner),
/// then atoms j = N−1 … 0 (j ≠ i), each with its home image first and then its other images in T order.
///
/// With `convention: .aenet204` the list is aenet 2.0.4's instead, including the entries aenet loses
/// (see `AenetCellList`): candidate atoms and their order from aenet's linked-cell grid, images
/// limited to aenet's T range. Identical to `.complete` whenever aenet's list is complete and its
/// grid has one cell (then also in the same order).
public struct NeighbourSearch: Sendable {
    /// aenet's tolerance added to the cutoff (lclist EPS).
    public static let tolerance = 1.0e-3

    /// Wrapped Cartesian positions (periodic), input positions (isolated).
    public var positions: [SIMD3<Double>]
    /// Global type index of every atom.
    public var types: [Int32]
    public let cutoff: Double
    public let lattice: Lattice?

    /// Wrapped fractional coordinates (periodic only), used to bound the images per pair.
    var fractional: [SIMD3<Double>] = []
    /// (cutoff + tolerance)²: aenet compares squared distances with `<=`.
    let cutoff2: Double
    /// Per axis, (cutoff + tolerance)·|b_k| slightly enlarged: the fractional half-width of the sphere.
    var halfWidth = SIMD3<Double>(0, 0, 0)
    /// Per axis, ceil((cutoff + tolerance)·|b_k|): the largest |T_k| that can ever matter
    /// (`.aenet204`: at most aenet's T range).
    var bound = SIMD3<Int>(0, 0, 0)
    /// Images of the central atom within range, in T order; identical for every atom.
    var selfImages: [(r: SIMD3<Double>, d2: Double)] = []
    public let convention: NeighbourConvention
    /// aenet's candidate grid (`.aenet204` with more than one grid cell only).
    private var cells: AenetCellList?
    /// Linked cells (`.complete` when the structure spans several bins; `nil`: all pairs).
    var linkedCells: LinkedCells?

    /// How `.complete` lists are searched (same lists, in the same order, either way).
    enum Method: Sendable { case automatic, allPairs, linkedCells }

    /// `types[i]` = global type index (0-based, into the program's TYPES list) of atom i.
    /// Periodic: coordinates are wrapped into [0,1) fractional first (aenet does this in place).
    public init(structure: Structure, types: [Int32], cutoff: Double, convention: NeighbourConvention = .complete) {
        self.init(structure: structure, types: types, cutoff: cutoff, convention: convention, method: .automatic)
    }

    init(structure: Structure, types: [Int32], cutoff: Double, convention: NeighbourConvention, method: Method) {
        precondition(types.count == structure.atomCount, "one type per atom")
        self.types = types
        self.cutoff = cutoff
        self.lattice = structure.lattice
        self.convention = convention
        let rc = cutoff + Self.tolerance
        cutoff2 = rc * rc
        guard let lat = structure.lattice else {
            positions = structure.positions
            if convention == .aenet204, !positions.isEmpty {
                // aenet's bounding box (geo_get_bounds): orthogonal, extents + 2e-6, origin min − 1e-6.
                var lo = positions[0], hi = positions[0]
                for p in positions { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
                let box = hi - lo + 2.0e-6, origin = lo - 1.0e-6
                let cell = [SIMD3(box.x, 0, 0), SIMD3(0, box.y, 0), SIMD3(0, 0, box.z)]
                let f = AenetCellList.fractional(lattice: cell, positions: positions.map { $0 - origin })
                let list = AenetCellList(lattice: cell, fractional: f, rc: cutoff, periodic: false)
                if !list.isSingleCell { cells = list }
            }
            if convention == .complete, method != .allPairs {
                let grid = LinkedCells(isolated: positions, radius: rc)
                if method == .linkedCells || Self.worthIt(grid, atoms: positions.count) { linkedCells = grid }
            }
            return
        }
        fractional = structure.positions.map { Self.wrap(lat.fractional($0)) }
        positions = fractional.map { lat.cartesian($0) }
        let (ra, rb, rcv) = lat.reciprocal
        let w = rc * SIMD3(length(ra), length(rb), length(rcv))
        // The enlargement only admits candidates; the exact squared-distance test decides.
        halfWidth = w * (1 + 1e-12) + 1e-12
        bound = SIMD3(Int(w.x.rounded(.up)), Int(w.y.rounded(.up)), Int(w.z.rounded(.up)))
        if convention == .aenet204 {
            let cell = [lat.a, lat.b, lat.c]
            let f = AenetCellList.fractional(lattice: cell, positions: structure.positions).map(Self.wrap)
            let list = AenetCellList(lattice: cell, fractional: f, rc: cutoff, periodic: true)
            bound = pointwiseMin(bound, list.imageRange)
            if !list.isSingleCell { cells = list }
        }
        if convention == .complete, method != .allPairs,
           let grid = LinkedCells(fractional: fractional, fractionalHalfWidth: halfWidth, imageBound: bound),
           method == .linkedCells || Self.worthIt(grid, atoms: positions.count) {
            linkedCells = grid
        }
        for t3 in -bound.z...bound.z {
            for t2 in -bound.y...bound.y {
                for t1 in -bound.x...bound.x where t1 != 0 || t2 != 0 || t3 != 0 {
                    let r = Double(t1) * lat.a + Double(t2) * lat.b + Double(t3) * lat.c
                    let d2 = dot(r, r)
                    if d2 <= cutoff2 { selfImages.append((r, d2)) }
                }
            }
        }
    }

    /// Whether the linked cells beat the all-pairs loop: several bins and enough atoms.
    static func worthIt(_ grid: LinkedCells, atoms: Int) -> Bool {
        grid.nBins.x * grid.nBins.y * grid.nBins.z >= 8 && atoms >= 64
    }

    /// aenet's wrap_cooLatt: add or subtract 1 until the coordinate lies in [0,1), so that values
    /// rounding to exactly 1.0 end up as 0.0 just as in aenet.
    public static func wrap(_ f: SIMD3<Double>) -> SIMD3<Double> {
        var f = f
        for k in 0..<3 {
            var x = f[k]
            if !(abs(x) < 1e6) { x -= x.rounded(.down) }   // avoid long loops for absurd coordinates
            while x < 0 { x += 1 }
            while x >= 1 { x -= 1 }
            f[k] = x
        }
        return f
    }

    /// The coordinates aenet writes into training sets (aenet trainset.f90, ts_write_header/ts_write_structure, aenet ext/xsflib.f90): wrapped Cartesian
    /// positions for periodic structures; for isolated ones the positions shifted so that every
    /// Cartesian minimum becomes 1e-6 Å.
    public static func aenetFrame(_ s: Structure) -> [SIMD3<Double>] {
        if let lat = s.lattice { return s.positions.map { lat.cartesian(wrap(lat.fractional($0))) } }
        guard var lo = s.positions.first else { return [] }
        for p in s.positions { lo = pointwiseMin(lo, p) }
        let origin = lo - 1.0e-6
        return s.positions.map { $0 - origin }
    }

    /// Fill `nb` with the neighbours of atom `i` (0-based), replacing its previous contents.
    ///
    /// Entries are written through raw pointers (`Neighbourhood.withAppender`). When the buffers
    /// are full the list is started again with twice the room; the buffers are kept between calls,
    /// so a reused `Neighbourhood` grows a few times and then never again.
    public func neighbours(of i: Int, into nb: inout Neighbourhood) {
        nb.center = positions[i]
        nb.centerIndex = i
        nb.centerType = types[i]
        while true {
            nb.removeAll()
            if let linkedCells {
                if appendFromCells(linkedCells, of: i, into: &nb) { return }
            } else if nb.withAppender({ appendAll(of: i, into: &$0) }) {
                return
            }
            nb.reserve(max(2 * nb.capacity, 64))
        }
    }

    /// The own images of atom i (the same for every atom); false when the buffers are full.
    @inline(__always)
    func appendSelfImages(of i: Int, into app: inout NeighbourAppender) -> Bool {
        guard app.capacity - app.count >= selfImages.count else { return false }
        let ii = Int32(truncatingIfNeeded: i), ti = types[i]
        for img in selfImages { app.append(img.r, d2: img.d2, atom: ii, type: ti) }
        return true
    }

    /// The whole list without linked cells (all pairs or aenet's grid); false when the buffers are full.
    private func appendAll(of i: Int, into app: inout NeighbourAppender) -> Bool {
        guard appendSelfImages(of: i, into: &app) else { return false }
        if let cells {
            var ok = true
            cells.forEachCandidate(of: i) { j in
                if ok { ok = appendImages(of: j, around: i, into: &app) }
            }
            return ok
        }
        for j in stride(from: positions.count - 1, through: 0, by: -1) where j != i {
            guard appendImages(of: j, around: i, into: &app) else { return false }
        }
        return true
    }

    /// Appends the images of atom j (home image first, then T order) within range of atom i;
    /// false when the buffers are full.
    @inline(__always)
    private func appendImages(of j: Int, around i: Int, into app: inout NeighbourAppender) -> Bool {
        let base = positions[j] - positions[i]
        let tj = types[j], jj = Int32(truncatingIfNeeded: j)
        let d2 = dot(base, base)
        if d2 <= cutoff2 {
            if app.isFull { return false }
            app.append(base, d2: d2, atom: jj, type: tj)
        }
        guard let lat = lattice else { return true }
        // Fractional coordinate k of any image within range lies in [-halfWidth_k, halfWidth_k].
        let df = fractional[j] - fractional[i]
        let lo = (-halfWidth - df).rounded(.up), hi = (halfWidth - df).rounded(.down)
        let l3 = max(Int(lo.z), -bound.z), h3 = min(Int(hi.z), bound.z)
        let l2 = max(Int(lo.y), -bound.y), h2 = min(Int(hi.y), bound.y)
        let l1 = max(Int(lo.x), -bound.x), h1 = min(Int(hi.x), bound.x)
        guard l3 <= h3, l2 <= h2, l1 <= h1 else { return true }
        // Every candidate of a row is stored at `count`, which advances only for those within
        // range: no unpredictable branch per candidate; room for the whole row is checked first.
        let rowLength = h1 - l1 + 1
        for t3 in l3...h3 {
            let r3 = base + Double(t3) * lat.c
            for t2 in l2...h2 {
                let r2 = r3 + Double(t2) * lat.b
                if app.capacity - app.count < rowLength { return false }
                for t1 in l1...h1 where t1 != 0 || t2 != 0 || t3 != 0 {
                    let r = r2 + Double(t1) * lat.a
                    let d2 = dot(r, r)
                    app.store(r, d2: d2, atom: jj, type: tj)
                    app.count &+= d2 <= cutoff2 ? 1 : 0
                }
            }
        }
        return true
    }
}
