import AduanCore
import Foundation
import GRDB

/// A stored complaint (§4).
public struct ComplaintRecord: Sendable, Equatable {
    public var id: Int64
    public var ticket: String
    /// The route's keyword; nil for triage.
    public var route: String?
    public var region: String
    public var sender: String
    public var text: String
    public var matchKind: MatchKind
    public var receivedAt: Date
    public var priority: Priority
    public var category: String?
    public var agencySuggested: String?
    public var agency: String?
    public var status: ComplaintStatus
    public var firstResponseDue: Date
    public var resolutionDue: Date
    public var updatedAt: Date
    /// When the desk first acted on it (forward, progress, resolve or reject).
    public var firstResponseAt: Date?
    /// When it was last resolved or rejected.
    public var closedAt: Date?
    /// The answer (resolved) or the reason (rejected) the citizen was sent.
    public var answer: String?
    /// The citizen's `PUAS`/`TIDAK`: "puas" or "tidak".
    public var rating: String?
    /// Flagged for the desk (a `TIDAK`).
    public var flagged: Bool
    /// When it was last forwarded (or reopened, which forwards again).
    public var forwardedAt: Date?

    /// The SELECT list of every fetch of a record. `init(row:)` reads the
    /// columns by position, in this order: by name, each value is a search
    /// among the row's 22 column names, which on a list of thousands of
    /// complaints cost more than the query.
    static let columns = """
        id, ticket, route, region, sender, text, match_kind, received_at, priority, category,
        agency_suggested, agency, status, first_response_due, resolution_due, updated_at,
        first_response_at, closed_at, answer, rating, flagged, forwarded_at
        """

    /// Every record a query selecting `columns` returns, decoded straight
    /// from SQLite's rows without copying each into a `Row` first.
    static func fetchAll(_ db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws -> [ComplaintRecord] {
        try Array(Row.fetchCursor(db, sql: sql, arguments: arguments).map(ComplaintRecord.init(row:)))
    }

    /// Past a deadline at the instant, and not yet closed.
    public func isOverdue(at now: Date) -> Bool {
        guard status != .resolved, status != .rejected else { return false }
        return resolutionDue < now || (firstResponseAt == nil && firstResponseDue < now)
    }
}

extension ComplaintRecord {
    // In an extension, so the memberwise initialiser stays (`insert` uses it).
    /// A row selected with `columns`.
    init(row: Row) {
        id = row[0]
        ticket = row[1]
        route = row[2]
        region = row[3]
        sender = row[4]
        text = row[5]
        matchKind = MatchKind(rawValue: row[6] ?? "") ?? .none
        receivedAt = Millis.date(row[7])
        priority = Priority(rawValue: row[8] ?? "") ?? .normal
        category = row[9]
        agencySuggested = row[10]
        agency = row[11]
        status = ComplaintStatus(rawValue: row[12] ?? "") ?? .received
        firstResponseDue = Millis.date(row[13])
        resolutionDue = Millis.date(row[14])
        updatedAt = Millis.date(row[15])
        firstResponseAt = (row[16] as Int64?).map(Millis.date)
        closedAt = (row[17] as Int64?).map(Millis.date)
        answer = row[18]
        rating = row[19]
        flagged = row[20] ?? false
        forwardedAt = (row[21] as Int64?).map(Millis.date)
    }
}

/// What the pipeline knows when it files a complaint.
public struct NewComplaint: Sendable {
    public var prefix: String
    public var route: String?
    public var region: String
    public var sender: String
    public var text: String
    public var dedupeKey: String
    public var matchKind: MatchKind
    public var receivedAt: Date
    public var priority: Priority
    public var agencySuggested: String?
    public var firstResponseDue: Date
    public var resolutionDue: Date

    public init(prefix: String, route: String?, region: String, sender: String, text: String, dedupeKey: String,
                matchKind: MatchKind, receivedAt: Date, priority: Priority, agencySuggested: String?,
                firstResponseDue: Date, resolutionDue: Date) {
        self.prefix = prefix
        self.route = route
        self.region = region
        self.sender = sender
        self.text = text
        self.dedupeKey = dedupeKey
        self.matchKind = matchKind
        self.receivedAt = receivedAt
        self.priority = priority
        self.agencySuggested = agencySuggested
        self.firstResponseDue = firstResponseDue
        self.resolutionDue = resolutionDue
    }
}

/// Filters of `aduan complaints list`.
public struct ComplaintFilter: Sendable {
    public var status: ComplaintStatus?
    /// A route keyword, or "" for triage.
    public var route: String?
    public var agency: String?
    public var since: Date?
    /// Past either deadline at this instant, and not yet closed.
    public var overdueAt: Date?
    public var limit: Int?

    public init(status: ComplaintStatus? = nil, route: String? = nil, agency: String? = nil, since: Date? = nil,
                overdueAt: Date? = nil, limit: Int? = nil) {
        self.status = status
        self.route = route
        self.agency = agency
        self.since = since
        self.overdueAt = overdueAt
        self.limit = limit
    }
}

public enum Complaints {
    /// Files a complaint under the route's next ticket number, with its
    /// `received` event. Call inside the ingest transaction.
    public static func insert(_ db: Database, _ new: NewComplaint, actor: String = "aduan") throws -> ComplaintRecord {
        let ticket = try TicketSequence.next(db, prefix: new.prefix)
        let now = Millis.from(new.receivedAt)
        // No RETURNING: SQLite gathers its rows in a temporary table of their
        // own, opened and closed per statement, which cost as much as the
        // insert itself.
        try db.run(
            cachedSQL: """
                INSERT INTO complaints (ticket, prefix, seq, route, region, sender, text, dedupe_key, match_kind,
                    received_at, priority, agency_suggested, status, first_response_due, resolution_due, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, ?, ?)
                """,
            [.text(ticket.description), .text(ticket.prefix), .int(ticket.number), .text(new.route), .text(new.region),
             .text(new.sender), .text(new.text), .text(new.dedupeKey), .text(new.matchKind.rawValue), .int(now),
             .text(new.priority.rawValue), .text(new.agencySuggested), .int(Millis.from(new.firstResponseDue)),
             .int(Millis.from(new.resolutionDue)), .int(now)])
        let id = db.lastInsertedRowID
        // The row as stored, built here rather than read back: decoding a
        // 22-column row cost more than the insert. Instants go through
        // milliseconds as the table keeps them (a test compares with `find`).
        let record = ComplaintRecord(
            id: id, ticket: ticket.description, route: new.route, region: new.region, sender: new.sender, text: new.text,
            matchKind: new.matchKind, receivedAt: Millis.date(now), priority: new.priority, category: nil,
            agencySuggested: new.agencySuggested, agency: nil, status: .received,
            firstResponseDue: Millis.date(Millis.from(new.firstResponseDue)),
            resolutionDue: Millis.date(Millis.from(new.resolutionDue)), updatedAt: Millis.date(now),
            firstResponseAt: nil, closedAt: nil, answer: nil, rating: nil, flagged: false, forwardedAt: nil)
        try Events.append(db, complaintID: record.id, at: new.receivedAt, kind: "received", actor: actor,
                          note: new.priority == .urgent ? "urgent" : nil)
        return record
    }

    // The lookups every message makes go through the connection's statement
    // cache: compiling a 22-column SELECT costs more than running it.

    public static func find(_ db: Database, id: Int64) throws -> ComplaintRecord? {
        try Row.decodeFirst(db, cachedSQL: "SELECT \(ComplaintRecord.columns) FROM complaints WHERE id = ?", arguments: [id],
                            ComplaintRecord.init(row:))
    }

    public static func find(_ db: Database, ticket: Ticket) throws -> ComplaintRecord? {
        try Row.decodeFirst(db, cachedSQL: "SELECT \(ComplaintRecord.columns) FROM complaints WHERE prefix = ? AND seq = ?",
                            arguments: [ticket.prefix, ticket.number], ComplaintRecord.init(row:))
    }

    /// The open complaint the same sender already filed with the same text on
    /// the same route within the window (§3.8).
    public static func duplicate(_ db: Database, sender: String, route: String?, dedupeKey: String, since: Date) throws -> ComplaintRecord? {
        // The id alone, then the record on a hit: nearly every message has
        // no duplicate, and a row of 22 columns costs more than the lookup.
        let id = try db.int64(
            cachedSQL: """
                SELECT id FROM complaints
                WHERE sender = ? AND received_at >= ? AND dedupe_key = ? AND route IS ?
                ORDER BY received_at DESC LIMIT 1
                """,
            [.text(sender), .int(Millis.from(since)), .text(dedupeKey), .text(route)])
        return try id.flatMap { try find(db, id: $0) }
    }

    /// Complaints the sender filed since the instant (the hourly budget, §3.9).
    public static func count(_ db: Database, sender: String, since: Date) throws -> Int {
        try Int(db.int64(cachedSQL: "SELECT COUNT(*) FROM complaints WHERE sender = ? AND received_at >= ?",
                         [.text(sender), .int(Millis.from(since))]) ?? 0)
    }

    /// The sender's most recent complaints, newest first.
    public static func latest(_ db: Database, sender: String, limit: Int) throws -> [ComplaintRecord] {
        try Row.fetchAll(
            db,
            cachedSQL: "SELECT \(ComplaintRecord.columns) FROM complaints WHERE sender = ? ORDER BY received_at DESC, id DESC LIMIT ?",
            arguments: [sender, limit]
        ).map(ComplaintRecord.init(row:))
    }

    public static func list(_ db: Database, _ filter: ComplaintFilter) throws -> [ComplaintRecord] {
        var clauses: [String] = []
        var arguments = StatementArguments()
        if let status = filter.status {
            clauses.append("status = ?")
            _ = arguments.append(contentsOf: [status.rawValue])
        }
        if let route = filter.route {
            if route.isEmpty {
                clauses.append("route IS NULL")
            } else {
                clauses.append("route = ?")
                _ = arguments.append(contentsOf: [route])
            }
        }
        if let agency = filter.agency {
            clauses.append("agency = ?")
            _ = arguments.append(contentsOf: [agency])
        }
        if let since = filter.since {
            clauses.append("received_at >= ?")
            _ = arguments.append(contentsOf: [Millis.from(since)])
        }
        if let now = filter.overdueAt {
            // ComplaintRecord.isOverdue(at:) as the union of its two deadlines,
            // each read from the partial index of open complaints by that
            // deadline: the rows read are the overdue ones, however many
            // closed complaints the years have left. (The same test as one
            // OR'ed condition makes SQLite walk every complaint.)
            let t = Millis.from(now)
            clauses.append("""
                id IN (
                    SELECT id FROM complaints INDEXED BY complaints_open_due
                    WHERE status NOT IN ('resolved', 'rejected') AND resolution_due < ?
                    UNION ALL
                    SELECT id FROM complaints INDEXED BY complaints_open_unanswered
                    WHERE status NOT IN ('resolved', 'rejected') AND first_response_at IS NULL AND first_response_due < ?)
                """)
            _ = arguments.append(contentsOf: [t, t])
        }
        var sql = "SELECT \(ComplaintRecord.columns) FROM complaints"
        if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
        sql += " ORDER BY received_at, id"
        if let limit = filter.limit { sql += " LIMIT \(max(0, limit))" }
        return try ComplaintRecord.fetchAll(db, sql: sql, arguments: arguments)
    }
}

extension Complaints {
    /// Records a desk action: the status change (when there is one), the
    /// event, and the bookkeeping the statistics need. The caller queues the
    /// citizen's SMS in the same transaction.
    public static func apply(_ db: Database, complaint: ComplaintRecord, action: DeskAction, to status: ComplaintStatus,
                             actor: String, at now: Date) throws {
        let t = Millis.from(now)
        var sets = ["status = ?", "updated_at = ?"]
        var arguments: StatementArguments = [status.rawValue, t]
        switch action {
        case .forward(let agency, _):
            sets += ["agency = ?", "forwarded_at = ?"]
            _ = arguments.append(contentsOf: [agency, t])
        case .resolve(let text), .reject(let text):
            sets += ["answer = ?", "closed_at = ?"]
            _ = arguments.append(contentsOf: [text, t])
        case .reopen:
            sets += ["closed_at = NULL", "flagged = 0", "forwarded_at = ?"]
            _ = arguments.append(contentsOf: [t])
        case .progress, .note:
            break
        }
        if action.isResponse, complaint.firstResponseAt == nil {
            sets.append("first_response_at = ?")
            _ = arguments.append(contentsOf: [t])
        }
        _ = arguments.append(contentsOf: [complaint.id])
        try db.execute(sql: "UPDATE complaints SET \(sets.joined(separator: ", ")) WHERE id = ?", arguments: arguments)
        let note: String? = switch action {
        case .forward(let agency, let note): note.map { "\(agency): \($0)" } ?? agency
        case .resolve(let text), .reject(let text), .note(let text): text
        case .progress, .reopen: nil
        }
        try Events.append(db, complaintID: complaint.id, at: now, kind: action.eventKind, actor: actor, note: note)
    }

    /// The citizen's satisfaction answer; `TIDAK` flags the complaint for the desk.
    public static func rate(_ db: Database, complaint: ComplaintRecord, satisfied: Bool, comment: String, at now: Date) throws {
        try db.execute(cachedSQL: "UPDATE complaints SET rating = ?, flagged = ?, updated_at = ? WHERE id = ?",
                       arguments: [satisfied ? "puas" : "tidak", !satisfied, Millis.from(now), complaint.id])
        try Events.append(db, complaintID: complaint.id, at: now, kind: satisfied ? "rated_puas" : "rated_tidak",
                          actor: "citizen", note: comment.isEmpty ? nil : comment)
    }

    /// The sender's latest resolved complaint: what a bare `PUAS` answers.
    public static func latestResolved(_ db: Database, sender: String) throws -> ComplaintRecord? {
        try Row.fetchOne(db, cachedSQL: """
            SELECT \(ComplaintRecord.columns) FROM complaints WHERE sender = ? AND status = 'resolved'
            ORDER BY closed_at DESC, id DESC LIMIT 1
            """, arguments: [sender]).map(ComplaintRecord.init(row:))
    }
}

extension DeskAction {
    /// Whether it counts as the desk's first response to the citizen.
    var isResponse: Bool {
        switch self {
        case .forward, .progress, .resolve, .reject: true
        case .reopen, .note: false
        }
    }
}

/// Numbers that sent STOP (§3.5).
public enum OptOuts {
    public static func stop(_ db: Database, number: String, at now: Date) throws {
        try db.execute(cachedSQL: "INSERT INTO opt_outs (number, at) VALUES (?, ?) ON CONFLICT (number) DO NOTHING",
                       arguments: [number, Millis.from(now)])
    }

    public static func start(_ db: Database, number: String) throws {
        try db.execute(cachedSQL: "DELETE FROM opt_outs WHERE number = ?", arguments: [number])
    }

    public static func isStopped(_ db: Database, number: String) throws -> Bool {
        try Bool.fetchOne(db, cachedSQL: "SELECT EXISTS (SELECT 1 FROM opt_outs WHERE number = ?)", arguments: [number]) ?? false
    }
}

/// Per-prefix ticket numbers. Numbers are never reused, so a ticket a citizen
/// wrote down always means the same complaint.
enum TicketSequence {
    static func next(_ db: Database, prefix: String) throws -> Ticket {
        // An update, then its value read back, rather than an upsert with
        // RETURNING (see ``Complaints/insert(_:_:actor:)``); the first
        // ticket of a prefix inserts its row.
        try db.run(cachedSQL: "UPDATE ticket_sequences SET last = last + 1 WHERE prefix = ?", [.text(prefix)])
        if db.changesCount == 0 {
            try db.run(cachedSQL: "INSERT INTO ticket_sequences (prefix, last) VALUES (?, 1)", [.text(prefix)])
            return Ticket(prefix: prefix, number: 1)
        }
        guard let last = try db.int64(cachedSQL: "SELECT last FROM ticket_sequences WHERE prefix = ?", [.text(prefix)]).map(Int.init) else {
            throw DatabaseError(resultCode: .SQLITE_INTERNAL, message: "ticket sequence \(prefix) vanished after its update")
        }
        return Ticket(prefix: prefix, number: last)
    }
}
