import AduanCore
import Foundation
import GRDB

public enum RemindersSent {
    /// Claims a stage of a complaint. False when it was claimed before (by an
    /// earlier run or one running right now): the caller sends nothing.
    public static func claim(_ db: Database, complaintID: Int64, stage: ReminderStage, outcome: String, at now: Date) throws -> Bool {
        try db.execute(cachedSQL: "INSERT OR IGNORE INTO reminders_sent (complaint_id, stage, at, outcome) VALUES (?, ?, ?, ?)",
                       arguments: [complaintID, stage.rawValue, Millis.from(now), outcome])
        return db.changesCount > 0
    }

    /// Complaints that may be due for a stage: an indexed pre-selection with
    /// a conservative cutoff; the caller checks the exact (working-day) time.
    public static func candidates(_ db: Database, stage: ReminderStage, now: Date, cutoff: Date, limit: Int,
                                  afterID: Int64) throws -> [ComplaintRecord] {
        let condition: String
        switch stage {
        case .deskAlert:
            condition = "status = 'received' AND (first_response_due <= :now OR received_at <= :cutoff)"
        case .agencyReminder:
            condition = "status IN ('forwarded', 'in_progress') AND forwarded_at <= :cutoff"
        case .escalation:
            condition = "status NOT IN ('resolved', 'rejected') AND resolution_due <= :now"
        case .citizenUpdate:
            condition = "status NOT IN ('resolved', 'rejected') AND updated_at <= :cutoff"
        case .survey:
            condition = "status = 'resolved' AND closed_at <= :cutoff AND rating IS NULL"
        }
        return try Row.fetchAll(db, cachedSQL: """
            SELECT \(ComplaintRecord.columns) FROM complaints c
            WHERE \(condition) AND id > :after
              AND NOT EXISTS (SELECT 1 FROM reminders_sent r WHERE r.complaint_id = c.id AND r.stage = :stage)
            ORDER BY id LIMIT :limit
            """, arguments: ["now": Millis.from(now), "cutoff": Millis.from(cutoff), "after": afterID,
                             "stage": stage.rawValue, "limit": limit]).map(ComplaintRecord.init(row:))
    }
}
