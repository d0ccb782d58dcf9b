/// A user-facing failure: what went wrong (`kind`, for programs and tests), and one line of
/// prose that names the file (and line) and says what to do (for people). The shell renders
/// it once, as `tool: error: file:line: message`.
public struct AenetError: Error, CustomStringConvertible, Sendable {
    /// The classes of failure a caller may want to tell apart.
    public enum Kind: String, Sendable, Equatable {
        /// A value or the syntax of a deck, setup, structure file or option.
        case invalidInput
        /// An input file that does not exist or cannot be read.
        case missingFile
        /// A binary file (training set, potential, restart) that is truncated or inconsistent.
        case corruptFile
        /// Files or settings that do not belong together (networks vs. training set, species).
        case mismatch
        /// An output that exists already and is not replaced.
        case outputExists
        /// Writing an output failed (permissions, full disk).
        case io
        /// The work asked for needs more memory than the machine has (refused before allocating).
        case resources
    }

    public var kind: Kind
    public var file: String?
    public var line: Int?
    public var message: String

    public init(_ message: String, file: String? = nil, line: Int? = nil) {
        self.init(.invalidInput, message, file: file, line: line)
    }

    public init(_ kind: Kind, _ message: String, file: String? = nil, line: Int? = nil) {
        self.kind = kind; self.message = message; self.file = file; self.line = line
    }

    /// The same failure, attributed to `file` (and `line`) when it names none yet.
    public func located(in file: String, line: Int? = nil) -> AenetError {
        var e = self
        if e.file == nil { e.file = file; e.line = line }
        return e
    }

    public var description: String {
        switch (file, line) {
        case let (f?, l?): return "\(f):\(l): \(message)"
        case let (f?, nil): return "\(f): \(message)"
        default: return message
        }
    }
}
