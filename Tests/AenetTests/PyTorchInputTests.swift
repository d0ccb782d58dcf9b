import Foundation
import Testing
@testable import AenetCore
@testable import AenetShell

/// aenet-PyTorch's ASCII training set (its trainbin2ASCII layout): a set made by our generate
/// (with FORCES) goes to ASCII and back with identical data, the `.forces` companion belongs to
/// it structure by structure, the layout is told apart by content, and bad files fail with the
/// file and line.
@Suite struct PyTorchInputTests {
    /// Our generate on the first `count` reference-input structures, with derivatives for all.
    static func generated(count: Int = 4) throws -> (TemporaryDirectory, String) {
        let dir = try TemporaryDirectory()
        let fm = FileManager.default
        for item in try fm.contentsOfDirectory(atPath: TestPaths.referenceInputs.path) {
            try fm.copyItem(atPath: TestPaths.referenceInputs.path + "/" + item, toPath: dir.path + "/" + item)
        }
        let lines = try String(contentsOfFile: dir.path + "/generate.in", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let files = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "FILES" })
        let deck = lines[..<files].joined(separator: "\n").replacingOccurrences(of: "OUTPUT reference.train", with: "OUTPUT small.train")
            + "\nFORCES\nFORCESPERCENT 100\nFILES\n\(count)\n" + lines[(files + 2)...].prefix(count).joined(separator: "\n") + "\n"
        try dir.write("forces.in", deck)
        let g = try runTool("generate", ["forces.in"], in: dir.url)
        try #require(g.status == 0, "\(g.stderr)")
        return (dir, dir.path + "/small.train")
    }

    @Test func asciiRoundTripGivesIdenticalData() throws {
        let (dir, binary) = try Self.generated()
        let ascii = dir.path + "/small.train.ascii"
        try TrainingSetASCIIWriter.convert(binary: binary, to: ascii)
        #expect(try TrainingSetLayout.detect(path: binary) == .binary)
        #expect(try TrainingSetLayout.detect(path: ascii) == .ascii)

        let b = try TrainingSetReader(path: binary)
        let bFooter = try b.footer(); b.rewind()
        var bStructures: [TrainingSetStructure] = []
        while let s = try b.next() { bStructures.append(s) }
        let a = try TrainingSetASCIIReader(path: ascii)
        #expect(a.header == b.header)
        #expect(a.footer == bFooter)
        let aStructures = try a.readAll()
        #expect(aStructures.count == 4)
        #expect(aStructures == bStructures)
        #expect(try a.next() == nil)

        // Back to binary: the same bytes as generate's file.
        try a.writeBinary(to: dir.path + "/back.train")
        #expect(FileManager.default.contents(atPath: dir.path + "/back.train") == FileManager.default.contents(atPath: binary))

        // The .forces companion (binary in aenet-PyTorch too) lists the same structures and atoms.
        let forces = try ForcesFileReader.read(path: binary + ".forces")
        #expect(forces.count == aStructures.count)
        for (f, s) in zip(forces, aStructures) {
            #expect(f.path == s.path && f.atomCount == s.atomCount)
            let atoms = try #require(f.atoms)
            #expect(atoms.map(\.type) == s.types)
            #expect(atoms.map(\.nsf) == (0..<s.atomCount).map { s.fingerprintCount($0) })
        }
    }

    @Test func theToolConvertsBothWays() throws {
        let (dir, _) = try Self.generated(count: 2)
        let r = try runTool("aenet-compat", ["trainset-to-ascii", "small.train", "s.ascii"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        let back = try runTool("aenet-compat", ["trainset-from-ascii", "s.ascii", "s.train"], in: dir.url)
        #expect(back.status == 0, "\(back.stderr)")
        #expect(FileManager.default.contents(atPath: dir.path + "/s.train") == FileManager.default.contents(atPath: dir.path + "/small.train"))
        let again = try runTool("aenet-compat", ["trainset-to-ascii", "small.train", "s.ascii"], in: dir.url)
        #expect(again.status == 1 && again.stderr.hasPrefix("aenet-compat: error: "), "\(again.stderr)")
    }

    /// Each damaged copy fails with one error naming the file and the line.
    @Test func damagedFilesNameTheLine() throws {
        let (dir, binary) = try Self.generated(count: 2)
        let ascii = dir.path + "/good.ascii"
        try TrainingSetASCIIWriter.convert(binary: binary, to: ascii)
        let lines = try String(contentsOfFile: ascii, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // The first structure: path, counts, energy, then per atom species, coordinates, forces,
        // fingerprint length and fingerprint (so the first fingerprint is 7 lines below the path).
        let pathLine = try #require(lines.indices.first { lines[$0].hasPrefix(" ") && lines[$0].hasSuffix(".xsf") })
        let firstFingerprint = pathLine + 7
        func replacingFirstValue(_ l: String) -> String { (["nan"] + l.split(separator: " ").dropFirst().map(String.init)).joined(separator: " ") }
        let cases: [(String, [String], String)] = [
            ("truncated", Array(lines.prefix(lines.count / 2)), "unexpected end of file"),
            ("nan", lines.enumerated().map { $0.offset == firstFingerprint ? replacingFirstValue($0.element) : $0.element }, "not a finite number"),
            ("extra", lines.enumerated().map { $0.offset == firstFingerprint ? $0.element + " 1.0" : $0.element }, "values where"),
            ("species", ["0"] + lines.dropFirst(), "implausible number of species 0"),
            ("trailing", lines + ["1 2 3"], "unexpected data"),
        ]
        for (name, text, message) in cases {
            let p = dir.path + "/\(name).ascii"
            try text.joined(separator: "\n").write(toFile: p, atomically: true, encoding: .utf8)
            do {
                let r = try TrainingSetASCIIReader(path: p)
                while try r.next() != nil {}
                Issue.record("\(name): no error")
            } catch let e as AenetError {
                #expect(e.file == p && e.line != nil && e.message.contains(message), "\(name): \(e)")
                if name == "nan" || name == "extra" { #expect(e.line == firstFingerprint + 1, "\(name): \(e)") }
            }
        }
        try Data([1, 2, 3, 4, 5, 6]).write(to: URL(fileURLWithPath: dir.path + "/garbage"))
        #expect(throws: AenetError.self) { try TrainingSetLayout.detect(path: dir.path + "/garbage") }
    }
}
