@testable import AduanStore
import Foundation
import GRDB
import Testing

/// The daemon's commits do not wait for the disk, and its log is
/// checkpointed off the writer: what the store offers for that.
@Suite struct LogCheckpointingTests {
    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? -1
    }

    /// Pages enough to move the database file when checkpointed.
    static func fill(_ store: Store, rows: Int) throws {
        try store.writeRelaxed { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS filler (x BLOB)")
            for _ in 0..<rows { try db.execute(sql: "INSERT INTO filler VALUES (zeroblob(2000))") }
        }
    }

    @Test func aRelaxedWriteReturnsWhatItsTransactionReturnedAndTheLogSyncs() throws {
        let fixture = try StoreFixture()
        let count = try fixture.store.writeRelaxed { db -> Int in
            try db.execute(sql: "CREATE TABLE scratch (x)")
            try db.execute(sql: "INSERT INTO scratch VALUES (1), (2)")
            return db.changesCount
        }
        #expect(count == 2)
        #expect(FileManager.default.fileExists(atPath: fixture.store.path + "-wal"))
        try fixture.store.syncLog()
        #expect(try fixture.store.writerSynchronous() == 2)
    }

    /// Without the writer's own checkpoints the pages stay in the log until
    /// the checkpointer copies them into the database file.
    @Test func theCheckpointerCopiesTheLogIntoTheDatabaseFile() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        try store.setAutomaticCheckpoints(false)
        #expect(try store.automaticCheckpointPages() == 0)
        let failures = Failures()
        let checkpointer = try DatabaseCheckpointer(store: store) { failures.add($0) }
        let before = Self.fileSize(store.path)

        try Self.fill(store, rows: 1500)
        #expect(Self.fileSize(store.path) == before)
        #expect(Self.fileSize(store.path + "-wal") > 1500 * 2000)

        checkpointer.request()
        checkpointer.request()
        checkpointer.wait()
        checkpointer.wait()
        #expect(Self.fileSize(store.path) > before + 1500 * 2000)
        #expect(failures.count == 0)
        try store.setAutomaticCheckpoints(true)
        #expect(try store.automaticCheckpointPages() == 1000)
    }

    /// The daemon tells of each commit; only every few run a checkpoint.
    @Test func everyFewCommitsAskForACheckpoint() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        try store.setAutomaticCheckpoints(false)
        let checkpointer = try DatabaseCheckpointer(store: store, interval: 3) { _ in }
        let before = Self.fileSize(store.path)
        try Self.fill(store, rows: 600)
        checkpointer.committed()
        checkpointer.committed()
        checkpointer.wait()
        #expect(Self.fileSize(store.path) == before)
        checkpointer.committed()
        checkpointer.wait()
        #expect(Self.fileSize(store.path) > before + 600 * 2000)
    }

    /// In a burst each batch begins before the checkpoint of the batch
    /// before it has ended, so SQLite never starts the log over: it grows
    /// by every commit. With the writer's own checkpoint at a bound, the
    /// log starts over there and its file stays that size.
    @Test(arguments: [0, 64])
    func inABurstTheLogStartsOverOnlyAtTheWritersBound(pages: Int) throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        try store.setAutomaticCheckpoints(pages: pages)
        #expect(try store.automaticCheckpointPages() == pages)
        let failures = Failures()
        let checkpointer = try DatabaseCheckpointer(store: store) { failures.add($0) }
        try store.writeRelaxed { db in try db.execute(sql: "CREATE TABLE filler (x BLOB)") }
        let pageSize = try store.pool.read { try Int.fetchOne($0, sql: "PRAGMA page_size") ?? 0 }
        func frames() -> Int { Self.fileSize(store.path + "-wal") / (pageSize + 24) }
        // The migrations' frames, before any burst.
        let before = frames()
        for _ in 0..<300 {
            try store.writeRelaxed { db in
                // A row to a page, so each commit adds frames to the log.
                try db.execute(sql: "INSERT INTO filler VALUES (zeroblob(3000))")
                // The checkpoint of the commits before this batch, while
                // this batch is open, as in a burst.
                checkpointer.request()
                checkpointer.wait()
            }
        }
        if pages == 0 {
            #expect(frames() >= before + 300)
        } else {
            #expect(frames() <= max(before, pages + 16))
        }
        #expect(try store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM filler") } == 300)
        #expect(failures.count == 0)
    }

    final class Failures: @unchecked Sendable {
        private let lock = NSLock()
        private var errors: [any Error] = []
        func add(_ error: any Error) { lock.withLock { errors.append(error) } }
        var count: Int { lock.withLock { errors.count } }
    }
}
