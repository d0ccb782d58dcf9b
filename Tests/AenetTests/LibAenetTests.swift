import Foundation
import Testing
@testable import AenetCore
@testable import AenetShell
@testable import AenetTestSupport

// libaenet (aenet's C interface): a C program, compiled here with `cc`, evaluates the reference
// structures LAMMPS-style (ghost atoms, full neighbour lists with a skin) through the library and
// must reproduce predict's energies and forces. The library comes from scripts/build-libaenet.sh
// (scripts/test.sh runs it first); without it, or without a C compiler, these tests are skipped.

enum LibAenet {
    /// Staged install tree (scripts/build-libaenet.sh), or AENET_LIB_PREFIX.
    static let prefix: URL = {
        if let p = ProcessInfo.processInfo.environment["AENET_LIB_PREFIX"] { return URL(fileURLWithPath: p) }
        return TestPaths.repository.appendingPathComponent("out/libaenet")
    }()
    static var library: URL { prefix.appendingPathComponent("lib/libaenet.so") }
    static var compiler: String? {
        for c in ["/usr/bin/cc", "/usr/bin/gcc", "/usr/bin/clang", "/usr/local/bin/cc"] where FileManager.default.isExecutableFile(atPath: c) { return c }
        return nil
    }
    static var available: Bool { compiler != nil && FileManager.default.fileExists(atPath: library.path) }

    static func run(_ exe: String, _ args: [String], env: [String: String]? = nil) throws -> ToolRun {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        if let env { p.environment = env }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return ToolRun(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Compiles libaenet/tests/check_libaenet.c against the staged library (rpath, or static).
    static func compile(into dir: TemporaryDirectory, static linkStatic: Bool = false) throws -> String {
        let exe = dir.url.appendingPathComponent(linkStatic ? "check-static" : "check").path
        let src = TestPaths.repository.appendingPathComponent("libaenet/tests/check_libaenet.c").path
        let lib = prefix.appendingPathComponent("lib").path
        var args = ["-O2", "-I", prefix.appendingPathComponent("include").path, src, "-o", exe]
        args += linkStatic ? [lib + "/libaenet.a", "-lopenblas", "-lmvec", "-lstdc++", "-lm", "-ldl", "-lpthread"]
                           : ["-L", lib, "-Wl,-rpath," + lib, "-laenet", "-lpthread", "-lm"]
        let r = try run(compiler!, args)
        guard r.status == 0 else { throw AenetError("cc failed: \(r.stderr)") }
        return exe
    }

    /// The structure in check_libaenet's input format.
    static func structureText(_ s: Structure, types: [String], potentials: [String]) -> String {
        var t = "\(types.count) " + types.joined(separator: " ") + "\n" + potentials.joined(separator: "\n") + "\n"
        func v(_ x: SIMD3<Double>) -> String { "\(x.x) \(x.y) \(x.z)" }
        if let l = s.lattice { t += "periodic 1\n" + [l.a, l.b, l.c].map { v($0) + "\n" }.joined() } else { t += "periodic 0\n" }
        t += "\(s.atomCount)\n"
        for i in 0..<s.atomCount { t += "\(types.firstIndex(of: s.species[i])! + 1) " + v(s.positions[i]) + "\n" }
        return t
    }

    struct Result { var energy = 0.0, energyOnly = 0.0; var forces: [SIMD3<Double>] = []; var virial: [Double] = []; var threadsIdentical: Bool? }

    static func parse(_ text: String) -> [Result] {
        var out: [Result] = []
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ")
            let nums = f.dropFirst().compactMap { Double($0) }
            switch f.first {
            case "structure": out.append(Result())
            case "energy": out[out.count - 1].energy = nums[0]
            case "energy_only": out[out.count - 1].energyOnly = nums[0]
            case "force": out[out.count - 1].forces.append(SIMD3(nums[0], nums[1], nums[2]))
            case "virial": out[out.count - 1].virial = nums
            case "threads": out[out.count - 1].threadsIdentical = f.last == "identical"
            default: break
            }
        }
        return out
    }
}

/// Every reference structure, Chebyshev and Behler2011, binary and ASCII potential files.
@Test(.enabled(if: LibAenet.available, "needs cc and out/libaenet (scripts/build-libaenet.sh)"),
      arguments: [(false, false), (true, false), (false, true)])
func libaenetReproducesPredictWithLammpsStyleNeighbourLists(behler: Bool, ascii: Bool) throws {
    let dir = try TemporaryDirectory()
    let exe = try LibAenet.compile(into: dir)
    let pots = try makePotentials(behler: behler)
    var paths: [String] = []
    for p in pots {
        let path = dir.url.appendingPathComponent(p.species + (ascii ? ".nn.ascii" : ".nn")).path
        if ascii { try p.asciiText().write(toFile: path, atomically: true, encoding: .utf8) } else { try p.write(path: path) }
        paths.append(path)
    }
    let set = try PotentialSet(types: ["Ti", "O"], potentials: pots)
    let ws = EvaluationWorkspace(set), aws = AtomWorkspace(set)
    let folder = TestPaths.referenceInputs.appendingPathComponent("structures")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".xsf") }.sorted()
    #expect(names.count >= 40)
    var inputs: [String] = [], structures: [Structure] = []
    for n in names {
        let s = try XSF.read(path: folder.appendingPathComponent(n).path)
        let file = dir.url.appendingPathComponent(n + ".txt").path
        try LibAenet.structureText(s, types: ["Ti", "O"], potentials: paths).write(toFile: file, atomically: true, encoding: .utf8)
        inputs.append(file); structures.append(s)
    }
    let r = try LibAenet.run(exe, ["--virial", "--threads"] + (ascii ? ["--ascii"] : []) + inputs)
    #expect(r.status == 0, "\(r.stderr)")
    let results = LibAenet.parse(r.stdout)
    try #require(results.count == structures.count)
    var worstE = 0.0, worstF = 0.0, worstW = 0.0
    for (s, c) in zip(structures, results) {
        let p = try set.evaluate(s, forces: true, workspace: ws)
        #expect(abs(c.energy - p.totalEnergy) <= 1e-10 * abs(p.totalEnergy), "\(s.atomCount) atoms: \(c.energy) vs \(p.totalEnergy) \(s.lattice.map { "\($0)" } ?? "cluster")")
        worstE = max(worstE, abs(c.energy - p.totalEnergy) / abs(p.totalEnergy), abs(c.energyOnly - p.totalEnergy) / abs(p.totalEnergy))
        let fmax = max(1, p.forces!.map(maxAbs).max()!)
        for (a, b) in zip(c.forces, p.forces!) { worstF = max(worstF, maxAbs(a - b) / fmax) }
        #expect(c.forces.count == s.atomCount)
        #expect(c.threadsIdentical == true)
        // Virial against the in-process evaluation over predict's own neighbour lists.
        let w = try set.virial(s, workspace: aws).virial
        let sym = [w[0], w[4], w[8], 0.5 * (w[1] + w[3]), 0.5 * (w[2] + w[6]), 0.5 * (w[5] + w[7])]
        let wmax = max(1, sym.map(abs).max()!)
        for k in 0..<6 { worstW = max(worstW, abs(c.virial[k] - sym[k]) / wmax) }
    }
    #expect(worstE <= 1e-10, "energy relative difference \(worstE)")
    #expect(worstF <= 1e-10, "force difference \(worstF) (relative to the largest force)")
    #expect(worstW <= 1e-10, "virial difference \(worstW)")
}

@Test(.enabled(if: LibAenet.available, "needs cc and out/libaenet (scripts/build-libaenet.sh)"))
func libaenetRejectsBadInputWithAenetStatusCodes() throws {
    let dir = try TemporaryDirectory()
    let exe = try LibAenet.compile(into: dir)
    var paths: [String] = []
    for p in try makePotentials(behler: false) {
        let path = dir.url.appendingPathComponent(p.species + ".nn").path
        try p.write(path: path); paths.append(path)
    }
    let s = testStructures()[0]
    let file = try dir.write("s.txt", LibAenet.structureText(s, types: ["Ti", "O"], potentials: paths))
    // A corrupt potential file: the header of a real one, then garbage.
    let corrupt = dir.url.appendingPathComponent("corrupt.nn").path
    let good = try Data(contentsOf: URL(fileURLWithPath: paths[0]))
    try (good.prefix(200) + Data(repeating: 0x7f, count: 100)).write(to: URL(fileURLWithPath: corrupt))
    let corruptInput = try dir.write("c.txt", LibAenet.structureText(s, types: ["Ti", "O"], potentials: [corrupt, paths[1]]))
    let r = try LibAenet.run(exe, ["--bad-input", file])
    #expect(r.status == 0, "\(r.stdout)")
    #expect(r.stdout.contains("bad-input failures 0"))
    #expect(r.stderr.contains("libaenet: aenet_load_potential"))
    let c = try LibAenet.run(exe, [corruptInput])
    #expect(c.status == 1)   // check_libaenet stops: "aenet_load_potential failed"
    #expect(c.stderr.contains("libaenet: aenet_load_potential:") && c.stderr.contains("corrupt.nn"), "\(c.stderr)")
}

@Test(.enabled(if: LibAenet.available, "needs cc and out/libaenet (scripts/build-libaenet.sh)"))
func libaenetIsSelfContainedSharedAndStatic() throws {
    // No Swift runtime among the shared library's dependencies …
    let ldd = try LibAenet.run("/usr/bin/ldd", [LibAenet.library.path])
    #expect(ldd.status == 0)
    #expect(!ldd.stdout.contains("libswift") && !ldd.stdout.contains("libFoundation") && !ldd.stdout.contains("not found"), "\(ldd.stdout)")
    // … only aenet's symbols exported …
    let nm = try LibAenet.run("/usr/bin/nm", ["-D", "--defined-only", LibAenet.library.path])
    let exported = nm.stdout.split(separator: "\n").compactMap { l -> String? in
        let f = l.split(separator: " "); return f.count == 3 && f[1].first!.isUppercase ? String(f[2]) : nil
    }
    for name in ["aenet_init", "aenet_final", "aenet_print_info", "aenet_load_potential", "aenet_all_loaded",
                 "aenet_free_atom_energy", "aenet_atomic_energy", "aenet_atomic_energy_and_forces",
                 "aenet_convert_atom_types", "aenet_sfb_init", "aenet_sfb_final", "aenet_sfb_nvalues", "aenet_sfb_eval",
                 "aenet_sfb_reconstruct_radial", "AENET_OK", "AENET_ERR_INIT", "AENET_ERR_MALLOC", "AENET_ERR_IO",
                 "AENET_ERR_TYPE", "AENET_TYPELEN", "AENET_PATHLEN", "aenet_nsf_max", "aenet_nnb_max", "aenet_Rc_min", "aenet_Rc_max"] {
        #expect(exported.contains(name), "\(name) not exported")
    }
    #expect(exported.allSatisfy { $0.hasPrefix("aenet_") || $0.hasPrefix("AENET_") }, "\(exported.filter { !$0.hasPrefix("aenet") && !$0.hasPrefix("AENET") })")
    // … and programs linked either way run in a clean environment (no LD_LIBRARY_PATH).
    let dir = try TemporaryDirectory()
    var paths: [String] = []
    for p in try makePotentials(behler: true) {
        let path = dir.url.appendingPathComponent(p.species + ".nn").path
        try p.write(path: path); paths.append(path)
    }
    let file = try dir.write("s.txt", LibAenet.structureText(testStructures()[0], types: ["Ti", "O"], potentials: paths))
    let clean = ["PATH": "/usr/bin:/bin"]
    let shared = try LibAenet.run(try LibAenet.compile(into: dir), [file], env: clean)
    let staticRun = try LibAenet.run(try LibAenet.compile(into: dir, static: true), [file], env: clean)
    #expect(shared.status == 0 && staticRun.status == 0, "\(shared.stderr) \(staticRun.stderr)")
    #expect(shared.stdout.contains("energy ") && shared.stdout == staticRun.stdout)
}

/// aenet_sfb_*: the stand-alone Chebyshev basis gives our descriptor's values, and the radial
/// reconstruction is Σ_n c_n w(r) T_n / π (T_0 halved) with T_n(u) = cos(n·acos u).
@Test(.enabled(if: LibAenet.available, "needs cc and out/libaenet (scripts/build-libaenet.sh)"))
func libaenetFingerprintBasisMatchesTheDescriptor() throws {
    let dir = try TemporaryDirectory()
    let exe = try LibAenet.compile(into: dir)
    let s = try XSF.read(path: TestPaths.referenceInputs.appendingPathComponent("structures/periodic-09.xsf").path)
    let file = try dir.write("s.txt", LibAenet.structureText(s, types: ["Ti", "O"], potentials: ["-", "-"]))
    let r = try LibAenet.run(exe, ["--sfb", file])
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n")
    let values = try #require(lines.first { $0.hasPrefix("sfb ") }).split(separator: " ").dropFirst().compactMap { Double($0) }
    let fp = ChebyshevFingerprint(radialCutoff: 6.0, radialOrder: 10, angularCutoff: 4.5, angularOrder: 4,
                                  localType: [0, 1], envCount: 2)
    try #require(values.count == fp.count)
    let types = s.species.map { Int32($0 == "Ti" ? 0 : 1) }
    var hood = Neighbourhood()
    NeighbourSearch(structure: s, types: types, cutoff: 7.0).neighbours(of: 0, into: &hood)
    var expected = [Double](repeating: 0, count: fp.count)
    expected.withUnsafeMutableBufferPointer { fp.evaluate(hood, values: $0.baseAddress!) }
    for (a, b) in zip(values, expected) { #expect(abs(a - b) <= 1e-12 * max(1, abs(b))) }
    let rdf = lines.filter { $0.hasPrefix("rdf ") }.map { $0.split(separator: " ").dropFirst().map { Double($0) ?? .nan } }
    #expect(rdf.count == 25)
    for (k, p) in rdf.enumerated() where k > 0 && k < 24 {
        let x = 6.0 * Double(k) / 24, t = x / 6.0, u = 2 * t - 1
        var y = 0.0
        for n in 0...10 { y += values[n] * cos(Double(n) * acos(u)) * (n == 0 ? 0.5 : 1) }
        y *= 0.5 / (t - t * t).squareRoot() / 3.14159265358979
        #expect(abs(p[0] - x) <= 1e-14 && abs(p[1] - y) <= 1e-10 * max(1, abs(y)), "point \(k): \(p) vs \(x), \(y)")
    }
    #expect(lines.contains("nvalues after final 0"))
}
