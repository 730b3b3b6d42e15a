import AduanCore
import Foundation
import Testing

@Test("quiet hours hold until the window opens", arguments: [
    ("2026-12-03T03:00:00+07:00", "2026-12-03T07:00:00+07:00"),
    ("2026-12-06T21:30:00+07:00", "2026-12-07T07:00:00+07:00"),
    ("2026-12-06T21:00:00+07:00", "2026-12-07T07:00:00+07:00"),
    ("2026-12-06T20:59:00+07:00", nil),
    ("2026-12-07T07:00:00+07:00", nil),
    ("2026-12-07T12:00:00+07:00", nil),
] as [(String, String?)])
func quietHours(_ at: String, _ until: String?) throws {
    let window = QuietWindow(startMinute: 21 * 60, endMinute: 7 * 60)
    let zone = try #require(TimeZone(identifier: "Asia/Jakarta"))
    let f = ISO8601DateFormatter()
    #expect(window.holdUntil(try #require(f.date(from: at)), in: zone) == until.flatMap { f.date(from: $0) })
}

@Test func aDaytimeWindowDoesNotWrap() throws {
    let window = QuietWindow(startMinute: 12 * 60, endMinute: 13 * 60)
    let zone = try #require(TimeZone(identifier: "Asia/Makassar"))
    let f = ISO8601DateFormatter()
    #expect(window.holdUntil(try #require(f.date(from: "2026-12-01T12:30:00+08:00")), in: zone) == f.date(from: "2026-12-01T13:00:00+08:00"))
    #expect(window.holdUntil(try #require(f.date(from: "2026-12-01T11:59:00+08:00")), in: zone) == nil)
}

@Test("summaries for officials carry no phone number", arguments: [
    ("jalan rusak, hubungi saya 081234567890", "jalan rusak, hubungi saya [nomor]"),
    ("WA +62 812-3456-7890 pak", "WA [nomor] pak"),
    ("rusak sejak 2024, RT 03 RW 12", "rusak sejak 2024, RT 03 RW 12"),
    ("nomor 0812 3456 7890.", "nomor [nomor]."),
    ("12345", "12345"),
] as [(String, String)])
func summaries(_ text: String, _ expected: String) {
    #expect(ComplaintSummary.of(text) == expected)
}

@Test func longSummariesAreCut() {
    let s = ComplaintSummary.of(String(repeating: "jalan rusak ", count: 20))
    #expect(s.count == 40)
    #expect(s.hasSuffix("..."))
}
