import AduanConfig
import AduanCore
import AduanDaemon
import AduanGateways
import AduanStore
import Foundation
import GRDB
import Testing

/// A clock the test moves by hand.
final class StepClock: Clock, @unchecked Sendable {
    private let lock = NSLock()
    private var instant: Date
    init(_ iso: String) { instant = ISO8601DateFormatter().date(from: iso) ?? Date(timeIntervalSince1970: 0) }
    func now() -> Date { lock.withLock { instant } }
    func advance(_ seconds: TimeInterval) { lock.withLock { instant = instant.addingTimeInterval(seconds) } }
}

/// The shipped configuration with its database in a temporary directory.
struct Desk {
    let store: Store
    let reception: Reception
    let clock: StepClock
    let directory: String
    var sent = 0

    init(at iso: String = "2026-11-23T09:00:00+07:00", edit: (String) -> String = { $0 }) throws {
        directory = NSTemporaryDirectory() + "aduan-rx-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory + "/config", withIntermediateDirectories: true)
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let text = try String(contentsOfFile: url.path + "/config/aduan.toml", encoding: .utf8)
        let config = try ConfigLoader.parse(text: edit(text), file: directory + "/config/aduan.toml")
        store = try Store(path: config.service.database)
        clock = StepClock(iso)
        reception = Reception(store: store, rules: DeskRules(config), clock: clock)
    }

    /// Receives a message as if smstools had delivered it, each with its own SMSC timestamp.
    mutating func receive(_ text: String, from: String = "6281234567890") throws -> ReceptionOutcome {
        sent += 1
        let sms = InboundSMS(sender: from, text: text, sentAt: "26-11-23 09:00:\(sent)")
        return try reception.receive(sms, raw: Array(text.utf8), source: "modem1", ref: "GSM1.\(sent)")
    }

    func outbox() throws -> [OutboxRecord] { try store.pool.read { try Outbox.list($0) } }
    func complaints() throws -> [ComplaintRecord] { try store.pool.read { try Complaints.list($0, ComplaintFilter()) } }
}

@Suite struct ReceptionTests {
    @Test func complaintIsFiledWithTicketDeadlinesAndAck() throws {
        var desk = try Desk()
        let outcome = try desk.receive("BANJAR jalan rusak di desa Sungai Tabuk")
        #expect(outcome == .recorded(intent: "complaint", ticket: "BJR-0001", flags: [], replied: true))
        let c = try #require(try desk.complaints().first)
        #expect(c.ticket == "BJR-0001")
        #expect(c.route == "BANJAR")
        #expect(c.text == "jalan rusak di desa Sungai Tabuk")
        #expect(c.agencySuggested == "dpupr")
        #expect(c.priority == .normal)
        // Monday 09:00 WIB + 3 working days: end of Thursday.
        #expect(c.firstResponseDue == ISO8601DateFormatter().date(from: "2026-11-26T23:59:59+07:00"))
        let ack = try #require(try desk.outbox().first)
        #expect(ack.recipient == "6281234567890")
        #expect(ack.kind == "ack")
        #expect(ack.state == .pending)
        #expect(ack.ticket == "BJR-0001")
        #expect(ack.text == "Aduan Anda untuk Kabupaten Banjar diterima, no. BJR-0001. Cek status: ketik STATUS BJR-0001 kirim ke 1708.")
    }

    @Test func urgentWordsShortenTheDeadlines() throws {
        var desk = try Desk()
        _ = try desk.receive("MASBUPSIAGA ambulans tidak datang, darurat")
        let c = try #require(try desk.complaints().first)
        #expect(c.priority == .urgent)
        #expect(c.firstResponseDue == ISO8601DateFormatter().date(from: "2026-11-23T13:00:00+07:00"))
    }

    /// The daemon works out a complaint's particulars (urgency, agency,
    /// deadlines) with its arrival, before the transaction: the complaint is
    /// filed with exactly those, as of the batch's instant.
    @Test func aComplaintIsFiledWithTheParticularsOfItsArrival() throws {
        let desk = try Desk()
        let received = desk.clock.now()
        let sms = InboundSMS(sender: "6281234567890", text: "MASBUPSIAGA ambulans tidak datang, darurat", sentAt: "26-11-23 09:00:01")
        let arrival = desk.reception.arrival(of: sms, raw: Array(sms.text.utf8), at: received)
        let filing = try #require(arrival.filing)
        #expect(filing.priority == .urgent)
        #expect(filing.due.firstResponse == ISO8601DateFormatter().date(from: "2026-11-23T13:00:00+07:00"))
        #expect(filing.dedupeKey == MessageText.dedupeKey("ambulans tidak datang, darurat"))
        desk.clock.advance(3 * 3600)
        let outcome = try desk.store.pool.write { db in
            try desk.reception.receive(db, arrival, raw: Array(sms.text.utf8), source: "modem1", ref: "GSM1.1", now: received)
        }
        #expect(outcome == .recorded(intent: "complaint", ticket: "PML-0001", flags: [], replied: true))
        let c = try #require(try desk.complaints().first)
        #expect(c.priority == .urgent)
        #expect(c.receivedAt == received)
        #expect(c.firstResponseDue == filing.due.firstResponse)
        #expect(c.resolutionDue == filing.due.resolution)
        #expect(c.agencySuggested == filing.suggestion?.agency)

        let status = InboundSMS(sender: "6281234567890", text: "STATUS PML-0001", sentAt: "26-11-23 09:00:02")
        #expect(desk.reception.arrival(of: status, raw: Array(status.text.utf8), at: received).filing == nil)
    }

    @Test func sameMessageDeliveredTwiceIsOneComplaint() throws {
        let desk = try Desk()
        let sms = InboundSMS(sender: "+6281234567890", text: "KAUR lampu mati", sentAt: "26-11-23 08:00:00")
        let first = try desk.reception.receive(sms, raw: Array("a".utf8), source: "modem1", ref: "GSM1.a")
        let again = try desk.reception.receive(sms, raw: Array("b".utf8), source: "modem1", ref: "GSM1.b")
        #expect(first != .alreadyRecorded)
        #expect(again == .alreadyRecorded)
        #expect(try desk.complaints().count == 1)
        #expect(try desk.outbox().count == 1)
    }

    @Test func duplicateWithinTheWindowNamesTheExistingTicket() throws {
        var desk = try Desk()
        _ = try desk.receive("BANJAR jalan rusak")
        desk.clock.advance(3600)
        let again = try desk.receive("banjar   JALAN rusak")
        #expect(again == .recorded(intent: "complaint", ticket: nil, flags: ["duplicate"], replied: true))
        #expect(try desk.complaints().count == 1)
        #expect(try desk.outbox().last?.text.contains("BJR-0001") == true)
        #expect(try desk.outbox().last?.kind == "duplicate")
        // After the window it is a new complaint.
        desk.clock.advance(86_400)
        _ = try desk.receive("BANJAR jalan rusak")
        #expect(try desk.complaints().count == 2)
    }

    @Test func complaintBudgetStoresButNeitherTicketsNorAnswers() throws {
        var desk = try Desk()
        for i in 1...5 { _ = try desk.receive("BANJAR keluhan nomor \(i)") }
        let sixth = try desk.receive("BANJAR keluhan nomor 6")
        #expect(sixth == .recorded(intent: "complaint", ticket: nil, flags: ["over_budget"], replied: false))
        #expect(try desk.complaints().count == 5)
        #expect(try desk.outbox().count == 5)
        #expect(try desk.store.pool.read { try InboundMessages.all($0) }.count == 6)
        desk.clock.advance(3601)
        #expect(try desk.receive("BANJAR keluhan nomor 7") != sixth)
        #expect(try desk.complaints().count == 6)
    }

    @Test func replyBudgetStopsAnsweringForTheDay() throws {
        var desk = try Desk()
        for _ in 1...20 { _ = try desk.receive("HELP") }
        let over = try desk.receive("HELP")
        #expect(over == .recorded(intent: "help", ticket: nil, flags: ["reply_budget"], replied: false))
        #expect(try desk.outbox().count == 20)
    }

    @Test("senders that are never answered", arguments: ["TELKOMSEL", "1708", "3636", "6281100000001"])
    func neverAnswered(_ sender: String) throws {
        var desk = try Desk { $0.replacingOccurrences(of: "no_reply = [\"1708\"]", with: "no_reply = [\"1708\", \"6281100000001\"]") }
        let outcome = try desk.receive("BANJAR jalan rusak", from: sender)
        guard case .recorded(_, let ticket, let flags, let replied) = outcome else { Issue.record("not recorded"); return }
        #expect(ticket == "BJR-0001")
        #expect(flags == ["no_reply"])
        #expect(!replied)
        #expect(try desk.outbox().isEmpty)
    }

    @Test func statusAnswersTheOwnerAndRevealsNothingToOthers() throws {
        var desk = try Desk()
        _ = try desk.receive("DUMAS pungli di kantor desa")
        _ = try desk.receive("STATUS BMB-0001")
        _ = try desk.receive("cek bmb1", from: "6289999999999")
        _ = try desk.receive("STATUS BMB-0099")
        let texts = try desk.outbox().map(\.text)
        #expect(texts[1] == "Aduan BMB-0001 (Kabupaten Bombana): DITERIMA.")
        #expect(texts[2].hasPrefix("Tidak ada aduan dari nomor ini."))
        #expect(!texts[2].contains("BMB-0001"))
        #expect(texts[3] == "Aduan Anda: BMB-0001 (DITERIMA). Rincian: ketik STATUS no. tiket kirim ke 1708.")
    }

    @Test func keywordWithoutTextGetsFormatHelpAndNoTicket() throws {
        var desk = try Desk()
        let outcome = try desk.receive("LAPAKADUAN")
        #expect(outcome == .recorded(intent: "route_help", ticket: nil, flags: [], replied: true))
        #expect(try desk.complaints().isEmpty)
        #expect(try desk.outbox().first?.text.contains("LAPAKADUAN isi aduan") == true)
    }

    @Test func unknownKeywordGoesToTriage() throws {
        var desk = try Desk()
        _ = try desk.receive("halo pak jalan depan rumah rusak")
        let c = try #require(try desk.complaints().first)
        #expect(c.ticket == "UMUM-0001")
        #expect(c.route == nil)
        #expect(c.matchKind == .none)
    }

    @Test func ticketsCountPerRoute() throws {
        var desk = try Desk()
        _ = try desk.receive("BANJAR satu", from: "6281200000011")
        _ = try desk.receive("KAUR satu", from: "6281200000012")
        _ = try desk.receive("BANJAR dua", from: "6281200000013")
        #expect(try desk.complaints().map(\.ticket) == ["BJR-0001", "KUR-0001", "BJR-0002"])
    }
}

@Suite struct StoreTests {
    @Test func writerIsDurableAndWAL() throws {
        let desk = try Desk()
        #expect(try desk.store.writerSynchronous() == 2)
        #expect(try desk.store.journalMode() == "wal")
    }

    @Test func databaseIsNotWorldReadable() throws {
        let desk = try Desk()
        let mode = try FileManager.default.attributesOfItem(atPath: desk.store.path)[.posixPermissions] as? Int
        #expect((mode ?? 0o777) & 0o007 == 0)
    }

    @Test func eventsAreNeverChangedOrDeleted() throws {
        var desk = try Desk()
        _ = try desk.receive("BANJAR jalan rusak")
        #expect(throws: DatabaseError.self) {
            try desk.store.pool.write { try $0.execute(sql: "UPDATE events SET note = 'x'") }
        }
        #expect(throws: DatabaseError.self) {
            try desk.store.pool.write { try $0.execute(sql: "DELETE FROM events") }
        }
    }
}
