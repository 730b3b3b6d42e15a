import Foundation
import Glibc
import Testing

@testable import AduanGateways

/// Every wait is for an event, bounded by a deadline; nothing sleeps to let the kernel
/// "catch up". inotify queues events synchronously with the syscall that caused them,
/// so an event for B written after A is proof that A produced none.
@Suite("DirectoryWatcher")
struct DirectoryWatcherTests {
    @Test func aFileWrittenInPlaceIsReadyWhenClosed() async throws {
        let dir = try WatchedDirectory()
        let watcher = try DirectoryWatcher(directories: [dir.path])
        defer { watcher.close() }
        let log = EventLog.recording(watcher.events)

        // As smstools and gammu do: create, write in pieces, close.
        let fd = open(dir.path + "/GSM1.8zcZcN", O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        #expect(fd >= 0)
        _ = write(fd, "From: 6281234567890\n", 20)
        _ = write(fd, "\nBANJAR", 7)
        close(fd)

        #expect(await log.next() == .ready(directory: dir.path, name: "GSM1.8zcZcN"))
    }

    @Test func aFileRenamedInIsReady() async throws {
        let dir = try WatchedDirectory()
        #expect(mkdir(dir.path + "/in", 0o755) == 0)
        #expect(mkdir(dir.path + "/staging", 0o755) == 0)
        try dir.create("staging/IN1.txt")
        let watcher = try DirectoryWatcher(directories: [dir.path + "/in"])
        defer { watcher.close() }
        let log = EventLog.recording(watcher.events)

        #expect(rename(dir.path + "/staging/IN1.txt", dir.path + "/in/IN1.txt") == 0)

        #expect(await log.next() == .ready(directory: dir.path + "/in", name: "IN1.txt"))
    }

    @Test func dotfilesAreNotReported() async throws {
        let dir = try WatchedDirectory()
        let watcher = try DirectoryWatcher(directories: [dir.path])
        defer { watcher.close() }
        let log = EventLog.recording(watcher.events)

        try dir.create(".tmp-GSM1")
        #expect(rename(dir.path + "/.tmp-GSM1", dir.path + "/.still-hidden") == 0)
        try dir.create("after")

        #expect(await log.next() == .ready(directory: dir.path, name: "after"))
    }

    /// Our own outbound writes: the temporary's close is hidden, the rename reported once.
    @Test func aDurableWriteIsReportedOnceUnderItsFinalName() async throws {
        let dir = try WatchedDirectory()
        let watcher = try DirectoryWatcher(directories: [dir.path])
        defer { watcher.close() }
        let log = EventLog.recording(watcher.events)

        try DurableFile.write(Array("To: 6281234567890\n\nhi".utf8), named: "OUT1", in: dir.path)
        try dir.create("marker")

        #expect(await log.next() == .ready(directory: dir.path, name: "OUT1"))
        #expect(await log.next() == .ready(directory: dir.path, name: "marker"))
    }

    @Test func severalDirectoriesAreToldApart() async throws {
        let dir = try WatchedDirectory()
        #expect(mkdir(dir.path + "/a", 0o755) == 0)
        #expect(mkdir(dir.path + "/b", 0o755) == 0)
        let watcher = try DirectoryWatcher(directories: [dir.path + "/a", dir.path + "/b"])
        defer { watcher.close() }
        let log = EventLog.recording(watcher.events)

        try dir.create("b/x")
        try dir.create("a/x")

        #expect(await log.next() == .ready(directory: dir.path + "/b", name: "x"))
        #expect(await log.next() == .ready(directory: dir.path + "/a", name: "x"))
    }

    @Test func aRemovedDirectoryIsReportedAndCanBeWatchedAgain() async throws {
        let dir = try WatchedDirectory()
        let spool = dir.path + "/incoming"
        #expect(mkdir(spool, 0o755) == 0)
        let watcher = try DirectoryWatcher(directories: [spool])
        defer { watcher.close() }
        let log = EventLog.recording(watcher.events)

        #expect(rmdir(spool) == 0)
        #expect(await log.next() == .directoryGone(spool))

        #expect(mkdir(spool, 0o755) == 0)
        try watcher.add(spool)
        try dir.create("incoming/GSM1.back")
        // Also proves the old watch's trailing IN_IGNORED was not reported twice.
        #expect(await log.next() == .ready(directory: spool, name: "GSM1.back"))
    }

    @Test func aDirectoryMovedAwayIsGoneAndNoLongerReported() async throws {
        let dir = try WatchedDirectory()
        #expect(mkdir(dir.path + "/incoming", 0o755) == 0)
        #expect(mkdir(dir.path + "/other", 0o755) == 0)
        let watcher = try DirectoryWatcher(directories: [dir.path + "/incoming", dir.path + "/other"])
        defer { watcher.close() }
        let log = EventLog.recording(watcher.events)

        #expect(rename(dir.path + "/incoming", dir.path + "/moved") == 0)
        #expect(await log.next() == .directoryGone(dir.path + "/incoming"))

        // The inode is still alive under its new name; its files are not ours any more.
        try dir.create("moved/stray")
        try dir.create("other/marker")
        #expect(await log.next() == .ready(directory: dir.path + "/other", name: "marker"))
    }

    /// Whatever the timing, no file goes unreported without an `.overflow` telling the
    /// consumer to rescan.
    @Test func aConsumerFallingBehindIsToldToRescan() async throws {
        let dir = try WatchedDirectory()
        let watcher = try DirectoryWatcher(directories: [dir.path], bufferLimit: 16)
        defer { watcher.close() }
        let written = (0..<200).map { "GSM1.\($0)" } + ["zz-marker"]
        for name in written { try dir.create(name) }
        // Only now does anyone consume.
        let log = EventLog.recording(watcher.events)

        var reported = Set<String>()
        var overflowed = false
        while !(reported.contains("zz-marker") && (overflowed || reported.count == written.count)) {
            switch await log.next() {
            case .overflow: overflowed = true
            case .ready(_, let name): reported.insert(name)
            case .directoryGone(let gone): Issue.record("unexpected directoryGone(\(gone))")
            case nil:
                Issue.record("\(written.count - reported.count) files went unreported without an overflow")
                return
            }
        }
    }

    @Test func closeFinishesTheStream() async throws {
        let dir = try WatchedDirectory()
        let watcher = try DirectoryWatcher(directories: [dir.path])
        let log = EventLog.recording(watcher.events)

        watcher.close()
        watcher.close()

        #expect(await log.next() == nil)
        #expect(await log.isFinished)
        #expect(throws: SpoolError.self) { try watcher.add(dir.path) }
    }

    /// Leaked descriptors would hit fs.inotify.max_user_instances (128 by default)
    /// long before this loop ends; each stream finishes only after its descriptor closed.
    @Test func closingReleasesTheDescriptor() async throws {
        let limit = Int((try? String(contentsOfFile: "/proc/sys/fs/inotify/max_user_instances", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 128
        let dir = try WatchedDirectory()
        for _ in 0..<(min(limit, 1024) + 16) {
            let watcher = try DirectoryWatcher(directories: [dir.path])
            watcher.close()
            for await _ in watcher.events {}
        }
    }

    @Test func droppingTheWatcherReleasesItToo() async throws {
        let dir = try WatchedDirectory()
        var watcher: DirectoryWatcher? = try DirectoryWatcher(directories: [dir.path])
        let log = EventLog.recording(try #require(watcher).events)
        watcher = nil
        #expect(await log.next() == nil)
        #expect(await log.isFinished)
    }

    /// The daemon's watcher: one read per delivery, then nothing until the consumer
    /// resumes it; what came meanwhile waits in the kernel and arrives as one batch.
    @Test func afterADeliveryEventsWaitForResumeAndComeAsOneBatch() throws {
        let dir = try WatchedDirectory()
        let batches = Batches()
        let watcher = try DirectoryWatcher(directories: [dir.path]) { batches.add($0) }
        defer { watcher.close() }
        let ready = { (name: String) in WatchEvent.ready(directory: dir.path, name: name) }

        try dir.create("first")
        #expect(batches.wait(for: 1) == [[ready("first")]])
        for name in ["second", "third", "fourth"] { try dir.create(name) }
        // The kernel queues inotify events with the syscall that caused them: all
        // three are there now, and the watcher has not read them.
        #expect(batches.wait(for: 1) == [[ready("first")]])
        watcher.resume()
        #expect(batches.wait(for: 2) == [[ready("first")], ["second", "third", "fourth"].map(ready)])
    }

    @Test func watchingAMissingDirectoryFailsWithItsName() throws {
        let dir = try WatchedDirectory()
        let error = #expect(throws: SpoolError.self) {
            _ = try DirectoryWatcher(directories: [dir.path, dir.path + "/missing"])
        }
        #expect(error?.errno == ENOENT)
        #expect(error?.description == "watch \(dir.path)/missing: No such file or directory (ENOENT)")
    }

    @Test func watchingAFileInsteadOfADirectoryFails() throws {
        let dir = try WatchedDirectory()
        try dir.create("plain")
        let error = #expect(throws: SpoolError.self) {
            _ = try DirectoryWatcher(directories: [dir.path + "/plain"])
        }
        #expect(error?.errno == ENOTDIR)
    }
}

// MARK: - Helpers

/// Records a watcher's events as they come, so a test can wait for the next one with a
/// deadline instead of sleeping.
private actor EventLog {
    private var pending: [WatchEvent] = []
    private(set) var isFinished = false
    private var waiter: (id: Int, continuation: CheckedContinuation<WatchEvent?, Never>)?
    private var nextWaiterID = 0

    static func recording(_ events: AsyncStream<WatchEvent>) -> EventLog {
        let log = EventLog()
        Task {
            for await event in events { await log.receive(event) }
            await log.finish()
        }
        return log
    }

    /// The next event, or nil once the stream has finished or the deadline passed.
    func next(within timeout: Duration = .seconds(10)) async -> WatchEvent? {
        if !pending.isEmpty { return pending.removeFirst() }
        if isFinished { return nil }
        nextWaiterID += 1
        let id = nextWaiterID
        let timer = Task {
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self.expire(id)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { waiter = (id, $0) }
    }

    private func receive(_ event: WatchEvent) {
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume(returning: event)
        } else {
            pending.append(event)
        }
    }

    private func finish() {
        isFinished = true
        resumeWaiter(with: nil)
    }

    private func expire(_ id: Int) {
        if waiter?.id == id { resumeWaiter(with: nil) }
    }

    private func resumeWaiter(with event: WatchEvent?) {
        guard let waiter else { return }
        self.waiter = nil
        waiter.continuation.resume(returning: event)
    }
}

/// The batches a delivering watcher handed over, in order.
private final class Batches: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [[WatchEvent]] = []

    func add(_ batch: [WatchEvent]) {
        condition.lock()
        batches.append(batch)
        condition.broadcast()
        condition.unlock()
    }

    /// Once there are `count`, or after a 10 s deadline: what there is then.
    func wait(for count: Int) -> [[WatchEvent]] {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(10)
        while batches.count < count, condition.wait(until: deadline) {}
        return batches
    }
}

private final class WatchedDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "aduan-watch-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        path = String(cString: made)
    }

    func create(_ name: String) throws {
        try Data("x".utf8).write(to: URL(fileURLWithPath: path + "/" + name))
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
