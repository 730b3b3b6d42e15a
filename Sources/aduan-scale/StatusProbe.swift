import AduanConfig
import AduanCore
import AduanDaemon
import AduanGateways
import AduanStore
import Foundation
import GRDB

/// A STATUS reply's database time, for tickets drawn at random from the whole
/// year and asked about from the number that filed them (§3.5).
///
/// Two figures per reply:
/// - lookups: the reads `Reception` makes for it, through the same store
///   functions in the same order (is the message new, is it a held part, the
///   complaint by ticket, the sender's reply budget), in one read transaction;
/// - receive: the whole `Reception.receive` of the SMS, as the daemon runs it:
///   the lookups, routing, the reply text, the inbound row and the outbox row,
///   in a write transaction that is then rolled back, so the database is
///   left as it was. Neither includes the commit's fsync, which is the disk's
///   cost and the same for an empty database.
struct StatusProbe {
    struct Sample {
        var ticket: Ticket
        var sender: String
    }

    struct Figures {
        var lookups: [Double] = []
        var receive: [Double] = []
        /// Replies that were not the complaint's own status (should be 0).
        var unexpected = 0
    }

    let store: Store
    let rules: DeskRules
    let now: Date

    /// `count` complaints picked uniformly by id, with their senders.
    func samples(count: Int, seed: UInt64) throws -> [Sample] {
        try store.pool.read { db in
            let maxID = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM complaints") ?? 0
            guard maxID > 0 else { return [] }
            var random = SeededRandom(seed: seed, stream: 0, salt: 0x5354415455)
            var samples: [Sample] = []
            while samples.count < count {
                let id = Int64(random.below(Int(maxID))) + 1
                guard let row = try Row.fetchOne(db, sql: "SELECT ticket, sender FROM complaints WHERE id = ?", arguments: [id]),
                      let ticket = Ticket(row["ticket"] as String) else { continue }
                samples.append(Sample(ticket: ticket, sender: row["sender"]))
            }
            return samples
        }
    }

    func measure(_ samples: [Sample]) throws -> Figures {
        var figures = Figures()
        let reception = Reception(store: store, rules: rules, clock: FixedClock(now))
        for (index, sample) in samples.enumerated() {
            let text = "STATUS \(sample.ticket)"
            let sent = "probe-\(index)-\(UInt64(now.timeIntervalSince1970))"
            let sms = InboundSMS(sender: sample.sender, text: text, sentAt: sent)
            let raw = Array("From: \(sample.sender)\nSent: \(sent)\n\n\(text)".utf8)
            let identity = Reception.identity(sender: sample.sender, sms: sms, raw: raw)

            let lookup = try store.pool.read { db in
                let started = monotonic()
                _ = try InboundMessages.exists(db, identity: identity)
                _ = try HeldParts.exists(db, identity: identity)
                let own = try Complaints.find(db, ticket: sample.ticket).flatMap { $0.sender == sample.sender ? $0 : nil }
                _ = try Outbox.replies(db, to: sample.sender, since: now.addingTimeInterval(-86_400))
                let elapsed = monotonic() - started
                return own == nil ? nil : elapsed
            }
            guard let lookup else {
                figures.unexpected += 1
                continue
            }
            figures.lookups.append(lookup)

            var outcome: ReceptionOutcome?
            var elapsed = 0.0
            try store.pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    let started = monotonic()
                    outcome = try reception.receive(db, sms, raw: raw, source: "probe", ref: sent, now: now)
                    elapsed = monotonic() - started
                    return .rollback
                }
            }
            guard case .recorded(intent: "status", _, _, replied: true) = outcome else {
                figures.unexpected += 1
                continue
            }
            figures.receive.append(elapsed)
        }
        return figures
    }
}

extension Array where Element == Double {
    /// The value below which a share `p` of the sorted values lie (nearest rank).
    func percentile(_ p: Double) -> Double {
        guard !isEmpty else { return .nan }
        let sorted = self.sorted()
        return sorted[Swift.min(sorted.count - 1, Swift.max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
    }
}
