import AenetCore
import AenetTraining
import AenetAugment
import Foundation

/// Reader of structural-fingerprint setup files (`*.stp`, aenet sfsetup.f90, read_Setup_parameters).
enum SetupFile {
    /// A parsed setup with what aenet would only have printed.
    public struct Parsed: Sendable {
        public var setup: FingerprintSetup
        /// Warnings aenet prints to stderr and goes on (unknown keywords, RMIN not set).
        public var warnings: [String]
        /// Whether the file gave RMIN (aenet otherwise uses 1.0, which is then no distance limit).
        public var rminGiven: Bool
    }

    /// Parses a `.stp` file.
    public static func read(path: String) throws -> Parsed {
        let deck = try Deck(path: path)
        return try parse(deck)
    }

    public static func parse(_ deck: Deck) throws -> Parsed {
        var s = FingerprintSetup()
        var warnings: [String] = []
        var haveEnv = false
        var hasDescription = false
        let lines = deck.lines
        var i = 0

        func number(_ v: Substring?, _ what: String, at k: Int) throws -> Double {
            guard let v, let x = ListDirected.double(v) else { throw deck.error("expected a number for \(what)", line: k) }
            return x
        }
        func integer(_ v: Substring?, _ what: String, at k: Int) throws -> Int {
            guard let v, let x = ListDirected.int(v) else { throw deck.error("expected an integer for \(what)", line: k) }
            return x
        }
        func keyValue(_ key: String, in line: Substring, at k: Int) throws -> Substring? {
            switch KeyValue.lookup(key, in: line) {
            case .absent: return nil
            case .noEquals: throw deck.error("'\(key)' without '=' after it", line: k)
            case .value(let v): return v
            }
        }
        func nextLogical(after k: Int) -> Int? {
            var j = k + 1
            while j < lines.count, Deck.logical(lines[j]) == nil { j += 1 }
            return j < lines.count ? j : nil
        }

        while i < lines.count {
            defer { i += 1 }
            guard let line = Deck.logical(lines[i]), let keyword = ListDirected.values(line).first else { continue }
            let args = Array(ListDirected.values(line).dropFirst())
            switch keyword.lowercased() {
            case "atom":
                guard let a = args.first else { throw deck.error("ATOM needs a species symbol", line: i) }
                s.atomType = String(a.prefix(2))
            case "env":
                let n = try integer(args.first, "ENV (number of species)", at: i)
                guard n >= 1 else { throw deck.error("ENV needs at least one species", line: i) }
                s.envTypes = []
                for _ in 0..<n {
                    guard let j = nextLogical(after: i), let t = ListDirected.values(Deck.logical(lines[j])!).first else {
                        throw deck.error("ENV \(n) expects \(n) species lines after it", line: i)
                    }
                    s.envTypes.append(String(t.prefix(2))); i = j
                }
                haveEnv = true
            case "descr":
                hasDescription = true
                var text = ""
                var j = i + 1
                while true {
                    guard j < lines.count else { throw deck.error("DESCR without END DESCR", line: i) }
                    if lines[j].lowercased().contains("end descr") { break }
                    var piece = String(lines[j])
                    while piece.last == " " || piece.last == "\t" { piece.removeLast() }
                    while text.last == " " { text.removeLast() }
                    if text.utf8.count < 1024 { text += piece + "$$" }
                    j += 1
                }
                s.description = String(decoding: text.utf8.prefix(1024), as: UTF8.self)
                i = j
            case "rmin":
                s.rcMin = try number(args.first, "RMIN", at: i)
            case "basis":
                guard s.nsf == 0 else { throw deck.error("a second BASIS/FUNCTIONS block; a setup has one basis", line: i) }
                guard haveEnv else { throw deck.error("ENV must come before BASIS", line: i) }
                s.sfType = String(try keyValue("type", in: line, at: i) ?? "")
                guard s.sfType.lowercased() == "chebyshev" else {
                    throw deck.error("unknown basis type '\(s.sfType)' (BASIS supports type=Chebyshev)", line: i)
                }
                guard i + 1 < lines.count else { throw deck.error("BASIS needs a parameter line after it", line: i) }
                i += 1
                let p = lines[i]
                let rRc = try keyValue("radial_Rc", in: p, at: i).map { try number($0, "radial_Rc", at: i) } ?? 0
                let rN = try keyValue("radial_N", in: p, at: i).map { try integer($0, "radial_N", at: i) } ?? 0
                let aRc = try keyValue("angular_Rc", in: p, at: i).map { try number($0, "angular_Rc", at: i) } ?? 0
                let aN = try keyValue("angular_N", in: p, at: i).map { try integer($0, "angular_N", at: i) } ?? 0
                guard rN >= 0, aN >= 0 else { throw deck.error("Chebyshev orders must not be negative", line: i) }
                guard rN <= SetupLimits.maxChebyshevOrder, aN <= SetupLimits.maxChebyshevOrder else {
                    throw deck.error("Chebyshev orders above \(SetupLimits.maxChebyshevOrder) are not supported", line: i)
                }
                s.nsf = (rN + aN + 2) * (s.envTypes.count > 1 ? 2 : 1)
                s.sf = Array(repeating: 0, count: s.nsf)
                s.sfParam = Array(repeating: 0, count: 4 * s.nsf)
                s.sfParam[0] = rRc; s.sfParam[1] = Double(rN); s.sfParam[2] = aRc; s.sfParam[3] = Double(aN)
                s.sfEnv = Array(repeating: 0, count: 2 * s.nsf)
                s.rcMax = max(rRc, aRc)
            case "functions", "symmfunc":
                guard s.nsf == 0 else { throw deck.error("a second BASIS/FUNCTIONS block; a setup has one basis", line: i) }
                guard haveEnv else { throw deck.error("ENV must come before FUNCTIONS", line: i) }
                s.sfType = String(try keyValue("type", in: line, at: i) ?? "")
                guard s.sfType == "Behler2011" else {
                    throw deck.error("unknown function type '\(s.sfType)' (FUNCTIONS supports type=Behler2011)", line: i)
                }
                guard let cl = nextLogical(after: i) else { throw deck.error("FUNCTIONS needs the number of functions", line: i) }
                i = cl
                let n = try integer(ListDirected.values(lines[i]).first, "the number of functions", at: i)
                guard n > 0 else { throw deck.error("FUNCTIONS needs at least one function", line: i) }
                s.nsf = n
                s.sf = []; s.sfParam = []; s.sfEnv = []
                for _ in 0..<n {
                    guard let j = nextLogical(after: i) else { throw deck.error("FUNCTIONS \(n) expects \(n) function lines", line: cl) }
                    i = j
                    try parseFunction(lines[j], at: j, into: &s)
                }
            default:
                warnings.append("\(deck.path):\(i + 1): unknown keyword '\(keyword)' ignored")
            }
        }
        _ = hasDescription
        guard !s.atomType.isEmpty else { throw AenetError("no ATOM line: the setup must name its central species", file: deck.path) }
        guard haveEnv else { throw AenetError("no ENV block: list the environment species", file: deck.path) }
        let rminGiven = s.rcMin != 0
        if !rminGiven {
            warnings.append("\(deck.path): RMIN not set; using 1.0 (only sizes buffers, as in aenet)")
            s.rcMin = 1.0
        }
        guard s.rcMax > 0 else { throw AenetError("cut-off undetermined: add a BASIS or FUNCTIONS block with Rc > 0", file: deck.path) }
        s.clearStatistics()
        if let problem = s.basisProblem() { throw AenetError(.invalidInput, "unusable setup: \(problem)", file: deck.path) }
        return Parsed(setup: s, warnings: warnings, rminGiven: rminGiven)

        func parseFunction(_ line: Substring, at k: Int, into s: inout FingerprintSetup) throws {
            let g = try keyValue("G", in: line, at: k).map { try integer($0, "G", at: k) } ?? 0
            guard (1...5).contains(g) else { throw deck.error("symmetry function type G=\(g) is not 1–5", line: k) }
            func env(_ key: String) throws -> Int {
                guard let name = try keyValue(key, in: line, at: k) else { throw deck.error("G=\(g) needs \(key)=", line: k) }
                guard let idx = s.envTypes.firstIndex(of: String(name.prefix(2))) else {
                    throw deck.error("\(key)=\(name) is not in the ENV list \(s.envTypes)", line: k)
                }
                return idx + 1
            }
            func real(_ key: String) throws -> Double { try keyValue(key, in: line, at: k).map { try number($0, key, at: k) } ?? 0 }
            let rc = try real("Rc")
            guard rc > 0 else { throw deck.error("G=\(g) needs Rc > 0", line: k) }
            var p = [rc, 0, 0, 0]
            var e = [try env("type2"), 0]
            switch g {
            case 2: p[1] = try real("Rs"); p[2] = try real("eta")
            case 3: p[1] = try real("kappa")
            case 4, 5: e[1] = try env("type3"); p[1] = try real("lambda"); p[2] = try real("zeta"); p[3] = try real("eta")
            default: break
            }
            s.sf.append(g); s.sfParam += p; s.sfEnv += e
            s.rcMax = max(s.rcMax, rc)
        }
    }
}
