@testable import AduanCore
import Foundation
import Testing

func instant(_ iso: String) -> Date {
    ISO8601DateFormatter().date(from: iso) ?? Date(timeIntervalSince1970: 0)
}

struct DeadlineCase: Sendable, CustomTestStringConvertible {
    var zone: String
    var received: String
    var span: TimeSpan
    var due: String
    var testDescription: String { "\(zone) \(received) + \(span)" }
}

@Test("deadlines across weekends, holidays and WIB/WITA/WIT", arguments: [
    // Friday afternoon + 3 working days: Mon, Tue, Wed → end of Wednesday
    DeadlineCase(zone: "Asia/Jakarta", received: "2026-11-20T15:00:00+07:00", span: .workingDays(3), due: "2026-11-25T23:59:59+07:00"),
    // Saturday + 1 working day: Monday
    DeadlineCase(zone: "Asia/Jakarta", received: "2026-11-21T10:00:00+07:00", span: .workingDays(1), due: "2026-11-23T23:59:59+07:00"),
    // Thursday 24 Dec + 1 working day: Friday 25 Dec is a holiday, so Monday 28
    DeadlineCase(zone: "Asia/Jakarta", received: "2026-12-24T09:00:00+07:00", span: .workingDays(1), due: "2026-12-28T23:59:59+07:00"),
    // 23:30 WITA on Monday is still Monday in Makassar
    DeadlineCase(zone: "Asia/Makassar", received: "2026-11-23T23:30:00+08:00", span: .workingDays(1), due: "2026-11-24T23:59:59+08:00"),
    // 06:00 WIT Saturday is Friday 21:00 UTC: the local day decides
    DeadlineCase(zone: "Asia/Jayapura", received: "2026-11-21T06:00:00+09:00", span: .workingDays(1), due: "2026-11-23T23:59:59+09:00"),
    DeadlineCase(zone: "Asia/Jakarta", received: "2026-11-20T15:00:00+07:00", span: .hours(24), due: "2026-11-21T15:00:00+07:00"),
    DeadlineCase(zone: "Asia/Jakarta", received: "2026-11-20T15:00:00+07:00", span: .minutes(90), due: "2026-11-20T16:30:00+07:00"),
    DeadlineCase(zone: "Asia/Jakarta", received: "2026-11-20T15:00:00+07:00", span: .days(14), due: "2026-12-04T23:59:59+07:00"),
])
func deadlines(_ c: DeadlineCase) throws {
    let zone = try #require(TimeZone(identifier: c.zone))
    let calendar = WorkCalendar(timeZone: zone, holidays: ["2026-12-25"])
    #expect(calendar.due(from: instant(c.received), after: c.span) == instant(c.due))
}

@Test func displayUsesIndonesianZoneNames() throws {
    let at = instant("2026-11-22T07:00:00Z")
    #expect(WorkCalendar(timeZone: try #require(TimeZone(identifier: "Asia/Jakarta"))).display(at) == "22-11-2026 14:00 WIB")
    #expect(WorkCalendar(timeZone: try #require(TimeZone(identifier: "Asia/Makassar"))).display(at) == "22-11-2026 15:00 WITA")
    #expect(WorkCalendar(timeZone: try #require(TimeZone(identifier: "Asia/Jayapura"))).iso8601(at) == "2026-11-22T16:00:00+09:00")
}

/// The integer path (fixed-offset zones) must agree with Foundation's calendar
/// on every field, deadline and rendering, over years of instants either side
/// of midnight, leap days and the turn of centuries.
@Test("offset arithmetic agrees with the calendar", arguments: ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "UTC"])
func arithmeticAgreesWithCalendar(_ identifier: String) throws {
    let zone = try #require(TimeZone(identifier: identifier))
    let holidays = ["2026-12-25", "2024-02-29", "2000-01-03"]
    let fast = WorkCalendar(timeZone: zone, holidays: holidays)
    let slow = WorkCalendar(timeZone: zone, holidays: holidays, arithmetic: false)
    #expect(fast.fixedOffset != nil)
    #expect(slow.fixedOffset == nil)
    var generator = SystemRandomNumberGenerator()
    var instants = (0..<400).map { _ in Date(timeIntervalSince1970: TimeInterval(Int.random(in: 0...4_000_000_000, using: &generator))) }
    // Around local midnight, 29 February and the year 2000.
    for iso in ["2024-02-28T23:59:59", "2024-02-29T00:00:00", "2024-03-01T00:00:00", "1999-12-31T23:59:59", "2000-03-01T12:00:00"] {
        instants.append(instant(iso + "Z").addingTimeInterval(-TimeInterval(zone.secondsFromGMT())))
    }
    for at in instants {
        #expect(fast.localDate(at) == slow.localDate(at))
        #expect(fast.isWorkingDay(at) == slow.isWorkingDay(at))
        #expect(fast.display(at) == slow.display(at))
        #expect(fast.iso8601(at) == slow.iso8601(at))
        for span in [TimeSpan.days(1), .days(14), .workingDays(1), .workingDays(3), .workingDays(10), .hours(48)] {
            #expect(fast.due(from: at, after: span) == slow.due(from: at, after: span), "\(at) + \(span)")
        }
    }
}

@Test func zonesWithDaylightSavingUseTheCalendar() throws {
    #expect(WorkCalendar(timeZone: try #require(TimeZone(identifier: "Europe/Berlin"))).fixedOffset == nil)
    #expect(WorkCalendar(timeZone: try #require(TimeZone(identifier: "America/Sao_Paulo"))).fixedOffset == nil)
}
