import AduanConfig
import AduanCore
import AduanDaemon
import AduanGateways
import AduanStore
import Foundation
import Testing

/// Reassembly of concatenated SMS whose parts arrive separately.
@Suite struct MultipartTests {
    func part(_ text: String, _ sequence: Int, of total: Int, reference: Int = 0xA7, from: String = "6281234567890",
              sent: String? = nil) -> InboundSMS {
        InboundSMS(sender: from, text: text, sentAt: sent ?? "26-11-23 09:00:0\(sequence)",
                   part: ConcatenationPart(reference: reference, total: total, sequence: sequence))
    }

    func receive(_ desk: Desk, _ sms: InboundSMS) throws -> ReceptionOutcome {
        try desk.reception.receive(sms, raw: Array(sms.text.utf8), source: "modem1", ref: "GSM1.p\(sms.part?.sequence ?? 0)")
    }

    @Test func partsOutOfOrderAreJoinedBeforeRouting() throws {
        let desk = try Desk()
        #expect(try receive(desk, part("di desa Sungai Tabuk sudah tiga bulan 🙁", 3, of: 3)) == .held(sequence: 3, total: 3))
        #expect(try receive(desk, part("BANJAR jalan ru", 1, of: 3)) == .held(sequence: 1, total: 3))
        #expect(try desk.complaints().isEmpty)
        #expect(try desk.outbox().isEmpty)
        let joined = try receive(desk, part("sak parah ", 2, of: 3))
        #expect(joined == .recorded(intent: "complaint", ticket: "BJR-0001", flags: ["multipart"], replied: true))
        #expect(try desk.complaints().first?.text == "jalan rusak parah di desa Sungai Tabuk sudah tiga bulan 🙁")
        #expect(try desk.outbox().count == 1)
    }

    @Test func aPartDeliveredTwiceCountsOnce() throws {
        let desk = try Desk()
        _ = try receive(desk, part("KAUR lampu ", 1, of: 2))
        #expect(try receive(desk, part("KAUR lampu ", 1, of: 2)) == .alreadyRecorded)
        // The same part again with another timestamp: still the same part of the open set.
        #expect(try receive(desk, part("KAUR lampu ", 1, of: 2, sent: "26-11-23 09:05:00")) == .alreadyRecorded)
        _ = try receive(desk, part("jalan mati", 2, of: 2))
        #expect(try desk.complaints().map(\.text) == ["lampu jalan mati"])
        // A part re-delivered after the join is recognised too.
        #expect(try receive(desk, part("jalan mati", 2, of: 2)) == .alreadyRecorded)
        #expect(try desk.complaints().count == 1)
    }

    @Test func sameReferenceFromTwoSendersStaysApart() throws {
        let desk = try Desk()
        _ = try receive(desk, part("BANJAR satu ", 1, of: 2, from: "6281200000001"))
        _ = try receive(desk, part("KAUR dua ", 1, of: 2, from: "6281200000002"))
        _ = try receive(desk, part("selesai", 2, of: 2, from: "6281200000002"))
        _ = try receive(desk, part("selesai", 2, of: 2, from: "6281200000001"))
        #expect(Set(try desk.complaints().map(\.text)) == ["satu selesai", "dua selesai"])
    }

    @Test func missingPartsAreMarkedAfterTheTimeout() throws {
        let desk = try Desk()
        _ = try receive(desk, part("DUMAS pungli di ", 1, of: 3))
        desk.clock.advance(120)
        _ = try receive(desk, part(" minta uang", 3, of: 3))
        #expect(try desk.reception.nextPartExpiry() == ISO8601DateFormatter().date(from: "2026-11-23T09:10:00+07:00"))
        desk.clock.advance(479)
        #expect(try desk.reception.joinExpiredParts().isEmpty)
        desk.clock.advance(1)
        let outcomes = try desk.reception.joinExpiredParts()
        #expect(outcomes == [.recorded(intent: "complaint", ticket: "BMB-0001", flags: ["multipart", "missing_parts"], replied: true)])
        #expect(try desk.complaints().first?.text == "pungli di [...] minta uang")
        #expect(try desk.reception.nextPartExpiry() == nil)
    }

    @Test func heldPartsSurviveARestart() throws {
        let desk = try Desk()
        _ = try receive(desk, part("MAS BUP SIAGA sampah ", 1, of: 2))
        // A new process: another store and reception on the same database.
        let config = desk.reception.rules.config
        let store = try Store(path: config.service.database)
        let again = Reception(store: store, rules: DeskRules(config), clock: desk.clock)
        let second = part("menumpuk", 2, of: 2)
        #expect(try again.receive(second, raw: [], source: "modem1", ref: "GSM1.x") ==
                .recorded(intent: "complaint", ticket: "PML-0001", flags: ["multipart"], replied: true))
    }

    @Test func identityUsesTheGatewaysIDWhenThereIsOne() {
        let a = InboundSMS(sender: "x", text: "BANJAR a", sentAt: "1", externalID: "msg-1")
        let b = InboundSMS(sender: "x", text: "BANJAR a", sentAt: "2", externalID: "msg-1")
        let c = InboundSMS(sender: "x", text: "BANJAR a", sentAt: "1", externalID: "msg-2")
        #expect(Reception.identity(sender: "x", sms: a, raw: []) == Reception.identity(sender: "x", sms: b, raw: []))
        #expect(Reception.identity(sender: "x", sms: a, raw: []) != Reception.identity(sender: "x", sms: c, raw: []))
    }
}
