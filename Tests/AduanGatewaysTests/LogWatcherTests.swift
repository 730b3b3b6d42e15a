import Foundation
import Glibc
import Testing

@testable import AduanGateways

/// Every wait is for a wake-up or a watcher state, bounded by a deadline; nothing
/// sleeps to let the kernel "catch up". A wake-up carries no payload, so tests that need
/// to know a particular event was handled wait for the state it leaves (which files are
/// watched): the watcher updates it before it yields.
@Suite("LogWatcher")
struct LogWatcherTests {
    @Test func anAppendWakesTheConsumer() async throws {
        let log = try TempLog()
        let writer = try LogWriter(log.path)
        writer.write("a\n")
        let follower = LogFollower(path: log.path, resumingFrom: nil)
        #expect(try follower.nextLines(limit: 10).texts == ["a"])
        let watcher = try LogWatcher(path: log.path)
        defer { watcher.close() }
        let wakes = Wakeups.recording(watcher.changes)

        writer.write("b\n")

        #expect(await wakes.next())
        #expect(try follower.nextLines(limit: 10).texts == ["b"])
    }

    @Test func aTruncationWakesTheConsumer() async throws {
        let log = try TempLog()
        try log.create("a\nb\n")
        let watcher = try LogWatcher(path: log.path)
        defer { watcher.close() }
        let wakes = Wakeups.recording(watcher.changes)

        #expect(truncate(log.path, 0) == 0)

        #expect(await wakes.next())
    }

    @Test func aLogCreatedLaterIsWatched() async throws {
        let log = try TempLog()
        let watcher = try LogWatcher(path: log.path)
        defer { watcher.close() }
        let wakes = Wakeups.recording(watcher.changes)
        #expect(watcher.watchedFiles.isEmpty)

        try log.create("a\n")
        let inode = try log.identity().inode

        #expect(await wakes.until { watcher.watchedFiles == [inode] })
    }

    @Test func aRenameAndCreateWatchesTheNewFileAndKeepsTheOld() async throws {
        let log = try TempLog()
        try log.create("a\n")
        let old = try log.identity().inode
        let watcher = try LogWatcher(path: log.path)
        defer { watcher.close() }
        let wakes = Wakeups.recording(watcher.changes)
        #expect(watcher.watchedFiles == [old])

        #expect(rename(log.path, log.path + ".1") == 0)
        try log.create("")
        let new = try log.identity().inode

        // The old file: its writer appends until it reopens.
        #expect(await wakes.until { watcher.watchedFiles == [old, new] })
    }

    @Test func aSecondRotationDropsTheOldestWatch() async throws {
        let log = try TempLog()
        try log.create("a\n")
        let first = try log.identity().inode
        let watcher = try LogWatcher(path: log.path)
        defer { watcher.close() }
        let wakes = Wakeups.recording(watcher.changes)

        #expect(rename(log.path, log.path + ".1") == 0)
        try log.create("b\n")
        let second = try log.identity().inode
        #expect(await wakes.until { watcher.watchedFiles == [first, second] })

        #expect(rename(log.path + ".1", log.path + ".2") == 0)
        #expect(rename(log.path, log.path + ".1") == 0)
        try log.create("c\n")
        let third = try log.identity().inode
        #expect(await wakes.until { watcher.watchedFiles == [second, third] })
    }

    @Test func aRenameInIsWatched() async throws {
        let log = try TempLog()
        try log.create("a\n", at: log.directory + "/staging")
        let watcher = try LogWatcher(path: log.path)
        defer { watcher.close() }
        let wakes = Wakeups.recording(watcher.changes)

        #expect(rename(log.directory + "/staging", log.path) == 0)
        let inode = try log.identity().inode

        #expect(await wakes.until { watcher.watchedFiles == [inode] })
    }

    @Test func aDeletedLogWakesAndIsForgotten() async throws {
        let log = try TempLog()
        try log.create("a\n")
        let watcher = try LogWatcher(path: log.path)
        defer { watcher.close() }
        let wakes = Wakeups.recording(watcher.changes)
        #expect(watcher.watchedFiles.count == 1)

        #expect(unlink(log.path) == 0)

        #expect(await wakes.until { watcher.watchedFiles.isEmpty })
    }

    /// The daemon's loop: catch up, then on each wake-up read until nothing is left.
    @Test func followerAndWatcherTogetherFollowARotation() async throws {
        let log = try TempLog()
        let oldWriter = try LogWriter(log.path)
        let follower = LogFollower(path: log.path, resumingFrom: nil)
        let watcher = try LogWatcher(path: log.path)
        defer { watcher.close() }
        let wakes = Wakeups.recording(watcher.changes)
        #expect(try follower.nextLines(limit: 100).isEmpty)

        oldWriter.write("a\nb\n")
        #expect(await collect(2, from: follower, waking: wakes) == ["a", "b"])

        #expect(rename(log.path, log.path + ".1") == 0)
        let newWriter = try LogWriter(log.path)
        oldWriter.write("c\n")
        #expect(await collect(1, from: follower, waking: wakes) == ["c"])

        newWriter.write("d\n")
        #expect(await collect(1, from: follower, waking: wakes) == ["d"])
        #expect(follower.checkpoint?.inode == (try log.identity().inode))
    }

    @Test func closeFinishesTheStream() async throws {
        let log = try TempLog()
        let watcher = try LogWatcher(path: log.path)
        let wakes = Wakeups.recording(watcher.changes)

        watcher.close()
        watcher.close()

        #expect(await wakes.finished())
    }

    /// Leaked descriptors would hit fs.inotify.max_user_instances (128 by default) long
    /// before this loop ends; each stream finishes only after its descriptor closed.
    @Test func closingReleasesTheDescriptor() async throws {
        let limit = Int((try? String(contentsOfFile: "/proc/sys/fs/inotify/max_user_instances", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 128
        let log = try TempLog()
        try log.create("a\n")
        for _ in 0..<(min(limit, 1024) + 16) {
            let watcher = try LogWatcher(path: log.path)
            watcher.close()
            for await _ in watcher.changes {}
        }
    }

    @Test func aMissingDirectoryIsAnErrorNamingIt() throws {
        let log = try TempLog()
        let error = #expect(throws: SpoolError.self) {
            _ = try LogWatcher(path: log.directory + "/missing/sms.jsonl")
        }
        #expect(error?.description == "watch \(log.directory)/missing: No such file or directory (ENOENT)")
    }

    @Test func aDirectoryPathIsRefused() throws {
        let log = try TempLog()
        let error = #expect(throws: SpoolError.self) {
            _ = try LogWatcher(path: log.directory + "/")
        }
        #expect(error?.errno == EINVAL)
    }
}

// MARK: - Helpers

/// Reads the way the daemon should: everything available, then wait for a wake-up.
private func collect(_ count: Int, from follower: LogFollower, waking wakes: Wakeups) async -> [String] {
    var texts: [String] = []
    while true {
        do {
            while case let batch = try follower.nextLines(limit: 100), !batch.isEmpty { texts += batch.texts }
        } catch {
            Issue.record("nextLines failed: \(error)")
            return texts
        }
        if texts.count >= count { return texts }
        guard await wakes.next() else {
            Issue.record("no wake-up while waiting for \(count - texts.count) more lines")
            return texts
        }
    }
}

/// Records a watcher's wake-ups as they come, so a test can wait for the next one with
/// a deadline instead of sleeping.
private actor Wakeups {
    private var pending = 0
    private var isFinished = false
    private var waiter: (id: Int, continuation: CheckedContinuation<Bool, Never>)?
    private var nextWaiterID = 0

    static func recording(_ changes: AsyncStream<Void>) -> Wakeups {
        let wakes = Wakeups()
        Task {
            for await _ in changes { await wakes.receive() }
            await wakes.finish()
        }
        return wakes
    }

    /// True for a wake-up; false once the stream has finished or the deadline passed.
    func next(within timeout: Duration = .seconds(10)) async -> Bool {
        if pending > 0 {
            pending -= 1
            return true
        }
        if isFinished { return false }
        nextWaiterID += 1
        let id = nextWaiterID
        let timer = Task {
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self.expire(id)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { waiter = (id, $0) }
    }

    /// Waits through wake-ups until `condition` holds; false if it never does.
    func until(_ condition: @Sendable () -> Bool) async -> Bool {
        while !condition() {
            guard await next() else { return condition() }
        }
        return true
    }

    /// True once the stream has finished, whatever wake-ups were still pending.
    func finished() async -> Bool {
        while await next() {}
        return isFinished
    }

    private func receive() {
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume(returning: true)
        } else {
            pending += 1
        }
    }

    private func finish() {
        isFinished = true
        resume(with: false)
    }

    private func expire(_ id: Int) {
        if waiter?.id == id { resume(with: false) }
    }

    private func resume(with value: Bool) {
        guard let waiter else { return }
        self.waiter = nil
        waiter.continuation.resume(returning: value)
    }
}
