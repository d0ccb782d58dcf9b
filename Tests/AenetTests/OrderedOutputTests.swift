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
