import Foundation

/// `WorkCalendar.due(from:after:)` for many instants at once: the
/// candidates of one reminder run, a generated year of complaints.
///
/// A day-based deadline ends at the end of a local day counted from the
/// start's own local day, so it depends on that day alone. A run checks
/// thousands of candidates that started on a few dozen days, and walking
/// the calendar day by day for each was most of `aduan remind`'s time at a
/// million complaints; each (day, span) is now walked once per run. Hour and
/// minute spans are a sum and go straight through. Every answer is the
/// calendar's own.
public final class DueDates {
    public let calendar: WorkCalendar
    private var known: [Key: Date] = [:]

    private struct Key: Hashable {
        var day: Int
        var span: TimeSpan
    }

    public init(_ calendar: WorkCalendar) { self.calendar = calendar }

    public func due(from start: Date, after span: TimeSpan) -> Date {
        switch span {
        case .minutes, .hours:
            return calendar.due(from: start, after: span)
        case .days, .workingDays:
            let key = Key(day: calendar.localDay(start), span: span)
            if let due = known[key] { return due }
            let due = calendar.due(from: start, after: span)
            known[key] = due
            return due
        }
    }
}
