import Foundation

/// The ASCII layout of a potential that aenet-PyTorch writes (`*.nn.ascii`, the input of its
/// nnASCII2bin tool): the 36 records of the binary `.nn` file as text, one record per line
/// (network, fingerprint setup, training-set info).
///
/// Read like Fortran list-directed input: a numeric record starts on a new line and takes as many
/// whitespace/comma separated values as it needs, across lines (some writers wrap long arrays or
/// put each ENV species on its own line); the rest of its last line is skipped. Text records
/// (description, species, descriptor type, training-set file name) are one whole line, trimmed
/// and unquoted. Logicals: T/F, .true./.false., True/False, 1/0. `d`/`D` exponents are accepted.
/// The text is turned into the binary records and read by the binary reader, so every check of
/// `Potential.read` applies.
extension Potential {
    public static func readASCII(path: String) throws -> Potential {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AenetError("cannot read the potential file", file: path)
        }
        let bytes = try asciiToBinary(String(decoding: data, as: UTF8.self), file: path)
        let r = FortranRecordReader(data: Data(bytes), name: path)
        let net = try FeedForwardNetwork.read(from: r)
        let setup = try FingerprintSetup.read(from: r)
        let ts = try TrainingSetInfo.read(from: r)
        return try Potential(network: net, setup: setup, trainingSet: ts, path: path)
    }

    /// A binary file (aenet's .nn) or an ASCII one (aenet-PyTorch's .nn.ascii), told apart by the
    /// first record marker: binary files start with the 4-byte length 4 of the layer count.
    public static func load(path: String) throws -> Potential {
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw AenetError("cannot open the potential file (missing or unreadable)", file: path)
        }
        let head = try? h.read(upToCount: 4)
        try? h.close()
        if let head, Array(head) == [4, 0, 0, 0] { return try read(path: path) }
        return try readASCII(path: path)
    }

    /// The binary records of an ASCII potential.
    static func asciiToBinary(_ source: String, file: String) throws -> [UInt8] {
        var lines = source.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })[...]
        var lineNo = 0
        func fail(_ what: String) -> AenetError { AenetError(what, file: file, line: max(lineNo, 1)) }
        func nextLine() throws -> Substring {
            guard let l = lines.popFirst() else { throw fail("unexpected end of file (ASCII potential)") }
            lineNo += 1
            return l
        }
        /// `n` values starting on a new line, Fortran list-directed style.
        func tokens(_ n: Int, _ what: String) throws -> [Substring] {
            var out: [Substring] = []
            out.reserveCapacity(n)
            while out.count < n {
                let l = try nextLine()
                for t in l.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == "\r" }) {
                    if out.count < n { out.append(t) }
                }
            }
            return out
        }
        func ints(_ n: Int, _ what: String) throws -> [Int] {
            try tokens(n, what).map { t in
                guard let v = Int(t) else { throw fail("\(what): '\(t)' is not an integer") }
                return v
            }
        }
        func int(_ what: String) throws -> Int { try ints(1, what)[0] }
        func doubles(_ n: Int, _ what: String) throws -> [Double] {
            try tokens(n, what).map { t in
                let s = t.replacingOccurrences(of: "d", with: "e").replacingOccurrences(of: "D", with: "e")
                guard let v = Double(s) else { throw fail("\(what): '\(t)' is not a number") }
                return v
            }
        }
        func text(_ what: String) throws -> String {
            var s = String(try nextLine()).trimmingCharacters(in: .whitespacesAndNewlines)
            if s.count >= 2, let f = s.first, (f == "'" || f == "\""), s.last == f { s = String(s.dropFirst().dropLast()) }
            return s
        }
        func logical(_ what: String) throws -> Bool {
            let t = try tokens(1, what)[0].lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
            if ["t", "true", "1"].contains(t) { return true }
            if ["f", "false", "0"].contains(t) { return false }
            throw fail("\(what): '\(t)' is not a logical value")
        }
        func count(_ v: Int, _ what: String, _ range: ClosedRange<Int>) throws -> Int {
            guard range.contains(v) else { throw fail("implausible \(what) \(v) (not an aenet ASCII potential?)") }
            return v
        }

        var w = FortranRecordWriter()
        // Network (9 records)
        let nl = try count(try int("number of layers"), "number of layers", 2...1000)
        let nmax = try int("largest layer"), wsize = try int("number of weights"), nvalues = try int("number of values")
        let sizes = try ints(nl, "layer sizes")
        let fun = try ints(nl - 1, "activation functions")
        let iw = try ints(nl, "weight offsets"), iv = try ints(nl, "value offsets")
        _ = try count(wsize, "number of weights", 1...100_000_000)
        let weights = try doubles(wsize, "weights")
        w.record { $0.append(nl) }; w.record { $0.append(nmax) }; w.record { $0.append(wsize) }
        w.record { $0.append(nvalues) }; w.record { $0.append(sizes) }; w.record { $0.append(fun) }
        w.record { $0.append(iw) }; w.record { $0.append(iv) }; w.record { $0.append(weights) }
        // Fingerprint setup (17 records)
        let description = try text("description"), atomType = try text("species")
        let nenv = try count(try int("number of ENV species"), "number of ENV species", 1...1000)
        let env = try tokens(nenv, "ENV species").map(String.init)
        let rcMin = try doubles(1, "RMIN")[0], rcMax = try doubles(1, "cutoff")[0]
        let sfType = try text("descriptor type")
        let nsf = try count(try int("number of descriptor functions"), "number of descriptor functions", 0...1_000_000)
        let nsfParam = try count(try int("parameters per function"), "parameters per function", 4...4)
        let sf = try ints(nsf, "function kinds"), sfParam = try doubles(nsfParam * nsf, "function parameters")
        let sfEnv = try ints(2 * nsf, "function species")
        let neval = try int("number of evaluations")
        let mn = try doubles(nsf, "feature minima"), mx = try doubles(nsf, "feature maxima")
        let avg = try doubles(nsf, "feature averages"), cov = try doubles(nsf, "feature second moments")
        w.record { $0.append(description, length: 1024) }; w.record { $0.append(atomType, length: 2) }
        w.record { $0.append(nenv) }; w.record { r in for e in env { r.append(e, length: 2) } }
        w.record { $0.append(rcMin) }; w.record { $0.append(rcMax) }; w.record { $0.append(sfType, length: 100) }
        w.record { $0.append(nsf) }; w.record { $0.append(nsfParam) }; w.record { $0.append(sf) }
        w.record { $0.append(sfParam) }; w.record { $0.append(sfEnv) }; w.record { $0.append(neval) }
        w.record { $0.append(mn) }; w.record { $0.append(mx) }; w.record { $0.append(avg) }; w.record { $0.append(cov) }
        // Training-set info (10 records)
        let tsFile = try text("training-set file"), normalized = try logical("normalized flag")
        let scale = try doubles(1, "energy scale")[0], shift = try doubles(1, "energy shift")[0]
        let nt = try count(try int("number of species"), "number of species", 1...1000)
        let names = try tokens(nt, "species names").map(String.init)
        let eAtom = try doubles(nt, "atomic energies")
        let natoms = try int("number of atoms"), nstruc = try int("number of structures")
        let eStats = try doubles(3, "energy minimum, maximum, average")
        w.record { $0.append(tsFile, length: 1024) }; w.record { $0.append(logical: normalized) }
        w.record { $0.append(scale) }; w.record { $0.append(shift) }; w.record { $0.append(nt) }
        w.record { r in for n in names { r.append(n, length: 2) } }; w.record { $0.append(eAtom) }
        w.record { $0.append(natoms) }; w.record { $0.append(nstruc) }; w.record { $0.append(eStats) }
        return w.bytes
    }

    /// The potential as aenet-PyTorch's ASCII text (what nnASCII2bin reads); values in full
    /// precision, so `readASCII` gives back the same numbers.
    public func asciiText() -> String {
        func d(_ x: Double) -> String { "\(x)" }
        let net = network, s = setup, ts = trainingSet
        var t = ""
        t += "\(net.layerCount)\n\(net.maxNodes)\n\(net.weightCount)\n\(net.valueCount)\n"
        t += net.layerSizes.map(String.init).joined(separator: " ") + "\n"
        t += net.activations.map { String($0.rawValue) }.joined(separator: " ") + "\n"
        t += net.weightOffsets.map(String.init).joined(separator: " ") + "\n"
        t += net.valueOffsets.map(String.init).joined(separator: " ") + "\n"
        t += net.weights.map(d).joined(separator: " ") + "\n"
        t += s.description.replacingOccurrences(of: "\n", with: " ") + "\n" + s.atomType + "\n"
        t += "\(s.envTypes.count)\n" + s.envTypes.joined(separator: " ") + "\n"
        t += d(s.rcMin) + "\n" + d(s.rcMax) + "\n" + s.sfType + "\n\(s.nsf)\n\(s.nsfParam)\n"
        t += s.sf.map(String.init).joined(separator: " ") + "\n"
        t += s.sfParam.map(d).joined(separator: " ") + "\n"
        t += s.sfEnv.map(String.init).joined(separator: " ") + "\n\(s.neval)\n"
        for v in [s.sfvalMin, s.sfvalMax, s.sfvalAvg, s.sfvalCov] { t += v.map(d).joined(separator: " ") + "\n" }
        t += ts.file + "\n" + (ts.normalized ? "True" : "False") + "\n" + d(ts.scale) + "\n" + d(ts.shift) + "\n"
        t += "\(ts.typeNames.count)\n" + ts.typeNames.joined(separator: " ") + "\n"
        t += ts.atomicEnergies.map(d).joined(separator: " ") + "\n\(ts.totalAtoms)\n\(ts.structureCount)\n"
        t += [ts.minimumEnergy, ts.maximumEnergy, ts.averageEnergy].map(d).joined(separator: " ") + "\n"
        return t
    }
}
