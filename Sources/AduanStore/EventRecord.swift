import Foundation
import GRDB

/// One step in a complaint's history: who did what, when. Append-only; the
/// schema's triggers refuse updates and deletes.
public struct EventRecord: Sendable, Equatable {
    public var at: Date
    public var kind: String
    public var actor: String
    public var note: String?
}

public enum Events {
    public static func append(_ db: Database, complaintID: Int64, at: Date, kind: String, actor: String, note: String?) throws {
        try db.run(cachedSQL: "INSERT INTO events (complaint_id, at, kind, actor, note) VALUES (?, ?, ?, ?, ?)",
                   [.int(complaintID), .int(Millis.from(at)), .text(kind), .text(actor), .text(note)])
    }

    public static func of(_ db: Database, complaintID: Int64) throws -> [EventRecord] {
        try Row.fetchAll(db, cachedSQL: "SELECT at, kind, actor, note FROM events WHERE complaint_id = ? ORDER BY at, id",
                         arguments: [complaintID])
            .map { EventRecord(at: Millis.date($0["at"]), kind: $0["kind"], actor: $0["actor"], note: $0["note"]) }
    }
}
