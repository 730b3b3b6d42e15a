import AduanCore
import AduanStore
import Foundation
import GRDB

/// Prepared INSERTs and UPDATEs for the generator, one per table, reused for
/// every row, on the connection's own thread. The column lists are those of
/// the store's migrations (v1–v4); columns later migrations add take their
/// defaults, or are kept by the schema's own triggers.
///
/// The store's insert functions compile their SQL on every call and read
/// back what they wrote (`Complaints.insert` fetches the new record,
/// `TicketSequence` reads the counter back): right for one message, most of
/// the time for ten million rows. What they write is written here with the
/// same values; the schema's constraints and triggers check every row
/// exactly as they check the daemon's.
final class BulkWriter {
    let db: Database
    private let complaint: PreparedInsert
    private let complaintState: PreparedInsert
    private let event: PreparedInsert
    private let inbound: PreparedInsert
    private let outbox: PreparedInsert
    private let reminder: PreparedInsert
    private let optOut: PreparedInsert
    private let sequence: PreparedInsert

    init(_ db: Database) throws {
        self.db = db
        complaint = try PreparedInsert(db, sql: """
            INSERT INTO complaints (id, ticket, prefix, seq, route, region, sender, text, dedupe_key, match_kind,
                received_at, priority, agency_suggested, status, first_response_due, resolution_due, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, ?, ?)
            """)
        complaintState = try PreparedInsert(db, sql: """
            UPDATE complaints SET status = ?, agency = ?, forwarded_at = ?, first_response_at = ?, closed_at = ?,
                answer = ?, rating = ?, flagged = ?, updated_at = ?
            WHERE id = ?
            """)
        event = try PreparedInsert(db, sql: "INSERT INTO events (complaint_id, at, kind, actor, note) VALUES (?, ?, ?, ?, ?)")
        inbound = try PreparedInsert(db, sql: """
            INSERT INTO inbound_messages (id, identity, source, source_ref, received_at, sender, sender_kind, text, raw,
                intent, match_kind, route, complaint_id, flags)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        outbox = try PreparedInsert(db, sql: """
            INSERT INTO outbox (id, recipient, kind, text, state, complaint_id, ticket, inbound_id, created_at, not_before,
                spooled_at, spool, file)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        reminder = try PreparedInsert(db, sql: "INSERT INTO reminders_sent (complaint_id, stage, at, outcome) VALUES (?, ?, ?, ?)")
        optOut = try PreparedInsert(db, sql: "INSERT INTO opt_outs (number, at) VALUES (?, ?) ON CONFLICT (number) DO NOTHING")
        sequence = try PreparedInsert(db, sql: """
            INSERT INTO ticket_sequences (prefix, last) VALUES (?, ?)
            ON CONFLICT (prefix) DO UPDATE SET last = MAX(last, excluded.last)
            """)
    }

    /// Writes every batch the channel brings, committing every
    /// `commitEvery` rows so the WAL stays bounded however large the run.
    func drain(_ channel: RowChannel, commitEvery: Int = 250_000) throws {
        var sinceCommit = 0
        try db.execute(sql: "BEGIN IMMEDIATE")
        while let batch = channel.receive() {
            for op in batch { try write(op) }
            sinceCommit += batch.count
            if sinceCommit >= commitEvery {
                try db.execute(sql: "COMMIT")
                try db.execute(sql: "BEGIN IMMEDIATE")
                sinceCommit = 0
            }
        }
        try db.execute(sql: "COMMIT")
    }

    func write(_ op: RowOp) throws {
        switch op {
        case .complaint(let c):
            try complaint.run([
                .int(c.id), .text(c.ticket), .text(c.prefix), .int(c.seq), .text(c.route), .text(c.region),
                .text(c.sender), .text(c.text), .text(c.dedupeKey), .text(c.matchKind.rawValue), .int(c.receivedAt),
                .text(c.priority.rawValue), .text(c.agencySuggested), .int(c.firstResponseDue), .int(c.resolutionDue),
                .int(c.receivedAt),
            ])
        case .complaintState(let c):
            try complaintState.run([
                .text(c.status.rawValue), .text(c.agency), .int(c.forwardedAt), .int(c.firstResponseAt),
                .int(c.closedAt), .text(c.answer), .text(c.rating), .bool(c.flagged), .int(c.updatedAt), .int(c.id),
            ])
        case .event(let e):
            try event.run([.int(e.complaintID), .int(e.at), .text(e.kind), .text(e.actor), .text(e.note)])
        case .inbound(let m):
            try inbound.run([
                .int(m.id), .text(m.identity), .text(m.source), .text(m.sourceRef), .int(m.receivedAt),
                .text(m.sender), .text("number"), .text(m.text), .blob(m.raw), .text(m.intent),
                .text(m.matchKind?.rawValue), .text(m.route), .int(m.complaintID), .text(""),
            ])
        case .outbox(let m):
            try outbox.run([
                .int(m.id), .text(m.recipient), .text(m.kind.rawValue), .text(m.text), .text(m.state.rawValue),
                .int(m.complaintID), .text(m.ticket), .int(m.inboundID), .int(m.createdAt), .int(m.notBefore),
                .int(m.spooledAt), .text(m.spool), .text(m.file),
            ])
        case .reminder(let r):
            try reminder.run([.int(r.complaintID), .text(r.stage.rawValue), .int(r.at), .text(r.outcome)])
        case .optOut(let number, let at):
            try optOut.run([.text(number), .int(at)])
        case .sequence(let prefix, let last):
            try sequence.run([.text(prefix), .int(last)])
        }
    }
}
