import Foundation
import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

@Suite struct FortranIOTests {
    @Test func recordsRoundTripWithGfortranFraming() throws {
        var w = FortranRecordWriter()
        w.record { $0.append(5); $0.append([0.5, -1.25, 2.0, 0, 1e300]) }
        w.record { $0.append("hello", length: 8) }
        w.record { $0.append(logical: true); $0.append(3.25) }
        w.record { _ in }
        // [i4 44][i4 5][5 x f8][i4 44]: the layout gfortran writes for `write(u) n, x(1:5)`.
        #expect(Array(w.bytes[0..<4]) == [44, 0, 0, 0])
        #expect(Array(w.bytes[48..<52]) == [44, 0, 0, 0])
        let r = FortranRecordReader(data: Data(w.bytes))
        var rec = try r.next()
        #expect(try rec.int() == 5)
        #expect(try rec.doubles(5) == [0.5, -1.25, 2.0, 0, 1e300])
        rec = try r.next()
        #expect(rec.count == 8)
        #expect(try rec.string(8) == "hello")
        rec = try r.next()
        #expect(try rec.logical())
        #expect(try rec.double() == 3.25)
        rec = try r.next()
        #expect(rec.count == 0)
        #expect(r.atEnd)
    }

    @Test func ifortTrueIsMinusOne() throws {
        var w = FortranRecordWriter()
        w.record { $0.append(Int32(-1)) }
        var rec = try FortranRecordReader(data: Data(w.bytes)).next()
        #expect(try rec.logical())
    }

    @Test func truncatedAndCorruptFilesFailClearly() throws {
        var w = FortranRecordWriter()
        w.record { $0.append([1.0, 2.0]) }
        let cut = FortranRecordReader(data: Data(w.bytes.dropLast(3)), name: "cut.bin")
        #expect(throws: AenetError.self) { try cut.next() }
        var bad = w.bytes
        bad[bad.count - 4] = 7
        #expect(throws: AenetError.self) { try FortranRecordReader(data: Data(bad)).next() }
        var rec = try FortranRecordReader(data: Data(w.bytes)).next()
        #expect(throws: AenetError.self) { try rec.doubles(3) }
    }
}

@Suite struct FortranFormatTests {
    @Test func editDescriptorsMatchGfortran() {
        #expect(FortranFormat.es(-0.648006288, 15, 8) == "-6.48006288E-01")
        #expect(FortranFormat.es(1.5e-120, 14, 6) == "  1.500000-120")
        #expect(FortranFormat.es(.nan, 14, 6) == "           NaN")
        #expect(FortranFormat.f(-1627.28971, 12, 6) == "-1627.289710")
        #expect(FortranFormat.f(1e9, 6, 2) == "******")
        #expect(FortranFormat.i(42, 6) == "    42")
        #expect(FortranFormat.a("O", 2) == " O")
        #expect(FortranFormat.adjustl(0.55) == "0.55")
        #expect(FortranFormat.adjustl(15.3818674, digits: 6) == "15.381867")
    }

    @Test func headersAreCenteredIn70Columns() {
        let h = AenetText.header("Training set info.")
        let lines = h.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == " " + String(repeating: "-", count: 70))
        #expect(lines[1].count == 71)
        #expect(lines[1].hasPrefix(String(repeating: " ", count: 27) + "Training set info."))
    }
}
