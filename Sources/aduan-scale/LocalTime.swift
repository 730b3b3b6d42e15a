import Foundation

/// Local days and seconds of the day in the desk's zone, by arithmetic:
/// `Calendar` answers the same, a hundred times slower, and the generator
/// asks millions of times.
struct LocalTime: Sendable {
    let timeZone: TimeZone

    private func local(_ date: Date) -> TimeInterval {
        date.timeIntervalSince1970 + TimeInterval(timeZone.secondsFromGMT(for: date))
    }

    /// Days since 1970-01-01 in the zone.
    func day(_ date: Date) -> Int { Int((local(date) / 86_400).rounded(.down)) }

    /// Seconds since local midnight.
    func secondOfDay(_ date: Date) -> Int {
        let t = local(date)
        return Int(t - (t / 86_400).rounded(.down) * 86_400)
    }
}
