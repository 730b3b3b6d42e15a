import AduanConfig
import AduanCore
import AduanGateways
import AduanStore
import Foundation

/// Moves committed outbox rows into the gateway's outbound spool.
///
/// Each file is written as a dotfile and renamed, so the gateway never sees a
/// partial file. The expensive steps happen once per batch (group commit):
/// the batch's data is synced together before any file is renamed, the
/// directory is fsync'd once, and only then are the rows marked spooled, in
/// one transaction. A lone reply at idle is one batch of one, sent at once. A crash in between re-spools those
/// rows at the next start: at worst twice, never lost (§8). File names are
/// derived from the row, so a file still waiting in the spool is recognised
/// and not written again: a gateway slow to take its files never has one
/// rewritten under it.
///
/// When a write fails part-way through a batch (a full disk, EIO), the files
/// already in place are synced and their rows marked before the error is
/// thrown, so a retry writes only what is still missing.
public final class Spooler: @unchecked Sendable {
    let store: Store
    let spool: OutboundSpool
    let clock: any Clock
    let files: any SpoolFiles
    let lockPath: String
    /// Rows per transaction: bounds memory and the time the writer is held.
    let batch = 256

    public init(store: Store, spool: OutboundSpool, clock: any Clock, files: any SpoolFiles = RealSpoolFiles()) {
        self.store = store
        self.spool = spool
        self.clock = clock
        self.files = files
        // Both the daemon and the CLI spool what they commit; the lock keeps
        // them from writing the same row at once.
        lockPath = store.path + ".spool.lock"
    }

    /// Spools every row due now. Returns the files written.
    @discardableResult
    public func flush() throws -> [String] {
        let lock = try SpoolLock(path: lockPath)
        defer { lock.release() }
        var written: [String] = []
        while true {
            let now = clock.now()
            let rows = try store.pool.read { db in try Outbox.due(db, at: now, limit: batch) }
            if rows.isEmpty { break }
            // Rows whose file is already there (a crash after the rename,
            // before the mark) are only marked.
            var names: [(Int64, String)] = []
            var toWrite: [(name: String, bytes: [UInt8])] = []
            var toWriteIDs: [Int64] = []
            for row in rows {
                let name = SpoolFormat.fileName(for: row, spool: spool)
                if access(spool.path + "/" + name, F_OK) == 0 {
                    names.append((row.id, name))
                } else {
                    toWrite.append((name, SpoolFormat.render(row, spool: spool)))
                    toWriteIDs.append(row.id)
                }
            }
            let result = files.writeBatch(toWrite, in: spool.path, mode: 0o660)
            for index in 0..<result.placed { names.append((toWriteIDs[index], toWrite[index].name)) }
            let failure = result.error
            if !names.isEmpty {
                try files.syncDirectory(spool.path)
                let spooledAt = clock.now()
                try store.writeRelaxed { db in
                    for (id, name) in names {
                        try Outbox.markSpooled(db, id: id, spool: spool.name, file: name, at: spooledAt)
                    }
                }
                written += names.map(\.1)
            }
            if let failure { throw failure }
            if rows.count < batch { break }
        }
        return written
    }

    /// When the next held row comes due, if any.
    public func nextHoldEnd() throws -> Date? {
        try store.pool.read { db in try Outbox.nextHoldEnd(db) }
    }
}

/// An exclusive `flock` on a file beside the database.
struct SpoolLock {
    let fd: Int32

    init(path: String) throws {
        fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw SpoolError(operation: "lock", path: path, errno: errno)
        }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR {
                let e = errno
                close(fd)
                throw SpoolError(operation: "lock", path: path, errno: e)
            }
        }
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// Outbound file names and contents per gateway.
enum SpoolFormat {
    /// smstools: `aduan-20261122T070005-0000000042`: sorts in creation order,
    /// unique per row, and never matches a name smsd ignores (no dot, no `LOCK`).
    static func fileName(for row: OutboxRecord, spool: OutboundSpool) -> String {
        switch spool.kind {
        case .gammu: GammuOutbound.fileName(id: row.id, kind: row.kind, number: row.recipient, createdAt: row.createdAt)
        case .smstools, .jsonl: smstoolsName(for: row)
        }
    }

    static func smstoolsName(for row: OutboxRecord) -> String {
        var t = time_t(Int(row.createdAt.timeIntervalSince1970))
        var parts = tm()
        gmtime_r(&t, &parts)
        // Built by hand: String(format:) showed up in the spooling profile.
        func pad(_ value: some BinaryInteger, _ width: Int = 2) -> String { CivilDate.padded(value, width: width) }
        return "aduan-\(pad(parts.tm_year + 1900, 4))\(pad(parts.tm_mon + 1))\(pad(parts.tm_mday))T\(pad(parts.tm_hour))"
            + "\(pad(parts.tm_min))\(pad(parts.tm_sec))-\(pad(row.id, 10))"
    }

    static func render(_ row: OutboxRecord, spool: OutboundSpool) -> [UInt8] {
        switch spool.kind {
        case .gammu: GammuOutbound.render(row.text, encoding: GammuOutbound.Encoding(rawValue: spool.encoding.rawValue) ?? .utf8)
        case .smstools, .jsonl: SmstoolsOutbound.render(to: row.recipient, text: row.text)
        }
    }
}
