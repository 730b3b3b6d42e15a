import AduanConfig
import AduanCore
import AduanDaemon
import AduanStore
import ArgumentParser
import Foundation

struct Remind: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send the reminder and escalation stages that are due (run from cron or the systemd timer).",
        discussion: """
            Each stage of each complaint is sent at most once, ever: running twice, late, or after a missed run \
            sends exactly what is due. Reminders and surveys created in quiet hours wait for the morning.
            """)

    @OptionGroup var options: ConfigOption
    @Flag(help: "Print every SMS it would send; change nothing.") var dryRun = false
    @Option(help: "The time to act as of (ISO 8601, or 'YYYY-MM-DD HH:MM' local). Default: now.") var now: String?
    @Flag(help: "Machine-readable output: an array of the SMS sent.") var json = false

    func run() throws {
        let context = try CLIContext(options)
        let at = try now.map { try Self.parse($0, in: context.rules.calendar.timeZone) } ?? context.clock.now()
        let reminders = Reminders(store: context.store, rules: context.rules)
        let sends: [Reminders.Send]
        do {
            sends = try reminders.run(at: at, dryRun: dryRun)
        } catch {
            throw CLIError("remind: \(error)")
        }
        if !dryRun, !sends.isEmpty {
            if let spool = context.rules.config.outbound.first {
                // What is not held goes now; a spool fault leaves it queued for the daemon.
                _ = try? Spooler(store: context.store, spool: spool, clock: FixedClock(at)).flush()
            }
            DaemonKick.poke(database: context.store.path)
        }
        let cal = context.rules.calendar
        if json {
            print(JSON.array(sends.map { s in
                .object([("stage", .string(s.stage.rawValue)), ("ticket", .string(s.ticket)),
                         ("to", .string(s.to)), ("text", .string(s.text)),
                         ("held_until", .optional(s.heldUntil.map(cal.iso8601)))])
            }).render())
            return
        }
        for s in sends {
            let who = s.stage.toCitizen ? PhoneMask.mask(s.to) : s.to
            let held = s.heldUntil.map { "  (held until \(cal.display($0)))" } ?? ""
            print("\(s.stage.rawValue)\t\(s.ticket)\t\(who)\t\(s.text)\(held)")
        }
        print("\(sends.count) SMS \(dryRun ? "would be sent (dry run, nothing changed)" : "queued")")
    }

    static func parse(_ text: String, in zone: TimeZone) throws -> Date {
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        for format in ["yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        throw CLIError("--now '\(text)': use ISO 8601 (2026-11-23T09:00:00+07:00) or 'YYYY-MM-DD HH:MM'")
    }
}
