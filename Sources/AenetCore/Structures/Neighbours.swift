/// Reusable flat buffers describing the neighbours of one central atom (no allocation per atom once grown).
///
/// Filled by `NeighbourSearch.neighbours(of:into:)`; descriptors read the first `count` entries.
/// Struct-of-arrays layout so that descriptor loops stream through contiguous doubles.
public struct Neighbourhood: Sendable {
    public init() {}

    /// Number of valid entries.
    public private(set) var count: Int = 0
    /// Cartesian position of the central atom (wrapped frame).
    public var center = SIMD3<Double>(0, 0, 0)
    /// 0-based index of the central atom.
    public var centerIndex: Int = 0
    /// Global type index of the central atom.
    public var centerType: Int32 = 0
    /// r_j(image) − r_i, first `count` entries valid.
    public var dx: [Double] = [], dy: [Double] = [], dz: [Double] = []
    /// |r_j(image) − r_i|.
    public var distance: [Double] = []
    /// 0-based atom index of each entry (periodic images map to their atom).
    public var atomIndex: [Int32] = []
    /// Global type index of each entry.
    public var type: [Int32] = []

    /// Scratch of the linked-cell search (candidates before sorting); reused, never shrunk.
    var pending: [PendingNeighbour] = []

    /// Capacity of the buffers (entries that can be stored without growing).
    public var capacity: Int { distance.count }

    /// Forget all entries, keeping the storage.
    public mutating func removeAll() { count = 0 }

    /// Make room for at least `n` entries (geometric growth, contents up to `count` kept).
    public mutating func reserve(_ n: Int) {
        guard n > capacity else { return }
        let c = max(n, 2 * capacity, 64)
        func grow<T>(_ a: inout [T], _ zero: T) { a.append(contentsOf: repeatElement(zero, count: c - a.count)) }
        grow(&dx, 0); grow(&dy, 0); grow(&dz, 0); grow(&distance, 0)
        grow(&atomIndex, 0); grow(&type, 0)
    }

    /// Append one entry; `d2` is the squared length of `r` (the distance is its square root).
    @inline(__always)
    public mutating func append(_ r: SIMD3<Double>, d2: Double, atom: Int32, type t: Int32) {
        if count == capacity { reserve(count + 1) }
        dx[count] = r.x; dy[count] = r.y; dz[count] = r.z
        distance[count] = d2.squareRoot()
        atomIndex[count] = atom; type[count] = t
        count &+= 1
    }

    /// Run `body` with raw pointers to the buffers, positioned at `count`, and keep what it appended.
    ///
    /// The appender holds the storage of all six buffers for the duration of `body`: one uniqueness
    /// check per buffer per call instead of six per appended entry. `body` returns false when it ran
    /// out of room (`NeighbourAppender.isFull`); the caller then grows the buffers and starts over.
    @inline(__always)
    mutating func withAppender(_ body: (inout NeighbourAppender) -> Bool) -> Bool {
        let capacity = self.capacity
        var n = count, ok = false
        dx.withUnsafeMutableBufferPointer { x in
            dy.withUnsafeMutableBufferPointer { y in
                dz.withUnsafeMutableBufferPointer { z in
                    distance.withUnsafeMutableBufferPointer { d in
                        atomIndex.withUnsafeMutableBufferPointer { a in
                            type.withUnsafeMutableBufferPointer { t in
                                guard capacity > 0 else { return }   // nothing to write into: ask for room
                                var app = NeighbourAppender(dx: x.baseAddress!, dy: y.baseAddress!, dz: z.baseAddress!,
                                                            distance: d.baseAddress!, atomIndex: a.baseAddress!,
                                                            type: t.baseAddress!, capacity: capacity, count: n)
                                ok = body(&app)
                                n = app.count
                            }
                        }
                    }
                }
            }
        }
        count = n
        return ok
    }

    /// Recompute `distance` from `dx, dy, dz` (after editing displacements by hand, e.g. in tests).
    public mutating func updateDistances() {
        for j in 0..<count { distance[j] = (dx[j] * dx[j] + dy[j] * dy[j] + dz[j] * dz[j]).squareRoot() }
    }

    /// Displacement of entry `j`.
    @inline(__always) public func displacement(_ j: Int) -> SIMD3<Double> { SIMD3(dx[j], dy[j], dz[j]) }
}

/// Raw write access to a `Neighbourhood`'s buffers (`Neighbourhood.withAppender`): appends without a
/// copy-on-write check per entry. The caller checks `isFull` before each `append`.
struct NeighbourAppender {
    let dx: UnsafeMutablePointer<Double>, dy: UnsafeMutablePointer<Double>, dz: UnsafeMutablePointer<Double>
    let distance: UnsafeMutablePointer<Double>
    let atomIndex: UnsafeMutablePointer<Int32>, type: UnsafeMutablePointer<Int32>
    let capacity: Int
    var count: Int

    @inline(__always) var isFull: Bool { count >= capacity }

    /// Store one entry at `count` (the caller made sure that `!isFull`).
    @inline(__always)
    mutating func append(_ r: SIMD3<Double>, d2: Double, atom: Int32, type t: Int32) {
        store(r, d2: d2, atom: atom, type: t)
        count &+= 1
    }

    /// Write an entry at `count` without keeping it (the caller advances `count` if it is kept).
    @inline(__always)
    func store(_ r: SIMD3<Double>, d2: Double, atom: Int32, type t: Int32) {
        let c = count
        dx[c] = r.x; dy[c] = r.y; dz[c] = r.z
        distance[c] = d2.squareRoot()
        atomIndex[c] = atom; type[c] = t
    }
}

/// Raw read-only views of a `Neighbourhood`'s buffers, for descriptor inner loops.
struct NeighbourPointers {
    let count: Int
    let dx: UnsafePointer<Double>, dy: UnsafePointer<Double>, dz: UnsafePointer<Double>
    let distance: UnsafePointer<Double>
    let type: UnsafePointer<Int32>
    @inline(__always) func r(_ j: Int) -> SIMD3<Double> { SIMD3(dx[j], dy[j], dz[j]) }
}

extension Neighbourhood {
    /// Run `body` with pointers to the buffers (valid only inside `body`).
    func withPointers<R>(_ body: (NeighbourPointers) throws -> R) rethrows -> R {
        try dx.withUnsafeBufferPointer { x in
            try dy.withUnsafeBufferPointer { y in
                try dz.withUnsafeBufferPointer { z in
                    try distance.withUnsafeBufferPointer { d in
                        try type.withUnsafeBufferPointer { t in
                            // An empty array may have a nil base address; a dummy is never read then.
                            let e = UnsafePointer<Double>(bitPattern: 8)!
                            return try body(NeighbourPointers(count: count, dx: x.baseAddress ?? e, dy: y.baseAddress ?? e,
                                                              dz: z.baseAddress ?? e, distance: d.baseAddress ?? e,
                                                              type: t.baseAddress ?? UnsafePointer<Int32>(bitPattern: 8)!))
                        }
                    }
                }
            }
        }
    }
}
