import AduanCore
import AduanStore
import Foundation

/// A complaint while the simulated year still has steps planned for it: the
/// columns that change, kept in memory and written once when its last step
/// is done (or when the year ends), as `Complaints.apply` would have left them.
final class SimComplaint {
    let id: Int64
    let ticket: String
    let route: Route
    /// The sender's stored number (international digits).
    let sender: String
    /// The index of the sender in the run, which fixes their phone and whether they send STOP.
    let senderIndex: Int
    let text: String
    /// `ComplaintSummary.of(text)`: what officials' reminders quote.
    let summary: String
    let priority: Priority
    let receivedAt: Int64
    let firstResponseDue: Int64
    let resolutionDue: Int64
    /// Its own dice: what happens to this complaint does not depend on any other.
    var random: SeededRandom

    var status: ComplaintStatus = .received
    var agency: String?
    var agencySuggested: String?
    var forwardedAt: Int64?
    var firstResponseAt: Int64?
    var closedAt: Int64?
    var answer: String?
    var rating: String?
    var flagged = false
    var updatedAt: Int64
    /// Reminder stages claimed so far: each is sent once, ever.
    var claimed: Set<ReminderStage> = []
    /// The earliest reminder check already queued per stage, so a state
    /// change does not queue the same check again.
    var nextCheck: [ReminderStage: Int64] = [:]
    /// Steps still queued for it; at zero its row is final.
    var pending = 0
    /// Whether its row differs from what was inserted.
    var changed = false
    /// Answered twice at most: once, and again after a `TIDAK` reopens it.
    var round = 0

    init(id: Int64, ticket: String, route: Route, sender: String, senderIndex: Int, text: String, summary: String,
         priority: Priority,
         receivedAt: Int64, firstResponseDue: Int64, resolutionDue: Int64, agencySuggested: String?,
         random: SeededRandom) {
        self.id = id
        self.ticket = ticket
        self.route = route
        self.sender = sender
        self.senderIndex = senderIndex
        self.text = text
        self.summary = summary
        self.priority = priority
        self.receivedAt = receivedAt
        self.firstResponseDue = firstResponseDue
        self.resolutionDue = resolutionDue
        self.agencySuggested = agencySuggested
        self.random = random
        updatedAt = receivedAt
    }

    var isOpen: Bool { status != .resolved && status != .rejected }

    /// The route keyword as stored: nil for triage.
    var routeKeyword: String? { route.isTriage ? nil : route.keyword }

    /// `ComplaintRecord.isOverdue(at:)` on the in-memory state.
    func isOverdue(at now: Int64) -> Bool {
        isOpen && (resolutionDue < now || (firstResponseAt == nil && firstResponseDue < now))
    }
}

extension Int64 {
    /// Milliseconds since the epoch as a `Date`, the store's own convention (`Millis`).
    var date: Date { Millis.date(self) }
}
