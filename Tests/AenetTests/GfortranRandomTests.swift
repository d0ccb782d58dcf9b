import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

/// Sequences produced by gfortran 12 (`random_seed(put=s)` with s(i) = 12345 + 37·(i−1), then
/// `random_number`), generated on this machine with a 15-line Fortran program.
@Test func gfortranSequenceFromSeed() {
    var g = GfortranRandom(clock: 12345)
    let expected = [4.65309514398154711E-01, 1.00446873457149199E-01, 2.01694426135976324E-01,
                    8.22147091935530150E-01, 1.59621025612837086E-01]
    for e in expected { #expect(g.nextDouble() == e) }
    #expect(g.seed == [154036497, 2101832024, 11747311, -1806676818, 1895323278, -341866867, 1553033979, -1449438925])
}

@Test func seedRoundTrip() {
    let s: [Int32] = [1, -2, 3, Int32.max, Int32.min, 0, 77, -1]
    #expect(GfortranRandom(seed: s).seed == s)
}

@Test func splitQuotas() {
    var g = GfortranRandom(clock: 1)
    let t = TestSplit.draw(count: 861, testPercent: 10, rng: &g)
    #expect(t.filter { $0 }.count == 86)
    var h = GfortranRandom(clock: 1)
    #expect(TestSplit.draw(count: 5, testPercent: 0, rng: &h) == [false, false, false, false, false])
}
