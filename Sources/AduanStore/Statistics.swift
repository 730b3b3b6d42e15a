import AduanCore
import Foundation
import GRDB

/// The figures of `aduan stats` (§7), computed in SQLite.
///
/// Three statements in one read transaction, so the figures agree with each
/// other while the daemon keeps writing: one scan grouped by (route, status,
/// agency) gives every count, and each median is one sorted pass that hands
/// back only the middle row or two (`ORDER BY … LIMIT 2 OFFSET (n-1)/2`).
/// The sort runs inside SQLite over one integer per complaint; no complaint
/// is loaded into Swift. Durations are differences of two columns, which no
/// index can order, so the sort is O(n log n); at a desk's volume (thousands
/// to a few hundred thousand rows) that is milliseconds.
public enum Statistics {
    public struct Summary: Sendable, Equatable {
        public var total: Int
        /// Keyed by route keyword; nil is triage.
        public var byRoute: [String?: Int]
        /// Keyed by the stored status identifier.
        public var byStatus: [String: Int]
        /// Keyed by agency id; nil is not yet assigned.
        public var byAgency: [String?: Int]
        /// Past a deadline at the instant asked about, and still open.
        public var overdue: Int
        /// Received → the desk's first action, over complaints that have had one.
        public var firstResponse: Median?
        /// Received → resolved, over complaints now resolved.
        public var resolution: Median?
    }

    public struct Median: Sendable, Equatable {
        /// The middle value, or the mean of the two middle values for an even count.
        public var seconds: TimeInterval
        /// How many complaints it is the median of.
        public var count: Int
    }

    /// Complaints received at or after `since` (all when nil); overdue as of `now`.
    public static func summary(_ db: Database, since: Date? = nil, now: Date) throws -> Summary {
        var whereSQL = ""
        var sinceArguments = StatementArguments()
        if let since {
            whereSQL = "WHERE received_at >= ?"
            sinceArguments = [Millis.from(since)]
        }
        let t = Millis.from(now)
        // The overdue test is ComplaintRecord.isOverdue(at:) in SQL, as in
        // Complaints.list(overdueAt:): a first response on time stops that
        // deadline counting, closing stops both.
        let rows = try Row.fetchAll(db, sql: """
            SELECT route, status, agency, COUNT(*) AS n,
                   SUM(status NOT IN ('resolved', 'rejected')
                       AND (resolution_due < ? OR (first_response_at IS NULL AND first_response_due < ?))) AS overdue,
                   SUM(first_response_at IS NOT NULL) AS responded,
                   SUM(status = 'resolved' AND closed_at IS NOT NULL) AS resolved
            FROM complaints \(whereSQL)
            GROUP BY route, status, agency
            """, arguments: [t, t] + sinceArguments)

        var summary = Summary(total: 0, byRoute: [:], byStatus: [:], byAgency: [:], overdue: 0,
                              firstResponse: nil, resolution: nil)
        var responded = 0
        var resolved = 0
        for row in rows {
            let n: Int = row["n"]
            summary.total += n
            summary.byRoute[row["route"] as String?, default: 0] += n
            summary.byStatus[row["status"] as String, default: 0] += n
            summary.byAgency[row["agency"] as String?, default: 0] += n
            summary.overdue += row["overdue"] as Int
            responded += row["responded"] as Int
            resolved += row["resolved"] as Int
        }

        let extraWhere = since == nil ? "" : "AND received_at >= ?"
        summary.firstResponse = try median(
            db, of: "first_response_at - received_at",
            where: "first_response_at IS NOT NULL \(extraWhere)", arguments: sinceArguments, count: responded)
        summary.resolution = try median(
            db, of: "closed_at - received_at",
            where: "status = 'resolved' AND closed_at IS NOT NULL \(extraWhere)", arguments: sinceArguments, count: resolved)
        return summary
    }

    /// The median of a millisecond expression over `count` rows (counted by
    /// the caller in the same transaction, so the offset is exact).
    static func median(_ db: Database, of expression: String, where condition: String,
                       arguments: StatementArguments, count: Int) throws -> Median? {
        guard count > 0 else { return nil }
        let middle = try Double.fetchOne(db, sql: """
            SELECT AVG(v) FROM (
                SELECT \(expression) AS v FROM complaints WHERE \(condition)
                ORDER BY v LIMIT ? OFFSET ?
            )
            """, arguments: arguments + [2 - count % 2, (count - 1) / 2])
        return middle.map { Median(seconds: $0 / 1000, count: count) }
    }
}
