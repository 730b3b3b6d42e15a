import AduanConfig
import AduanCore
import AduanDaemon
import AduanStore
import ArgumentParser
import Foundation

struct ComplaintsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complaints",
        abstract: "List, show and work complaints.",
        subcommands: [List.self, Show.self, Export.self, Forward.self, Progress.self, Resolve.self, Reject.self, Reopen.self, Note.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List complaints, oldest first.")

        @OptionGroup var options: ConfigOption
        @Option(help: "received, forwarded, in_progress, resolved or rejected.") var status: String?
        @Option(help: "A route keyword, or 'triage'.") var route: String?
        @Option(help: "An agency id.") var agency: String?
        @Flag(help: "Only those past a deadline now.") var overdue = false
        @Option(help: "Received at or after this date (YYYY-MM-DD, local) or ISO 8601 instant.") var since: String?
        @Flag(help: "Machine-readable output (§9).") var json = false

        func run() throws {
            let context = try CLIContext(options)
            var filter = try context.filter(status: status, route: route, since: since)
            filter.agency = agency
            if overdue { filter.overdueAt = context.clock.now() }
            let complaints = try context.store.pool.read { db in try Complaints.list(db, filter) }
            if json {
                print(JSON.array(complaints.map(context.json)).render())
            } else {
                context.printTable(complaints)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one complaint with its history and its SMS.")

        @OptionGroup var options: ConfigOption
        @Argument(help: "The ticket, e.g. BJR-0042 (bjr42 works too).") var ticket: String
        @Flag(help: "Machine-readable output (§9).") var json = false

        func run() throws {
            let context = try CLIContext(options)
            guard let parsed = Ticket(ticket) else { throw CLIError("'\(ticket)' is not a ticket (like BJR-0042)") }
            let found = try context.store.pool.read { db -> (ComplaintRecord, [EventRecord], [InboundRecord], [OutboxRecord])? in
                guard let c = try Complaints.find(db, ticket: parsed) else { return nil }
                return (c, try Events.of(db, complaintID: c.id), try InboundMessages.of(db, complaintID: c.id),
                        try Outbox.of(db, complaintID: c.id))
            }
            guard let (complaint, events, inbound, outbound) = found else { throw CLIError("no complaint \(parsed)") }
            let cal = context.rules.calendar
            var messages: [(Date, JSON)] = inbound.map { m in
                (m.receivedAt, .object([("direction", .string("in")), ("at", .string(cal.iso8601(m.receivedAt))), ("text", .string(m.text))]))
            }
            messages += outbound.map { m in
                (m.createdAt, .object([("direction", .string("out")), ("at", .string(cal.iso8601(m.createdAt))),
                                       ("kind", .string(m.kind)), ("state", .string(m.state.rawValue)), ("text", .string(m.text))]))
            }
            messages.sort { $0.0 < $1.0 }
            if json {
                guard case .object(var fields) = context.json(complaint) else { return }
                fields.append(("events", .array(events.map { e in
                    .object([("at", .string(cal.iso8601(e.at))), ("kind", .string(e.kind)), ("actor", .string(e.actor)), ("note", .optional(e.note))])
                })))
                fields.append(("messages", .array(messages.map(\.1))))
                print(JSON.object(fields).render())
                return
            }
            print("""
                \(complaint.ticket)  \(complaint.status.rawValue)  \(complaint.priority.rawValue)
                route:     \(complaint.route ?? "(triage)")  \(complaint.region)  match=\(complaint.matchKind.rawValue)
                sender:    \(complaint.sender)
                received:  \(cal.display(complaint.receivedAt))
                agency:    \(complaint.agency ?? "-")  suggested: \(complaint.agencySuggested ?? "-")
                due:       first response \(cal.display(complaint.firstResponseDue)), resolution \(cal.display(complaint.resolutionDue))
                text:      \(complaint.text)

                history:
                """)
            for e in events {
                print("  \(cal.display(e.at))  \(e.kind)  by \(e.actor)\(e.note.map { "  \($0)" } ?? "")")
            }
            print("\nmessages:")
            for m in inbound { print("  \(cal.display(m.receivedAt))  in   \(m.text)") }
            for m in outbound { print("  \(cal.display(m.createdAt))  out  [\(m.kind), \(m.state.rawValue)] \(m.text)") }
        }
    }
}

/// What every read command needs: the config, the store, the clock.
struct CLIContext {
    let rules: DeskRules
    let store: Store
    let clock: any Clock

    init(_ options: ConfigOption) throws {
        let config = try options.load()
        rules = DeskRules(config)
        do {
            store = try Store(path: config.service.database)
        } catch {
            throw CLIError("\(error)")
        }
        clock = Clocks.fromEnvironment()
    }

    /// The filters of `complaints list` and `export`, spelled and checked alike.
    func filter(status: String?, route: String?, since: String?) throws -> ComplaintFilter {
        var filter = ComplaintFilter()
        if let status {
            guard let s = ComplaintStatus(rawValue: status) else {
                throw CLIError("unknown status '\(status)'; use one of \(ComplaintStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.status = s
        }
        if let route {
            if route.uppercased() == "TRIAGE" {
                filter.route = ""
            } else {
                guard let r = rules.config.routes.first(where: { Keyword.canonical($0.keyword) == Keyword.canonical(route) }) else {
                    throw CLIError("unknown route '\(route)'; routes: \(rules.keywordList), triage")
                }
                filter.route = r.keyword
            }
        }
        if let since { filter.since = try parseSince(since) }
        return filter
    }

    func parseSince(_ text: String) throws -> Date {
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = rules.calendar.timeZone
        guard parts.count == 3, let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) else {
            throw CLIError("--since '\(text)': use YYYY-MM-DD or an ISO 8601 instant")
        }
        return date
    }

    /// The §9 contract for one complaint.
    func json(_ c: ComplaintRecord) -> JSON {
        let cal = rules.calendar
        return .object([
            ("ticket", .string(c.ticket)),
            ("route", .optional(c.route)),
            ("region", .string(c.region)),
            ("status", .string(c.status.rawValue)),
            ("priority", .string(c.priority.rawValue)),
            ("sender", .string(c.sender)),
            ("text", .string(c.text)),
            ("received_at", .string(cal.iso8601(c.receivedAt))),
            ("agency", .optional(c.agency)),
            ("agency_suggested", .optional(c.agencySuggested)),
            ("match", .string(c.matchKind.rawValue)),
            ("first_response_due", .string(cal.iso8601(c.firstResponseDue))),
            ("resolution_due", .string(cal.iso8601(c.resolutionDue))),
        ])
    }

    /// A table for people. Numbers are masked here: screens get read over shoulders.
    func printTable(_ complaints: [ComplaintRecord]) {
        let cal = rules.calendar
        let now = clock.now()
        let rows = complaints.map { c -> [String] in
            let late = c.status != .resolved && c.status != .rejected
                && (c.resolutionDue < now || (c.status == .received && c.firstResponseDue < now))
            return [c.ticket, c.status.rawValue + (late ? " (late)" : ""), c.priority == .urgent ? "URGENT" : "",
                    c.route ?? "triage", cal.display(c.receivedAt), cal.display(c.resolutionDue),
                    PhoneMask.mask(c.sender), c.agency ?? c.agencySuggested.map { "(\($0)?)" } ?? "",
                    String(c.text.prefix(40))]
        }
        Table.print(header: ["TICKET", "STATUS", "PRIO", "ROUTE", "RECEIVED", "DUE", "SENDER", "AGENCY", "TEXT"], rows: rows)
        print("\(complaints.count) complaint(s)")
    }
}

enum Table {
    static func print(header: [String], rows: [[String]]) {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        // Padded in Swift, by the same character count as the widths:
        // Foundation's padding(toLength:) bridges every cell through NSString,
        // which was a third of listing thousands of complaints.
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                i == cells.count - 1 || i >= widths.count ? c : c + String(repeating: " ", count: max(0, widths[i] - c.count))
            }.joined(separator: "  ")
        }
        Swift.print(line(header))
        for row in rows { Swift.print(line(row)) }
    }
}
