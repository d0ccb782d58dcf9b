import Foundation
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

/// Where things are when the tests run from a checkout.
enum TestPaths {
    /// The package root (two levels above this file's folder).
    static let repository: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared` beside the checkout: aenet's reference outputs and the TiO2 data (not always present).
    static let shared: URL = repository.deletingLastPathComponent().appendingPathComponent("shared")
    static var hasShared: Bool { FileManager.default.fileExists(atPath: shared.appendingPathComponent("aenet-reference").path) }

    static let referenceInputs: URL = repository.appendingPathComponent("reference-inputs")

    /// The folder holding the built executables (beside the test bundle).
    static var products: URL {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("generate").path) { return url }
        }
        return repository.appendingPathComponent(".build/debug")
    }
}

/// A fresh temporary folder, removed when the value goes away.
final class TemporaryDirectory {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("aenet-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let p = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: p.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: p, atomically: true, encoding: .utf8)
        return p.path
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path) }

    func contents(_ name: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: path))?.sorted() ?? []
    }
}

struct ToolRun {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs one of our executables in `directory` with no standard input.
func runTool(_ name: String, _ arguments: [String], in directory: URL, stdin: String? = nil,
             environment: [String: String] = [:]) throws -> ToolRun {
    let p = Process()
    p.executableURL = TestPaths.products.appendingPathComponent(name)
    p.arguments = arguments
    if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    p.currentDirectoryURL = directory
    let out = Pipe(), err = Pipe(), inp = Pipe()
    p.standardOutput = out; p.standardError = err; p.standardInput = inp
    try p.run()
    if let s = stdin { inp.fileHandleForWriting.write(Data(s.utf8)) }
    try? inp.fileHandleForWriting.close()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return ToolRun(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
}

/// Starts one of our executables in `directory` (output discarded), kills it with SIGKILL after
/// `microseconds`, and waits for it: the fault tests' "power loss at a random moment".
func runAndKill(_ name: String, _ arguments: [String], in directory: URL, after microseconds: UInt32) throws {
    let p = Process()
    p.executableURL = TestPaths.products.appendingPathComponent(name)
    p.arguments = arguments; p.currentDirectoryURL = directory
    p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
    try p.run()
    usleep(microseconds)
    kill(p.processIdentifier, SIGKILL)
    p.waitUntilExit()
}
