import AenetCore

/// One large structure on all threads: its atoms are split into contiguous ranges, one per
/// thread, each with its own neighbourhood buffer; fingerprint values go to disjoint slices of the
/// record, so the training set is byte for byte the one of the serial loop. The RMIN error is the
/// serial loop's too (the lowest range holding a violation holds the first atom with one).
extension TrainingSetGenerator {
    /// Structures with at least this many atoms (and no derivatives to write) use `atomThreads` threads.
    static let parallelAtoms = 4096

    func tooClose(_ i: Int, _ j: Int, _ d: Double, type t: Int, path: String) -> AenetError {
        AenetError(String(format: "atoms %d and %d are %.4f Å apart, closer than RMIN = %g of the %@ setup; check the structure or lower RMIN",
                          i + 1, j + 1, d, workerSetups[t].rcMin, workerSetups[t].atomType), file: path)
    }

    func featurizeAtomsInParallel(search: NeighbourSearch, types: [Int32], offsets: [Int], values: UnsafeMutablePointer<Double>,
                                  counts: inout [Int], path: String) throws {
        let n = types.count, workers = max(1, min(atomThreads, n))
        var errors = [AenetError?](repeating: nil, count: workers)
        let out = UncheckedSendable(values)
        counts.withUnsafeMutableBufferPointer { c in
            errors.withUnsafeMutableBufferPointer { e in
                let c = UncheckedSendable(c), e = UncheckedSendable(e)
                concurrentWorkers(workers) { w in
                    var nb = Neighbourhood()
                    for i in (n * w / workers)..<(n * (w + 1) / workers) {
                        search.neighbours(of: i, into: &nb)
                        c.value[i] = nb.count
                        let t = Int(types[i])
                        if rminGiven[t], let j = (0..<nb.count).first(where: { nb.distance[$0] < workerSetups[t].rcMin }) {
                            e.value[w] = tooClose(i, Int(nb.atomIndex[j]), nb.distance[j], type: t, path: path)
                            return
                        }
                        fingerprints[t].evaluate(nb, values: out.value + offsets[i])
                    }
                }
            }
        }
        if let first = errors.compactMap({ $0 }).first { throw first }
    }
}
