@testable import aduan_scale
import AduanConfig
import AduanCore
import AduanDaemon
import AduanStore
import Foundation
import GRDB
import Testing

/// The generator's database must be one aduan could have written: every
/// constraint and trigger satisfied, and read back by the store's own
/// queries as the simulation left it.
@Suite struct GeneratorTests {
    let root = NSTemporaryDirectory() + "aduan-scale-test-" + UUID().uuidString
    let rules: DeskRules
    let end: Date

    init() throws {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        rules = DeskRules(try ConfigLoader.load(path: url.path + "/config/aduan.toml"))
        end = try AduanScale.instant(AduanScale.defaultEnd)
    }

    func generate(_ complaints: Int, seed: UInt64, name: String = "aduan.db") throws -> (Store, YearSimulation.Summary) {
        let store = try Store(path: root + "/" + name)
        return (store, try Generate.generate(into: store, rules: rules, complaints: complaints, seed: seed, end: end))
    }

    @Test func fiveHundredComplaintsPassEveryCheckAndReadBack() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (store, summary) = try generate(500, seed: 3)
        #expect(summary.complaints == 500)
        #expect(try Generate.verify(store) == [])

        try store.pool.read { db in
            for status in ComplaintStatus.allCases {
                let listed = try Complaints.list(db, ComplaintFilter(status: status))
                #expect(listed.count == summary.byStatus[status] ?? 0, "\(status)")
            }
            let overdue = try Complaints.list(db, ComplaintFilter(overdueAt: end))
            #expect(overdue.count == summary.overdue)
            #expect(overdue.allSatisfy { $0.isOverdue(at: end) })

            // A year on: most complaints closed, what is open is recent or overdue.
            let all = try Complaints.list(db, ComplaintFilter())
            let closed = all.filter { $0.status == .resolved || $0.status == .rejected }
            #expect(Double(closed.count) > 0.85 * Double(all.count))
            let monthAgo = end.addingTimeInterval(-30 * 86_400)
            #expect(all.filter { !($0.status == .resolved || $0.status == .rejected) }
                .allSatisfy { $0.receivedAt > monthAgo || $0.isOverdue(at: end) })
            #expect(all.allSatisfy { $0.receivedAt <= end && $0.receivedAt > end.addingTimeInterval(-366 * 86_400) })

            // Each route's sequence goes on from its last ticket.
            for row in try Row.fetchAll(db, sql: "SELECT prefix, last FROM ticket_sequences") {
                let highest = try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM complaints WHERE prefix = ?",
                                               arguments: [row["prefix"] as String])
                #expect(highest == row["last"])
            }

            // STATUS from the number that filed it finds the complaint; its
            // history, messages and SMS are there for `complaints show`.
            for complaint in all.prefix(50) {
                guard let ticket = Ticket(complaint.ticket) else {
                    Issue.record("unreadable ticket \(complaint.ticket)")
                    continue
                }
                #expect(try Complaints.find(db, ticket: ticket)?.sender == complaint.sender)
                #expect(try Events.of(db, complaintID: complaint.id).first?.kind == "received")
                #expect(try InboundMessages.of(db, complaintID: complaint.id).first?.intent == "complaint")
                #expect(try Outbox.of(db, complaintID: complaint.id).first?.kind == OutboundKind.ack.rawValue)
            }
        }

        // The year's hourly runs sent every stage that came due: the run at
        // the end finds at most what came due in its last hour.
        let sends = try Reminders(store: store, rules: rules).run(at: end, dryRun: true)
        #expect(sends.count <= 5, "\(sends.map { "\($0.stage.rawValue) \($0.ticket)" })")
    }

    @Test func theSameSeedGivesTheSameDatabase() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        func digest(_ store: Store) throws -> [String] {
            try store.pool.read { db in
                try ["complaints", "events", "inbound_messages", "outbox", "reminders_sent", "opt_outs"].map { table in
                    let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1")
                    return SHA256.hex(Array(rows.map(\.description).joined(separator: "\n").utf8))
                }
            }
        }
        let (first, _) = try generate(200, seed: 11, name: "a.db")
        let (second, _) = try generate(200, seed: 11, name: "b.db")
        let (other, _) = try generate(200, seed: 12, name: "c.db")
        #expect(try digest(first) == digest(second))
        #expect(try digest(first) != digest(other))
    }
}
