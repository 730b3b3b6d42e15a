import Foundation
import Testing
import AduanGateways

/// 2026-11-22 14:00:00 UTC (21:00 WIB).
private let nov22 = Date(timeIntervalSince1970: 1_795_356_000)

struct GammuNameCase: Sendable, CustomTestStringConvertible {
    var name: String
    var id: Int64
    var kind: String
    var number: String
    var createdAt: Date
    var expected: String
    var testDescription: String { name }
}

@Suite struct GammuOutboundTests {
    static let nameCases: [GammuNameCase] = [
        GammuNameCase(
            name: "acknowledgement: A, UTC, serial from id, tag aduan<id>", id: 42, kind: "ack",
            number: "+6281234567890", createdAt: nov22,
            expected: "OUTA20261122_140000_42_+6281234567890_aduan42.txt"),
        GammuNameCase(
            name: "number stripped to digits behind one +", id: 7, kind: "ack",
            number: " +62 812-3456-7890 ", createdAt: nov22,
            expected: "OUTA20261122_140000_07_+6281234567890_aduan7.txt"),
        GammuNameCase(
            name: "digits without + get one", id: 100, kind: "ack",
            number: "6281234567890", createdAt: nov22,
            expected: "OUTA20261122_140000_00_+6281234567890_aduan100.txt"),
        GammuNameCase(
            name: "help is a direct reply: B", id: 1234, kind: "help",
            number: "6281234567890", createdAt: nov22,
            expected: "OUTB20261122_140000_34_+6281234567890_aduan1234.txt"),
        GammuNameCase(
            name: "status is a direct reply: B", id: 5, kind: "status",
            number: "6281234567890", createdAt: nov22,
            expected: "OUTB20261122_140000_05_+6281234567890_aduan5.txt"),
        GammuNameCase(
            name: "duplicate is a direct reply: B", id: 6, kind: "duplicate",
            number: "6281234567890", createdAt: nov22,
            expected: "OUTB20261122_140000_06_+6281234567890_aduan6.txt"),
        GammuNameCase(
            name: "reminder: C", id: 8, kind: "reminder",
            number: "6281234567890", createdAt: nov22,
            expected: "OUTC20261122_140000_08_+6281234567890_aduan8.txt"),
        GammuNameCase(
            name: "survey: C", id: 9, kind: "survey",
            number: "6281234567890", createdAt: nov22,
            expected: "OUTC20261122_140000_09_+6281234567890_aduan9.txt"),
        GammuNameCase(
            name: "escalation: C", id: 10, kind: "escalation",
            number: "6281234567890", createdAt: nov22,
            expected: "OUTC20261122_140000_10_+6281234567890_aduan10.txt"),
        GammuNameCase(
            name: "unknown kind: C, and kinds are not case-folded", id: 11, kind: "ACK",
            number: "6281234567890", createdAt: nov22,
            expected: "OUTC20261122_140000_11_+6281234567890_aduan11.txt"),
        GammuNameCase(
            name: "23:30 WIB is still 16:30 the same day in UTC", id: 12, kind: "ack",
            number: "6281234567890", createdAt: Date(timeIntervalSince1970: 1_795_365_000),
            expected: "OUTA20261122_163000_12_+6281234567890_aduan12.txt"),
        GammuNameCase(
            name: "leap day, last second", id: 13, kind: "ack",
            number: "6281234567890", createdAt: Date(timeIntervalSince1970: 1_709_251_199.999),
            expected: "OUTA20240229_235959_13_+6281234567890_aduan13.txt"),
        GammuNameCase(
            name: "year end", id: 14, kind: "ack",
            number: "6281234567890", createdAt: Date(timeIntervalSince1970: 1_798_761_599),
            expected: "OUTA20261231_235959_14_+6281234567890_aduan14.txt"),
        GammuNameCase(
            name: "2000-03-01 (400-year leap rule)", id: 15, kind: "ack",
            number: "6281234567890", createdAt: Date(timeIntervalSince1970: 951_868_800),
            expected: "OUTA20000301_000000_15_+6281234567890_aduan15.txt"),
        GammuNameCase(
            name: "2100-03-01 (2100 is not a leap year)", id: 16, kind: "ack",
            number: "6281234567890", createdAt: Date(timeIntervalSince1970: 4_107_587_696),
            expected: "OUTA21000301_123456_16_+6281234567890_aduan16.txt"),
        GammuNameCase(
            name: "epoch", id: 17, kind: "ack",
            number: "6281234567890", createdAt: Date(timeIntervalSince1970: 0),
            expected: "OUTA19700101_000000_17_+6281234567890_aduan17.txt"),
        GammuNameCase(
            name: "one second before the epoch rounds down, not toward zero", id: 18, kind: "ack",
            number: "6281234567890", createdAt: Date(timeIntervalSince1970: -0.5),
            expected: "OUTA19691231_235959_18_+6281234567890_aduan18.txt"),
    ]

    @Test(arguments: nameCases)
    func names(_ c: GammuNameCase) {
        #expect(GammuOutbound.fileName(id: c.id, kind: c.kind, number: c.number, createdAt: c.createdAt) == c.expected)
    }

    /// smsd sends the first name in `alphasort` order; under C.UTF-8 that is byte order.
    @Test func acksFirstThenRepliesThenTheRestEachInCreationOrder() {
        let rows: [(id: Int64, kind: String, seconds: TimeInterval)] = [
            (1, "reminder", 0), (2, "status", 0), (3, "ack", 1), (4, "survey", 1), (5, "ack", 1),
            (6, "help", 2), (7, "escalation", 59), (8, "duplicate", 60), (9, "ack", 3600), (10, "ack", 86_400),
        ]
        let names = rows.map {
            GammuOutbound.fileName(id: $0.id, kind: $0.kind, number: "+6281234567890",
                                   createdAt: nov22.addingTimeInterval($0.seconds))
        }
        let sentOrder = names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        #expect(sentOrder.map { $0.split(separator: "_").last.map(String.init) ?? "" } == [
            "aduan3.txt", "aduan5.txt", "aduan9.txt", "aduan10.txt",
            "aduan2.txt", "aduan6.txt", "aduan8.txt",
            "aduan1.txt", "aduan4.txt", "aduan7.txt",
        ])
    }

    /// What smsd's FindOutboxSMS does with the name: ≥4 underscores, the number
    /// between the third and fourth, `.txt` extension, not a dotfile.
    @Test(arguments: ["ack", "help", "reminder"])
    func gammuReadsTheNumberBackFromTheName(_ kind: String) throws {
        let name = GammuOutbound.fileName(id: 987_654, kind: kind, number: "+62 812-3456-7890", createdAt: nov22)
        #expect(name.filter { $0 == "_" }.count == 4)
        #expect(name.hasPrefix("OUT"))
        #expect(name.hasSuffix(".txt"))
        let parsed = try #require(GammuOutbound.parse(name: name, bytes: Array("x".utf8)))
        #expect(parsed.number == "+6281234567890")
    }

    @Test func rendersUTF8AsIs() {
        #expect(GammuOutbound.render("Aduan ✓ 🙁", encoding: .utf8) == Array("Aduan ✓ 🙁".utf8))
        #expect(GammuOutbound.render("", encoding: .utf8) == [])
    }

    @Test func rendersUTF16WithBigEndianBOM() {
        #expect(GammuOutbound.render("Aduan ✓ 🙁", encoding: .utf16) == [
            0xFE, 0xFF,
            0x00, 0x41, 0x00, 0x64, 0x00, 0x75, 0x00, 0x61, 0x00, 0x6E, 0x00, 0x20,
            0x27, 0x13, 0x00, 0x20, 0xD8, 0x3D, 0xDE, 0x41,
        ])
        #expect(GammuOutbound.render("", encoding: .utf16) == [0xFE, 0xFF])
    }

    @Test(arguments: GammuOutbound.Encoding.allCases, [
        "Aduan BJR-0042 diterima. Cek status: ketik STATUS BJR-0042 kirim ke 1708.",
        "Jawaban Dinas PUPR: jalan sudah diperbaiki ’ 🙁\r\nterima kasih",
        "harga ~5rb {ok} €3 @ ü",
        "",
    ])
    func roundTrips(_ encoding: GammuOutbound.Encoding, _ text: String) throws {
        let name = GammuOutbound.fileName(id: 42, kind: "ack", number: "+6281234567890", createdAt: nov22)
        let parsed = try #require(GammuOutbound.parse(name: name, bytes: GammuOutbound.render(text, encoding: encoding)))
        #expect(parsed.number == "+6281234567890")
        #expect(parsed.text == text)
    }

    @Test(arguments: [
        ("OUT+6281234567891.txt", "+6281234567891"),
        ("OUTD_+6281234567892_001.txt", "+6281234567892"),
        ("OUTA20261122_140000_00_+6281234567890_ack1.txt", "+6281234567890"),
        ("OUTC20261122_140000_00_+6281234567890_sms0.txtdf", "+6281234567890"),
        ("OUTA20261122_140000_00_+6281234567890_note_with_more_underscores.txt", "+6281234567890"),
        ("outa20261122_140000_00_X123#_x.TXT", "*123#"),
        // Why aduan's names need all four underscores: with two, smsd reads the time as the number.
        ("OUTA20261122_140000_00.txt", "140000"),
    ])
    func readsNamesOthersWrite(_ name: String, _ number: String) throws {
        let parsed = try #require(GammuOutbound.parse(name: name, bytes: Array("halo".utf8)))
        #expect(parsed.number == number)
        #expect(parsed.text == "halo")
    }

    /// smsd moves these to the error folder, or never looks at them.
    @Test(arguments: [
        "OUTB2026_x.txt",
        "OUTA20261122_140000_00_+6281234567890.txt",
        ".OUTA20261122_140000_00_+6281234567890_aduan1.txt",
        "OUTA20261122_140000_00_+6281234567890_aduan1.smsbackup",
        "OUTA20261122_140000_00_+6281234567890_aduan1",
        "INA20261122_140000_00_+6281234567890_aduan1.txt",
        "OUT.txt",
        "OUT",
    ])
    func refusesNamesGammuWouldNotSend(_ name: String) {
        #expect(GammuOutbound.parse(name: name, bytes: Array("halo".utf8)) == nil)
    }

    @Test func readsLittleEndianUTF16() {
        let parsed = GammuOutbound.parse(
            name: "OUT+6281234567891.txt", bytes: [0xFF, 0xFE, 0x41, 0x00, 0x13, 0x27, 0x3D, 0xD8, 0x41, 0xDE])
        #expect(parsed?.text == "A✓🙁")
    }

    @Test(arguments: [
        [UInt8(0x68), 0x61, 0xFF],                  // invalid UTF-8
        [0xFE, 0xFF, 0x00, 0x41, 0x00],             // odd UTF-16
        [0xFE, 0xFF, 0x00, 0x41, 0x00, 0x00, 0x00, 0x42],  // smsd stops at U+0000
        [0xFE, 0xFF, 0xD8, 0x3D, 0x00, 0x41],       // lone surrogate
    ])
    func refusesTextItDidNotWrite(_ bytes: [UInt8]) {
        #expect(GammuOutbound.parse(name: "OUT+6281234567891.txt", bytes: bytes) == nil)
    }
}
