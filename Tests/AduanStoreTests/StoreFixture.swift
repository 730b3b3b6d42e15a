@testable import AduanStore
import AduanCore
import Foundation
import GRDB

/// A store in a temporary directory, removed when the fixture goes, with
/// helpers that file and work complaints through the store's own functions.
final class StoreFixture {
    let root = NSTemporaryDirectory() + "aduan-store-" + UUID().uuidString
    let store: Store
    /// Monday 2026-11-23 09:00 WIB.
    let now = Date(timeIntervalSince1970: 1_795_399_200)

    init() throws {
        store = try Store(path: root + "/aduan.db")
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func days(_ n: Double) -> TimeInterval { n * 86_400 }

    /// Files a complaint received `age` before now with the given deadlines
    /// (relative to now), then applies the desk's actions in order, a minute apart.
    @discardableResult
    func complaint(_ db: Database, age: TimeInterval, firstResponseIn: TimeInterval, resolutionIn: TimeInterval,
                   sender: String = "6281234567890", actions: [(DeskAction, ComplaintStatus)] = []) throws -> ComplaintRecord {
        let received = now.addingTimeInterval(-age)
        var record = try Complaints.insert(db, NewComplaint(
            prefix: "BJR", route: "BANJAR", region: "Kabupaten Banjar", sender: sender, text: "jalan rusak",
            dedupeKey: UUID().uuidString, matchKind: .exact, receivedAt: received, priority: .normal,
            agencySuggested: "dpupr", firstResponseDue: now.addingTimeInterval(firstResponseIn),
            resolutionDue: now.addingTimeInterval(resolutionIn)))
        for (index, (action, status)) in actions.enumerated() {
            try Complaints.apply(db, complaint: record, action: action, to: status, actor: "test",
                                 at: received.addingTimeInterval(TimeInterval(60 * (index + 1))))
            record = try Complaints.find(db, id: record.id) ?? record
        }
        return record
    }

    /// What `EXPLAIN QUERY PLAN` says of every statement the body runs.
    func plans(_ body: (Database) throws -> Void) throws -> [String: [String]] {
        try store.pool.write { db in
            var statements: [String] = []
            db.trace(options: .statement) { event in
                if case .statement(let statement) = event { statements.append(statement.expandedSQL) }
            }
            try body(db)
            db.trace(options: [])
            var plans: [String: [String]] = [:]
            for sql in statements {
                plans[sql] = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }
            }
            return plans
        }
    }
}
