import Foundation
import GRDB

/// Why an SMS is sent; the JSON contract's `kind`.
public enum OutboundKind: String, Sendable, Codable {
    case ack
    case duplicate
    case help
    case status
    case reminder
    case survey
    case escalation
}

/// Where an outbox row is on its way to the gateway.
public enum OutboxState: String, Sendable, Codable {
    /// Committed, waiting for the spooler.
    case pending
    /// Waiting for quiet hours to end.
    case held
    /// Written into the gateway's spool.
    case spooled
}

public struct OutboxRecord: Sendable, Equatable {
    public var id: Int64
    public var recipient: String
    public var kind: String
    public var text: String
    public var state: OutboxState
    public var complaintID: Int64?
    public var ticket: String?
    public var createdAt: Date
    public var notBefore: Date?
    public var spooledAt: Date?
    public var spool: String?
    public var file: String?

    /// A row of `SELECT \(columns)`, read by position (see ``ComplaintRecord``).
    init(row: Row) {
        id = row[0]
        recipient = row[1]
        kind = row[2]
        text = row[3]
        state = OutboxState(rawValue: row[4] ?? "") ?? .pending
        complaintID = row[5]
        ticket = row[6]
        createdAt = Millis.date(row[7])
        notBefore = (row[8] as Int64?).map(Millis.date)
        spooledAt = (row[9] as Int64?).map(Millis.date)
        spool = row[10]
        file = row[11]
    }

    static let columns = "id, recipient, kind, text, state, complaint_id, ticket, created_at, not_before, spooled_at, spool, file"
}

public struct NewOutbound: Sendable {
    public var recipient: String
    public var kind: OutboundKind
    public var text: String
    public var complaintID: Int64?
    public var ticket: String?
    public var inboundID: Int64?
    public var createdAt: Date
    public var notBefore: Date?

    public init(recipient: String, kind: OutboundKind, text: String, complaintID: Int64? = nil, ticket: String? = nil,
                inboundID: Int64? = nil, createdAt: Date, notBefore: Date? = nil) {
        self.recipient = recipient
        self.kind = kind
        self.text = text
        self.complaintID = complaintID
        self.ticket = ticket
        self.inboundID = inboundID
        self.createdAt = createdAt
        self.notBefore = notBefore
    }
}

public enum Outbox {
    /// Queues an SMS in the caller's transaction: it exists exactly when the
    /// event that caused it does (§5).
    @discardableResult
    public static func enqueue(_ db: Database, _ new: NewOutbound) throws -> Int64 {
        try db.run(
            cachedSQL: """
                INSERT INTO outbox (recipient, kind, text, state, complaint_id, ticket, inbound_id, created_at, not_before)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            [.text(new.recipient), .text(new.kind.rawValue), .text(new.text),
             .text((new.notBefore == nil ? OutboxState.pending : .held).rawValue),
             .int(new.complaintID), .text(new.ticket), .int(new.inboundID), .int(Millis.from(new.createdAt)),
             .int(new.notBefore.map(Millis.from))])
        return db.lastInsertedRowID
    }

    /// Automatic replies the number has been sent since the instant (the daily budget, §3.9).
    public static func replies(_ db: Database, to recipient: String, since: Date) throws -> Int {
        try Int(db.int64(cachedSQL: "SELECT COUNT(*) FROM outbox WHERE recipient = ? AND created_at >= ? AND inbound_id IS NOT NULL",
                         [.text(recipient), .int(Millis.from(since))]) ?? 0)
    }

    /// Rows ready to spool at the instant, oldest first: pending ones, and held
    /// ones whose hold has ended; only those with an id in `ids` (the
    /// spooler's next batch starts after the one still being marked, and
    /// stops at the last row known to be on disk). Run after every message:
    /// it must read only the unspooled rows (the partial index), never the
    /// whole outbox, or each message costs more than the last.
    public static func due(_ db: Database, at now: Date, ids: ClosedRange<Int64> = 1...Int64.max,
                           limit: Int) throws -> [OutboxRecord] {
        try Row.decodeAll(db, cachedSQL: """
            SELECT \(OutboxRecord.columns) FROM outbox INDEXED BY outbox_unspooled
            WHERE state != 'spooled' AND (state = 'pending' OR not_before <= ?) AND id BETWEEN ? AND ?
            ORDER BY id LIMIT ?
            """, arguments: [Millis.from(now), ids.lowerBound, ids.upperBound, limit], OutboxRecord.init(row:))
    }

    /// The newest row's id; 0 for an empty outbox.
    public static func lastID(_ db: Database) throws -> Int64 {
        try db.int64(cachedSQL: "SELECT MAX(id) FROM outbox", []) ?? 0
    }

    /// When the next held row comes due, so the spooler can sleep until then
    /// instead of polling. (`state != 'spooled'` lets SQLite use the partial
    /// index; `state = 'held'` alone scans the table.)
    public static func nextHoldEnd(_ db: Database) throws -> Date? {
        try Int64.fetchOne(db, cachedSQL: "SELECT MIN(not_before) FROM outbox WHERE state != 'spooled' AND state = 'held'").map(Millis.date)
    }

    public static func markSpooled(_ db: Database, id: Int64, spool: String, file: String, at: Date) throws {
        try db.run(cachedSQL: "UPDATE outbox SET state = 'spooled', spool = ?, file = ?, spooled_at = ? WHERE id = ?",
                   [.text(spool), .text(file), .int(Millis.from(at)), .int(id)])
    }

    public static func list(_ db: Database, afterID: Int64 = 0, limit: Int? = nil) throws -> [OutboxRecord] {
        var sql = "SELECT \(OutboxRecord.columns) FROM outbox WHERE id > ? ORDER BY id"
        if let limit { sql += " LIMIT \(max(0, limit))" }
        return try Row.fetchAll(db, sql: sql, arguments: [afterID]).map(OutboxRecord.init(row:))
    }

    /// Rows whose state changed after the given spool time or id, for `outbox --follow`.
    public static func changed(_ db: Database, afterID: Int64, orSpooledAfter: Int64) throws -> [OutboxRecord] {
        try Row.fetchAll(db, cachedSQL: """
            SELECT \(OutboxRecord.columns) FROM outbox WHERE id > ? OR spooled_at > ? ORDER BY id
            """, arguments: [afterID, orSpooledAfter]).map(OutboxRecord.init(row:))
    }

    public static func of(_ db: Database, complaintID: Int64) throws -> [OutboxRecord] {
        try Row.fetchAll(db, cachedSQL: "SELECT \(OutboxRecord.columns) FROM outbox WHERE complaint_id = ? ORDER BY id",
                         arguments: [complaintID]).map(OutboxRecord.init(row:))
    }
}
