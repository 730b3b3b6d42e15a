import Foundation
import GRDB

/// The database: complaints, their events, every inbound message with its raw
/// bytes, and the outbox. SQLite in WAL mode through a GRDB `DatabasePool`, so
/// the operators' CLI reads and writes while `aduan serve` ingests.
public final class Store: Sendable {
    public let pool: DatabasePool
    public let path: String
    /// How long a write waits for another connection's lock before failing
    /// with "database is locked".
    public let busyTimeout: Duration

    /// The CLI's wait for the daemon (or another command) to finish writing.
    public static let defaultBusyTimeout: Duration = .seconds(30)

    /// A store error an operator can act on.
    public struct OpenError: Error, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "database \(path): \(message)" }
    }

    /// - Parameter busyTimeout: how long to wait for a lock held by another
    ///   connection before an operation fails with SQLITE_BUSY.
    public init(path: String, readOnly: Bool = false, busyTimeout: Duration = Store.defaultBusyTimeout) throws {
        self.path = path
        self.busyTimeout = busyTimeout
        let directory = (path as NSString).deletingLastPathComponent
        if !readOnly {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o750])
            } catch {
                throw OpenError(path: path, message: "cannot create directory \(directory): \(error.localizedDescription)")
            }
        }
        var configuration = Configuration()
        configuration.readonly = readOnly
        // The daemon and the desk's CLI share one writer lock; wait for it
        // rather than fail with "database is locked".
        let timeout = busyTimeout.components
        configuration.busyMode = .timeout(TimeInterval(timeout.seconds) + TimeInterval(timeout.attoseconds) / 1e18)
        configuration.label = "aduan"
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw OpenError(path: path, message: "\(error)")
        }
        if !readOnly {
            // DatabasePool sets synchronous=NORMAL on its writer after
            // prepareDatabase runs; a complaint acknowledged must survive a
            // power cut, so FULL is set again here, on the long-lived writer.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            try Migrations.migrator.migrate(pool)
            // The reporters' numbers are in here: no world access (§8).
            for suffix in ["", "-wal", "-shm"] {
                chmod(path + suffix, 0o640)
            }
        }
    }

    /// Runs `updates` in a transaction whose commit does not wait for the
    /// disk (`synchronous = NORMAL` for that commit only): it becomes durable
    /// with the next ordinary commit, or is lost with a power cut before one.
    /// Only for bookkeeping whose loss is harmless; the spooler marks rows
    /// spooled this way, and a lost mark spools a file again, which the gateway
    /// sends at worst twice (§8). Sparing that fsync takes one of the three
    /// disk flushes out of every spool batch.
    ///
    /// The daemon also records its batches this way and makes them durable
    /// itself, off the recording thread, with ``syncLog()``.
    public func writeRelaxed<T>(_ updates: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            var result: Result<T, any Error> = .failure(CancellationError())
            do {
                try db.inTransaction {
                    result = .success(try updates(db))
                    return .commit
                }
            } catch {
                result = .failure(error)
            }
            // Back to FULL whatever happened: every other commit on this
            // connection is a complaint that must survive a power cut.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            return try result.get()
        }
    }

    /// Makes every commit so far durable, relaxed ones included: one
    /// fdatasync of the write-ahead log, which holds each commit until a
    /// checkpoint has copied it into the database file (and synced that
    /// file) before the log is reused. No log, nothing to sync: the last
    /// connection to close checkpointed it.
    public func syncLog() throws {
        let wal = path + "-wal"
        let fd = open(wal, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return }
            throw SyncError(path: wal, operation: "open", errno: errno)
        }
        defer { close(fd) }
        while fdatasync(fd) != 0 {
            if errno != EINTR { throw SyncError(path: wal, operation: "sync", errno: errno) }
        }
    }

    /// ``syncLog()`` failed: the commits since the last sync may not
    /// survive a power cut.
    public struct SyncError: Error, CustomStringConvertible {
        public var path: String
        public var operation: String
        public var errno: Int32
        public var description: String { "\(operation) \(path): \(String(cString: strerror(errno)))" }
    }

    /// Whether the writer checkpoints the log itself once it passes 1,000
    /// pages (SQLite's default), or leaves it to a ``DatabaseCheckpointer``.
    public func setAutomaticCheckpoints(_ on: Bool) throws {
        try setAutomaticCheckpoints(pages: on ? 1000 : 0)
    }

    /// The writer checkpoints the log itself, inside the commit that takes
    /// it to `pages` pages or more; 0: never.
    public func setAutomaticCheckpoints(pages: Int) throws {
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = \(max(0, pages))") }
    }

    /// The writer's `PRAGMA wal_autocheckpoint`, in pages; 0 when off.
    public func automaticCheckpointPages() throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") ?? -1 }
    }

    /// The writer connection's `PRAGMA synchronous` (2 = FULL).
    public func writerSynchronous() throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    public func journalMode() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }
}

/// Milliseconds since the epoch: compact, index-friendly, and exact enough for SMS.
public enum Millis {
    public static func from(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    public static func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(ms) / 1000) }
}
