import AduanCore
import Foundation

/// Local days and seconds of the day in the desk's zone, by arithmetic:
/// `Calendar` answers the same, a hundred times slower, and the generator
/// asks millions of times.
struct LocalTime: Sendable {
    let calendar: WorkCalendar

    init(_ calendar: WorkCalendar) { self.calendar = calendar }

    /// Days since 1970-01-01 in the zone.
    func day(_ date: Date) -> Int { calendar.localDay(date) }

    /// Seconds since local midnight.
    func secondOfDay(_ date: Date) -> Int {
        let t = date.timeIntervalSince1970 + TimeInterval(calendar.timeZone.secondsFromGMT(for: date))
        return Int(t - (t / 86_400).rounded(.down) * 86_400)
    }
}
