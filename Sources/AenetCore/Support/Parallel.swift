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
