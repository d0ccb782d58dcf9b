/// Three lattice vectors of a periodic cell (rows a, b, c, in Å).
public struct Lattice: Sendable, Equatable {
    public var a: SIMD3<Double>
    public var b: SIMD3<Double>
    public var c: SIMD3<Double>

    public init(a: SIMD3<Double>, b: SIMD3<Double>, c: SIMD3<Double>) {
        self.a = a; self.b = b; self.c = c
    }

    public var volume: Double { dot(a, cross(b, c)) }

    /// Reciprocal vectors without the 2π factor: `a·ra = 1`, `a·rb = 0`, …
    /// Their lengths are the inverse cell heights.
    public var reciprocal: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>) {
        let v = volume
        return (cross(b, c) / v, cross(c, a) / v, cross(a, b) / v)
    }

    /// Distances between opposite faces of the cell.
    public var heights: SIMD3<Double> {
        let (ra, rb, rc) = reciprocal
        return SIMD3(1 / length(ra), 1 / length(rb), 1 / length(rc))
    }

    public func cartesian(_ f: SIMD3<Double>) -> SIMD3<Double> { f.x * a + f.y * b + f.z * c }

    public func fractional(_ r: SIMD3<Double>) -> SIMD3<Double> {
        let (ra, rb, rc) = reciprocal
        return SIMD3(dot(ra, r), dot(rb, r), dot(rc, r))
    }
}

/// An atomic structure as read from an XSF file: periodic when it has a lattice, isolated otherwise.
public struct Structure: Sendable, Equatable {
    public var lattice: Lattice?
    /// Chemical symbol of every atom, in file order (at most two characters, case-sensitive as aenet).
    public var species: [String]
    /// Cartesian coordinates in Å.
    public var positions: [SIMD3<Double>]
    /// Cartesian forces in eV/Å, when the file has them.
    public var forces: [SIMD3<Double>]?
    public var totalEnergy: Double?
    public var cohesiveEnergy: Double?

    public init(lattice: Lattice?, species: [String], positions: [SIMD3<Double>],
                forces: [SIMD3<Double>]? = nil, totalEnergy: Double? = nil, cohesiveEnergy: Double? = nil) {
        self.lattice = lattice; self.species = species; self.positions = positions
        self.forces = forces; self.totalEnergy = totalEnergy; self.cohesiveEnergy = cohesiveEnergy
    }

    public var atomCount: Int { positions.count }
    public var isPeriodic: Bool { lattice != nil }

    /// Distinct species in order of first appearance (aenet's per-structure type order).
    public var distinctSpecies: [String] {
        var seen: [String] = []
        for s in species where !seen.contains(s) { seen.append(s) }
        return seen
    }
}

@inline(__always) public func dot(_ u: SIMD3<Double>, _ v: SIMD3<Double>) -> Double { (u * v).sum() }
@inline(__always) public func length(_ u: SIMD3<Double>) -> Double { dot(u, u).squareRoot() }
@inline(__always) public func cross(_ u: SIMD3<Double>, _ v: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x)
}
