import AduanCore
import Foundation
import Testing

@Suite struct DueDatesTests {
    /// A reminder run remembers day-based deadlines per local day; every
    /// answer must still be the calendar's own, across weekends, holidays and
    /// every hour of the day.
    @Test func rememberedDeadlinesAreTheCalendarsOwn() {
        let calendar = WorkCalendar(timeZone: TimeZone(identifier: "Asia/Jakarta") ?? .current,
                                    holidays: ["2026-12-24", "2026-12-25"])
        let dues = DueDates(calendar)
        let spans: [TimeSpan] = [.minutes(30), .hours(24), .days(1), .days(7), .workingDays(1), .workingDays(3)]
        // 2026-12-14 00:00 WIB, then every 47 minutes for three weeks.
        let start = Date(timeIntervalSince1970: 1_797_181_200)
        for step in 0..<(21 * 24 * 60 / 47) {
            let instant = start.addingTimeInterval(TimeInterval(step * 47 * 60))
            for span in spans {
                #expect(dues.due(from: instant, after: span) == calendar.due(from: instant, after: span), "\(instant) \(span)")
            }
        }
    }
}
