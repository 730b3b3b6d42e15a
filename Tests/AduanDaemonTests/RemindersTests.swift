import AduanConfig
import AduanCore
import AduanDaemon
import AduanStore
import Foundation
import GRDB
import Testing

extension StepClock {
    func set(_ iso: String) {
        let target = ISO8601DateFormatter().date(from: iso) ?? now()
        advance(target.timeIntervalSince(now()))
    }
}

extension Desk {
    var reminders: Reminders { Reminders(store: store, rules: reception.rules) }

    /// Runs remind at the clock's time and returns what it queued, in order.
    func remind() throws -> [Reminders.Send] { try reminders.run(at: clock.now()) }
}

@Suite struct RemindersTests {
    let iso = ISO8601DateFormatter()

    @Test func eachStageOnceAndOfficialsNeverSeeTheNumber() throws {
        var desk = try Desk(at: "2026-12-01T09:00:00+07:00")
        _ = try desk.receive("KAUR jembatan putus, telepon saya 081299998888", from: "6281299998888")
        desk.clock.set("2026-12-01T10:00:00+07:00")
        _ = try desk.act(.forward(agency: "dpupr"), "KUR-0001")
        desk.clock.set("2026-12-09T08:00:00+07:00")
        let first = try desk.remind()
        #expect(first.map(\.stage) == [.agencyReminder, .citizenUpdate])
        let agency = try #require(first.first)
        #expect(agency.to == "6281200000001")
        #expect(agency.text == "Dinas PUPR: aduan KUR-0001 (Kabupaten Kaur) belum dijawab sejak 01-12-2026 10:00 WIB. jembatan putus, telepon saya [nomor]")
        #expect(!agency.text.contains("99998888"))
        #expect(try desk.remind().isEmpty)
        desk.clock.advance(30 * 86_400)
        #expect(try desk.remind().map(\.stage) == [.escalation])
        #expect(try desk.remind().isEmpty)
    }

    @Test func stoppedCitizensGetNoReminderOrSurvey() throws {
        var desk = try Desk(at: "2026-12-01T09:00:00+07:00")
        _ = try desk.receive("STOP")
        _ = try desk.receive("BANJAR lampu mati")
        _ = try desk.receive("DUMAS pungli")
        _ = try desk.act(.resolve(answer: "Sudah ditangani"), "BMB-0001")
        desk.clock.set("2026-12-20T09:00:00+07:00")
        let sends = try desk.remind()
        #expect(!sends.contains { $0.stage.toCitizen })
        #expect(try desk.store.pool.read { try String.fetchAll($0, sql: "SELECT outcome FROM reminders_sent WHERE stage IN ('survey', 'citizen_update') ORDER BY id") } == ["stopped", "stopped"])
    }

    @Test func dryRunChangesNothing() throws {
        var desk = try Desk(at: "2026-12-01T09:00:00+07:00")
        _ = try desk.receive("BANJAR lampu mati")
        desk.clock.set("2026-12-20T09:00:00+07:00")
        let outboxBefore = try desk.outbox().count
        let planned = try desk.reminders.run(at: desk.clock.now(), dryRun: true)
        #expect(planned.map(\.stage) == [.deskAlert, .deskAlert, .escalation, .citizenUpdate])
        #expect(try desk.outbox().count == outboxBefore)
        #expect(try desk.remind() == planned)
    }

    @Test func twoRunsAtOnceNeverDoubleSend() async throws {
        var desk = try Desk(at: "2026-12-01T09:00:00+07:00")
        for i in 0..<40 { _ = try desk.receive("BANJAR lampu mati nomor \(i)", from: "62814000\(String(format: "%05d", i))") }
        let now = try #require(iso.date(from: "2026-12-20T09:00:00+07:00"))
        // Two processes' worth: separate stores (connections) on one database.
        let config = desk.reception.rules.config
        let a = Reminders(store: try Store(path: config.service.database), rules: DeskRules(config))
        let b = Reminders(store: try Store(path: config.service.database), rules: DeskRules(config))
        async let runA = Task.detached { try a.run(at: now) }.value
        async let runB = Task.detached { try b.run(at: now) }.value
        let (sentA, sentB) = try await (runA, runB)
        // 40 complaints × (2 desk alerts + 1 escalation + 1 citizen update)
        #expect(sentA.count + sentB.count == 160)
        let keys = (sentA + sentB).map { "\($0.ticket) \($0.stage.rawValue) \($0.to)" }
        #expect(Set(keys).count == keys.count)
        let queued = try await desk.store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM outbox WHERE kind IN ('reminder', 'escalation')") }
        #expect(queued == 160)
    }

    /// A month of desk life: complaints in every status and priority, the clock
    /// through weekdays, weekends, a holiday (25 December) and quiet hours,
    /// remind run at irregular times: twice in a row, then not for three days.
    /// The exact set of SMS: none missing, none twice, each at the first run
    /// after its stage came due, held when the run falls in quiet hours.
    @Test func aSimulatedMonth() throws {
        var desk = try Desk(at: "2026-12-01T09:00:00+07:00")
        var log: [String] = []
        func at(_ time: String) { desk.clock.set("2026-12-\(time):00+07:00") }
        func run(_ time: String) throws {
            at(time)
            for s in try desk.remind() {
                let held = s.heldUntil.map { " held→" + desk.reception.rules.calendar.display($0) } ?? ""
                log.append("\(time) \(s.stage.rawValue) \(s.ticket) \(s.to)\(held)")
            }
        }
        func receive(_ time: String, _ text: String, from: String) throws {
            at(time)
            _ = try desk.receive(text, from: from)
        }
        func act(_ time: String, _ action: DeskAction, _ ticket: String) throws {
            at(time)
            _ = try desk.act(action, ticket)
        }

        try receive("01T09:00", "BANJAR lampu jalan mati", from: "6281400000001")                 // A BJR-0001
        try run("01T10:00")
        try run("02T12:00")
        try receive("02T22:30", "MASBUPSIAGA ambulans tidak datang, darurat", from: "6281400000002") // B PML-0001 urgent
        try run("03T03:00")
        try run("03T03:00")
        try run("03T08:00")
        try act("03T09:00", .forward(agency: "dinkes"), "PML-0001")
        try receive("03T10:00", "KAUR jembatan putus", from: "6281400000003")                     // C KUR-0001
        try act("03T10:30", .forward(agency: "dpupr"), "KUR-0001")
        try act("04T10:00", .progress, "KUR-0001")
        try receive("04T11:00", "DUMAS pungli di kantor desa", from: "6281400000004")             // D BMB-0001
        try receive("04T11:30", "DUMAS jalan desa rusak", from: "6281400000005")                  // E BMB-0002
        try receive("04T11:59", "STOP", from: "6281400000006")
        try receive("04T12:00", "BANJAR sampah menumpuk", from: "6281400000006")                  // F BJR-0002
        try receive("04T12:30", "KAUR minta bantuan modal", from: "6281400000007")                // G KUR-0002
        try act("04T13:00", .reject(reason: "Bukan pengaduan"), "KUR-0002")
        try act("04T15:00", .resolve(answer: "Sudah ditindak"), "BMB-0001")
        try act("04T15:30", .resolve(answer: "Sudah diperbaiki"), "BMB-0002")
        try receive("04T16:00", "PUAS", from: "6281400000005")
        try act("04T16:00", .resolve(answer: "Sudah diangkut"), "BJR-0002")
        // Not run for three days.
        try run("06T21:30")
        try run("09T08:00")
        try run("09T08:00")
        try run("16T13:00")
        try receive("24T09:00", "BANJAR drainase tersumbat", from: "6281400000008")               // H BJR-0003
        try run("24T10:00")
        try run("29T06:00")
        try run("31T12:00")

        #expect(log == [
            // A: 1 working day without forwarding; B: urgent, 4 h. In quiet hours: held.
            "03T03:00 desk_alert BJR-0001 6281100000001 held→03-12-2026 07:00 WIB",
            "03T03:00 desk_alert BJR-0001 6281100000002 held→03-12-2026 07:00 WIB",
            "03T03:00 desk_alert PML-0001 6281100000001 held→03-12-2026 07:00 WIB",
            "03T03:00 desk_alert PML-0001 6281100000002 held→03-12-2026 07:00 WIB",
            // B past its 24 h resolution; D's survey (F stopped: none); late, caught up.
            "06T21:30 escalation PML-0001 6281300000001 held→07-12-2026 07:00 WIB",
            "06T21:30 survey BMB-0001 6281400000004 held→07-12-2026 07:00 WIB",
            // A unchanged 7 days; B and C forwarded 3 working days ago.
            "09T08:00 agency_reminder PML-0001 6281200000003",
            "09T08:00 agency_reminder KUR-0001 6281200000001",
            "09T08:00 citizen_update BJR-0001 6281400000001",
            "16T13:00 escalation BJR-0001 6281300000001",
            "16T13:00 citizen_update PML-0001 6281400000002",
            "16T13:00 citizen_update KUR-0001 6281400000003",
            "24T10:00 escalation KUR-0001 6281300000001",
            // H on Thursday 24th: Friday 25th is a holiday, then the weekend.
            "29T06:00 desk_alert BJR-0003 6281100000001 held→29-12-2026 07:00 WIB",
            "29T06:00 desk_alert BJR-0003 6281100000002 held→29-12-2026 07:00 WIB",
        ])
        let held = try desk.outbox().filter { $0.kind == "reminder" || $0.kind == "escalation" || $0.kind == "survey" }
        #expect(held.count == log.count)
        #expect(held.filter { $0.state == .held }.count == log.filter { $0.contains("held") }.count)
    }
}
