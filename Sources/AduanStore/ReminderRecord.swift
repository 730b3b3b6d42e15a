import AduanCore
import Foundation
import GRDB

public enum RemindersSent {
    /// Claims a stage of a complaint. False when it was claimed before (by an
    /// earlier run or one running right now): the caller sends nothing.
    public static func claim(_ db: Database, complaintID: Int64, stage: ReminderStage, outcome: String, at now: Date) throws -> Bool {
        try db.execute(sql: "INSERT OR IGNORE INTO reminders_sent (complaint_id, stage, at, outcome) VALUES (?, ?, ?, ?)",
                       arguments: [complaintID, stage.rawValue, Millis.from(now), outcome])
        return db.changesCount > 0
    }

    /// Complaints that may be due for a stage: an indexed pre-selection with
    /// a conservative cutoff; the caller checks the exact (working-day) time.
    ///
    /// Each stage reads its own partial index (`stage.dueIndex`), which holds
    /// only the complaints in the stage's state that have not had the stage,
    /// so a run costs what may be due, not the years of complaints already
    /// reminded about. The conditions repeat the index's own (SQLite uses a
    /// partial index only for a query that implies its WHERE); `INDEXED BY`
    /// makes a mismatch an error instead of a silent table scan.
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
            condition = "status = 'resolved' AND rating IS NULL AND closed_at <= :cutoff"
        }
        return try ComplaintRecord.fetchAll(db, sql: """
            SELECT \(ComplaintRecord.columns) FROM complaints c INDEXED BY \(stage.dueIndex)
            WHERE \(condition) AND (reminded_stages & \(stage.bit)) = 0 AND id > :after
              AND NOT EXISTS (SELECT 1 FROM reminders_sent r WHERE r.complaint_id = c.id AND r.stage = :stage)
            ORDER BY id LIMIT :limit
            """, arguments: ["now": Millis.from(now), "cutoff": Millis.from(cutoff), "after": afterID,
                             "stage": stage.rawValue, "limit": limit])
    }
}

extension ReminderStage {
    /// The stage's bit in `complaints.reminded_stages`, as migration v5's
    /// trigger sets it.
    public var bit: Int {
        switch self {
        case .deskAlert: 1
        case .agencyReminder: 2
        case .escalation: 4
        case .citizenUpdate: 8
        case .survey: 16
        }
    }

    /// The partial index of the complaints that may come due for the stage (migration v5).
    public var dueIndex: String { "complaints_due_\(rawValue)" }
}
