/// The tests' one tolerance rule: a and b agree when |a − b| ≤ tolerance · max(1, |a|, |b|) —
/// relative for values above 1, absolute below (where relative error loses meaning near 0).
public func isClose(_ a: Double, _ b: Double, tolerance: Double) -> Bool {
    guard a.isFinite, b.isFinite else { return a == b }
    return abs(a - b) <= tolerance * max(1, abs(a), abs(b))
}

/// Element-wise `isClose` of two equally long sequences.
public func isClose(_ a: [Double], _ b: [Double], tolerance: Double) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { isClose($0, $1, tolerance: tolerance) }
}

/// |a − b| ≤ absolute: for quantities with a physical scale (energies in eV, distances in Å),
/// where a relative rule would loosen the check for large values.
public func isClose(_ a: Double, _ b: Double, absolute: Double) -> Bool {
    guard a.isFinite, b.isFinite else { return a == b }
    return abs(a - b) <= absolute
}
