import Foundation

/// Batches of rows from the simulation thread to the writing thread, at most
/// `capacity` in flight, so a slow disk holds the simulation back instead of
/// filling memory. Either side can stop the other: the writer by `cancel()`
/// (a row was refused), the simulation by `finish(failure:)`.
final class RowChannel: @unchecked Sendable {
    struct Cancelled: Error {}

    private let condition = NSCondition()
    private var queue: [[RowOp]] = []
    private var finished = false
    private var cancelled = false
    private(set) var failure: (any Error)?
    let capacity: Int

    init(capacity: Int = 16) { self.capacity = capacity }

    /// Waits for room; throws `Cancelled` once the writer has given up.
    func send(_ batch: [RowOp]) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity, !cancelled { condition.wait() }
        guard !cancelled else { throw Cancelled() }
        queue.append(batch)
        condition.broadcast()
    }

    /// No more batches; with the reason when the simulation failed.
    func finish(failure: (any Error)? = nil) {
        condition.lock()
        defer { condition.unlock() }
        finished = true
        if let failure, !(failure is Cancelled) { self.failure = failure }
        condition.broadcast()
    }

    func cancel() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        condition.broadcast()
    }

    /// The next batch, or nil when the simulation has finished and all is taken.
    func receive() -> [RowOp]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty, !finished { condition.wait() }
        guard !queue.isEmpty else { return nil }
        let batch = queue.removeFirst()
        condition.broadcast()
        return batch
    }
}
