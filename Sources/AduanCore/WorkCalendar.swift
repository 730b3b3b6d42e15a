import Foundation

/// Deadline arithmetic in the regency's own time zone (§4).
///
/// Day-based spans end at the end of a local day: a complaint received on
/// Friday afternoon with `3wd` is due at the end of Wednesday, because the
/// desk counts days, not hours. Hour and minute spans are exact.
public struct WorkCalendar: Sendable {
    public let timeZone: TimeZone
    public let holidays: Set<String>
    let calendar: Calendar

    public init(timeZone: TimeZone, holidays: [String] = []) {
        self.timeZone = timeZone
        self.holidays = Set(holidays)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    public func isWorkingDay(_ date: Date) -> Bool {
        let weekday = calendar.component(.weekday, from: date)
        return weekday != 1 && weekday != 7 && !holidays.contains(localDate(date))
    }

    /// `YYYY-MM-DD` of the instant in local time.
    public func localDate(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return Self.digits(c.year, 4) + "-" + Self.digits(c.month, 2) + "-" + Self.digits(c.day, 2)
    }

    /// A zero-padded number, as `%0<width>d` prints it. `String(format:)`
    /// goes through Foundation's CFString formatting, which was most of the
    /// time of printing a list of thousands of complaints.
    static func digits(_ n: Int?, _ width: Int) -> String {
        let text = String(n ?? 0)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    public func due(from start: Date, after span: TimeSpan) -> Date {
        switch span {
        case .minutes, .hours:
            return start.addingTimeInterval(TimeInterval(span.fixedSeconds ?? 0))
        case .days(let n):
            return endOfDay(addingDays: n, to: start) { _ in true }
        case .workingDays(let n):
            return endOfDay(addingDays: n, to: start, counting: isWorkingDay)
        }
    }

    /// The last second of the n-th counted day after the start's own day.
    func endOfDay(addingDays n: Int, to start: Date, counting: (Date) -> Bool) -> Date {
        var day = calendar.startOfDay(for: start)
        var counted = 0
        // A noon anchor keeps day stepping clear of any DST edge (none in
        // Indonesia, but the zone is configurable).
        while counted < n {
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { break }
            day = next
            if counting(calendar.date(byAdding: .hour, value: 12, to: day) ?? day) { counted += 1 }
        }
        let nextDay = calendar.date(byAdding: .day, value: 1, to: day) ?? day.addingTimeInterval(86_400)
        return nextDay.addingTimeInterval(-1)
    }

    /// `25-11-2026 16:00 WIB`: what a citizen reads in `{due}`.
    public func display(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return Self.digits(c.day, 2) + "-" + Self.digits(c.month, 2) + "-" + Self.digits(c.year, 4) + " "
            + Self.digits(c.hour, 2) + ":" + Self.digits(c.minute, 2) + " " + zoneName(at: date)
    }

    /// WIB, WITA or WIT for Indonesia's three zones; the zone's own abbreviation otherwise.
    public func zoneName(at date: Date) -> String {
        switch timeZone.secondsFromGMT(for: date) {
        case 7 * 3600: "WIB"
        case 8 * 3600: "WITA"
        case 9 * 3600: "WIT"
        default: timeZone.abbreviation(for: date) ?? timeZone.identifier
        }
    }

    /// ISO 8601 with the local offset, e.g. `2026-11-22T14:00:05+07:00` (the JSON contract).
    public func iso8601(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let offset = timeZone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let o = abs(offset)
        return Self.digits(c.year, 4) + "-" + Self.digits(c.month, 2) + "-" + Self.digits(c.day, 2) + "T"
            + Self.digits(c.hour, 2) + ":" + Self.digits(c.minute, 2) + ":" + Self.digits(c.second, 2)
            + sign + Self.digits(o / 3600, 2) + ":" + Self.digits((o % 3600) / 60, 2)
    }
}
