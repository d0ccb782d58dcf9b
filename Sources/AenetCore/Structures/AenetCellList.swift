/// Which neighbours `NeighbourSearch` lists.
public enum NeighbourConvention: Sendable, Equatable {
    /// Every (j, T) within the cutoff, for any cell shape (default).
    case complete
    /// aenet 2.0.4's lclist, including the neighbours it loses (a quirk listed in compat/DIFFERENCES.md, see `AenetCellList`):
    /// for bit-compatible training sets only.
    case aenet204
}

/// Emulation of the candidate selection of aenet 2.0.4's linked-cell list (ext/lclist.f90), which
/// decides which entries aenet's neighbour lists lose.
///
/// aenet lists, for central atom i, the pairs (j, T) within Rc + 0.001 with
///  * j ∈ candidates(i): the atoms of i's grid cell, then of the stencil cells (`stencil`), in that
///    order, each cell's atoms in descending index;
///  * T ∈ [−n_1, n_1]×[−n_2, n_2]×[−n_3, n_3] (`imageRange`, periodic structures only).
///
/// Both ranges come from `translation_vectors`, whose bound n_k = ceiling((Rc + 0.001)·ℓ_k + 0.001)
/// div 2 + 2 uses ℓ_k = |A⁻¹ e_k| — the length of the k-th *column* of A⁻¹ (`sphere_supercell`
/// builds its "reciprocal vectors" from the rows of the column-vector lattice matrix A, i.e. from
/// Aᵀ) — instead of the reciprocal-vector length |e_kᵀ A⁻¹| = 1/height_k. Lists are then
/// incomplete when some needed |T_k| (up to ceil((Rc + 0.001)/height_k)) exceeds n_k: for
/// axis-aligned orthogonal cells when Rc/height_k > 4, but for skewed cells much earlier since
/// ℓ_k < 1/height_k is possible (e.g. a = (2.94, 0, 0), b = (2.16, 4.06, 0), Rc = 8: n_1 = 3 where
/// |T_1| = 4 is needed). For grids of more than one cell (cells or isolated bounding boxes much larger
/// than Rc in some direction) the stencil bound min(n_k, nCells_k − 1), computed with the same
/// formula for the grid cell, can likewise miss whole candidate atoms.
struct AenetCellList: Sendable {
    /// Grid cells per lattice direction.
    let nCells: SIMD3<Int>
    /// T range of periodic images (zero for isolated structures).
    let imageRange: SIMD3<Int>
    /// Cell translations in aenet's order, without duplicates (periodic) or the zero vector.
    let stencil: [SIMD3<Int>]
    let periodic: Bool
    /// Grid cell (0-based) of every atom.
    let cellOfAtom: [SIMD3<Int>]
    /// Atoms of every cell in descending index, cells in linear order `cellStart[c]..<cellStart[c+1]`.
    let cellAtoms: [Int32]
    let cellStart: [Int]

    /// Whether all atoms are candidates of each other (single grid cell): candidates are then
    /// simply N−1 … 0.
    var isSingleCell: Bool { nCells == SIMD3(1, 1, 1) }

    static let eps = 1.0e-3

    /// `lattice` columns: aenet's latticeVec (the cell, or the bounding box of isolated structures);
    /// `fractional`: aenet's cooLatt after wrapping; `rc`: aenet's r_max (without the 0.001).
    init(lattice a: [SIMD3<Double>], fractional: [SIMD3<Double>], rc: Double, periodic: Bool) {
        self.periodic = periodic
        // cell_multiples
        let h = Self.heights(a)
        let hmin = max(min(h.x, h.y, h.z), 0.5)
        var nc = SIMD3(max(Int((h.x / hmin).rounded(.down)), 1), max(Int((h.y / hmin).rounded(.down)), 1),
                       max(Int((h.z / hmin).rounded(.down)), 1))
        var grid = (0..<3).map { a[$0] / Double(nc[$0]) }
        let gh = Self.heights(grid)
        let r = 0.5 * min(gh.z, gh.y, gh.x)
        if r > 0.5 * rc {
            for k in 0..<3 { nc[k] = Int((Double(nc[k]) * (2.0 * r / rc)).rounded(.down)) }
            grid = (0..<3).map { a[$0] / Double(nc[$0]) }
        }
        nCells = nc
        // translation_vectors for the grid (stencil) and for the lattice (images)
        var n = Self.supercellBound(grid, rc)
        for k in 0..<3 { n[k] = min(n[k], nc[k] - 1) }
        var stencil: [SIMD3<Int>] = []
        var seen = Set<SIMD3<Int>>()
        if n.x >= 0 && n.y >= 0 && n.z >= 0 {
            for i3 in -n.z...n.z { for i2 in -n.y...n.y { for i1 in -n.x...n.x {
                let t = SIMD3(i1, i2, i3)
                if t == .zero { continue }
                if periodic {
                    let ic = SIMD3(Self.modulo(i1, nc.x), Self.modulo(i2, nc.y), Self.modulo(i3, nc.z))
                    if !seen.insert(ic).inserted { continue }
                }
                stencil.append(t)
            } } }
        }
        self.stencil = stencil
        imageRange = periodic ? Self.supercellBound(a, rc) : .zero
        // cell_assign_atoms / cell_get: min(nint(f·nc + 0.5), nc), 1-based in aenet
        var cells: [SIMD3<Int>] = []
        cells.reserveCapacity(fractional.count)
        for f in fractional {
            var ic = SIMD3<Int>(0, 0, 0)
            for k in 0..<3 {
                let x = (f[k] * Double(nc[k]) + 0.5).rounded(.toNearestOrAwayFromZero)
                ic[k] = min(Int(x), nc[k]) - 1
            }
            // Isolated atoms outside the box cannot occur for freshly read files; clamp for safety.
            cells.append(pointwiseMax(pointwiseMin(ic, nc &- 1), .zero))
        }
        cellOfAtom = cells
        let ncell = nc.x * nc.y * nc.z
        var counts = [Int](repeating: 0, count: ncell + 1)
        for c in cells { counts[Self.linear(c, nc) + 1] += 1 }
        for c in 0..<ncell { counts[c + 1] += counts[c] }
        cellStart = counts
        var fill = counts
        var atoms = [Int32](repeating: 0, count: fractional.count)
        for j in stride(from: fractional.count - 1, through: 0, by: -1) {
            let c = Self.linear(cells[j], nc)
            atoms[fill[c]] = Int32(j); fill[c] += 1
        }
        cellAtoms = atoms
    }

    /// Calls `body(j)` for the candidates of atom `i` in aenet's order (i itself excluded).
    @inline(__always)
    func forEachCandidate(of i: Int, _ body: (Int) -> Void) {
        let c0 = cellOfAtom[i]
        let home = Self.linear(c0, nCells)
        for k in cellStart[home]..<cellStart[home + 1] where Int(cellAtoms[k]) != i { body(Int(cellAtoms[k])) }
        for t in stencil {
            var c = c0 &+ t
            if periodic {
                c = SIMD3(Self.modulo(c.x, nCells.x), Self.modulo(c.y, nCells.y), Self.modulo(c.z, nCells.z))
            } else if any(c .< .zero) || any(c .>= nCells) {
                continue
            }
            let l = Self.linear(c, nCells)
            for k in cellStart[l]..<cellStart[l + 1] { body(Int(cellAtoms[k])) }
        }
    }

    @inline(__always) static func linear(_ c: SIMD3<Int>, _ n: SIMD3<Int>) -> Int { (c.x * n.y + c.y) * n.z + c.z }
    @inline(__always) static func modulo(_ a: Int, _ n: Int) -> Int { let r = a % n; return r < 0 ? r + n : r }

    /// aenet's lattice coordinates of Cartesian positions, bit for bit (geometry.f90: the
    /// reciprocal lattice from geo_recip_lattice times 2π, matmul, divided by 2π). They decide the
    /// grid cell of atoms lying on cell boundaries (e.g. fractional 0.5 computed as 0.49999999999999994).
    static func fractional(lattice a: [SIMD3<Double>], positions: [SIMD3<Double>]) -> [SIMD3<Double>] {
        let m = { (i: Int, j: Int) -> Double in a[j - 1][i - 1] }   // avec(i, j)
        var v = m(1, 1) * m(2, 2) * m(3, 3) + m(2, 1) * m(3, 2) * m(1, 3) + m(3, 1) * m(1, 2) * m(2, 3)
        v = v - m(3, 1) * m(2, 2) * m(1, 3) - m(1, 1) * m(3, 2) * m(2, 3) - m(2, 1) * m(1, 2) * m(3, 3)
        let pi = 3.141592653589793
        let rows = [cross3(a[1], a[2]), -cross3(a[0], a[2]), cross3(a[0], a[1])].map { ($0 / v) * 2.0 * pi }
        let twoPi = 2.0 * pi
        return positions.map { x in
            var f = SIMD3<Double>(0, 0, 0)
            for i in 0..<3 {
                let b = rows[i]
                var acc = b.x * x.x
                acc = acc + b.y * x.y
                acc = acc + b.z * x.z
                f[i] = acc / twoPi
            }
            return f
        }
    }

    /// aenet's vproduct.
    static func cross3(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
    }

    static func sum3(_ v: SIMD3<Double>) -> Double { (v.x + v.y) + v.z }

    /// The three cell heights as cell_multiples / inner_sphere compute them (columns `a`).
    static func heights(_ a: [SIMD3<Double>]) -> SIMD3<Double> {
        func h(_ u: SIMD3<Double>, _ w: SIMD3<Double>, _ x: SIMD3<Double>) -> Double {
            var v = cross3(u, w)
            v = v / sum3(v * v).squareRoot()
            return abs(sum3(v * x))
        }
        return SIMD3(h(a[1], a[2], a[0]), h(a[0], a[2], a[1]), h(a[0], a[1], a[2]))
    }

    /// translation_vectors' bound: sphere_supercell(avec, rc + eps) div 2 + 2, with its transposition.
    static func supercellBound(_ a: [SIMD3<Double>], _ rc: Double) -> SIMD3<Int> {
        // cell_volume
        let m = { (i: Int, j: Int) -> Double in a[j - 1][i - 1] }   // avec(i, j)
        var v = m(1, 1) * m(2, 2) * m(3, 3) + m(2, 1) * m(3, 2) * m(1, 3) + m(3, 1) * m(1, 2) * m(2, 3)
        v = v - m(3, 1) * m(2, 2) * m(1, 3) - m(1, 1) * m(3, 2) * m(2, 3) - m(2, 1) * m(1, 2) * m(3, 3)
        v = abs(v)
        // rows avec(i, :)
        let row = { (i: Int) -> SIMD3<Double> in SIMD3(m(i, 1), m(i, 2), m(i, 3)) }
        let b1 = cross3(row(2), row(3)) / v
        let b2 = -cross3(row(1), row(3)) / v
        let b3 = cross3(row(1), row(2)) / v
        let r = rc + eps
        var n = SIMD3<Int>(0, 0, 0)
        for (k, b) in [b1, b2, b3].enumerated() {
            let len = sum3(b * b).squareRoot()
            n[k] = Int((r * len + eps).rounded(.up)) / 2 + 2
        }
        return n
    }
}
