/// A user-facing failure: one line that names the file (and line) and says what to do.
public struct AenetError: Error, CustomStringConvertible, Sendable {
    public var file: String?
    public var line: Int?
    public var message: String

    public init(_ message: String, file: String? = nil, line: Int? = nil) {
        self.message = message; self.file = file; self.line = line
    }

    public var description: String {
        switch (file, line) {
        case let (f?, l?): return "\(f):\(l): \(message)"
        case let (f?, nil): return "\(f): \(message)"
        default: return message
        }
    }
}
