// Writes the project's own reference inputs (reference-inputs/): TiO2-like XSF structures with
// energies and exact forces of `PairPotential.tio2`, and generate.in decks / .stp setups that use
// them. Deterministic: the same program writes the same bytes on every machine.
//
//   swift run make-reference-inputs [output-directory]      (default: reference-inputs)
import AenetCore
import AenetTestSupport
import Foundation

let usage = "usage: make-reference-inputs [output-directory]   (default: reference-inputs)"
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains(where: { $0 == "--help" || $0 == "-h" }) { print(usage); exit(0) }
if let option = arguments.first(where: { $0.hasPrefix("-") }) {
    FileHandle.standardError.write(Data("make-reference-inputs: error: unknown option \(option)\n\(usage)\n".utf8))
    exit(2)
}
if arguments.count > 1 {
    FileHandle.standardError.write(Data("make-reference-inputs: error: one output directory at most\n\(usage)\n".utf8))
    exit(2)
}
let out = arguments.first ?? "reference-inputs"
let seed: UInt64 = 20_200_054  // fixed: the outputs are committed
let atomicEnergies: [String: Double] = ["Ti": -1626.66972707, "O": -433.23448532]
let potential = PairPotential.tio2

func die(_ message: String) -> Never {
    FileHandle.standardError.write(Data("make-reference-inputs: \(message)\n".utf8))
    exit(1)
}

/// Coordinates rounded to 1e-8 Å so that the files stay readable; energies and forces are then
/// computed for exactly these coordinates and written in full precision.
func finished(_ s: Structure) throws -> Structure {
    var s = s
    s.positions = s.positions.map { ($0 * 1e8).rounded(.toNearestOrEven) / 1e8 }
    if let l = s.lattice {
        func r(_ v: SIMD3<Double>) -> SIMD3<Double> { (v * 1e8).rounded(.toNearestOrEven) / 1e8 }
        s.lattice = Lattice(a: r(l.a), b: r(l.b), c: r(l.c))
    }
    let (e, f) = try potential.evaluate(s)
    s.forces = f
    s.totalEnergy = s.species.reduce(e) { $0 + atomicEnergies[$1]! }
    return s
}

var rng = SplitMix64(seed: seed)
var structures: [(name: String, structure: Structure)] = []

// 40 periodic cells: 8 bases × 5 variants.
let bases: [Structure] = [
    ReferenceStructures.rutile(),
    ReferenceStructures.supercell(ReferenceStructures.rutile(), SIMD3(1, 1, 2)),
    ReferenceStructures.supercell(ReferenceStructures.rutile(), SIMD3(2, 1, 1)),
    ReferenceStructures.supercell(ReferenceStructures.rutile(), SIMD3(1, 1, 3)),
    ReferenceStructures.supercell(ReferenceStructures.rutile(), SIMD3(2, 2, 1)),
    ReferenceStructures.supercell(ReferenceStructures.rutile(), SIMD3(2, 1, 2)),
    ReferenceStructures.anatase(),
    ReferenceStructures.supercell(ReferenceStructures.anatase(), SIMD3(2, 1, 1)),
]
var n = 0
for variant in 0..<5 {
    for base in bases {
        var s: Structure
        repeat {
            switch variant {
            case 0: s = ReferenceStructures.rattled(base, amplitude: 0.05, rng: &rng)
            case 1: s = ReferenceStructures.rattled(base, amplitude: 0.12, rng: &rng)
            case 2: s = ReferenceStructures.rattled(ReferenceStructures.strained(base, maxStrain: 0.05, rng: &rng), amplitude: 0.08, rng: &rng)
            case 3:
                s = ReferenceStructures.rattled(ReferenceStructures.strained(base, maxStrain: 0.10, rng: &rng), amplitude: 0.05, rng: &rng)
                s = ReferenceStructures.withAtomsOutside(s, fraction: 0.3, rng: &rng)
            default:
                var scaled = base
                let f = rng.uniform(0.96, 1.04)
                scaled.lattice = Lattice(a: f * base.lattice!.a, b: f * base.lattice!.b, c: f * base.lattice!.c)
                scaled.positions = base.positions.map { f * $0 }
                s = ReferenceStructures.withAtomsOutside(ReferenceStructures.rattled(scaled, amplitude: 0.1, rng: &rng),
                                                         fraction: 0.3, rng: &rng)
            }
        } while ReferenceStructures.shortestDistance(s) < 1.5
        n += 1
        structures.append((String(format: "periodic-%02d.xsf", n), s))
    }
}

// 8 isolated clusters.
for (k, (ti, o)) in [(1, 2), (2, 4), (3, 6), (4, 8), (1, 1), (2, 3), (3, 5), (5, 10)].enumerated() {
    structures.append((String(format: "cluster-%02d.xsf", k + 1), ReferenceStructures.cluster(titanium: ti, oxygen: o, rng: &rng)))
}

do {
    try FileManager.default.createDirectory(atPath: out + "/structures", withIntermediateDirectories: true)
    var paths: [String] = []
    for (name, s) in structures {
        try AtomicFile.write(XSFWriter.string(try finished(s)), to: out + "/structures/" + name, overwrite: true)
        paths.append("structures/" + name)
    }
    let files = "FILES\n\(paths.count)\n" + paths.joined(separator: "\n") + "\n"

    try replaceFile(path: out + "/generate.in", contents: """
        ! Reference deck (made by make-reference-inputs): Chebyshev descriptors, \(paths.count) structures.
        ! Run from reference-inputs/.
        OUTPUT reference.train

        TYPES
        2
        Ti  -1626.66972707  ! eV
        O    -433.23448532  ! eV

        SETUPS
        Ti  Ti.stp
        O   O.stp

        \(files)
        """)
    try replaceFile(path: out + "/generate-behler.in", contents: """
        ! Reference deck (made by make-reference-inputs): Behler2011 G1-G5 descriptors.
        OUTPUT reference-behler.train

        TYPES
        2
        Ti  -1626.66972707
        O    -433.23448532

        SETUPS
        Ti  Ti-behler.stp
        O   O-behler.stp

        \(files)
        """)
    // Mixed-case keywords, all three comment characters, Fortran d-exponents, a trailing value
    // comment and an extra flag; FILES stays upper case, so aenet's generate.x reads it too.
    try replaceFile(path: out + "/generate-variants.in", contents: """
        # Variant deck: mixed-case keywords, comments, Fortran numbers. aenet-compatible (upper-case FILES).
        % the same structures and setups as generate.in
        output  reference-variants.train
        Types
          2
          Ti  -1.62666972707d3   ! eV, Fortran d exponent
        ! a comment inside the TYPES block
          O   -433.23448532D0
        setups
          O   O.stp
          Ti  Ti.stp
        timing  F
        forcespercent 50.0d0

        \(files)
        """)
    // Lower-case `files`: aenet's generate.x loops forever on this (spec Q2); ours reads it.
    try replaceFile(path: out + "/generate-lowercase-files.in", contents: """
        ! Lower-case `files` keyword: aenet 2.0.4's generate.x hangs on it (spec quirk Q2); our generate reads it.
        output reference-lowercase.train
        types
        2
        Ti -1626.66972707
        O  -433.23448532
        setups
        Ti Ti.stp
        O  O.stp
        files
        \(paths.count)
        \(paths.joined(separator: "\n"))

        """)
    for (sym, other) in [("Ti", "O"), ("O", "Ti")] {
        _ = other
        try replaceFile(path: out + "/\(sym).stp", contents: """
            DESCR
              \(sym): small Chebyshev basis for the project's reference inputs (make-reference-inputs).
            END DESCR

            ATOM \(sym)

            ENV 2
            Ti
            O

            RMIN 0.75d0

            BASIS type=Chebyshev
            radial_Rc = 6.0  radial_N = 10  angular_Rc = 4.5  angular_N = 4

            """)
        try replaceFile(path: out + "/\(sym)-behler.stp", contents: """
            DESCR
              \(sym): Behler2011 functions of all five kinds (make-reference-inputs).
            END DESCR

            ATOM \(sym)

            ENV 2
            Ti
            O

            RMIN 0.75d0

            FUNCTIONS type=Behler2011
            14
            G=1 type2=Ti Rc=5.5
            G=1 type2=O Rc=5.0
            G=2 type2=Ti eta=0.8 Rs=2.5 Rc=5.5
            G=2 type2=O eta=1.5 Rs=1.9 Rc=5.0
            G=2 type2=O eta=0.3 Rs=0.0 Rc=4.0
            G=3 type2=Ti kappa=2.0 Rc=5.5
            G=3 type2=O kappa=3.0 Rc=4.8
            G=4 type2=O type3=O eta=0.1 lambda=1.0 zeta=1.0 Rc=4.5
            G=4 type2=Ti type3=O eta=0.05 lambda=-1.0 zeta=2.0 Rc=5.0
            G=4 type2=Ti type3=Ti eta=0.02 lambda=1.0 zeta=4.0 Rc=5.5
            G=5 type2=O type3=O eta=0.1 lambda=-1.0 zeta=1.0 Rc=4.5
            G=5 type2=Ti type3=O eta=0.05 lambda=1.0 zeta=2.0 Rc=5.0
            G=5 type2=Ti type3=Ti eta=0.02 lambda=-1.0 zeta=4.0 Rc=5.5
            G=5 type2=O type3=Ti eta=0.2 lambda=1.0 zeta=1.0 Rc=4.0

            """)
    }
    print("make-reference-inputs: \(structures.count) structures and 4 decks, 4 setups in \(out)")
} catch {
    die("\(error)")
}

/// Writes (or replaces) one generated input file, completely or not at all.
func replaceFile(path: String, contents: String) throws { try AtomicFile.write(contents, to: path, overwrite: true) }
