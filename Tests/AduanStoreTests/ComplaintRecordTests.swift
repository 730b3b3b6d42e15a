import AduanCore
import AduanStore
import Foundation
import GRDB
import Testing

/// `ComplaintRecord` reads its columns by position: every field must come
/// back as written, through each query that returns records.
@Suite struct ComplaintRecordTests {
    /// `insert` builds its record instead of reading the row back: it must
    /// be the row as stored, instants rounded to the table's milliseconds.
    @Test(arguments: [nil, "dpupr"] as [String?])
    func insertReturnsTheRowAsStored(agency: String?) throws {
        let fixture = try StoreFixture()
        try fixture.store.pool.write { db in
            let received = fixture.now.addingTimeInterval(0.000_4)  // not a whole millisecond
            for route in ["BANJAR", nil] as [String?] {
                let filed = try Complaints.insert(db, NewComplaint(
                    prefix: route == nil ? "UMUM" : "BJR", route: route, region: "Kabupaten Banjar", sender: "6281234567890",
                    text: "jalan rusak", dedupeKey: "jalan rusak", matchKind: route == nil ? .none : .exact,
                    receivedAt: received, priority: .normal, agencySuggested: agency,
                    firstResponseDue: received.addingTimeInterval(3 * 86_400 + 0.000_6),
                    resolutionDue: received.addingTimeInterval(14 * 86_400)))
                #expect(try Complaints.find(db, id: filed.id) == filed)
                #expect(try Complaints.duplicate(db, sender: "6281234567890", route: route, dedupeKey: "jalan rusak",
                                                 since: received.addingTimeInterval(-60)) == filed)
            }
        }
    }

    /// Each prefix counts on its own from 1, whatever the order the
    /// prefixes come in, and a complaint rolled back gives its number back
    /// (it was never seen).
    @Test func ticketNumbersCountPerPrefix() throws {
        let fixture = try StoreFixture()
        func file(_ db: Database, _ prefix: String) throws -> ComplaintRecord {
            try Complaints.insert(db, NewComplaint(
                prefix: prefix, route: prefix, region: "Kabupaten Banjar", sender: "6281234567890", text: "jalan rusak",
                dedupeKey: "jalan rusak", matchKind: .exact, receivedAt: fixture.now, priority: .normal,
                agencySuggested: nil, firstResponseDue: fixture.now, resolutionDue: fixture.now))
        }
        let tickets = try fixture.store.pool.write { db in
            try ["BJR", "PML", "BJR", "BJR", "UMUM", "PML"].map { try file(db, $0) }
        }
        #expect(tickets.map(\.ticket) == ["BJR-0001", "PML-0001", "BJR-0002", "BJR-0003", "UMUM-0001", "PML-0002"])
        let stored = try fixture.store.pool.read { db in try tickets.map { try Complaints.find(db, id: $0.id) } }
        #expect(stored == tickets)
        struct Abandon: Error {}
        #expect(throws: Abandon.self) {
            try fixture.store.pool.write { db in
                _ = try file(db, "BJR")
                _ = try file(db, "KDR")
                throw Abandon()
            }
        }
        let after = try fixture.store.pool.write { db in try [file(db, "BJR"), file(db, "KDR")] }
        #expect(after.map(\.ticket) == ["BJR-0004", "KDR-0001"])
    }

    @Test func everyFieldReadsBackThroughEveryQuery() throws {
        let fixture = try StoreFixture()
        try fixture.store.pool.write { db in
            let received = fixture.now.addingTimeInterval(-fixture.days(20))
            let filed = try Complaints.insert(db, NewComplaint(
                prefix: "PML", route: "MASBUPSIAGA", region: "Kabupaten Pemalang", sender: "6285712345678",
                text: "banjir di Comal", dedupeKey: "banjir di comal", matchKind: .alias, receivedAt: received,
                priority: .urgent, agencySuggested: "dpupr", firstResponseDue: received.addingTimeInterval(4 * 3600),
                resolutionDue: received.addingTimeInterval(86_400)))
            let forwarded = received.addingTimeInterval(3600)
            try Complaints.apply(db, complaint: filed, action: .forward(agency: "dlh"), to: .forwarded, actor: "rina", at: forwarded)
            guard let afterForward = try Complaints.find(db, id: filed.id) else {
                Issue.record("complaint vanished")
                return
            }
            let closed = received.addingTimeInterval(7200)
            try Complaints.apply(db, complaint: afterForward, action: .resolve(answer: "air sudah surut"), to: .resolved,
                                 actor: "rina", at: closed)
            guard let resolved = try Complaints.find(db, id: filed.id) else { return }
            let rated = received.addingTimeInterval(3 * 86_400)
            try Complaints.rate(db, complaint: resolved, satisfied: false, comment: "", at: rated)

            guard let c = try Complaints.find(db, ticket: Ticket(prefix: "PML", number: 1)) else {
                Issue.record("not found by ticket")
                return
            }
            #expect(c.id == filed.id && c.ticket == "PML-0001" && c.route == "MASBUPSIAGA")
            #expect(c.region == "Kabupaten Pemalang" && c.sender == "6285712345678" && c.text == "banjir di Comal")
            #expect(c.matchKind == .alias && c.priority == .urgent && c.category == nil)
            #expect(c.agencySuggested == "dpupr" && c.agency == "dlh" && c.status == .resolved)
            #expect(c.receivedAt == received && c.firstResponseDue == received.addingTimeInterval(4 * 3600))
            #expect(c.resolutionDue == received.addingTimeInterval(86_400) && c.updatedAt == rated)
            #expect(c.firstResponseAt == forwarded && c.closedAt == closed && c.forwardedAt == forwarded)
            #expect(c.answer == "air sudah surut" && c.rating == "tidak" && c.flagged)

            #expect(try Complaints.latest(db, sender: "6285712345678", limit: 3) == [c])
            #expect(try Complaints.latestResolved(db, sender: "6285712345678") == c)
            #expect(try Complaints.list(db, ComplaintFilter(route: "MASBUPSIAGA")) == [c])
            #expect(try Complaints.duplicate(db, sender: "6285712345678", route: "MASBUPSIAGA", dedupeKey: "banjir di comal",
                                             since: received) == c)
        }
    }
}
