import Foundation
import Testing
@testable import AenetCore
@testable import AenetShell

// Issue 14: no lost work, no stale state adopted, no leftovers, no garbage — tested adversarially.

/// A workspace with the reference inputs, a generated training set and a short finished training
/// (3 epochs of 4-4 networks). Also used by FaultTests.
func trainedWorkspace() throws -> TemporaryDirectory {
    let d = try TemporaryDirectory()
    for f in try FileManager.default.contentsOfDirectory(atPath: TestPaths.referenceInputs.path) {
        try FileManager.default.copyItem(at: TestPaths.referenceInputs.appendingPathComponent(f), to: d.url.appendingPathComponent(f))
    }
    var deck = try String(contentsOfFile: d.path + "/train.in", encoding: .utf8)
    deck = deck.replacingOccurrences(of: "ITERATIONS  200", with: "ITERATIONS 3")
        .replacingOccurrences(of: "10:tanh 10:tanh", with: "4:tanh 4:tanh")
    try d.write("train.in", deck)
    #expect(try runTool("generate", ["generate.in"], in: d.url).status == 0)
    let t = try runTool("train", ["train.in"], in: d.url)
    #expect(t.status == 0, "\(t.stderr)")
    return d
}

private func bytes(_ d: TemporaryDirectory, _ f: String) -> Data? { FileManager.default.contents(atPath: d.path + "/" + f) }
private func temporaries(_ d: TemporaryDirectory) -> [String] { d.contents("").filter { $0.contains(".tmp-") } }

private let referenceInputsPresent = FileManager.default.fileExists(atPath: TestPaths.referenceInputs.appendingPathComponent("generate.in").path)

@Suite(.enabled(if: referenceInputsPresent, "reference-inputs/ missing"))
struct NoLostWork {
    /// A damaged train.restart, one of another training set, and one of other networks are all
    /// refused with a message, and the good .nn files are not touched.
    @Test func mismatchingOrDamagedRestartIsRefusedAndNetworksKept() throws {
        let d = try trainedWorkspace()
        let ti = bytes(d, "Ti.nn"), o = bytes(d, "O.nn"), restart = bytes(d, "train.restart")!
        // 1. one flipped byte in the middle of the weights
        var damaged = restart; damaged[damaged.count / 2] ^= 0x5a
        try damaged.write(to: d.url.appendingPathComponent("train.restart"))
        var r = try runTool("train", ["train.in"], in: d.url)
        #expect(r.status != 0 && r.stderr.contains("train.restart") && r.stderr.contains("damaged"), "\(r.stderr)")
        #expect(bytes(d, "Ti.nn") == ti && bytes(d, "O.nn") == o)
        // 2. a different training set (one structure fewer)
        try restart.write(to: d.url.appendingPathComponent("train.restart"))
        for f in ["reference.train", "reference.train.scaled"] { try FileManager.default.removeItem(atPath: d.path + "/" + f) }
        var gen = try String(contentsOfFile: d.path + "/generate.in", encoding: .utf8)
        gen = gen.replacingOccurrences(of: "\n48\n", with: "\n47\n").replacingOccurrences(of: "structures/cluster-08.xsf\n", with: "")
        try d.write("generate.in", gen)
        #expect(try runTool("generate", ["generate.in"], in: d.url).status == 0)
        r = try runTool("train", ["train.in"], in: d.url)
        #expect(r.status != 0 && r.stderr.contains("training set"), "\(r.stderr)")
        #expect(bytes(d, "Ti.nn") == ti && bytes(d, "O.nn") == o)
        // 3. the situation of a fresh run killed before its first epoch under aenet's order:
        //    other networks in the .nn files next to an older train.restart.
        let other = try trainedWorkspace()
        for f in ["Ti.nn", "O.nn"] { try bytes(other, f)!.write(to: d.url.appendingPathComponent(f)) }
        let ti2 = bytes(d, "Ti.nn")
        r = try runTool("train", ["train.in"], in: d.url)
        #expect(r.status != 0 && r.stderr.contains("networks"), "\(r.stderr)")
        #expect(bytes(d, "Ti.nn") == ti2)
        #expect(temporaries(d).isEmpty)
    }

    /// An existing .nn with a NaN weight is refused by train and predict (no NaN energies).
    @Test func nonFiniteWeightsAreRefused() throws {
        let d = try trainedWorkspace()
        var nn = bytes(d, "Ti.nn")!
        // The weight record is the 9th: find it by walking the record markers.
        var k = 0
        for _ in 0..<8 { k += 8 + Int(nn.subdata(in: k..<(k + 4)).withUnsafeBytes { $0.load(as: Int32.self) }) }
        let nan = Double.nan.bitPattern.littleEndian
        withUnsafeBytes(of: nan) { nn.replaceSubrange((k + 4)..<(k + 12), with: $0) }
        try nn.write(to: d.url.appendingPathComponent("Ti.nn"))
        for (tool, deck) in [("train", "train.in"), ("predict", "predict.in")] {
            let r = try runTool(tool, [deck], in: d.url)
            #expect(r.status != 0 && r.stderr.contains("NaN"), "\(tool): \(r.stderr)")
            #expect(!r.stdout.contains("NaN"))
        }
        #expect(bytes(d, "Ti.nn") == nn)
    }

    /// Divergent training stops with an error; the existing networks stay as they were.
    @Test func divergenceStopsWithAnError() throws {
        let d = try trainedWorkspace()
        let ti = bytes(d, "Ti.nn")
        try FileManager.default.removeItem(atPath: d.path + "/train.restart")
        var deck = try String(contentsOfFile: d.path + "/train.in", encoding: .utf8)
        deck = deck.replacingOccurrences(of: "\nbfgs\n", with: "\nonline_sd gamma=100 alpha=0\n").replacingOccurrences(of: "ITERATIONS 3", with: "ITERATIONS 20")
        try d.write("train.in", deck)
        let r = try runTool("train", ["train.in"], in: d.url)
        #expect(r.status != 0 && r.stderr.contains("diverged"), "\(r.stderr)")
        #expect(!r.stdout.contains("converged"))
        #expect(bytes(d, "Ti.nn") == ti)
    }

    /// SIGKILL at random moments of train, then a rerun: it always succeeds with finite networks,
    /// and leaves no temporary files.
    @Test func trainSurvivesSIGKILLAtRandomMoments() throws {
        let d = try trainedWorkspace()
        for f in ["Ti.nn", "O.nn", "train.restart"] { try FileManager.default.removeItem(atPath: d.path + "/" + f) }
        var deck = try String(contentsOfFile: d.path + "/train.in", encoding: .utf8)
        deck = deck.replacingOccurrences(of: "ITERATIONS 3", with: "ITERATIONS 40")
        try d.write("train.in", deck)
        var rng = SplitMix64(seed: 14)
        for _ in 0..<4 {
            try runAndKill("train", ["train.in"], in: d.url, after: UInt32(20_000 + Int(rng.next() % 400_000)))
        }
        let r = try runTool("train", ["train.in"], in: d.url)
        #expect(r.status == 0, "\(r.stderr)")
        for f in ["Ti.nn", "O.nn"] {
            let w = try Potential.read(path: d.path + "/" + f).network.weights
            #expect(w.allSatisfy { $0.isFinite })
        }
        #expect(temporaries(d).isEmpty, "\(temporaries(d))")
    }

    /// SIGTERM removes generate's staged output; a temporary of a killed (SIGKILL) process is
    /// removed by the next run, with a note.
    @Test func interruptedGenerateLeavesNothingBehind() throws {
        let d = try trainedWorkspace()
        try FileManager.default.removeItem(atPath: d.path + "/reference.train")
        // A big generate deck: the same structures many times.
        var gen = try String(contentsOfFile: d.path + "/generate.in", encoding: .utf8)
        let files = gen.components(separatedBy: "FILES\n48\n")[1]
        gen = gen.components(separatedBy: "FILES\n48\n")[0] + "FILES\n\(48 * 60)\n" + String(repeating: files, count: 60)
        try d.write("generate.in", gen)
        for sig in [SIGTERM, SIGINT] {
            let p = Process()
            p.executableURL = TestPaths.products.appendingPathComponent("generate")
            p.arguments = ["generate.in"]; p.currentDirectoryURL = d.url
            p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
            try p.run()
            var waited = 0
            while temporaries(d).isEmpty && waited < 2000 && p.isRunning { usleep(5_000); waited += 1 }
            kill(p.processIdentifier, sig)
            p.waitUntilExit()
            #expect(temporaries(d).isEmpty, "signal \(sig): \(temporaries(d))")
            #expect(!d.exists("reference.train"))
        }
        // A leftover of a process that no longer exists.
        let stale = ".reference.train.tmp-\(Int32.max - 7)"
        try d.write(stale, "partial")
        let r = try runTool("generate", ["generate.in"], in: d.url)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!d.exists(stale) && r.stderr.contains("removed"), "\(r.stderr)")
    }

    /// `--delta -0.03` is a (refused) value, not a missing one.
    @Test func negativeOptionValuesAreValues() throws {
        let d = try trainedWorkspace()
        let r = try runTool("augment", ["generate.in", "--delta", "-0.03", "--factor", "1", "--structures", "aug", "--output", "new.in"], in: d.url)
        #expect(r.status != 0)
        #expect(!r.stderr.contains("Missing value"), "\(r.stderr)")
        #expect(r.stderr.contains("delta"), "\(r.stderr)")
    }
}

/// The short fuzz run (scripts/fuzz.py): seeded mutations of every input kind through the four
/// tools; every case must end in a clean error or a clean success.
@Test(.enabled(if: referenceInputsPresent && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "python3 or reference-inputs missing"))
func shortFuzzRunHasNoCrashHangGarbageOrLeftover() throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    p.arguments = [TestPaths.repository.appendingPathComponent("scripts/fuzz.py").path, "330", "7", "--bin", TestPaths.products.path]
    let out = Pipe(); p.standardOutput = out; p.standardError = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 0, "\(text)")
    #expect(text.contains("total"), "\(text)")
}

/// install-deps.sh finds missing build dependencies by what the build uses, on faked partial
/// machines (scripts/test-install-deps.sh: no pkg-config, no openblas module, a module whose
/// library lacks cblas_dgemm/dposv_/openblas_set_num_threads) and nothing on this one.
@Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/bash"), "bash missing"))
func installDepsDetectsWhatTheBuildUses() throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/bash")
    p.arguments = [TestPaths.repository.appendingPathComponent("scripts/test-install-deps.sh").path]
    let out = Pipe(); p.standardOutput = out; p.standardError = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 0, "\(text)")
    #expect(text.components(separatedBy: "ok:").count >= 4, "\(text)")
}
