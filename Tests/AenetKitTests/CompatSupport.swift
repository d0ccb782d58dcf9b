import Foundation

/// Location of the shared aenet reference outputs (`../shared/aenet-reference` beside the
/// repository), or nil when absent; compat tests then skip with a message.
enum CompatData {
    static let root: String? = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<4 {
            dir.deleteLastPathComponent()
            let candidate = dir.appendingPathComponent("../shared/aenet-reference").standardized.path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        if let env = ProcessInfo.processInfo.environment["AENET_REFERENCE"] { return env }
        return nil
    }()

    static func path(_ rel: String) -> String? {
        guard let r = root else { return nil }
        let p = r + "/" + rel
        return FileManager.default.fileExists(atPath: p) ? p : nil
    }

    static var skipMessage: String { "aenet reference data (../shared/aenet-reference) not found; compat test skipped" }
}
