import AduanCore
import Foundation

/// The real `WorkCalendar`, remembered per local day.
///
/// A year of complaints asks for millions of deadlines (remembered per local
/// day by the same ``DueDates`` a reminder run uses), working days and
/// displayed instants. Every answer is exactly the calendar's own.
final class CachedCalendar {
    let calendar: WorkCalendar
    let local: LocalTime
    private let dues: DueDates
    private var workingByDay: [Int: Bool] = [:]
    private var displayByMinute: [Int: String] = [:]

    init(_ calendar: WorkCalendar) {
        self.calendar = calendar
        local = LocalTime(calendar)
        dues = DueDates(calendar)
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

    func due(from start: Date, after span: TimeSpan) -> Date { dues.due(from: start, after: span) }

    func isWorkingDay(_ date: Date) -> Bool {
        let day = localDay(date)
        if let known = workingByDay[day] { return known }
        let working = calendar.isWorkingDay(date)
        workingByDay[day] = working
        return working
    }
}
