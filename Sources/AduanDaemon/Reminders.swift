import AduanConfig
import AduanCore
import AduanStore
import Foundation
import GRDB

/// `aduan remind` (§6): every stage of every complaint at most once, ever,
/// whenever cron runs it. A missed run catches up, because each stage is due
/// from its own deadline rather than from the time of the run; two runs at
/// once do not double-send, because each stage is claimed by a unique row in
/// the same transaction as its SMS.
public struct Reminders: Sendable {
    public let store: Store
    public let rules: DeskRules

    public init(store: Store, rules: DeskRules) {
        self.store = store
        self.rules = rules
    }

    /// One SMS a run sends (or would send).
    public struct Send: Sendable, Equatable {
        public var stage: ReminderStage
        public var ticket: String
        public var to: String
        public var text: String
        /// Quiet hours: the SMS waits until then.
        public var heldUntil: Date?
    }

    /// Complaints per transaction: keeps the writer lock short for the daemon.
    let batch = 500

    /// Runs every stage at `now`. With `dryRun`, computes the same sends and writes nothing.
    public func run(at now: Date, dryRun: Bool = false) throws -> [Send] {
        let dues = DueDates(rules.calendar)
        var sends: [Send] = []
        for stage in ReminderStage.allCases {
            var afterID: Int64 = 0
            while true {
                let body = { (db: Database) throws -> (sends: [Send], lastID: Int64?, count: Int) in
                    let candidates = try RemindersSent.candidates(db, stage: stage, now: now, cutoff: cutoff(stage, now),
                                                                  limit: batch, afterID: afterID)
                    var out: [Send] = []
                    for complaint in candidates where isDue(stage, complaint, now: now, dues: dues) {
                        out += try handle(db, stage, complaint, now: now, dryRun: dryRun)
                    }
                    return (out, candidates.last?.id, candidates.count)
                }
                let result = dryRun ? try store.pool.read(body) : try store.pool.write(body)
                sends += result.sends
                guard let last = result.lastID, result.count == batch else { break }
                afterID = last
            }
        }
        return sends
    }

    var reminders: ReminderSettings { rules.config.reminders }

    func span(_ stage: ReminderStage) -> TimeSpan? {
        switch stage {
        case .deskAlert: reminders.deskAfter
        case .agencyReminder: reminders.agencyAfter
        case .escalation: nil
        case .citizenUpdate: reminders.citizenUpdateAfter
        case .survey: reminders.surveyAfter
        }
    }

    /// A time before which every due complaint's reference time must lie:
    /// exact for hours, a day early for (working) days, whose end-of-day
    /// arithmetic `isDue` does exactly.
    func cutoff(_ stage: ReminderStage, _ now: Date) -> Date {
        guard let span = span(stage) else { return now }
        switch span {
        case .minutes, .hours: return now.addingTimeInterval(-TimeInterval(span.fixedSeconds ?? 0))
        case .days(let n), .workingDays(let n): return now.addingTimeInterval(-TimeInterval(max(0, n - 1) * 86_400))
        }
    }

    func isDue(_ stage: ReminderStage, _ c: ComplaintRecord, now: Date, dues: DueDates) -> Bool {
        switch stage {
        case .deskAlert:
            return c.firstResponseDue <= now || dues.due(from: c.receivedAt, after: reminders.deskAfter) <= now
        case .agencyReminder:
            guard let forwarded = c.forwardedAt else { return false }
            return dues.due(from: forwarded, after: reminders.agencyAfter) <= now
        case .escalation:
            return c.resolutionDue <= now
        case .citizenUpdate:
            return dues.due(from: c.updatedAt, after: reminders.citizenUpdateAfter) <= now
        case .survey:
            guard let closed = c.closedAt else { return false }
            return dues.due(from: closed, after: reminders.surveyAfter) <= now
        }
    }

    func handle(_ db: Database, _ stage: ReminderStage, _ c: ComplaintRecord, now: Date, dryRun: Bool) throws -> [Send] {
        let country = rules.config.service.countryCode
        let recipients: [String]
        var outcome = "sent"
        switch stage {
        case .deskAlert:
            recipients = rules.config.service.deskNumbers
        case .agencyReminder:
            recipients = rules.config.agencies.first { $0.id == c.agency }?.numbers ?? []
        case .escalation:
            recipients = reminders.escalateTo
        case .citizenUpdate, .survey:
            if let number = rules.replyNumber(for: Sender(raw: c.sender, countryCode: country)) {
                if try OptOuts.isStopped(db, number: number) {
                    recipients = []
                    outcome = "stopped"
                } else {
                    recipients = [number]
                }
            } else {
                recipients = []
                outcome = "no_number"
            }
        }
        let numbers = recipients.compactMap { Sender(raw: $0, countryCode: country).replyNumber }
        // Officials not configured yet: nothing is claimed, so the stage goes
        // out once someone is there to read it.
        if numbers.isEmpty, outcome == "sent" { return [] }
        if !dryRun {
            guard try RemindersSent.claim(db, complaintID: c.id, stage: stage, outcome: outcome, at: now) else { return [] }
        }
        let text = Replies(rules).reminder(stage, c)
        let held = rules.config.service.quietHours.holdUntil(now, in: rules.calendar.timeZone)
        let kind: OutboundKind = switch stage {
        case .escalation: .escalation
        case .survey: .survey
        default: .reminder
        }
        var sends: [Send] = []
        for number in numbers {
            if !dryRun {
                try Outbox.enqueue(db, NewOutbound(recipient: number, kind: kind, text: text, complaintID: c.id,
                                                   ticket: c.ticket, createdAt: now, notBefore: held))
            }
            sends.append(Send(stage: stage, ticket: c.ticket, to: number, text: text, heldUntil: held))
        }
        return sends
    }
}
