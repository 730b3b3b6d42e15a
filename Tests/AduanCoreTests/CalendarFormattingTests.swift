import AduanCore
import Foundation
import Testing

/// `display`, `iso8601` and `localDate` print their digits by hand; the text
/// must be what `String(format:)` printed, in every zone and at every time.
@Test func calendarTextIsWhatStringFormatPrinted() throws {
    for zone in ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "America/St_Johns", "UTC"] {
        let timeZone = try #require(TimeZone(identifier: zone))
        let work = WorkCalendar(timeZone: timeZone)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        // From 2026-01-01, every 7 hours 13 minutes 17 seconds for two years.
        var instant = Date(timeIntervalSince1970: 1_767_225_600)
        for _ in 0..<2_500 {
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
            let (y, mo, d, h, mi, s) = (c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
            let offset = timeZone.secondsFromGMT(for: instant)
            #expect(work.display(instant) == String(format: "%02d-%02d-%04d %02d:%02d ", d, mo, y, h, mi) + work.zoneName(at: instant))
            #expect(work.localDate(instant) == String(format: "%04d-%02d-%02d", y, mo, d))
            #expect(work.iso8601(instant) == String(format: "%04d-%02d-%02dT%02d:%02d:%02d%@%02d:%02d", y, mo, d, h, mi, s,
                                                    offset < 0 ? "-" : "+", abs(offset) / 3600, (abs(offset) % 3600) / 60))
            instant = instant.addingTimeInterval(7 * 3600 + 13 * 60 + 17)
        }
    }
}
