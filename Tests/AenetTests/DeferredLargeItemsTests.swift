import Foundation
import Testing
@testable import AenetCore
@testable import AenetShell

/// `concurrentWorkers(_:items:_:afterwards:)`: the one home of "a structure large enough to use all
/// threads is put off until after the per-structure loop" (predict and generate).
@Suite struct DeferredLargeItemsTests {
    /// Every item is processed once; the put-off ones after the loop, in item order, on the calling
    /// thread, where a nested parallel loop really runs on several threads.
    @Test(arguments: [1, 2, 3])
    func putOffItemsRunAfterTheLoopInOrder(workers: Int) {
        let count = 23, large: Set<Int> = [0, 5, 6, 17, 22]
        let done = UncheckedSendable(UnsafeMutableBufferPointer<Int>.allocate(capacity: count))
        defer { done.value.deallocate() }
        done.value.initialize(repeating: 0)
        var order: [Int] = [], nestedWorkers: [Int] = []
        let caller = Thread.current
        concurrentWorkers(workers, items: count) { k, w, inWorkers -> Int? in
            #expect(w < workers)
            #expect(inWorkers == (workers > 1))
            if inWorkers && large.contains(k) { return k * 10 }
            done.value[k] += 1
            return nil
        } afterwards: { k, value in
            #expect(Thread.current == caller)
            #expect(value == k * 10)
            done.value[k] += 1
            order.append(k)
            // A parallel loop here uses both threads (inside the loop above it would run serially).
            let seen = UncheckedSendable(UnsafeMutableBufferPointer<Int>.allocate(capacity: 2))
            seen.value.initialize(repeating: 0)
            concurrentWorkers(2) { seen.value[$0] = 1 }
            nestedWorkers.append(seen.value.reduce(0, +))
            seen.value.deallocate()
        }
        #expect(Array(done.value) == [Int](repeating: 1, count: count))
        #expect(order == (workers > 1 ? large.sorted() : []))
        #expect(nestedWorkers.allSatisfy { $0 == 2 })
    }

    /// predict with a structure of more atoms than one block (2048) between small ones: stdout with 2
    /// threads (the large one put off and evaluated with both threads' blocks) is the 1-thread stdout.
    @Test func predictLargeStructureAmongSmallOnesIsTheSameOnTwoThreads() throws {
        let dir = try TemporaryDirectory()
        let pots = try makePotentials(behler: false)
        for p in pots { try p.write(path: dir.url.appendingPathComponent(p.species + ".nn").path) }
        let blockSize = EvaluationWorkspace(try PotentialSet(types: ["Ti", "O"], potentials: pots)).blockSize
        let small = testStructures()
        try dir.write("a.xsf", XSFWriter.string(small[0]))
        try dir.write("b.xsf", XSFWriter.string(small[1]))
        let big = jitteredCell(2 * blockSize + 300, seed: 11)
        try dir.write("big.xsf", XSFWriter.string(big))
        try dir.write("predict.in", "TYPES\n2\nTi\nO\n\nNETWORKS\nTi Ti.nn\nO O.nn\n\nFORCES\n\nFILES\n5\na.xsf\nbig.xsf\nb.xsf\nbig.xsf\na.xsf\n")
        let dated = try NSRegularExpression(pattern: "[0-9]{4}-[0-9]{2}-[0-9]{2}  [0-9]{2}:[0-9]{2}:[0-9]{2}")
        func undated(_ s: String) -> [Substring] {
            s.split(separator: "\n", omittingEmptySubsequences: false).filter {
                dated.firstMatch(in: String($0), range: NSRange(location: 0, length: $0.utf16.count)) == nil
            }
        }
        var outputs: [[Substring]] = []
        for threads in [1, 2] {
            let r = try runTool("predict", ["predict.in", "--threads", "\(threads)"], in: dir.url)
            #expect(r.status == 0, "\(r.stderr)")
            outputs.append(undated(r.stdout))
        }
        // The atoms of the large structure (twice) are all printed, with forces.
        #expect(outputs[0].count > 2 * big.atomCount)
        #expect(outputs[0] == outputs[1])
    }
}
