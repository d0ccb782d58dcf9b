import Foundation

/// Bounded work for the neighbour search: degenerate, near-singular or absurdly dense cells and
/// non-finite coordinates are refused with a message instead of looping over ~10¹⁰ images.
extension NeighbourSearch {
    /// Most periodic images the search may scan per atom: ∏_k (2⌈R/h_k⌉ + 1) with the cell heights h_k.
    public static let maximumImages = 1_000_000
    /// Most neighbours per atom the density allows (N·(4/3)πR³/V estimated before the search).
    public static let maximumNeighbours = 200_000

    /// Checks that the neighbours of `structure` within `cutoff` can be listed in bounded time and
    /// memory; `file` names the structure in the error.
    public static func validate(_ structure: Structure, cutoff: Double, file: String) throws {
        guard cutoff.isFinite, cutoff >= 0 else {
            throw AenetError("cutoff radius \(cutoff) Å is not a finite non-negative number", file: file)
        }
        for (i, p) in structure.positions.enumerated() where !(p.x.isFinite && p.y.isFinite && p.z.isFinite) {
            throw AenetError("atom \(i + 1) has a non-finite coordinate (\(p.x), \(p.y), \(p.z))", file: file)
        }
        guard let lat = structure.lattice else { return }
        let vectors = [lat.a, lat.b, lat.c]
        guard vectors.allSatisfy({ $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }) else {
            throw AenetError("the lattice vectors are not finite numbers", file: file)
        }
        let v = abs(lat.volume)
        let scale = length(lat.a) * length(lat.b) * length(lat.c)
        guard v.isFinite, v > 0, v > 1e-10 * scale else {
            throw AenetError(String(format: "the cell is degenerate (volume %.3g Å³ for lattice vectors of %.3g, %.3g, %.3g Å); check PRIMVEC",
                                    v, length(lat.a), length(lat.b), length(lat.c)), file: file)
        }
        let rc = cutoff + tolerance
        let h = lat.heights
        var images = 1.0
        for k in 0..<3 { images *= 2 * (rc / h[k]).rounded(.up) + 1 }
        guard images.isFinite, images <= Double(maximumImages) else {
            throw AenetError(String(format: "the cell is too thin for the cutoff: heights %.3g, %.3g, %.3g Å with R = %g Å need %.3g periodic images per atom (at most %d); check PRIMVEC or use a supercell",
                                    h.x, h.y, h.z, cutoff, images, maximumImages), file: file)
        }
        let neighbours = Double(structure.atomCount) * 4.0 / 3.0 * Double.pi * rc * rc * rc / v
        guard neighbours <= Double(maximumNeighbours) else {
            throw AenetError(String(format: "%d atoms in a cell of %.3g Å³ give about %.3g neighbours per atom within %g Å (at most %d); check the cell and the coordinates",
                                    structure.atomCount, v, neighbours, cutoff, maximumNeighbours), file: file)
        }
    }

    /// `init(structure:types:cutoff:convention:)` after `validate`.
    public init(validating structure: Structure, types: [Int32], cutoff: Double,
                convention: NeighbourConvention = .complete, file: String) throws {
        try Self.validate(structure, cutoff: cutoff, file: file)
        self.init(structure: structure, types: types, cutoff: cutoff, convention: convention)
    }
}
