import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

/// The byte-level XSF/Deck reading agrees with the Substring rules and handles CR LF files.
@Suite struct ByteReaderTests {
    @Test func crlfFilesAreSplitIntoLines() throws {
        let s = try XSF.parse("# total energy = -1.5 eV\r\n\r\nCRYSTAL\r\nPRIMVEC\r\n 2 0 0\r\n 0 2 0\r\n 0 0 2\r\nPRIMCOORD\r\n2 1\r\nTi 0 0 0 1 2 3\r\nO 1 1 1 -1 -2 -3\r\n")
        #expect(s.totalEnergy == -1.5 && s.atomCount == 2 && s.species == ["Ti", "O"] && s.forces?[1] == SIMD3(-1, -2, -3))
        let deck = Deck(text: "FILES\r\n1\r\na.xsf\r\n")
        #expect(deck.lines == ["FILES", "1", "a.xsf", ""])
    }

    @Test func fastNumberPathAgreesWithTheGeneralOne() {
        for token in ["1", "-2.5", "+3e-4", "1.5E+10", ".5", "5.", "1.5d0", "2D-3", "1.0-3", "3*2.0", "e5", "-", "1e",
                      "1.2.3", "nan", "inf", "0x10", "--1", "1e+-3", "12345678901234567890123"] {
            var bytes = Array(token.utf8)
            let fast = bytes.withUnsafeMutableBufferPointer { ListDirected.double(UnsafeBufferPointer($0), 0..<token.utf8.count) }
            #expect(fast == ListDirected.double(token[...]), "\(token)")
        }
    }

    @Test func valueRangesFollowListDirectedRules() {
        let line = "Ti, 'a b';1.0\t2 / ignored"
        var bytes = Array(line.utf8)
        var ranges: [Range<Int>] = []
        bytes.withUnsafeMutableBufferPointer { ListDirected.valueRanges(UnsafeBufferPointer($0), 0..<line.utf8.count, into: &ranges) }
        let words = ranges.map { String(decoding: bytes[$0], as: UTF8.self) }
        #expect(words == ListDirected.values(line).map(String.init) && words == ["Ti", "a b", "1.0", "2"])
    }
}
