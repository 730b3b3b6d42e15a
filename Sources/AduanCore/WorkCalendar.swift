import Foundation

/// Deadline arithmetic in the regency's own time zone (§4).
///
/// Day-based spans end at the end of a local day: a complaint received on
/// Friday afternoon with `3wd` is due at the end of Wednesday, because the
/// desk counts days, not hours. Hour and minute spans are exact.
///
/// Every complaint asks for two deadlines, so this is on the ingest path. In a
/// zone whose offset never changes (all three of Indonesia's) the local date
/// is integer arithmetic on the offset; Foundation's calendar, many times
/// slower, is used only for zones with daylight saving or a changed offset.
public struct WorkCalendar: Sendable {
    public let timeZone: TimeZone
    public let holidays: Set<String>
    let calendar: Calendar
    /// `YYYYMMDD` of each holiday.
    let holidayKeys: Set<Int>
    /// Seconds east of UTC when the zone has kept one offset since 1970.
    let fixedOffset: Int?

    public init(timeZone: TimeZone, holidays: [String] = []) {
        self.init(timeZone: timeZone, holidays: holidays, arithmetic: true)
    }

    /// - Parameter arithmetic: false forces the calendar path (tests compare the two).
    init(timeZone: TimeZone, holidays: [String], arithmetic: Bool) {
        self.timeZone = timeZone
        self.holidays = Set(holidays)
        holidayKeys = Set(holidays.compactMap(Self.dateKey))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
        let epoch = Date(timeIntervalSince1970: 0)
        let offset = timeZone.secondsFromGMT(for: epoch)
        let fixed = timeZone.nextDaylightSavingTimeTransition(after: epoch) == nil
            && offset == timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: 4_102_444_800))
        fixedOffset = arithmetic && fixed ? offset : nil
    }

    /// `2026-12-25` → 20261225.
    static func dateKey(_ text: String) -> Int? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        return y * 10_000 + m * 100 + d
    }

    /// The local wall-clock fields of an instant.
    struct Fields {
        var year, month, day, hour, minute, second: Int
        /// 1 = Sunday … 7 = Saturday, as Foundation counts.
        var weekday: Int
        var key: Int { year * 10_000 + month * 100 + day }
    }

    /// Days since 1970-01-01 in the zone: the local day an instant falls on.
    public func localDay(_ date: Date) -> Int {
        let offset = fixedOffset ?? timeZone.secondsFromGMT(for: date)
        return CivilDate.floorDiv(Int(date.timeIntervalSince1970.rounded(.down)) + offset, 86_400)
    }

    func fields(_ date: Date) -> Fields {
        guard let offset = fixedOffset else {
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
            return Fields(year: c.year ?? 0, month: c.month ?? 0, day: c.day ?? 0, hour: c.hour ?? 0,
                          minute: c.minute ?? 0, second: c.second ?? 0, weekday: c.weekday ?? 1)
        }
        let local = Int((date.timeIntervalSince1970).rounded(.down)) + offset
        let days = CivilDate.floorDiv(local, 86_400)
        let seconds = local - days * 86_400
        let (y, m, d) = CivilDate.fields(fromDays: days)
        // 1970-01-01 was a Thursday (5).
        let weekday = (CivilDate.floorMod(days, 7) + 4) % 7 + 1
        return Fields(year: y, month: m, day: d, hour: seconds / 3600, minute: seconds % 3600 / 60, second: seconds % 60,
                      weekday: weekday)
    }

    public func isWorkingDay(_ date: Date) -> Bool {
        let f = fields(date)
        return f.weekday != 1 && f.weekday != 7 && !holidayKeys.contains(f.key)
    }

    /// `YYYY-MM-DD` of the instant in local time.
    public func localDate(_ date: Date) -> String {
        let f = fields(date)
        return "\(Self.pad(f.year, 4))-\(Self.pad(f.month))-\(Self.pad(f.day))"
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
        if let offset = fixedOffset {
            var day = localDay(start)
            var counted = 0
            while counted < n {
                day += 1
                if counting(Date(timeIntervalSince1970: TimeInterval(day * 86_400 + 43_200 - offset))) { counted += 1 }
            }
            return Date(timeIntervalSince1970: TimeInterval((day + 1) * 86_400 - offset - 1))
        }
        var day = calendar.startOfDay(for: start)
        var counted = 0
        // A noon anchor keeps day stepping clear of any DST edge.
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
        let f = fields(date)
        return "\(Self.pad(f.day))-\(Self.pad(f.month))-\(Self.pad(f.year, 4)) \(Self.pad(f.hour)):\(Self.pad(f.minute)) "
            + zoneName(at: date)
    }

    /// WIB, WITA or WIT for Indonesia's three zones; the zone's own abbreviation otherwise.
    public func zoneName(at date: Date) -> String {
        switch fixedOffset ?? timeZone.secondsFromGMT(for: date) {
        case 7 * 3600: "WIB"
        case 8 * 3600: "WITA"
        case 9 * 3600: "WIT"
        default: timeZone.abbreviation(for: date) ?? timeZone.identifier
        }
    }

    /// ISO 8601 with the local offset, e.g. `2026-11-22T14:00:05+07:00` (the JSON contract).
    public func iso8601(_ date: Date) -> String {
        let f = fields(date)
        let offset = fixedOffset ?? timeZone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let o = abs(offset)
        return "\(Self.pad(f.year, 4))-\(Self.pad(f.month))-\(Self.pad(f.day))T\(Self.pad(f.hour)):\(Self.pad(f.minute)):"
            + "\(Self.pad(f.second))\(sign)\(Self.pad(o / 3600)):\(Self.pad(o % 3600 / 60))"
    }

    static func pad(_ value: Int, _ width: Int = 2) -> String { CivilDate.padded(value, width: width) }
}
