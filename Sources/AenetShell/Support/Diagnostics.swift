import AenetCore
import Foundation

/// The one place where the tools talk to people on stderr: errors as
/// `tool: error: file:line: message`, warnings as `tool: warning: message`, flushed after stdout
/// so that the two streams interleave in order when both go to a terminal.
public struct Diagnostics: Sendable {
    public let tool: String

    public init(tool: String) { self.tool = tool }

    public func render(_ error: Error) -> String {
        if let e = error as? AenetError { return "\(tool): error: \(e)" }
        return "\(tool): error: \(error)"
    }

    public func error(_ error: Error) { emit(render(error)) }

    public func warning(_ message: String) { emit("\(tool): warning: \(message)") }

    /// A line of its own (notes that are neither errors nor warnings).
    public func note(_ message: String) { emit("\(tool): \(message)") }

    private func emit(_ line: String) {
        fflush(nil)   // stdout first, so that the two streams interleave in order
        FileHandle.standardError.write(Data((line.hasSuffix("\n") ? line : line + "\n").utf8))
    }

    /// Runs a tool's work: an `AenetError` becomes one rendered line and exit status 1.
    /// Returns the body's exit status otherwise.
    /// The same over MPI ranks: ends with a collective error check, so an error every rank meets
    /// (a bad deck) is printed once, by the lowest rank, and every rank exits with status 1.
    public func run(_ comm: any Communicator, _ body: () throws -> Int32) -> Int32 {
        run { try comm.checked(body) }
    }

    public func run(_ body: () throws -> Int32) -> Int32 {
        do { return try body() } catch {
            if Ranks.isQuiet(error) { return 1 }   // another MPI rank reported it
            self.error(error)
            return 1
        }
    }
}

/// An error made on another MPI rank, carried as its text (printed as the original would be).
public struct RemoteError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}
