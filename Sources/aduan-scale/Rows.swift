import AduanCore
import AduanStore
import Foundation

/// A row of the generated year, as the simulation decides it and the writer
/// stores it. The simulation runs on its own thread and hands these over in
/// batches (`RowChannel`), so working out the year and writing it to SQLite
/// use both cores.
enum RowOp: Sendable {
    case complaint(ComplaintRow)
    /// The changing columns of a complaint, once its last step is done.
    case complaintState(ComplaintStateRow)
    case event(EventRow)
    case inbound(InboundRow)
    case outbox(OutboxRow)
    case reminder(ReminderRow)
    case optOut(number: String, at: Int64)
    case sequence(prefix: String, last: Int)
}

/// The columns `Complaints.insert` writes.
struct ComplaintRow: Sendable {
    var id: Int64
    var ticket: String
    var prefix: String
    var seq: Int
    var route: String?
    var region: String
    var sender: String
    var text: String
    var dedupeKey: String
    var matchKind: MatchKind
    var receivedAt: Int64
    var priority: Priority
    var agencySuggested: String?
    var firstResponseDue: Int64
    var resolutionDue: Int64
}

/// The columns `Complaints.apply` and `Complaints.rate` change.
struct ComplaintStateRow: Sendable {
    var id: Int64
    var status: ComplaintStatus
    var agency: String?
    var forwardedAt: Int64?
    var firstResponseAt: Int64?
    var closedAt: Int64?
    var answer: String?
    var rating: String?
    var flagged: Bool
    var updatedAt: Int64
}

struct EventRow: Sendable {
    var complaintID: Int64
    var at: Int64
    var kind: String
    var actor: String
    var note: String?
}

struct InboundRow: Sendable {
    var id: Int64
    var identity: String
    var source: String
    var sourceRef: String
    var receivedAt: Int64
    var sender: String
    var text: String
    var raw: [UInt8]
    var intent: String
    var matchKind: MatchKind?
    var route: String?
    var complaintID: Int64?
}

struct OutboxRow: Sendable {
    var id: Int64
    var recipient: String
    var kind: OutboundKind
    var text: String
    var state: OutboxState
    var complaintID: Int64?
    var ticket: String?
    var inboundID: Int64?
    var createdAt: Int64
    var notBefore: Int64?
    var spooledAt: Int64?
    var spool: String?
    var file: String?
}

struct ReminderRow: Sendable {
    var complaintID: Int64
    var stage: ReminderStage
    var at: Int64
    var outcome: String
}
