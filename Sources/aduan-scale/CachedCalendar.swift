import AduanCore
import Foundation

/// The real `WorkCalendar`, remembered per local day.
///
/// A year of complaints asks for millions of deadlines, and a day-based span
/// walks the calendar one day at a time. But such a deadline ends at the end
/// of a local day counted from the start's own local day, so it depends on
/// that day only: each (day, span) is computed once by the real calendar and
/// reused. Hour and minute spans are a sum and go straight through. Every
/// answer is exactly what `WorkCalendar.due(from:after:)` gives.
final class CachedCalendar {
    let calendar: WorkCalendar
    let local: LocalTime
    private var dueByDay: [DayKey: Date] = [:]
    private var workingByDay: [Int: Bool] = [:]
    private var displayByMinute: [Int: String] = [:]

    private struct DayKey: Hashable {
        var day: Int
        var span: TimeSpan
    }

    init(_ calendar: WorkCalendar) {
        self.calendar = calendar
        local = LocalTime(timeZone: calendar.timeZone)
    }

    func localDay(_ date: Date) -> Int { local.day(date) }

    func secondOfDay(_ date: Date) -> Int { local.secondOfDay(date) }

    /// `WorkCalendar.display`, which shows the minute: the same for every
    /// instant of a minute, and most deadlines end at 23:59:59.
    func display(_ date: Date) -> String {
        let minute = Int((date.timeIntervalSince1970 / 60).rounded(.down))
        if let known = displayByMinute[minute] { return known }
        let text = calendar.display(date)
        displayByMinute[minute] = text
        return text
    }

    func due(from start: Date, after span: TimeSpan) -> Date {
        switch span {
        case .minutes, .hours:
            return calendar.due(from: start, after: span)
        case .days, .workingDays:
            let key = DayKey(day: localDay(start), span: span)
            if let known = dueByDay[key] { return known }
            let due = calendar.due(from: start, after: span)
            dueByDay[key] = due
            return due
        }
    }

    func isWorkingDay(_ date: Date) -> Bool {
        let day = localDay(date)
        if let known = workingByDay[day] { return known }
        let working = calendar.isWorkingDay(date)
        workingByDay[day] = working
        return working
    }
}
