import Foundation
import Testing
@testable import AenetCore
@testable import AenetShell

// Issue 14: full and read-only disks, kills of augment, concurrent runs, and work that would not
// fit in memory — each must end in one clear message with nothing half-written and no earlier
// output changed.

private let referenceInputsPresent = FileManager.default.fileExists(atPath: TestPaths.referenceInputs.appendingPathComponent("generate.in").path)

/// A trained workspace (ReliabilityTests) plus a generate deck whose training set does not exist yet.
private func workspace() throws -> TemporaryDirectory {
    let d = try trainedWorkspace()
    try d.write("generate-new.in", try String(contentsOfFile: d.path + "/generate.in", encoding: .utf8)
        .replacingOccurrences(of: "OUTPUT reference.train", with: "OUTPUT new.train"))
    return d
}

/// Every file below `root` with its bytes (to prove that nothing changed).
private func snapshot(_ root: String) -> [String: Data] {
    var out: [String: Data] = [:]
    guard let e = FileManager.default.enumerator(atPath: root) else { return out }
    while let f = e.nextObject() as? String {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: root + "/" + f, isDirectory: &isDir), !isDir.boolValue {
            out[f] = FileManager.default.contents(atPath: root + "/" + f)
        }
    }
    return out
}

private func temporaries(_ root: String) -> [String] {
    (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).filter { $0.contains(".tmp-") }
}

@discardableResult
private func sh(_ command: String) -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", command]
    p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
    do { try p.run() } catch { return -1 }
    p.waitUntilExit()
    return p.terminationStatus
}

/// A small tmpfs can be mounted (root, or a container that allows it): the only honest way to
/// get a full or a read-only file system in a test.
private let canMountTmpfs: Bool = {
    guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/bin/mount") else { return false }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aenet-mount-probe-\(getpid())").path
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    guard sh("mount -t tmpfs -o size=64k tmpfs '\(dir)'") == 0 else { return false }
    return sh("umount '\(dir)'") == 0
}()

/// A tmpfs of `kilobytes` at a fresh folder, unmounted when the value goes away.
private final class SmallDisk {
    let path: String
    init(kilobytes: Int) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("aenet-disk-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard sh("mount -t tmpfs -o size=\(kilobytes)k tmpfs '\(path)'") == 0 else { throw AenetError("mount failed") }
    }
    func copy(from d: TemporaryDirectory, _ names: [String]) throws {
        for n in names { try FileManager.default.copyItem(atPath: d.path + "/" + n, toPath: path + "/" + n) }
    }
    /// Fills the remaining space.
    func fill() { sh("dd if=/dev/zero of='\(path)/filler' bs=4k 2>/dev/null; sync") }
    func readOnly() -> Bool { sh("mount -o remount,ro '\(path)'") == 0 }
    deinit { sh("umount '\(path)'"); try? FileManager.default.removeItem(atPath: path) }
}

/// What each tool writes, run in a folder where writing fails.
private let writers: [(tool: String, arguments: [String])] = [
    ("generate", ["generate-new.in"]),
    ("train", ["train.in"]),
    ("predict", ["predict.in", "--errors-csv", "errors.csv"]),
    ("augment", ["generate.in", "--delta", "0.03", "--factor", "2", "--structures", "aug", "--output", "aug.in"]),
]

private let inputs = ["generate.in", "generate-new.in", "reference.train", "train.in", "predict.in", "Ti.stp", "O.stp", "structures", "Ti.nn", "O.nn",
                      "reference.train.scaled"]

@Suite(.serialized, .enabled(if: referenceInputsPresent, "reference-inputs/ missing"))
struct FaultTests {
    /// A full disk: every tool stops with one line saying the disk is full, leaves no temporary
    /// file and changes none of the files that were there (the good .nn files above all).
    @Test(.enabled(if: canMountTmpfs, "cannot mount a tmpfs here (needs root): full-disk faults not tested"))
    func fullDisk() throws {
        let d = try workspace()
        let disk = try SmallDisk(kilobytes: 1024)
        try disk.copy(from: d, inputs)
        disk.fill()
        let before = snapshot(disk.path)
        for (tool, args) in writers {
            let r = try runTool(tool, args, in: URL(fileURLWithPath: disk.path))
            #expect(r.status != 0, "\(tool) succeeded on a full disk")
            #expect(r.stderr.contains("disk is full"), "\(tool): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").filter { $0.contains("error:") }.count == 1, "\(tool): \(r.stderr)")
            #expect(temporaries(disk.path).isEmpty, "\(tool): \(temporaries(disk.path))")
            #expect(snapshot(disk.path) == before, "\(tool) changed or added files on a full disk")
        }
    }

    /// A read-only file system: the same, with a message saying so.
    @Test(.enabled(if: canMountTmpfs, "cannot mount a tmpfs here (needs root): read-only faults not tested"))
    func readOnlyDisk() throws {
        let d = try workspace()
        let disk = try SmallDisk(kilobytes: 4096)
        try disk.copy(from: d, inputs)
        #expect(disk.readOnly())
        let before = snapshot(disk.path)
        for (tool, args) in writers {
            let r = try runTool(tool, args, in: URL(fileURLWithPath: disk.path))
            #expect(r.status != 0, "\(tool) succeeded on a read-only disk")
            #expect(r.stderr.contains("Read-only file system") && r.stderr.contains("writable folder"), "\(tool): \(r.stderr)")
            #expect(snapshot(disk.path) == before)
        }
    }

    /// `ulimit -f` (no root needed): a write beyond it fails like a full disk instead of killing
    /// the process with SIGXFSZ and leaving its temporary behind.
    @Test func fileSizeLimit() throws {
        let d = try workspace()
        try FileManager.default.removeItem(atPath: d.path + "/reference.train")
        let gen = TestPaths.products.appendingPathComponent("generate").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "ulimit -f 64 && exec '\(gen)' generate.in > /dev/null"]
        p.currentDirectoryURL = d.url
        let err = Pipe(); p.standardError = err
        try p.run()
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 1, "\(p.terminationReason) \(p.terminationStatus)")
        #expect(e.contains("reference.train") && e.contains("ulimit -f"), "\(e)")
        #expect(temporaries(d.path).isEmpty && !d.exists("reference.train"))
    }

    /// SIGKILL at random moments of augment, then a rerun: it succeeds, removes what the killed
    /// runs left, and writes the same files as an uninterrupted run.
    @Test func augmentSurvivesSIGKILL() throws {
        let d = try workspace()
        // 2880 children (about 0.5 s): most kills land while files are being written.
        let args = ["generate.in", "--delta", "0.03", "--factor", "60", "--structures", "aug", "--output", "aug.in"]
        let clean = try runTool("augment", args, in: d.url)
        #expect(clean.status == 0, "\(clean.stderr)")
        let expected = snapshot(d.path + "/aug"), expectedDeck = FileManager.default.contents(atPath: d.path + "/aug.in")
        try FileManager.default.removeItem(atPath: d.path + "/aug")
        try FileManager.default.removeItem(atPath: d.path + "/aug.in")
        var rng = SplitMix64(seed: 41)
        var interrupted = 0
        for _ in 0..<5 {
            try runAndKill("augment", args, in: d.url, after: UInt32(30_000 + Int(rng.next() % 370_000)))
            if !temporaries(d.path).isEmpty { interrupted += 1 }
            // A kill after the final rename leaves a complete result: start again from nothing.
            if d.exists("aug.in") {
                try FileManager.default.removeItem(atPath: d.path + "/aug.in")
                try? FileManager.default.removeItem(atPath: d.path + "/aug")
            }
            #expect(!d.exists("aug"), "a directory appeared without its deck")
        }
        #expect(interrupted > 0, "no kill landed while augment was writing")
        let r = try runTool("augment", args, in: d.url)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(snapshot(d.path + "/aug") == expected)
        #expect(FileManager.default.contents(atPath: d.path + "/aug.in") == expectedDeck)
        #expect(temporaries(d.path).isEmpty, "\(temporaries(d.path))")
    }

    /// SIGKILL at random moments of generate (a deck of 2880 structures), then a rerun: it removes
    /// what the killed runs left and writes the training set of an uninterrupted run, byte for byte.
    @Test func generateSurvivesSIGKILL() throws {
        let d = try workspace()
        var deck = try String(contentsOfFile: d.path + "/generate.in", encoding: .utf8)
        let files = deck.components(separatedBy: "FILES\n48\n")[1]
        deck = deck.components(separatedBy: "FILES\n48\n")[0] + "FILES\n\(48 * 60)\n" + String(repeating: files, count: 60)
        try d.write("big.in", deck.replacingOccurrences(of: "OUTPUT reference.train", with: "OUTPUT big.train"))
        #expect(try runTool("generate", ["big.in"], in: d.url).status == 0)
        let expected = FileManager.default.contents(atPath: d.path + "/big.train")
        try FileManager.default.removeItem(atPath: d.path + "/big.train")
        var rng = SplitMix64(seed: 43)
        var interrupted = 0
        for _ in 0..<5 {
            try runAndKill("generate", ["big.in"], in: d.url, after: UInt32(30_000 + Int(rng.next() % 370_000)))
            if !temporaries(d.path).isEmpty { interrupted += 1 }
            if d.exists("big.train") { try FileManager.default.removeItem(atPath: d.path + "/big.train") }
        }
        #expect(interrupted > 0, "no kill landed while generate was writing")
        let r = try runTool("generate", ["big.in"], in: d.url)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.contents(atPath: d.path + "/big.train") == expected)
        #expect(temporaries(d.path).isEmpty, "\(temporaries(d.path))")
    }

    /// Two generate runs with the same OUTPUT at the same time: one wins, the other stops with a
    /// message; the file is exactly a serial run's; nothing is left behind.
    @Test func concurrentGenerateRuns() throws {
        let d = try workspace()
        let serial = FileManager.default.contents(atPath: d.path + "/reference.train")
        for _ in 0..<3 {
            try FileManager.default.removeItem(atPath: d.path + "/reference.train")
            var runs: [(Process, Pipe)] = []
            for _ in 0..<2 {
                let p = Process(), e = Pipe()
                p.executableURL = TestPaths.products.appendingPathComponent("generate")
                p.arguments = ["generate.in"]; p.currentDirectoryURL = d.url
                p.standardOutput = FileHandle.nullDevice; p.standardError = e
                runs.append((p, e))
            }
            for (p, _) in runs { try p.run() }
            var failures: [String] = []
            for (p, e) in runs {
                let text = String(decoding: e.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                p.waitUntilExit()
                if p.terminationStatus != 0 { failures.append(text) }
            }
            #expect(failures.count == 1, "\(failures)")
            #expect(failures.allSatisfy { $0.contains("another process") || $0.contains("already exists") }, "\(failures)")
            #expect(FileManager.default.contents(atPath: d.path + "/reference.train") == serial)
            #expect(temporaries(d.path).isEmpty, "\(temporaries(d.path))")
        }
    }

    /// An existing `.forces` file is not replaced: generate stops before any work.
    @Test func existingForcesFileIsKept() throws {
        let d = try workspace()
        try FileManager.default.removeItem(atPath: d.path + "/reference.train")
        var deck = try String(contentsOfFile: d.path + "/generate.in", encoding: .utf8)
        deck = deck.replacingOccurrences(of: "OUTPUT reference.train", with: "OUTPUT reference.train\nFORCES\nFORCESPERCENT 50")
        try d.write("generate.in", deck)
        try d.write("reference.train.forces", "an older forces file")
        let r = try runTool("generate", ["generate.in"], in: d.url)
        #expect(r.status != 0 && r.stderr.contains("reference.train.forces") && r.stderr.contains("exists"), "\(r.stderr)")
        #expect(try String(contentsOfFile: d.path + "/reference.train.forces", encoding: .utf8) == "an older forces file")
        #expect(!d.exists("reference.train") && temporaries(d.path).isEmpty)
        try FileManager.default.removeItem(atPath: d.path + "/reference.train.forces")
        let ok = try runTool("generate", ["generate.in"], in: d.url)
        #expect(ok.status == 0 && d.exists("reference.train") && d.exists("reference.train.forces"), "\(ok.stderr)")
    }

    /// An optimizer whose matrices cannot fit in memory is refused with the amount, before it
    /// allocates anything and before any file is written. (ekf's covariance blocks: lm with a batch
    /// smaller than the network needs only the Jacobian since it solves in the batch's space.)
    @Test func optimizerMemoryIsCheckedFirst() throws {
        let d = try workspace()
        var deck = try String(contentsOfFile: d.path + "/train.in", encoding: .utf8)
        deck = deck.replacingOccurrences(of: "\nbfgs\n", with: "\nekf wgroup=1000000\n")
            .replacingOccurrences(of: "4:tanh 4:tanh", with: "3000:tanh 3000:tanh")
            .replacingOccurrences(of: "Ti.nn", with: "Ti-big.nn").replacingOccurrences(of: "O.nn", with: "O-big.nn")
        try d.write("train.in", deck)
        let before = snapshot(d.path)
        let started = Date()
        let r = try runTool("train", ["train.in"], in: d.url)
        #expect(r.status != 0 && r.stderr.contains("METHOD ekf needs about") && r.stderr.contains("TB"), "\(r.stderr)")
        #expect(Date().timeIntervalSince(started) < 60)
        let after = snapshot(d.path)
        #expect(Set(after.keys).subtracting(before.keys).isEmpty, "\(Set(after.keys).subtracting(before.keys))")
    }

    /// FORCES on a structure whose derivatives exceed the run's memory share: refused naming the
    /// structure, with nothing written.
    @Test func derivativeMemoryIsBounded() throws {
        let d = try workspace()
        try FileManager.default.removeItem(atPath: d.path + "/reference.train")
        var deck = try String(contentsOfFile: d.path + "/generate.in", encoding: .utf8)
        deck = deck.replacingOccurrences(of: "OUTPUT reference.train", with: "OUTPUT reference.train\nFORCES\nFORCESPERCENT 100")
        // Absolute paths: the test runs in-process, where the working directory is shared.
        deck = deck.replacingOccurrences(of: "OUTPUT reference.train", with: "OUTPUT \(d.path)/reference.train")
            .replacingOccurrences(of: "structures/", with: "\(d.path)/structures/")
            .replacingOccurrences(of: " Ti.stp", with: " \(d.path)/Ti.stp").replacingOccurrences(of: " O.stp", with: " \(d.path)/O.stp")
        let path = try d.write("generate-abs.in", deck)
        let generator = try TrainingSetGenerator(input: try GenerateInput(path: path))
        generator.derivativeLimit = 20_000
        #expect {
            try generator.run(output: TextOutput { _ in }, threads: 1)
        } throws: { e in
            guard let e = e as? AenetError else { return false }
            return e.kind == .resources && (e.file ?? "").hasSuffix(".xsf") && e.message.contains("FORCESPERCENT")
        }
        #expect(!d.exists("reference.train") && !d.exists("reference.train.forces") && temporaries(d.path).isEmpty)
    }
}
