import AenetCore
import AenetShell
import CAenetGlobals
import COpenBLAS
import Foundation

// aenet 2.0.4's C interface (src/aenet.h, src/aenet.f90), exported from Swift with @_cdecl.
// Declarations: libaenet/aenet.h. Status values: AENET_OK 0, INIT 1, MALLOC 2, IO 3, TYPE 4.

let statusOK: Int32 = 0, errInit: Int32 = 1, errMalloc: Int32 = 2, errIO: Int32 = 3, errType: Int32 = 4
let typeLength = 2, pathLength = 1024

/// One line on stderr, unbuffered (the host program owns stdout).
func report(_ function: String, _ message: String) {
    let line = "libaenet: \(function): \(message)\n"
    aenetswift_print(line, 1)
}

/// Stores `value` in `stat` (when given) and reports failures.
@inline(__always)
func finish(_ stat: UnsafeMutablePointer<Int32>?, _ value: Int32, _ function: String = "", _ message: String = "") {
    if value != statusOK && !message.isEmpty { report(function, message) }
    stat?.pointee = value
}

/// A C string of a species name as aenet reads it: up to the NUL, at most AENET_TYPELEN
/// characters, blanks trimmed.
func speciesName(_ p: UnsafePointer<CChar>) -> String {
    var bytes: [UInt8] = []
    var k = 0
    while k < typeLength, p[k] != 0 { bytes.append(UInt8(bitPattern: p[k])); k += 1 }
    return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
}

/// The library's state: species, loaded potentials and, once all are loaded, the evaluator with
/// a pool of per-thread workspaces. Guarded by `lock`; evaluation only holds it to take and
/// return a workspace.
final class LibraryState: @unchecked Sendable {
    var types: [String] = []
    var potentials: [Potential?] = []
    var set: PotentialSet?
    var pool: [AtomWorkspace] = []
    var initialized = false
    private let mutex = ProcessLock()

    init() {}

    func locked<R>(_ body: () throws -> R) rethrows -> R { try mutex.locked(body) }

    /// A workspace for the current set (taken from the pool or new), with the set itself.
    func checkout() -> (PotentialSet, AtomWorkspace)? {
        locked {
            guard initialized, let s = set else { return nil }
            let ws = pool.popLast() ?? AtomWorkspace(s)
            return (s, ws)
        }
    }

    func checkin(_ ws: AtomWorkspace, for s: PotentialSet) {
        locked {
            // Only return workspaces of the current potentials (aenet_final may have run).
            if let cur = set, cur.types == s.types, cur.potentials.count == s.potentials.count, initialized {
                pool.append(ws)
            }
        }
    }

    static let shared = LibraryState()
}

/// Whether BLAS has been told to stay single-threaded (the host decides about threads).
nonisolated(unsafe) var blasConfigured = false

// MARK: - Initialisation

@_cdecl("aenet_init")
public func aenet_init(_ ntypes: Int32, _ atomTypes: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                       _ stat: UnsafeMutablePointer<Int32>?) {
    let st = LibraryState.shared
    st.locked {
        if st.initialized { return finish(stat, errInit, "aenet_init", "already initialised (call aenet_final first)") }
        guard ntypes > 0 else { return finish(stat, errType, "aenet_init", "number of species \(ntypes) must be positive") }
        guard let atomTypes else { return finish(stat, errMalloc, "aenet_init", "atom_types is a null pointer") }
        var names: [String] = []
        for k in 0..<Int(ntypes) {
            guard let p = atomTypes[k] else { return finish(stat, errMalloc, "aenet_init", "atom_types[\(k)] is a null pointer") }
            names.append(speciesName(p))
        }
        if !blasConfigured { openblas_set_num_threads(1); blasConfigured = true }
        st.types = names
        st.potentials = Array(repeating: nil, count: names.count)
        st.set = nil
        st.pool = []
        st.initialized = true
        finish(stat, statusOK)
    }
}

@_cdecl("aenet_final")
public func aenet_final(_ stat: UnsafeMutablePointer<Int32>?) {
    let st = LibraryState.shared
    st.locked {
        st.types = []; st.potentials = []; st.set = nil; st.pool = []
        st.initialized = false
    }
    finish(stat, statusOK)
}

@_cdecl("aenet_print_info")
public func aenet_print_info() {
    let st = LibraryState.shared
    let text: String = st.locked {
        guard st.initialized else { return " Nothing to print. AenetLib is not initialized.\n" }
        return st.potentials.compactMap { $0?.infoText }.joined()
    }
    aenetswift_print(text, 0)
}

// MARK: - Potentials

func loadPotential(_ function: String, _ typeID: Int32, _ filename: UnsafePointer<CChar>?,
                   _ stat: UnsafeMutablePointer<Int32>?, ascii: Bool?) {
    let st = LibraryState.shared
    st.locked {
        guard st.initialized else { return finish(stat, errInit, function, "called before aenet_init") }
        guard typeID >= 1 && Int(typeID) <= st.types.count else {
            return finish(stat, errType, function, "type id \(typeID) out of range 1…\(st.types.count)")
        }
        guard let filename else { return finish(stat, errMalloc, function, "filename is a null pointer") }
        guard strlen(filename) <= pathLength else {
            return finish(stat, errMalloc, function, "file name longer than \(pathLength) characters")
        }
        let path = String(cString: filename).trimmingCharacters(in: .whitespaces)
        guard FileManager.default.fileExists(atPath: path) else {
            return finish(stat, errIO, function, "\(path): no such file")
        }
        let pot: Potential
        do {
            switch ascii {
            case true?: pot = try Potential.readASCII(path: path)
            case false?: pot = try Potential.read(path: path)
            case nil: pot = try Potential.load(path: path)
            }
        } catch {
            return finish(stat, errIO, function, "\(error)")
        }
        let k = Int(typeID) - 1
        guard pot.species == st.types[k] else {
            return finish(stat, errType, function, "\(path): potential for species \(pot.species), but type \(typeID) is \(st.types[k])")
        }
        st.potentials[k] = pot
        st.set = nil
        st.pool = []
        if st.potentials.allSatisfy({ $0 != nil }) {
            let legacy = ProcessInfo.processInfo.environment["AENET_LEGACY_CHEBYSHEV"].map { $0 == "1" } ?? false
            do {
                let s = try PotentialSet(types: st.types, potentials: st.potentials.map { $0! }, legacyChebyshev: legacy)
                for w in s.warnings {
                    // The library's switch is an environment variable, not predict's option.
                    let text = w.replacingOccurrences(of: "rerun with --legacy-chebyshev", with: "set AENET_LEGACY_CHEBYSHEV=1 in the environment")
                        .replacingOccurrences(of: "--legacy-chebyshev was given", with: "AENET_LEGACY_CHEBYSHEV=1 is set")
                    report(function, "warning: \(text)")
                }
                st.set = s
                let rcMin = s.rcMin, rcMax = s.rcMax
                let vAtom = pow(0.5 * rcMin, 3), vCut = pow(rcMax + 0.5 * rcMin, 3)
                // aenet's lcl_nmax_nbdist: close packing of spheres of diameter RMIN within Rc.
                let nnbDouble = (vCut / vAtom * 0.7405).rounded(.up)
                let nnb = nnbDouble.isFinite && nnbDouble < Double(Int32.max) ? Int32(nnbDouble) : Int32.max
                let nsf = Int32(s.potentials.map(\.setup.nsf).max() ?? 0)
                aenetswift_set_ranges(nsf, nnb, rcMin, rcMax)
            } catch {
                st.potentials[k] = nil
                return finish(stat, errType, function, "\(error)")
            }
        }
        finish(stat, statusOK)
    }
}

@_cdecl("aenet_load_potential")
public func aenet_load_potential(_ typeID: Int32, _ filename: UnsafePointer<CChar>?, _ stat: UnsafeMutablePointer<Int32>?) {
    loadPotential("aenet_load_potential", typeID, filename, stat, ascii: nil)
}

@_cdecl("aenet_load_potential_ascii")
public func aenet_load_potential_ascii(_ typeID: Int32, _ filename: UnsafePointer<CChar>?, _ stat: UnsafeMutablePointer<Int32>?) {
    loadPotential("aenet_load_potential_ascii", typeID, filename, stat, ascii: true)
}

@_cdecl("aenet_all_loaded")
public func aenet_all_loaded() -> Bool {
    let st = LibraryState.shared
    return st.locked { st.potentials.allSatisfy { $0 != nil } }
}

@_cdecl("aenet_free_atom_energy")
public func aenet_free_atom_energy(_ typeID: Int32) -> Double {
    let st = LibraryState.shared
    return st.locked {
        guard st.initialized, typeID >= 1, Int(typeID) <= st.potentials.count, let p = st.potentials[Int(typeID) - 1] else {
            report("aenet_free_atom_energy", st.initialized ? "no potential loaded for type id \(typeID)" : "called before aenet_init")
            return 0
        }
        return p.atomicEnergy
    }
}

@_cdecl("aenet_swift_version")
public func aenet_swift_version() -> UnsafePointer<CChar> {
    UnsafePointer(versionString)
}
nonisolated(unsafe) let versionString: UnsafeMutablePointer<CChar> = strdup("aenet-swift 0.1 (aenet 2.0.4 C API)")!

// MARK: - Evaluation

/// Checks the arrays of one atom, fills the workspace's neighbourhood, evaluates.
/// Returns the status; on success the energy is in `energy` and the gradients in `ws`.
@inline(__always)
func evaluate(_ function: String, _ cooI: UnsafePointer<Double>?, _ typeI: Int32, _ nJ: Int32,
              _ cooJ: UnsafePointer<Double>?, _ typeJ: UnsafePointer<Int32>?, gradients: Bool,
              set s: PotentialSet, ws: AtomWorkspace, energy: inout Double) -> Int32 {
    guard let cooI else { finish(nil, errMalloc, function, "coo_i is a null pointer"); return errMalloc }
    guard nJ >= 0 else { finish(nil, errMalloc, function, "n_j = \(nJ) is negative"); return errMalloc }
    let nnbMax = aenetswift_nnb_max()
    guard nJ <= nnbMax else {
        finish(nil, errMalloc, function, "n_j = \(nJ) exceeds aenet_nnb_max = \(nnbMax)"); return errMalloc
    }
    let ntypes = Int32(s.types.count)
    guard typeI >= 1 && typeI <= ntypes else {
        finish(nil, errType, function, "type_i = \(typeI) out of range 1…\(ntypes)"); return errType
    }
    let n = Int(nJ)
    if n > 0 && (cooJ == nil || typeJ == nil) {
        finish(nil, errMalloc, function, "coo_j or type_j is a null pointer"); return errMalloc
    }
    let ri = SIMD3(cooI[0], cooI[1], cooI[2])
    ws.hood.removeAll()
    ws.hood.reserve(n)
    ws.hood.center = ri
    for j in 0..<n {
        let t = typeJ![j]
        guard t >= 1 && t <= ntypes else {
            finish(nil, errType, function, "type_j[\(j)] = \(t) out of range 1…\(ntypes)"); return errType
        }
        let r = SIMD3(cooJ![3 * j], cooJ![3 * j + 1], cooJ![3 * j + 2]) - ri
        ws.hood.append(r, d2: (r * r).sum(), atom: Int32(truncatingIfNeeded: j), type: t - 1)
    }
    do {
        energy = try s.evaluateAtom(type: Int(typeI) - 1, gradients: gradients, workspace: ws)
    } catch {
        finish(nil, errType, function, "\(error)"); return errType
    }
    return statusOK
}

@_cdecl("aenet_atomic_energy")
public func aenet_atomic_energy(_ cooI: UnsafePointer<Double>?, _ typeI: Int32, _ nJ: Int32,
                                _ cooJ: UnsafePointer<Double>?, _ typeJ: UnsafePointer<Int32>?,
                                _ energyOut: UnsafeMutablePointer<Double>?, _ stat: UnsafeMutablePointer<Int32>?) {
    let f = "aenet_atomic_energy"
    guard let (s, ws) = LibraryState.shared.checkout() else {
        return finish(stat, errInit, f, "potentials not initialised/loaded (aenet_init, aenet_load_potential)")
    }
    defer { LibraryState.shared.checkin(ws, for: s) }
    guard let energyOut else { return finish(stat, errMalloc, f, "E_i is a null pointer") }
    var e = 0.0
    let status = evaluate(f, cooI, typeI, nJ, cooJ, typeJ, gradients: false, set: s, ws: ws, energy: &e)
    if status == statusOK { energyOut.pointee = e }
    stat?.pointee = status
}

/// Energy, forces and (optionally) the virial of one atom.
@inline(__always)
func energyAndForces(_ f: String, _ cooI: UnsafePointer<Double>?, _ typeI: Int32, _ indexI: Int32, _ nJ: Int32,
                     _ cooJ: UnsafePointer<Double>?, _ typeJ: UnsafePointer<Int32>?, _ indexJ: UnsafePointer<Int32>?,
                     _ energyOut: UnsafeMutablePointer<Double>?, _ force: UnsafeMutablePointer<Double>?,
                     _ virial: UnsafeMutablePointer<Double>?, _ stat: UnsafeMutablePointer<Int32>?) {
    guard let (s, ws) = LibraryState.shared.checkout() else {
        return finish(stat, errInit, f, "potentials not initialised/loaded (aenet_init, aenet_load_potential)")
    }
    defer { LibraryState.shared.checkin(ws, for: s) }
    guard let energyOut, let force else { return finish(stat, errMalloc, f, "E_i or F is a null pointer") }
    guard indexI >= 1 else { return finish(stat, errMalloc, f, "index_i = \(indexI) must be ≥ 1") }
    if nJ > 0 {
        guard let indexJ else { return finish(stat, errMalloc, f, "index_j is a null pointer") }
        for j in 0..<Int(nJ) where indexJ[j] < 1 {
            return finish(stat, errMalloc, f, "index_j[\(j)] = \(indexJ[j]) must be ≥ 1")
        }
    }
    var e = 0.0
    let status = evaluate(f, cooI, typeI, nJ, cooJ, typeJ, gradients: true, set: s, ws: ws, energy: &e)
    guard status == statusOK else { stat?.pointee = status; return }
    energyOut.pointee = e
    let c = ws.centerGradient
    let fi = force + 3 * (Int(indexI) - 1)
    fi[0] -= c.x; fi[1] -= c.y; fi[2] -= c.z
    ws.gradient.withUnsafeBufferPointer { g in
        for j in 0..<Int(nJ) {
            let fj = force + 3 * (Int(indexJ![j]) - 1)
            fj[0] -= g[3 * j]; fj[1] -= g[3 * j + 1]; fj[2] -= g[3 * j + 2]
        }
    }
    if let virial {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 9) { buf in
            let w = buf.baseAddress!
            w.update(repeating: 0, count: 9)
            PotentialSet.addVirial(ws, into: w)
            virial[0] += w[0]; virial[1] += w[4]; virial[2] += w[8]
            virial[3] += 0.5 * (w[1] + w[3]); virial[4] += 0.5 * (w[2] + w[6]); virial[5] += 0.5 * (w[5] + w[7])
        }
    }
    stat?.pointee = statusOK
}

@_cdecl("aenet_atomic_energy_and_forces")
public func aenet_atomic_energy_and_forces(_ cooI: UnsafePointer<Double>?, _ typeI: Int32, _ indexI: Int32, _ nJ: Int32,
                                           _ cooJ: UnsafePointer<Double>?, _ typeJ: UnsafePointer<Int32>?,
                                           _ indexJ: UnsafePointer<Int32>?, _ natoms: Int32,
                                           _ energyOut: UnsafeMutablePointer<Double>?, _ force: UnsafeMutablePointer<Double>?,
                                           _ stat: UnsafeMutablePointer<Int32>?) {
    energyAndForces("aenet_atomic_energy_and_forces", cooI, typeI, indexI, nJ, cooJ, typeJ, indexJ,
                    energyOut, force, nil, stat)
}

@_cdecl("aenet_atomic_energy_forces_virial")
public func aenet_atomic_energy_forces_virial(_ cooI: UnsafePointer<Double>?, _ typeI: Int32, _ indexI: Int32, _ nJ: Int32,
                                              _ cooJ: UnsafePointer<Double>?, _ typeJ: UnsafePointer<Int32>?,
                                              _ indexJ: UnsafePointer<Int32>?, _ natoms: Int32,
                                              _ energyOut: UnsafeMutablePointer<Double>?, _ force: UnsafeMutablePointer<Double>?,
                                              _ virial: UnsafeMutablePointer<Double>?, _ stat: UnsafeMutablePointer<Int32>?) {
    guard virial != nil else { return finish(stat, errMalloc, "aenet_atomic_energy_forces_virial", "virial is a null pointer") }
    energyAndForces("aenet_atomic_energy_forces_virial", cooI, typeI, indexI, nJ, cooJ, typeJ, indexJ,
                    energyOut, force, virial, stat)
}

// MARK: - Species conversion

@_cdecl("aenet_convert_atom_types")
public func aenet_convert_atom_types(_ ntypesIn: Int32, _ atomTypesIn: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                                     _ natomsIn: Int32, _ typeIDIn: UnsafePointer<Int32>?,
                                     _ typeIDOut: UnsafeMutablePointer<Int32>?, _ stat: UnsafeMutablePointer<Int32>?) {
    let f = "aenet_convert_atom_types"
    let st = LibraryState.shared
    let types: [String]? = st.locked { st.initialized ? st.types : nil }
    guard let types else { return finish(stat, errInit, f, "called before aenet_init") }
    guard ntypesIn >= 0, natomsIn >= 0 else { return finish(stat, errMalloc, f, "negative count") }
    if natomsIn == 0 { return finish(stat, statusOK) }
    guard let atomTypesIn, let typeIDIn, let typeIDOut else { return finish(stat, errMalloc, f, "null pointer argument") }
    var names: [String] = []
    for k in 0..<Int(ntypesIn) {
        guard let p = atomTypesIn[k] else { return finish(stat, errMalloc, f, "atom_types[\(k)] is a null pointer") }
        names.append(speciesName(p))
    }
    for k in 0..<Int(natomsIn) {
        let t = Int(typeIDIn[k])
        guard t >= 1 && t <= names.count else {
            return finish(stat, errType, f, "type_id_in[\(k)] = \(t) out of range 1…\(names.count)")
        }
        guard let u = types.firstIndex(of: names[t - 1]) else {
            return finish(stat, errType, f, "species \(names[t - 1]) is not among \(types.joined(separator: ", "))")
        }
        typeIDOut[k] = Int32(u + 1)
    }
    finish(stat, statusOK)
}

/// A mutex for the library's process-wide states, at an address that never moves (a
/// pthread_mutex_t must not be moved once initialised; the states live for the process).
final class ProcessLock: @unchecked Sendable {
    private let m: UnsafeMutablePointer<pthread_mutex_t> = {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        m.initialize(to: pthread_mutex_t())
        pthread_mutex_init(m, nil)
        return m
    }()

    func locked<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(m)
        defer { pthread_mutex_unlock(m) }
        return try body()
    }
}
