import AduanConfig
import AduanCore
import AduanStore
import Foundation
import GRDB

/// The desk's work on complaints (§4, §7): each action is one transaction
/// holding the status change, the event and the citizen's SMS, so the
/// history and what the citizen was told never disagree.
public struct ComplaintDesk: Sendable {
    public let store: Store
    public let rules: DeskRules
    public let clock: any Clock

    public init(store: Store, rules: DeskRules, clock: any Clock) {
        self.store = store
        self.rules = rules
        self.clock = clock
    }

    public struct Outcome: Sendable {
        public var complaint: ComplaintRecord
        /// The SMS queued for the citizen, if any.
        public var sms: String?
    }

    public func perform(_ action: DeskAction, on ticket: Ticket, actor: String) throws -> Outcome {
        let now = clock.now()
        return try store.pool.write { db in
            guard let complaint = try Complaints.find(db, ticket: ticket) else {
                throw LifecycleError("no complaint \(ticket)")
            }
            return try perform(db, action, on: complaint, actor: actor, now: now)
        }
    }

    /// Inside the caller's transaction (auto-forward at reception).
    func perform(_ db: Database, _ action: DeskAction, on complaint: ComplaintRecord, actor: String, now: Date) throws -> Outcome {
        var action = action
        if case .forward(let id, let note) = action {
            guard let agency = rules.config.agencies.first(where: { $0.id.lowercased() == id.lowercased() }) else {
                let known = rules.config.agencies.map(\.id).joined(separator: ", ")
                throw LifecycleError("unknown agency '\(id)'; agencies: \(known.isEmpty ? "none configured" : known)")
            }
            action = .forward(agency: agency.id, note: note)
        }
        let status = try Lifecycle.next(from: complaint.status, action, ticket: complaint.ticket).get()
        try Complaints.apply(db, complaint: complaint, action: action, to: status, actor: actor, at: now)
        guard let updated = try Complaints.find(db, id: complaint.id) else {
            throw LifecycleError("complaint \(complaint.ticket) vanished")
        }
        var sms: String?
        if let text = Replies(rules).statusChange(updated, action: action),
           let number = rules.replyNumber(for: Sender(raw: updated.sender, countryCode: rules.config.service.countryCode)) {
            // A status change of the citizen's own complaint: sent even after
            // STOP, never held for quiet hours, and not counted as a reply.
            try Outbox.enqueue(db, NewOutbound(recipient: number, kind: .status, text: text, complaintID: updated.id,
                                               ticket: updated.ticket, createdAt: now))
            sms = text
        }
        return Outcome(complaint: updated, sms: sms)
    }
}
