import AduanCore
import AduanStore
import Foundation
import GRDB
import Testing

/// The queries whose cost must not grow with the years of complaints behind
/// them. A year of a large desk is a million complaints, nearly all closed
/// and already reminded about; these must read what may be due or overdue,
/// through an index, never every complaint (`aduan-scale measure` shows the
/// same plans on a generated year).
@Suite struct QueryPlanTests {
    /// A plan line that walks a whole table: a bare SCAN, a SCAN through an
    /// index holding every row, or a rowid range open at the bottom.
    func readsEveryComplaint(_ detail: String) -> Bool {
        (detail.hasPrefix("SCAN complaints") || detail.hasPrefix("SCAN c "))
            && !detail.contains("complaints_due_") && !detail.contains("complaints_open_")
            || detail.contains("INTEGER PRIMARY KEY (rowid>?)")
    }

    @Test func eachReminderStageReadsItsOwnPartialIndex() throws {
        let fixture = try StoreFixture()
        for stage in ReminderStage.allCases {
            let plans = try fixture.plans { db in
                _ = try RemindersSent.candidates(db, stage: stage, now: fixture.now, cutoff: fixture.now, limit: 500,
                                                 afterID: 0)
            }
            #expect(plans.count == 1)
            for (sql, details) in plans {
                #expect(details.contains { $0.contains("USING INDEX \(stage.dueIndex)") }, "\(sql)\n\(details)")
                #expect(!details.contains(where: readsEveryComplaint), "\(stage): \(details)")
            }
        }
    }

    /// Migration v6 drops v4's index on `updated_at`, which no query reads
    /// since v5 and every complaint wrote to; the indexes v5 added are all there.
    @Test func noIndexIsKeptThatNoQueryReads() throws {
        let fixture = try StoreFixture()
        let indexes = try fixture.store.pool.read { db in
            try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'complaints'")
        }
        #expect(!indexes.contains("complaints_open_updated"))
        for stage in ReminderStage.allCases { #expect(indexes.contains(stage.dueIndex)) }
        #expect(indexes.isSuperset(of: ["complaints_open_due", "complaints_open_unanswered"]))
    }

    /// Migration v7 drops the index of inbound messages by sender, which no
    /// query reads; the one by identity (duplicates) and the one by
    /// complaint (a complaint's history) stay.
    @Test func inboundMessagesKeepOnlyTheIndexesQueriesRead() throws {
        let fixture = try StoreFixture()
        let indexes = try fixture.store.pool.read { db in
            try String.fetchSet(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'inbound_messages'
                    AND name NOT LIKE 'sqlite_autoindex_%'
                """)
        }
        #expect(indexes == ["inbound_complaint"])
        let plans = try fixture.plans { db in
            _ = try InboundMessages.exists(db, identity: "x")
            _ = try InboundMessages.of(db, complaintID: 1)
        }
        #expect(plans.count == 2)
        for (sql, details) in plans {
            #expect(details.contains { $0.contains("USING") && $0.contains("INDEX") }, "\(sql)\n\(details)")
            #expect(!details.contains { $0.hasPrefix("SCAN inbound_messages") }, "\(sql)\n\(details)")
        }
    }

    @Test func overdueListReadsOnlyOpenComplaintsPastADeadline() throws {
        let fixture = try StoreFixture()
        for filter in [ComplaintFilter(overdueAt: fixture.now), ComplaintFilter(route: "BANJAR", overdueAt: fixture.now),
                       ComplaintFilter(agency: "dpupr", overdueAt: fixture.now)] {
            let plans = try fixture.plans { db in _ = try Complaints.list(db, filter) }
            #expect(plans.count == 1)
            for (sql, details) in plans {
                #expect(details.contains { $0.contains("USING INDEX complaints_open_due (resolution_due<?)") }, "\(sql)\n\(details)")
                #expect(details.contains { $0.contains("USING INDEX complaints_open_unanswered (first_response_due<?)") },
                        "\(sql)\n\(details)")
                #expect(!details.contains(where: readsEveryComplaint), "\(details)")
            }
        }
    }

    @Test func statusReplyLookupsSearchByKey() throws {
        let fixture = try StoreFixture()
        let plans = try fixture.plans { db in
            _ = try InboundMessages.exists(db, identity: "x")
            _ = try HeldParts.exists(db, identity: "x")
            _ = try Complaints.find(db, ticket: Ticket(prefix: "BJR", number: 42))
            _ = try Complaints.latest(db, sender: "6281234567890", limit: 3)
            _ = try Outbox.replies(db, to: "6281234567890", since: fixture.now)
            _ = try OptOuts.isStopped(db, number: "6281234567890")
        }
        #expect(plans.count == 6)
        for (sql, details) in plans {
            // (`SELECT EXISTS (…)` scans its one constant row.)
            let reads = details.filter { ($0.hasPrefix("SEARCH") || $0.hasPrefix("SCAN")) && $0 != "SCAN CONSTANT ROW" }
            #expect(!reads.isEmpty && reads.allSatisfy { $0.hasPrefix("SEARCH") }, "\(sql)\n\(details)")
        }
    }
}
