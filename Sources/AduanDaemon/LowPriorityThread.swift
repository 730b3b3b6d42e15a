import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A thread of its own, at a lower priority (a higher nice value), for work
/// that may wait while the rest of the daemon has the CPU: archiving
/// recorded files and writing their log lines. In a burst the recording
/// thread, which every acknowledgement waits for, then gets the time the
/// archiving would have taken; the archiving catches up after. Jobs run in
/// order. A dispatch queue would not do: its threads are pooled, and an
/// unprivileged process cannot take a nice value back once a pooled thread
/// has it. Idle, the thread sleeps on a condition and never wakes.
final class LowPriorityThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var running = false
    private var finishing = false

    init(name: String, nice: Int32) {
        let thread = Thread { [self] in
            // Named here: a new thread otherwise keeps its creator's name,
            // and `top -H` should show this one for what it is.
            Thread.current.name = name
            // On Linux the nice value is per thread, and `who` 0 is the
            // calling one. Failing leaves it at the process's priority.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, nice)
            work()
        }
        thread.start()
    }

    func async(_ job: @escaping @Sendable () -> Void) {
        condition.withLock {
            jobs.append(job)
            condition.signal()
        }
    }

    /// Returns once every job queued so far has run.
    func sync() {
        condition.withLock {
            while !jobs.isEmpty || running { condition.wait() }
        }
    }

    /// Runs the jobs queued so far, then ends the thread: the daemon's
    /// stop. A job queued after this never runs.
    func finish() {
        condition.withLock {
            finishing = true
            condition.broadcast()
        }
        sync()
    }

    private func work() {
        while true {
            let batch: [@Sendable () -> Void]? = condition.withLock {
                while jobs.isEmpty && !finishing { condition.wait() }
                guard !jobs.isEmpty else { return nil }
                running = true
                defer { jobs = [] }
                return jobs
            }
            guard let batch else { return }
            for job in batch { job() }
            condition.withLock {
                running = false
                condition.broadcast()
            }
        }
    }
}
