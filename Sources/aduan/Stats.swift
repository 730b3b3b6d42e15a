import AduanCore
import AduanStore
import ArgumentParser
import Foundation

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Counts by route, status and agency; overdue now; median times to first response and to resolution.",
        discussion: """
            Every configured route, status and agency is listed, with 0 where there is none, so scripts \
            can rely on the keys. Overdue is counted at the current time. The first-response median is \
            over complaints the desk has acted on; the resolution median over those resolved (a rejection \
            is not a resolution).
            """)

    @OptionGroup var options: ConfigOption
    @Option(help: "Only complaints received at or after this date (YYYY-MM-DD, local) or ISO 8601 instant.")
    var since: String?
    @Flag(help: "Machine-readable output: total, by_route, by_status, by_agency, overdue, median_*_seconds.")
    var json = false

    func run() throws {
        let context = try CLIContext(options)
        let sinceDate = try since.map(context.parseSince)
        let now = context.clock.now()
        let s = try context.store.pool.read { db in try Statistics.summary(db, since: sinceDate, now: now) }
        let config = context.rules.config

        let routes = Self.ordered(s.byRoute, known: config.routes.map(\.keyword) + [nil]) { $0 ?? "triage" }
        let statuses = Self.ordered(s.byStatus, known: ComplaintStatus.allCases.map(\.rawValue)) { $0 }
        let agencies = Self.ordered(s.byAgency, known: config.agencies.map(\.id) + [nil]) { $0 ?? "-" }
        let firstResponse = s.firstResponse.map { Self.wholeSeconds($0.seconds) }
        let resolution = s.resolution.map { Self.wholeSeconds($0.seconds) }

        if json {
            func counts(_ pairs: [(String, Int)]) -> JSON { .object(pairs.map { ($0.0, .number(Int64($0.1))) }) }
            print(JSON.object([
                ("total", .number(Int64(s.total))),
                ("by_route", counts(routes)),
                ("by_status", counts(statuses)),
                ("by_agency", counts(agencies)),
                ("overdue", .number(Int64(s.overdue))),
                ("median_first_response_seconds", firstResponse.map(JSON.number) ?? .null),
                ("median_resolution_seconds", resolution.map(JSON.number) ?? .null),
            ]).render())
            return
        }

        let cal = context.rules.calendar
        let scope = sinceDate.map { " received since \(cal.display($0))" } ?? ""
        print("\(s.total) complaint(s)\(scope); \(s.overdue) overdue at \(cal.display(now))")
        for (title, pairs) in [("by route", routes), ("by status", statuses), ("by agency", agencies)] {
            print("\n\(title):")
            let width = pairs.map(\.0.count).max() ?? 0
            for (name, n) in pairs { print("  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(n)") }
        }
        print("")
        print("median time to first response:  " + Self.median(firstResponse, over: s.firstResponse?.count, of: "responded to"))
        print("median time to resolution:      " + Self.median(resolution, over: s.resolution?.count, of: "resolved"))
    }

    /// Configured names first, in the config's order (0 when absent), then
    /// any the database holds that the config no longer names (a route
    /// renamed or removed), alphabetically.
    static func ordered<Key: Hashable>(_ counts: [Key: Int], known: [Key], name: (Key) -> String) -> [(String, Int)] {
        let knownSet = Set(known)
        let extra = counts.keys.filter { !knownSet.contains($0) }.map { (name($0), counts[$0] ?? 0) }.sorted { $0.0 < $1.0 }
        return known.map { (name($0), counts[$0] ?? 0) } + extra
    }

    static func wholeSeconds(_ seconds: TimeInterval) -> Int64 {
        // Clamped: a corrupt timestamp must not trap the conversion.
        Int64(exactly: seconds.rounded()) ?? (seconds < 0 ? -Int64.max : Int64.max)
    }

    static func median(_ seconds: Int64?, over count: Int?, of what: String) -> String {
        guard let seconds, let count else { return "- (none \(what) yet)" }
        return "\(duration(seconds))  (over \(count) \(what))"
    }

    /// `1d 4h 12m`, to the minute (truncated); under a minute, seconds. Zero
    /// parts are left out: `2d 5m`, `3h`.
    static func duration(_ seconds: Int64) -> String {
        let sign = seconds < 0 ? "-" : ""
        let s = seconds.magnitude
        if s < 60 { return "\(sign)\(s)s" }
        let parts = [(s / 86_400, "d"), (s % 86_400 / 3600, "h"), (s % 3600 / 60, "m")]
            .filter { $0.0 > 0 }.map { "\($0.0)\($0.1)" }
        return sign + parts.joined(separator: " ")
    }
}
