import AenetCore
import AenetTraining
import AenetAugment
import Foundation

/// A one-line progress report (rate, ETA) on stderr, shown only when stderr is a terminal,
/// so that redirected runs and stdout stay exactly aenet's.
public final class ProgressReporter: @unchecked Sendable {
    private let label: String
    private let total: Int
    private let unit: String
    private let enabled: Bool
    private let start = Date()
    private var lastPrint = Date.distantPast

    public init(label: String, total: Int, unit: String, enabled: Bool = isatty(2) != 0) {
        self.label = label; self.total = total; self.unit = unit; self.enabled = enabled
    }

    public func update(_ done: Int) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastPrint) > 0.25 || done == total else { return }
        lastPrint = now
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let line = String(format: "\r%@: %d/%d %@, %.0f %@/s, ETA %.0f s   ", label, done, total, unit, rate, unit, eta)
        FileHandle.standardError.write(Data(line.utf8))
    }

    public func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// Buffered text on stdout: aenet's tables are long, and one write per line is slow.
public final class TextOutput: @unchecked Sendable {
    private var buffer: [UInt8] = []
    private let sink: (([UInt8]) -> Void)

    public init(_ sink: @escaping ([UInt8]) -> Void = TextOutput.standardOutput) {
        self.sink = sink
        buffer.reserveCapacity(1 << 16)
    }

    public func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count > 1 << 16 { flush() }
    }

    public func line(_ s: String = "") { write(s); write("\n") }

    public func flush() {
        guard !buffer.isEmpty else { return }
        sink(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes straight to file descriptor 1 (we do our own buffering).
    public static func standardOutput(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { b in
            var done = 0
            while done < b.count {
                let n = Foundation.write(1, b.baseAddress! + done, b.count - done)
                if n <= 0 { if errno == EINTR { continue }; return }
                done += n
            }
        }
    }

    deinit { flush() }
}
