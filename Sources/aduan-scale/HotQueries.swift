import AduanConfig
import AduanCore
import AduanDaemon
import AduanStore
import Foundation
import GRDB

/// The queries whose cost must not grow with the years of complaints behind
/// them: a STATUS reply's, each reminder stage's due scan, the overdue list,
/// and the spooler's due scan. Each is run through the store's own function,
/// so the SQL and the plan are the ones production runs, not a copy.
struct HotQueries {
    struct Query {
        var name: String
        var run: (Database) throws -> Void
    }

    struct Plan {
        var name: String
        var sql: [String]
        var details: [String]
        /// Plan lines that read a whole table or a whole full-table index.
        var wholeTableReads: [String]
        /// Median of five runs of the store function, milliseconds.
        var milliseconds: Double
    }

    let queries: [Query]

    /// - Parameters:
    ///   - ticket, sender: an existing complaint and its own number, for the STATUS lookups.
    init(rules: DeskRules, now: Date, ticket: Ticket, sender: String) {
        let reminders = rules.config.reminders
        var queries: [Query] = [
            Query(name: "status.identity") { db in _ = try InboundMessages.exists(db, identity: String(repeating: "0", count: 64)) },
            Query(name: "status.held_part") { db in _ = try HeldParts.exists(db, identity: String(repeating: "0", count: 64)) },
            Query(name: "status.ticket") { db in _ = try Complaints.find(db, ticket: ticket) },
            Query(name: "status.reply_budget") { db in
                _ = try Outbox.replies(db, to: sender, since: now.addingTimeInterval(-86_400))
            },
            Query(name: "status.own_latest") { db in _ = try Complaints.latest(db, sender: sender, limit: 3) },
        ]
        for stage in ReminderStage.allCases {
            let span: TimeSpan? = switch stage {
            case .deskAlert: reminders.deskAfter
            case .agencyReminder: reminders.agencyAfter
            case .escalation: nil
            case .citizenUpdate: reminders.citizenUpdateAfter
            case .survey: reminders.surveyAfter
            }
            let cutoff = Self.cutoff(span, now)
            queries.append(Query(name: "remind.\(stage.rawValue)") { db in
                _ = try RemindersSent.candidates(db, stage: stage, now: now, cutoff: cutoff, limit: 500, afterID: 0)
            })
        }
        queries.append(Query(name: "remind.opt_out") { db in _ = try OptOuts.isStopped(db, number: sender) })
        queries.append(Query(name: "list.overdue") { db in _ = try Complaints.list(db, ComplaintFilter(overdueAt: now)) })
        queries.append(Query(name: "outbox.due") { db in _ = try Outbox.due(db, at: now, limit: 256) })
        queries.append(Query(name: "outbox.next_hold") { db in _ = try Outbox.nextHoldEnd(db) })
        self.queries = queries
    }

    /// `Reminders.cutoff`: how far back a stage's reference time must lie.
    static func cutoff(_ span: TimeSpan?, _ now: Date) -> Date {
        guard let span else { return now }
        switch span {
        case .minutes, .hours: return now.addingTimeInterval(-TimeInterval(span.fixedSeconds ?? 0))
        case .days(let n), .workingDays(let n): return now.addingTimeInterval(-TimeInterval(max(0, n - 1) * 86_400))
        }
    }

    func plans(_ db: Database) throws -> [Plan] {
        let partial = Set(try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %'
            """))
        return try queries.map { query in
            var statements: [String] = []
            db.trace(options: .statement) { event in
                if case .statement(let statement) = event { statements.append(statement.expandedSQL) }
            }
            defer { db.trace(options: []) }
            try query.run(db)
            db.trace(options: [])
            var unique: [String] = []
            for sql in statements where !unique.contains(sql) { unique.append(sql) }
            var details: [String] = []
            for sql in unique {
                details += try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }
            }
            var times: [Double] = []
            for _ in 0..<5 {
                let started = monotonic()
                try query.run(db)
                times.append(monotonic() - started)
            }
            times.sort()
            return Plan(name: query.name, sql: unique, details: details,
                        wholeTableReads: details.filter { Self.readsWholeTable($0, partialIndexes: partial) },
                        milliseconds: times[times.count / 2] * 1000)
        }
    }

    /// A plan line that visits every row of a table: a `SCAN` without an
    /// index, or through an index that is not partial (so it holds every
    /// row), or a rowid range open at the bottom (`id > 0` is every row).
    static func readsWholeTable(_ detail: String, partialIndexes: Set<String>) -> Bool {
        let words = detail.split(separator: " ").map(String.init)
        if detail.contains("INTEGER PRIMARY KEY (rowid>?)") { return true }
        guard words.first == "SCAN", words.count >= 2, words[1] != "CONSTANT" else { return false }
        guard let using = words.firstIndex(of: "INDEX"), using + 1 < words.count else { return true }
        return !partialIndexes.contains(words[using + 1])
    }
}
