import AduanConfig
import AduanCore
import AduanGateways
import AduanStore
import Foundation
import GRDB

/// What became of one inbound message.
public enum ReceptionOutcome: Sendable, Equatable {
    /// Recorded now; the ticket when a complaint was filed.
    case recorded(intent: String, ticket: String?, flags: [String], replied: Bool)
    /// Already recorded earlier (the same file again, or a re-delivery).
    case alreadyRecorded
}

/// Records inbound messages: one transaction per message holds the inbound
/// row, the complaint with its first event, and the reply in the outbox, so a
/// crash leaves all of them or none (§5, §8).
public struct Reception: Sendable {
    public let store: Store
    public let rules: DeskRules
    public let clock: any Clock

    public init(store: Store, rules: DeskRules, clock: any Clock) {
        self.store = store
        self.rules = rules
        self.clock = clock
    }

    /// The identity of a message, independent of the file it arrived in: the
    /// same SMS delivered twice hashes the same. Without an SMSC timestamp the
    /// raw bytes stand in, so two genuinely separate messages are not merged.
    public static func identity(sender: String, sms: InboundSMS, raw: [UInt8]) -> String {
        var key = Array("aduan-inbound-v1\n\(sender)\n".utf8)
        if let sent = sms.sentAt {
            key += Array("sent:\(sent)\n".utf8)
            if let part = sms.part { key += Array("part:\(part.reference)/\(part.total)/\(part.sequence)\n".utf8) }
            key += Array(sms.text.utf8)
        } else {
            key += Array("raw\n".utf8) + raw
        }
        return SHA256.hex(key)
    }

    public func receive(_ sms: InboundSMS, raw: [UInt8], source: String, ref: String) throws -> ReceptionOutcome {
        let sender = Sender(raw: sms.sender, countryCode: rules.config.service.countryCode)
        let identity = Self.identity(sender: sender.stored, sms: sms, raw: raw)
        let intent = rules.router.route(sms.text)
        let now = clock.now()
        return try store.pool.write { db in
            if try InboundMessages.exists(db, identity: identity) { return .alreadyRecorded }
            return try record(db, sms: sms, raw: raw, sender: sender, identity: identity, intent: intent,
                              source: source, ref: ref, now: now)
        }
    }

    func record(_ db: Database, sms: InboundSMS, raw: [UInt8], sender: Sender, identity: String, intent: Intent,
                source: String, ref: String, now: Date) throws -> ReceptionOutcome {
        let replies = Replies(rules)
        let limits = rules.config.limits
        var flags: [String] = sms.damaged ? ["damaged"] : []
        var complaint: ComplaintRecord?
        var reply: (kind: OutboundKind, text: String)?
        var matchKind: MatchKind?
        var routeKeyword: String?

        switch intent {
        case .complaint(let route, let match, let body):
            matchKind = match
            routeKeyword = route.isTriage ? nil : route.keyword
            let dedupeKey = MessageText.dedupeKey(body)
            let window = TimeInterval(rules.config.service.dedupeWindow.fixedSeconds ?? 86_400)
            if let existing = try Complaints.duplicate(db, sender: sender.stored, route: routeKeyword,
                                                       dedupeKey: dedupeKey, since: now.addingTimeInterval(-window)) {
                flags.append("duplicate")
                complaint = existing
                reply = (.duplicate, replies.duplicate(of: existing, route: route))
            } else if try Complaints.count(db, sender: sender.stored, since: now.addingTimeInterval(-3600)) >= limits.complaintsPerHour {
                // Stored and flagged for the desk, but no ticket and no reply:
                // a flood must not mint tickets or burn the SMS budget.
                flags.append("over_budget")
            } else {
                let priority: Priority = rules.urgent.matches(body) ? .urgent : .normal
                let due = rules.deadlines(for: route, priority: priority, from: now)
                let filed = try Complaints.insert(db, NewComplaint(
                    prefix: route.prefix, route: routeKeyword, region: route.region, sender: sender.stored,
                    text: body, dedupeKey: dedupeKey, matchKind: match, receivedAt: now, priority: priority,
                    agencySuggested: rules.agencies.suggest(body)?.agency,
                    firstResponseDue: due.firstResponse, resolutionDue: due.resolution))
                complaint = filed
                reply = (.ack, replies.ack(filed, route: route))
            }
        case .routeHelp(let route, let match):
            matchKind = match
            routeKeyword = route.keyword
            reply = (.help, replies.routeHelp(route))
        case .help, .unknownKeyword:
            reply = (.help, replies.help())
        case .status(let ticket):
            let own = try ticket.flatMap { try Complaints.find(db, ticket: $0) }.flatMap { $0.sender == sender.stored ? $0 : nil }
            if let own {
                reply = (.status, replies.status(own))
            } else {
                reply = (.status, replies.statusList(try Complaints.latest(db, sender: sender.stored, limit: 3)))
            }
        case .info, .optOut, .optIn, .rating:
            // Reserved now so no route can take these words; recorded for the
            // desk, answered once the lifecycle commands exist.
            flags.append("unanswered_command")
        }

        var replyTo = rules.replyNumber(for: sender)
        if reply != nil, replyTo == nil { flags.append("no_reply") }
        if reply != nil, let number = replyTo,
           try Outbox.replies(db, to: number, since: now.addingTimeInterval(-86_400)) >= limits.repliesPerDay {
            flags.append("reply_budget")
            replyTo = nil
        }
        // Only a complaint filed now belongs to this message; a duplicate
        // points at the earlier one through its reply.
        let filedNow = flags.contains("duplicate") ? nil : complaint?.id
        let inboundID = try InboundMessages.insert(db, NewInbound(
            identity: identity, source: source, sourceRef: ref, receivedAt: now, sender: sender, text: sms.text,
            raw: raw, intent: intent.name, matchKind: matchKind, route: routeKeyword, flags: flags), complaintID: filedNow)
        var replied = false
        if let reply, let number = replyTo {
            try Outbox.enqueue(db, NewOutbound(recipient: number, kind: reply.kind, text: reply.text,
                                               complaintID: complaint?.id, ticket: complaint?.ticket,
                                               inboundID: inboundID, createdAt: now))
            replied = true
        }
        return .recorded(intent: intent.name, ticket: filedNow == nil ? nil : complaint?.ticket, flags: flags, replied: replied)
    }
}
