import Foundation
import Testing

/// aenet's reference outputs (`../shared/aenet-reference`), or nil when absent; compat tests are
/// then reported as skipped by the test runner (`.enabled(if: CompatData.has(…))`).
enum CompatData {
    static func path(_ rel: String) -> String? {
        guard TestPaths.hasShared else { return nil }
        let p = TestPaths.shared.appendingPathComponent("aenet-reference/" + rel).path
        return FileManager.default.fileExists(atPath: p) ? p : nil
    }

    /// Whether every one of `paths` exists (the condition of a compat test's `.enabled(if:)`).
    static func has(_ paths: String...) -> Bool { paths.allSatisfy { path($0) != nil } }

    static var skipMessage: Comment { "aenet reference data (../shared/aenet-reference) not found; compat test skipped" }
}
