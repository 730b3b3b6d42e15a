import AduanCore
import AduanStore
import ArgumentParser
import Foundation

extension ComplaintsCommand {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Complaints as CSV for spreadsheets, oldest first.",
            discussion: """
                RFC 4180: UTF-8 with a byte order mark (so Excel reads it as UTF-8), CRLF line ends, \
                fields with commas, quotes or line breaks quoted. Citizens' numbers are left out unless \
                --with-contacts adds them as a last column, sender; numbers written in a complaint's text \
                or answer are shown as [nomor] unless --with-contacts.
                """)

        @OptionGroup var options: ConfigOption
        @Flag(help: "Add the citizen's number (a last column, sender). Personal data: share the file accordingly.")
        var withContacts = false
        @Option(help: "received, forwarded, in_progress, resolved or rejected.") var status: String?
        @Option(help: "A route keyword, or 'triage'.") var route: String?
        @Option(help: "Received at or after this date (YYYY-MM-DD, local) or ISO 8601 instant.") var since: String?
        @Option(help: "Write the CSV to this file (replaced whole) instead of standard output.") var output: String?

        static let header = [
            "ticket", "route", "region", "status", "priority", "received_at", "agency", "agency_suggested",
            "first_response_due", "resolution_due", "first_response_at", "closed_at", "overdue", "rating",
            "flagged", "text", "answer",
        ]

        /// Citizens sign with their number ("hubungi 081234567890"): without
        /// --with-contacts it is blanked in the text and the answer too. From
        /// nine digits, the shortest phone number with its area code
        /// (0511 123456), so dates (22-11-2026), amounts below Rp 100.000.000
        /// and RT/RW numbers stay for the spreadsheet.
        static func withoutNumbers(_ text: String) -> String {
            ComplaintSummary.blankingNumbers(text, minimumDigits: 9)
        }

        func run() throws {
            let context = try CLIContext(options)
            let filter = try context.filter(status: status, route: route, since: since)
            let complaints = try context.store.pool.read { db in try Complaints.list(db, filter) }
            let now = context.clock.now()
            let cal = context.rules.calendar
            // The number goes last, so a sheet's column letters are the same
            // with and without it.
            var csv = CSV.bom + CSV.row(Self.header + (withContacts ? ["sender"] : []))
            for c in complaints {
                var fields = [
                    c.ticket, c.route ?? "", c.region, c.status.rawValue, c.priority.rawValue,
                    cal.iso8601(c.receivedAt), c.agency ?? "", c.agencySuggested ?? "",
                    cal.iso8601(c.firstResponseDue), cal.iso8601(c.resolutionDue),
                    c.firstResponseAt.map(cal.iso8601) ?? "", c.closedAt.map(cal.iso8601) ?? "",
                    c.isOverdue(at: now) ? "yes" : "no", c.rating ?? "", c.flagged ? "yes" : "no",
                    CSV.inert(withContacts ? c.text : Self.withoutNumbers(c.text)),
                    CSV.inert(withContacts ? (c.answer ?? "") : Self.withoutNumbers(c.answer ?? "")),
                ]
                if withContacts { fields.append(c.sender) }
                csv += CSV.row(fields)
            }
            guard let output else {
                print(csv, terminator: "")
                return
            }
            do {
                // Atomic: a failed or interrupted write leaves the previous export whole, never half of one.
                try Data(csv.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                // Foundation's own wording ("The operation could not be completed") says nothing; errno does.
                let underlying = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? any Error).map { $0 as NSError }
                let reason = underlying.flatMap { $0.domain == NSPOSIXErrorDomain ? String(cString: strerror(Int32($0.code))) : nil }
                throw CLIError("cannot write \(output): \(reason ?? error.localizedDescription)")
            }
            print("\(complaints.count) complaint(s) written to \(output)")
        }
    }
}
