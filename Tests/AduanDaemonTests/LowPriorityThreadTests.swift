@testable import AduanDaemon
import Foundation
import Testing

@Suite struct LowPriorityThreadTests {
    final class Done: @unchecked Sendable {
        private let lock = NSLock()
        private var order: [Int] = []
        func add(_ n: Int) { lock.withLock { order.append(n) } }
        var all: [Int] { lock.withLock { order } }
    }

    /// Jobs run in the order queued; `sync` returns once they have, and
    /// `finish` runs what is still queued before the thread ends.
    @Test func jobsRunInOrderAndFinishRunsWhatIsQueued() {
        let thread = LowPriorityThread(name: "aduan-test", nice: 10)
        let done = Done()
        for n in 0..<50 { thread.async { done.add(n) } }
        thread.sync()
        #expect(done.all == Array(0..<50))
        for n in 50..<100 { thread.async { done.add(n) } }
        thread.finish()
        #expect(done.all == Array(0..<100))
    }
}
