import AduanCore
import Foundation
import GRDB

/// An inbound message as stored: its origin, its original bytes and what the
/// router made of it.
public struct InboundRecord: Sendable, Equatable {
    public var id: Int64
    public var source: String
    public var sourceRef: String
    public var receivedAt: Date
    public var sender: String
    public var text: String
    public var intent: String
    public var complaintID: Int64?
    public var flags: [String]
}

public struct NewInbound: Sendable {
    public var identity: String
    public var source: String
    public var sourceRef: String
    public var receivedAt: Date
    public var sender: Sender
    public var text: String
    public var raw: [UInt8]
    public var intent: String
    public var matchKind: MatchKind?
    public var route: String?
    public var flags: [String]

    public init(identity: String, source: String, sourceRef: String, receivedAt: Date, sender: Sender, text: String,
                raw: [UInt8], intent: String, matchKind: MatchKind?, route: String?, flags: [String]) {
        self.identity = identity
        self.source = source
        self.sourceRef = sourceRef
        self.receivedAt = receivedAt
        self.sender = sender
        self.text = text
        self.raw = raw
        self.intent = intent
        self.matchKind = matchKind
        self.route = route
        self.flags = flags
    }
}

public enum InboundMessages {
    /// Whether a message with this identity was already recorded: the same
    /// file seen twice, or the gateway delivering it again under another name.
    public static func exists(_ db: Database, identity: String) throws -> Bool {
        try db.int64(cachedSQL: "SELECT EXISTS (SELECT 1 FROM inbound_messages WHERE identity = ?)", [.text(identity)]) == 1
    }

    public static func insert(_ db: Database, _ new: NewInbound, complaintID: Int64?) throws -> Int64 {
        try db.run(
            cachedSQL: """
                INSERT INTO inbound_messages (identity, source, source_ref, received_at, sender, sender_kind, text, raw,
                    intent, match_kind, route, complaint_id, flags)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            [.text(new.identity), .text(new.source), .text(new.sourceRef), .int(Millis.from(new.receivedAt)),
             .text(new.sender.stored), .text(new.sender.kind), .text(new.text), .blob(new.raw), .text(new.intent),
             .text(new.matchKind?.rawValue), .text(new.route), .int(complaintID), .text(new.flags.joined(separator: ","))])
        return db.lastInsertedRowID
    }

    public static func of(_ db: Database, complaintID: Int64) throws -> [InboundRecord] {
        try Row.fetchAll(db, cachedSQL: """
            SELECT id, source, source_ref, received_at, sender, text, intent, complaint_id, flags
            FROM inbound_messages WHERE complaint_id = ? ORDER BY received_at, id
            """, arguments: [complaintID]).map(record)
    }

    public static func all(_ db: Database) throws -> [InboundRecord] {
        try Row.fetchAll(db, cachedSQL: """
            SELECT id, source, source_ref, received_at, sender, text, intent, complaint_id, flags
            FROM inbound_messages ORDER BY id
            """).map(record)
    }

    static func record(_ row: Row) -> InboundRecord {
        let flags: String = row["flags"] ?? ""
        return InboundRecord(id: row["id"], source: row["source"], sourceRef: row["source_ref"],
                             receivedAt: Millis.date(row["received_at"]), sender: row["sender"], text: row["text"],
                             intent: row["intent"], complaintID: row["complaint_id"],
                             flags: flags.split(separator: ",").map(String.init))
    }
}

/// Files that could not be parsed: counted and kept for the operator.
public enum Rejections {
    public static func record(_ db: Database, source: String, file: String, movedTo: String?, reason: String, at: Date) throws {
        try db.execute(cachedSQL: "INSERT INTO rejections (source, file, moved_to, reason, at) VALUES (?, ?, ?, ?, ?)",
                       arguments: [source, file, movedTo, reason, Millis.from(at)])
    }

    public static func count(_ db: Database) throws -> Int {
        try Int.fetchOne(db, cachedSQL: "SELECT COUNT(*) FROM rejections") ?? 0
    }
}
