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
    /// One part of a concatenated SMS, held until the others arrive.
    case held(sequence: Int, total: Int)
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
    /// same SMS delivered twice hashes the same. The gateway's own id wins
    /// when there is one; without an SMSC timestamp the raw bytes stand in, so
    /// two genuinely separate messages are not merged.
    public static func identity(sender: String, sms: InboundSMS, raw: [UInt8]) -> String {
        var key = Array("aduan-inbound-v1\n\(sender)\n".utf8)
        if let id = sms.externalID {
            key += Array("id:\(id)\n".utf8)
            if let part = sms.part { key += Array("part:\(part.reference)/\(part.total)/\(part.sequence)\n".utf8) }
        } else if let sent = sms.sentAt {
            key += Array("sent:\(sent)\n".utf8)
            if let part = sms.part { key += Array("part:\(part.reference)/\(part.total)/\(part.sequence)\n".utf8) }
            key += Array(sms.text.utf8)
        } else {
            key += Array("raw\n".utf8) + raw
        }
        return SHA256.hex(key)
    }

    public func receive(_ sms: InboundSMS, raw: [UInt8], source: String, ref: String) throws -> ReceptionOutcome {
        let now = clock.now()
        return try store.pool.write { db in
            try receive(db, sms, raw: raw, source: source, ref: ref, now: now)
        }
    }

    /// What reception works out from a message alone: pure, so it is done
    /// before the transaction, and the writer is held for the database's
    /// work only.
    public struct Arrival: Sendable {
        public var sms: InboundSMS
        /// As it is stored, answered and masked.
        public var sender: Sender
        /// ``identity(sender:sms:raw:)``.
        public var identity: String
        /// What the text asks for; nil for one part of a longer message,
        /// since only the joined text is routed.
        public var intent: Intent?
        /// For a complaint, its particulars as of the arrival's instant.
        public var filing: Filing?
    }

    /// What filing a complaint needs besides the database: from its text,
    /// route and instant alone. The matching of urgent and agency words was
    /// a tenth of the transaction.
    public struct Filing: Sendable {
        /// ``MessageText/dedupeKey(_:)`` of the body.
        public var dedupeKey: String
        public var priority: Priority
        /// The agency its words point to, and whether clearly.
        public var suggestion: (agency: String, clear: Bool)?
        public var due: (firstResponse: Date, resolution: Date)
        /// Its acknowledgement, to be joined with its ticket
        /// (``Replies/ackAwaitingTicket(route:firstResponseDue:)``).
        public var ack: [String]
    }

    /// The particulars of a complaint on `route` with `body`, received at `now`.
    public func filing(route: Route, body: String, at now: Date) -> Filing {
        let priority: Priority = rules.urgent.matches(body) ? .urgent : .normal
        let due = rules.deadlines(for: route, priority: priority, from: now)
        return Filing(dedupeKey: MessageText.dedupeKey(body), priority: priority, suggestion: rules.agencies.suggest(body),
                      due: due, ack: Replies(rules).ackAwaitingTicket(route: route, firstResponseDue: due.firstResponse))
    }

    /// `now` is the instant the message is received at: the one its
    /// transaction is given.
    public func arrival(of sms: InboundSMS, raw: [UInt8], at now: Date) -> Arrival {
        let sender = Sender(raw: sms.sender, countryCode: rules.config.service.countryCode)
        let isPart = (sms.part?.total ?? 1) > 1
        let intent = isPart ? nil : rules.router.route(sms.text)
        var filing: Filing?
        if case .complaint(let route, _, let body) = intent { filing = self.filing(route: route, body: body, at: now) }
        return Arrival(sms: sms, sender: sender, identity: Self.identity(sender: sender.stored, sms: sms, raw: raw),
                       intent: intent, filing: filing)
    }

    /// Receives inside the caller's transaction, so a log reader can commit
    /// a batch of lines together with its checkpoint.
    public func receive(_ db: Database, _ sms: InboundSMS, raw: [UInt8], source: String, ref: String,
                        now: Date) throws -> ReceptionOutcome {
        try receive(db, arrival(of: sms, raw: raw, at: now), raw: raw, source: source, ref: ref, now: now)
    }

    /// Receives a message whose ``arrival(of:raw:at:)`` was worked out
    /// already, for the same `now`.
    public func receive(_ db: Database, _ arrival: Arrival, raw: [UInt8], source: String, ref: String,
                        now: Date) throws -> ReceptionOutcome {
        let (sms, sender, identity) = (arrival.sms, arrival.sender, arrival.identity)
        // Only a part can have been held: its identity carries the part, so
        // a whole message never matches a held one.
        if try InboundMessages.exists(db, identity: identity)
            || (sms.part != nil && HeldParts.exists(db, identity: identity)) {
            return .alreadyRecorded
        }
        if let part = sms.part, part.total > 1 {
            return try hold(db, sms, part: part, raw: raw, sender: sender, identity: identity, source: source, ref: ref, now: now)
        }
        return try record(db, sms: sms, raw: raw, sender: sender, identity: identity,
                          intent: arrival.intent ?? rules.router.route(sms.text), filing: arrival.filing,
                          source: source, ref: ref, now: now).outcome
    }

    // MARK: Multipart

    /// What stands in the joined text for a part that never came.
    public static let missingPartMarker = "[...]"

    /// Holds one part; when it completes its set, the joined message is
    /// received as one. Routing only ever sees joined text.
    func hold(_ db: Database, _ sms: InboundSMS, part: ConcatenationPart, raw: [UInt8], sender: Sender, identity: String,
              source: String, ref: String, now: Date) throws -> ReceptionOutcome {
        let group = try HeldParts.group(db, sender: sender.stored, reference: part.reference, total: part.total)
        // The same part again under another timestamp (a gateway re-delivery).
        if group.contains(where: { $0.sequence == part.sequence }) { return .alreadyRecorded }
        let started = group.map(\.receivedAt).min() ?? now
        let timeout = TimeInterval(rules.config.service.multipartTimeout.fixedSeconds ?? 600)
        try HeldParts.hold(db, NewHeldPart(
            identity: identity, source: source, sourceRef: ref, sender: sender.stored, reference: part.reference,
            total: part.total, sequence: part.sequence, text: sms.text, raw: raw, damaged: sms.damaged,
            sentAt: sms.sentAt, receivedAt: now), expiresAt: started.addingTimeInterval(timeout))
        let parts = try HeldParts.group(db, sender: sender.stored, reference: part.reference, total: part.total)
        guard Set(parts.map(\.sequence)) == Set(1...part.total) else {
            return .held(sequence: part.sequence, total: part.total)
        }
        return try join(db, parts, now: now)
    }

    /// Joins a set of parts, complete or not, in sequence order.
    func join(_ db: Database, _ parts: [HeldPart], now: Date) throws -> ReceptionOutcome {
        guard let first = parts.first else { return .alreadyRecorded }
        var text = ""
        var raw: [UInt8] = []
        var missing = 0
        for sequence in 1...max(1, first.total) {
            if let part = parts.first(where: { $0.sequence == sequence }) {
                text += part.text
                raw += part.raw
            } else {
                text += Self.missingPartMarker
                missing += 1
            }
        }
        let sender = Sender(raw: first.sender, countryCode: rules.config.service.countryCode)
        let sms = InboundSMS(sender: first.sender, text: text, sentAt: first.sentAt, damaged: parts.contains(where: \.damaged))
        let identity = SHA256.hex(Array("aduan-joined-v1\n\(parts.map { String($0.id) }.joined(separator: ","))".utf8))
        let (outcome, inboundID) = try record(
            db, sms: sms, raw: raw, sender: sender, identity: identity, intent: rules.router.route(text),
            source: first.source, ref: parts.map(\.sourceRef).joined(separator: ","), now: now,
            extraFlags: missing > 0 ? ["multipart", "missing_parts"] : ["multipart"])
        try HeldParts.markJoined(db, ids: parts.map(\.id), into: inboundID)
        return outcome
    }

    /// Joins every group whose timeout has passed, with a marker for each
    /// missing part: a complaint with a gap beats no complaint.
    public func joinExpiredParts() throws -> [ReceptionOutcome] {
        let now = clock.now()
        return try store.pool.write { db in
            try HeldParts.expired(db, at: now).map { try join(db, $0, now: now) }
        }
    }

    public func nextPartExpiry() throws -> Date? {
        try store.pool.read { db in try HeldParts.nextExpiry(db) }
    }

    func record(_ db: Database, sms: InboundSMS, raw: [UInt8], sender: Sender, identity: String, intent: Intent,
                filing: Filing? = nil, source: String, ref: String, now: Date,
                extraFlags: [String] = []) throws -> (outcome: ReceptionOutcome, inboundID: Int64) {
        let replies = Replies(rules)
        let limits = rules.config.limits
        var flags: [String] = extraFlags + (sms.damaged ? ["damaged"] : [])
        /// A complaint filed by this message.
        var filed: ComplaintRecord?
        /// The complaint this message is about (filed now, or an earlier one
        /// it duplicates, adds to or rates): its history shows the message.
        var related: ComplaintRecord?
        var reply: (kind: OutboundKind, text: String)?
        var matchKind: MatchKind?
        var routeKeyword: String?
        var autoForward: String?
        let replyNumber = rules.replyNumber(for: sender)

        /// The sender's own complaint by ticket; nil for anyone else, so a
        /// stranger learns nothing, not even that the ticket exists.
        func own(_ ticket: Ticket?) throws -> ComplaintRecord? {
            try ticket.flatMap { try Complaints.find(db, ticket: $0) }.flatMap { $0.sender == sender.stored ? $0 : nil }
        }
        func notFound() throws -> (OutboundKind, String) {
            (.status, replies.statusList(try Complaints.latest(db, sender: sender.stored, limit: 3)))
        }

        switch intent {
        case .complaint(let route, let match, let body):
            matchKind = match
            routeKeyword = route.isTriage ? nil : route.keyword
            let filing = filing ?? self.filing(route: route, body: body, at: now)
            let dedupeKey = filing.dedupeKey
            let window = TimeInterval(rules.config.service.dedupeWindow.fixedSeconds ?? 86_400)
            if let existing = try Complaints.duplicate(db, sender: sender.stored, route: routeKeyword,
                                                       dedupeKey: dedupeKey, since: now.addingTimeInterval(-window)) {
                flags.append("duplicate")
                related = existing
                reply = (.duplicate, replies.duplicate(of: existing, route: route))
            } else if try Complaints.count(db, sender: sender.stored, since: now.addingTimeInterval(-3600)) >= limits.complaintsPerHour {
                // Stored and flagged for the desk, but no ticket and no reply:
                // a flood must not mint tickets or burn the SMS budget.
                flags.append("over_budget")
            } else {
                let suggestion = filing.suggestion
                let complaint = try Complaints.insert(db, NewComplaint(
                    prefix: route.prefix, route: routeKeyword, region: route.region, sender: sender.stored,
                    text: body, dedupeKey: dedupeKey, matchKind: match, receivedAt: now, priority: filing.priority,
                    agencySuggested: suggestion?.agency,
                    firstResponseDue: filing.due.firstResponse, resolutionDue: filing.due.resolution))
                filed = complaint
                related = complaint
                reply = (.ack, filing.ack.joined(separator: complaint.ticket))
                if route.autoForward, let suggestion, suggestion.clear { autoForward = suggestion.agency }
            }
        case .routeHelp(let route, let match):
            matchKind = match
            routeKeyword = route.keyword
            reply = (.help, replies.routeHelp(route))
        case .help, .unknownKeyword:
            reply = (.help, replies.help())
        case .status(let ticket):
            if let complaint = try own(ticket) {
                reply = (.status, replies.status(complaint))
            } else {
                reply = try notFound()
            }
        case .info(let ticket, let text):
            if let complaint = try own(ticket) {
                related = complaint
                try Events.append(db, complaintID: complaint.id, at: now, kind: "info", actor: "citizen", note: text)
                reply = (.status, replies.citizen(.infoAck, ticket: complaint.ticket))
            } else {
                reply = try notFound()
            }
        case .optOut:
            if let number = replyNumber { try OptOuts.stop(db, number: number, at: now) }
            reply = (.help, replies.citizen(.stopAck, ticket: nil))
        case .optIn:
            if let number = replyNumber { try OptOuts.start(db, number: number) }
            reply = (.help, replies.citizen(.startAck, ticket: nil))
        case .rating(let ticket, let satisfied, let comment):
            let complaint = ticket == nil ? try Complaints.latestResolved(db, sender: sender.stored) : try own(ticket)
            if let complaint {
                related = complaint
                try Complaints.rate(db, complaint: complaint, satisfied: satisfied, comment: comment, at: now)
                reply = (.status, replies.citizen(satisfied ? .ratingPuas : .ratingTidak, ticket: complaint.ticket))
            } else {
                reply = try notFound()
            }
        }

        var replyTo = replyNumber
        if reply != nil, replyTo == nil { flags.append("no_reply") }
        if reply != nil, let number = replyTo,
           try Outbox.replies(db, to: number, since: now.addingTimeInterval(-86_400)) >= limits.repliesPerDay {
            flags.append("reply_budget")
            replyTo = nil
        }
        let inboundID = try InboundMessages.insert(db, NewInbound(
            identity: identity, source: source, sourceRef: ref, receivedAt: now, sender: sender, text: sms.text,
            raw: raw, intent: intent.name, matchKind: matchKind, route: routeKeyword, flags: flags), complaintID: related?.id)
        var replied = false
        if let reply, let number = replyTo {
            try Outbox.enqueue(db, NewOutbound(recipient: number, kind: reply.kind, text: reply.text,
                                               complaintID: related?.id, ticket: related?.ticket,
                                               inboundID: inboundID, createdAt: now))
            replied = true
        }
        // After the ack, so the citizen reads the ticket first.
        if let agency = autoForward, let complaint = filed {
            _ = try ComplaintDesk(store: store, rules: rules, clock: clock)
                .perform(db, .forward(agency: agency), on: complaint, actor: "aduan", now: now)
        }
        return (.recorded(intent: intent.name, ticket: filed?.ticket, flags: flags, replied: replied), inboundID)
    }
}
