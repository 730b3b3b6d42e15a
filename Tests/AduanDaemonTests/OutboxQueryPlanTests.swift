import AduanStore
import Foundation
import GRDB
import Testing

@Suite struct OutboxQueryPlanTests {
    /// The spooler asks for the due rows after every message, and the daemon
    /// for the next hold. The outbox keeps every SMS ever sent, so a query
    /// that reads the whole table makes each message slower than the one
    /// before (aduan-crash saw 170 messages/s fall to 50/s over 10,000).
    /// Both must read the unspooled rows only, through the partial index.
    @Test func spoolingQueriesReadOnlyUnspooledRows() throws {
        let desk = try Desk()
        let plans = try desk.store.pool.write { db -> [String: [String]] in
            var statements: [String] = []
            db.trace(options: .statement) { event in
                if case .statement(let statement) = event { statements.append(statement.expandedSQL) }
            }
            _ = try Outbox.due(db, at: Date(), limit: 256)
            _ = try Outbox.nextHoldEnd(db)
            db.trace(options: [])
            var plans: [String: [String]] = [:]
            for sql in statements where sql.contains("outbox") {
                plans[sql] = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }
            }
            return plans
        }
        #expect(plans.count == 2, "\(plans.keys)")
        for (sql, details) in plans {
            for detail in details where detail.contains("outbox") {
                #expect(detail.contains("USING INDEX outbox_unspooled"), "\(sql)\n  reads: \(detail)")
            }
        }
    }
}
