/// The order in which training structures are visited within an epoch (SAMPLING, spec §7.5).
public enum Sampling: String, Sendable, CaseIterable {
    case sequential, random, weighted, energy
}
