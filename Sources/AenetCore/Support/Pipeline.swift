import Dispatch
import Synchronization

/// Runs `body(worker, k)` for every k in 0..<count on `workers` threads; each worker takes the next
/// k when it is free (dynamic assignment), so items of very different cost keep every thread busy
/// until the end. Each k is run exactly once; the caller gives each k (and each worker) its own data.
public func concurrentItems(_ count: Int, workers: Int, _ body: (_ worker: Int, _ k: Int) -> Void) {
    if workers <= 1 || count <= 1 {
        for k in 0..<count { body(0, k) }
        return
    }
    let next = ItemCounter()
    concurrentWorkers(min(workers, count)) { w in
        while true {
            let k = next.value.add(1, ordering: .relaxed).oldValue
            if k >= count { return }
            body(w, k)
        }
    }
}

private final class ItemCounter: Sendable {
    let value = Atomic<Int>(0)
}

/// Runs jobs one at a time, in submission order, on one background thread, so that writing the
/// results of one chunk overlaps with computing the next (predict's text, generate's training
/// set). At most one job is in flight: `submit` first waits for the previous one, so memory holds
/// two chunks at most. An error thrown by a job is rethrown by the next `submit` or `wait`, and
/// no later job runs. Disabled (`background: false`), `submit` runs the job at once on the caller.
public final class OrderedBackgroundJobs: @unchecked Sendable {
    private let background: Bool
    private let queue = DispatchQueue(label: "aenet.ordered-output")
    private let group = DispatchGroup()
    /// Written by the job, read after `group.wait()` (the group orders the two).
    private var failure: Error?

    public init(background: Bool) { self.background = background }

    /// Waits for the previous job (rethrowing its error), then starts `job`.
    public func submit(_ job: @escaping () throws -> Void) throws {
        try wait()
        guard background else { try job(); return }
        let box = UncheckedSendable(job)
        queue.async(group: group) { [self] in
            do { try box.value() } catch { failure = error }
        }
    }

    /// Waits until the submitted jobs are done; rethrows the first error of one of them.
    public func wait() throws {
        group.wait()
        if let e = failure { failure = nil; throw e }
    }

    /// Waits without rethrowing (on the error path of the caller).
    public func drain() { group.wait() }
}
