import Foundation
import Testing
@testable import AenetCore

// Session 18 (issue 11): neighbour entries written through pointers with retry on a full buffer,
// dynamic assignment of structures to threads, and output written one chunk behind on a second
// thread.

/// Entries of `nb` as comparable tuples (bits of the doubles).
private func entries(_ nb: Neighbourhood) -> [[UInt64]] {
    (0..<nb.count).map {
        [UInt64(nb.atomIndex[$0]), UInt64(bitPattern: Int64(nb.type[$0])), nb.dx[$0].bitPattern, nb.dy[$0].bitPattern,
         nb.dz[$0].bitPattern, nb.distance[$0].bitPattern]
    }
}

/// Independent brute force over a generous image box: (atom, T) of every entry within the cutoff.
private func bruteForce(_ s: Structure, _ search: NeighbourSearch, of i: Int, cutoff: Double) -> Set<[Int]> {
    let lat = search.lattice!
    let rc2 = (cutoff + NeighbourSearch.tolerance) * (cutoff + NeighbourSearch.tolerance)
    var out = Set<[Int]>()
    let m = 6
    for j in 0..<s.atomCount {
        for t3 in -m...m { for t2 in -m...m { for t1 in -m...m where j != i || t1 != 0 || t2 != 0 || t3 != 0 {
            let r = search.positions[j] - search.positions[i] + Double(t1) * lat.a + Double(t2) * lat.b + Double(t3) * lat.c
            if dot(r, r) <= rc2 { out.insert([j, t1, t2, t3]) }
        } } }
    }
    return out
}

@Test func reusedNeighbourhoodGrowsAndGivesTheFreshList() {
    // Lists of very different lengths through one buffer: small cutoff, then long, then small
    // again, for both search methods; each must equal the list built in a fresh buffer.
    let s = randomSkewedCell(90, size: 9, seed: 5)
    let types = typesOf(s)
    for method in [NeighbourSearch.Method.allPairs, .linkedCells] {
        var reused = Neighbourhood()
        reused.reserve(1)   // far too small: the first list restarts several times
        for cutoff in [2.0, 7.5, 3.0, 9.0, 1.0] {
            let search = NeighbourSearch(structure: s, types: types, cutoff: cutoff, convention: .complete, method: method)
            for i in [0, 17, 89] {
                var fresh = Neighbourhood()
                search.neighbours(of: i, into: &fresh)
                search.neighbours(of: i, into: &reused)
                #expect(reused.count == fresh.count)
                #expect(entries(reused) == entries(fresh), "method \(method), cutoff \(cutoff), atom \(i)")
                #expect(reused.centerIndex == i && reused.centerType == types[i])
            }
        }
    }
}

@Test func neighbourListsAfterRestartsMatchBruteForce() {
    // Every entry once (no duplicates left over from an interrupted pass), none missing.
    let s = randomSkewedCell(12, size: 4, seed: 9)
    let types = typesOf(s)
    for method in [NeighbourSearch.Method.allPairs, .linkedCells] {
        let search = NeighbourSearch(structure: s, types: types, cutoff: 6.0, convention: .complete, method: method)
        var nb = Neighbourhood()
        for i in 0..<s.atomCount {
            search.neighbours(of: i, into: &nb)
            let got = translations(nb, search).map { [$0.0, $0.1.x, $0.1.y, $0.1.z] }
            #expect(got.count == Set(got).count, "duplicate entries for atom \(i)")
            #expect(Set(got) == bruteForce(s, search, of: i, cutoff: 6.0), "atom \(i), method \(method)")
        }
    }
}

/// A list appended to from several threads.
private final class SharedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Int] = []
    func append(_ k: Int) { lock.lock(); items.append(k); lock.unlock() }
    var all: [Int] { lock.lock(); defer { lock.unlock() }; return items }
}

@Test func concurrentItemsRunsEveryItemOnce() {
    for (count, workers) in [(0, 2), (1, 2), (7, 1), (100, 2), (1000, 3)] {
        let items = SharedLog(), workersSeen = SharedLog()
        concurrentItems(count, workers: workers) { w, k in
            items.append(k)
            workersSeen.append(w)
        }
        #expect(items.all.sorted() == Array(0..<count), "count \(count), workers \(workers)")
        #expect(workersSeen.all.allSatisfy { $0 >= 0 && $0 < max(workers, 1) })
    }
}

@Test func orderedBackgroundJobsKeepOrderAndReportTheFirstError() throws {
    struct Failure: Error, Equatable { let k: Int }
    for background in [false, true] {
        let log = SharedLog()
        let jobs = OrderedBackgroundJobs(background: background)
        for k in 0..<50 {
            try jobs.submit {
                if background { usleep(UInt32(k % 3) * 200) }   // later jobs must still wait
                log.append(k)
            }
        }
        try jobs.wait()
        #expect(log.all == Array(0..<50))

        // A failing job: its error comes back from the next submit (or wait), and the job that
        // was offered after it does not run.
        let ran = SharedLog()
        let failing = OrderedBackgroundJobs(background: background)
        var thrown: Error?
        do {
            try failing.submit { ran.append(0) }
            try failing.submit { throw Failure(k: 1) }
            try failing.submit { ran.append(2) }
            try failing.wait()
        } catch { thrown = error }
        failing.drain()
        #expect(thrown as? Failure == Failure(k: 1))
        #expect(ran.all == [0])
    }
}

@Test func trimmingBlanksMatchesCharacterTrimming() {
    func reference(_ s: String) -> String {
        String(s.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
    let cases = ["", " ", "   ", "a", "  a  ", " /path/to/structure0001.xsf   ", "\t a \t", "a b  c",
                 " é ", "  Ti ", " \u{301}x ", "x \u{301} ", "  日本  ", "\r\n ", " a\r\n"]
    for c in cases {
        #expect(c.trimmingBlanks == reference(c), "\(Array(c.utf8))")
        #expect(c[...].trimmingBlanks == reference(c))
    }
}

@Test func exactDecimalFastPathEqualsStrtod() {
    // Numbers as XSF files write them and harder ones: the fast path must give strtod's bits or
    // decline (nil), never a different value.
    var g = LCG(state: 42)
    var texts = ["0", "-0", "+0.0", "-0.000000", "1", "1.", ".5", "-.5", "1e5", "1E-5", "2.5e+3", "0000.125",
                 "9007199254740992", "9007199254740993", "123456789012345678", "1e22", "1e23", "1e-22", "1e-23",
                 "0.1", "0.2", "0.3", "4.35", "1.7976931348623157e308", "5e-324", "e5", "1e", "-", "1.2.3", "1e+", "+-1"]
    for _ in 0..<4000 {
        let x = (g.next() - 0.5) * pow(10, Double(Int(g.next() * 12) - 6))
        for f in ["%.6f", "%.10f", "%.15f", "%.8e", "%.16e", "%.17g", "%g"] { texts.append(String(format: f, x)) }
    }
    var fast = 0
    for t in texts {
        let bytes = Array(t.utf8)
        bytes.withUnsafeBufferPointer { b in
            let v = ListDirected.exactDecimal(b, 0..<b.count)
            let reference = strtod(t, nil)
            if let v {
                fast += 1
                #expect(v.bitPattern == reference.bitPattern, "\(t): \(v) vs strtod \(reference)")
            }
            // The public reader agrees with strtod wherever strtod reads the whole text.
            let whole = t.withCString { p -> Bool in
                var e: UnsafeMutablePointer<CChar>?
                _ = strtod(p, &e)
                return e.map { UnsafePointer($0) } == p + t.utf8.count
            }
            let read = ListDirected.double(b, 0..<b.count)
            if whole && reference.isFinite { #expect(read?.bitPattern == reference.bitPattern, "\(t)") }
        }
    }
    #expect(fast > texts.count / 2)   // the fast path is taken for most of them
}

@Test func exactFixedEqualsPrintf() {
    // printf's "%.*f" (glibc, through vsnprintf) against the exact formatter, on random values of
    // every magnitude, exact ties (k/2^m), halfway-looking decimals, signed zeros and values
    // rounding to zero; the formatter may decline (nil) but never differ.
    func cPrintf(_ x: Double, _ d: Int) -> String {
        var buf = [CChar](repeating: 0, count: 400)
        _ = withVaList([Int32(d), x]) { vsnprintf(&buf, 400, "%.*f", $0) }
        return String(cString: buf)
    }
    var g = LCG(state: 7)
    var xs: [Double] = [0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.0078125, -0.0000005, 0.0000005, 1e-7, -1e-7,
                        4.35, 2.675, 1.0000005, 123456.5, 0.1, 0.7, 1e9, -3.5e8, 0x1p-20, 1e-281, 1e-250]
    for _ in 0..<20000 {
        let e = Double(Int(g.next() * 30) - 15)
        xs.append((g.next() - 0.5) * pow(10, e))
        xs.append(Double(Int(g.next() * 1e6) - 500000) / Double(1 << Int(g.next() * 24)))   // exact binary fractions: ties
    }
    var taken = 0
    for x in xs {
        for d in [0, 1, 2, 4, 6, 8, 10, 12, 15] {
            var out = [CChar](repeating: 0, count: 64)
            guard let n = FortranFormat.exactFixed(x, d, &out) else { continue }
            taken += 1
            let mine = String(decoding: out[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let ref = cPrintf(x, d)
            if mine != ref { Issue.record("x = \(x) (\(x.bitPattern)), d = \(d): \(mine) vs printf \(ref)"); return }
        }
    }
    #expect(taken > xs.count * 5)
    // Through the public field formatter as well (right-justified, stars when too wide).
    #expect(FortranFormat.f(-0.0000004, 12, 6) == "   -0.000000")
    #expect(FortranFormat.f(2.5, 3, 0) == "  2")
    #expect(FortranFormat.f(123456789.0, 8, 2) == "********")
}
