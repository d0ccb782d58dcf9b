import AenetCore
import AenetTraining
import AenetAugment
/// Version of this suite; printed by `--version` of every tool.
public enum SuiteVersion {
    public static let string = "0.1.0 (drop-in for aenet 2.0.4)"
}
