import Foundation

/// aenet's reference outputs (`../shared/aenet-reference`), or nil when absent; compat tests then
/// skip with a message.
enum CompatData {
    static func path(_ rel: String) -> String? {
        guard TestPaths.hasShared else { return nil }
        let p = TestPaths.shared.appendingPathComponent("aenet-reference/" + rel).path
        return FileManager.default.fileExists(atPath: p) ? p : nil
    }

    static var skipMessage: String { "aenet reference data (../shared/aenet-reference) not found; compat test skipped" }
}
