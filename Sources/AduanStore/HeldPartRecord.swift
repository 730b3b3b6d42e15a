import Foundation
import GRDB

/// One part of a concatenated SMS waiting for the others.
public struct HeldPart: Sendable, Equatable {
    public var id: Int64
    public var source: String
    public var sourceRef: String
    public var sender: String
    public var reference: Int
    public var total: Int
    public var sequence: Int
    public var text: String
    public var raw: [UInt8]
    public var damaged: Bool
    public var sentAt: String?
    public var receivedAt: Date
    public var expiresAt: Date

    init(row: Row) {
        id = row["id"]
        source = row["source"]
        sourceRef = row["source_ref"]
        sender = row["sender"]
        reference = row["reference"]
        total = row["total"]
        sequence = row["sequence"]
        text = row["text"]
        raw = [UInt8]((row["raw"] as Data?) ?? Data())
        damaged = row["damaged"]
        sentAt = row["sent_at"]
        receivedAt = Millis.date(row["received_at"])
        expiresAt = Millis.date(row["expires_at"])
    }

    static let columns = "id, source, source_ref, sender, reference, total, sequence, text, raw, damaged, sent_at, received_at, expires_at"
}

public struct NewHeldPart: Sendable {
    public var identity: String
    public var source: String
    public var sourceRef: String
    public var sender: String
    public var reference: Int
    public var total: Int
    public var sequence: Int
    public var text: String
    public var raw: [UInt8]
    public var damaged: Bool
    public var sentAt: String?
    public var receivedAt: Date

    public init(identity: String, source: String, sourceRef: String, sender: String, reference: Int, total: Int,
                sequence: Int, text: String, raw: [UInt8], damaged: Bool, sentAt: String?, receivedAt: Date) {
        self.identity = identity
        self.source = source
        self.sourceRef = sourceRef
        self.sender = sender
        self.reference = reference
        self.total = total
        self.sequence = sequence
        self.text = text
        self.raw = raw
        self.damaged = damaged
        self.sentAt = sentAt
        self.receivedAt = receivedAt
    }
}

/// Parts are grouped by sender, reference and part count: the reference alone
/// is only 8 or 16 bits and wraps, and two phones may pick the same one.
public enum HeldParts {
    public static func exists(_ db: Database, identity: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM held_parts WHERE identity = ?)"),
                          arguments: [identity]) ?? false
    }

    /// The open (not yet joined) group the part belongs to.
    public static func group(_ db: Database, sender: String, reference: Int, total: Int) throws -> [HeldPart] {
        try Row.fetchAll(db, sql: """
            SELECT \(HeldPart.columns) FROM held_parts
            WHERE sender = ? AND reference = ? AND total = ? AND joined_into IS NULL ORDER BY sequence, id
            """, arguments: [sender, reference, total]).map(HeldPart.init(row:))
    }

    /// Holds a part; the group's deadline is counted from its first part.
    public static func hold(_ db: Database, _ part: NewHeldPart, expiresAt: Date) throws {
        try db.execute(sql: """
            INSERT INTO held_parts (identity, source, source_ref, sender, reference, total, sequence, text, raw, damaged,
                sent_at, received_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [part.identity, part.source, part.sourceRef, part.sender, part.reference, part.total,
                             part.sequence, part.text, Data(part.raw), part.damaged, part.sentAt,
                             Millis.from(part.receivedAt), Millis.from(expiresAt)])
    }

    public static func markJoined(_ db: Database, ids: [Int64], into inboundID: Int64) throws {
        for id in ids {
            try db.execute(sql: "UPDATE held_parts SET joined_into = ? WHERE id = ?", arguments: [inboundID, id])
        }
    }

    /// Open groups whose time is up, each as its parts.
    public static func expired(_ db: Database, at now: Date) throws -> [[HeldPart]] {
        let parts = try Row.fetchAll(db, sql: """
            SELECT \(HeldPart.columns) FROM held_parts
            WHERE joined_into IS NULL AND expires_at <= ? ORDER BY sender, reference, total, sequence
            """, arguments: [Millis.from(now)]).map(HeldPart.init(row:))
        var groups: [[HeldPart]] = []
        for part in parts {
            if let last = groups.last?.last, last.sender == part.sender, last.reference == part.reference, last.total == part.total {
                groups[groups.count - 1].append(part)
            } else {
                groups.append([part])
            }
        }
        return groups
    }

    /// When the earliest open group times out, for a one-shot timer.
    public static func nextExpiry(_ db: Database) throws -> Date? {
        try Int64.fetchOne(db, sql: "SELECT MIN(expires_at) FROM held_parts WHERE joined_into IS NULL").map(Millis.date)
    }

    public static func openCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM held_parts WHERE joined_into IS NULL") ?? 0
    }
}
