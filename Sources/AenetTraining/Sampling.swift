/// The order in which training structures are visited within an epoch (SAMPLING, aenet optimize.f90).
public enum Sampling: String, Sendable, CaseIterable {
    case sequential, random, weighted, energy
}
