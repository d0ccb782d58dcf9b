import Dispatch

/// Wraps a value that the caller promises to use from one thread at a time per element
/// (disjoint slices of a buffer, per-worker scratch).
public struct UncheckedSendable<T>: @unchecked Sendable {
    public var value: T
    public init(_ value: T) { self.value = value }
}

/// Runs `body(worker)` for `workers` workers concurrently and returns when all are done.
/// Callers give each worker disjoint data; this is the one place where that promise is made.
public func concurrentWorkers(_ workers: Int, _ body: (Int) -> Void) {
    if workers <= 1 { body(0); return }
    withoutActuallyEscaping(body) { b in
        let box = UncheckedSendable(b)
        DispatchQueue.concurrentPerform(iterations: workers) { box.value($0) }
    }
}

/// Items `0..<count` over `workers` workers (each takes the next item: `concurrentItems`). `item(k, worker,
/// inWorkers)` processes one item, or returns a value to put it off: it is then run after the
/// loop by `afterwards(k, value)`, one at a time in item order on the calling thread. That is the
/// place for an item large enough to use all threads itself: a parallel loop nested inside this
/// one would run serially. `inWorkers` is false with one worker (nothing to put off then).
public func concurrentWorkers<Deferred>(_ workers: Int, items count: Int,
                                        _ item: (_ k: Int, _ worker: Int, _ inWorkers: Bool) -> Deferred?,
                                        afterwards: (_ k: Int, _ deferred: Deferred) -> Void) {
    var deferred = [Deferred?](repeating: nil, count: count)
    let workers = max(1, workers)
    deferred.withUnsafeMutableBufferPointer { d in
        let d = UncheckedSendable(d)
        concurrentItems(count, workers: workers) { w, k in d.value[k] = item(k, w, workers > 1) }
    }
    for k in 0..<count { if let x = deferred[k] { afterwards(k, x) } }
}
