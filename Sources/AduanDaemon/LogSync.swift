import AduanStore
import Foundation

/// Group commit past the recording thread: the daemon commits each batch
/// without waiting for the disk (``InboundProcessor/commitsRelaxed``), and
/// one fdatasync of the database's log, on the archive thread or the spool
/// queue, makes every commit before it durable. A batch's files are archived, and
/// its replies spooled, only after that: a power cut can take back a batch
/// whose log was not synced yet, but then its files are still in the inbound
/// spool to be read again, and no reply for it went out.
final class LogSync: @unchecked Sendable {
    let store: Store
    private let lock = NSLock()
    /// Relaxed commits so far, and how many of them are known to be on disk.
    private var committed: UInt64 = 0
    private var synced: UInt64 = 0

    init(store: Store) {
        self.store = store
    }

    /// Counts a relaxed commit that has returned; its number, for ``sync(through:)``.
    func didCommit() -> UInt64 {
        lock.withLock {
            committed += 1
            return committed
        }
    }

    /// Returns once commit `number` is on disk: at once when a sync since
    /// then has covered it.
    func sync(through number: UInt64) throws {
        guard lock.withLock({ synced < number }) else { return }
        try syncEverything()
    }

    /// Makes every commit so far durable, whatever the counts say (a
    /// commit can be visible before it is counted).
    func syncEverything() throws {
        let target = lock.withLock { committed }
        try store.syncLog()
        lock.withLock { synced = max(synced, target) }
    }

    /// For the spooler: the last outbox row on disk. The id is read before
    /// the sync, so every row up to it is covered by it. With no row past
    /// `known`, the spooler has them all already: no sync.
    func durableOutboxRows(known: Int64) throws -> Int64 {
        let last = try store.pool.read { db in try Outbox.lastID(db) }
        guard last > known else { return known }
        try syncEverything()
        return last
    }
}
