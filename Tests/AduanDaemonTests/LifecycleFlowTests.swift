import AduanConfig
import AduanCore
import AduanDaemon
import AduanGateways
import AduanStore
import Foundation
import GRDB
import Testing

extension Desk {
    var desk: ComplaintDesk { ComplaintDesk(store: store, rules: reception.rules, clock: clock) }

    func act(_ action: DeskAction, _ ticket: String, as actor: String = "sari") throws -> ComplaintDesk.Outcome {
        try desk.perform(action, on: try #require(Ticket(ticket)), actor: actor)
    }

    func texts(to number: String = "6281234567890") throws -> [String] {
        try outbox().filter { $0.recipient == number }.map(\.text)
    }

    func events(_ ticket: String) throws -> [EventRecord] {
        try store.pool.read { db in
            guard let c = try Complaints.find(db, ticket: try #require(Ticket(ticket))) else { return [] }
            return try Events.of(db, complaintID: c.id)
        }
    }
}

@Suite struct LifecycleFlowTests {
    /// One complaint's whole life for each route of the shipped config, every SMS checked.
    struct RouteLife: Sendable, CustomTestStringConvertible {
        var message: String
        var ticket: String
        var region: String
        var testDescription: String { ticket }
    }

    @Test(arguments: [
        RouteLife(message: "BANJAR jalan rusak di desa Sungai Tabuk", ticket: "BJR-0001", region: "Kabupaten Banjar"),
        RouteLife(message: "MAS BUP SIAGA jalan berlubang depan pasar", ticket: "PML-0001", region: "Kabupaten Pemalang"),
        RouteLife(message: "DUMAS jalan desa rusak, dana desa dipotong", ticket: "BMB-0001", region: "Kabupaten Bombana"),
        RouteLife(message: "BMS jalan ke puskesmas longsor sebagian", ticket: "BYM-0001", region: "Kabupaten Banyumas"),
        RouteLife(message: "KAUR jembatan gantung putus", ticket: "KUR-0001", region: "Kabupaten Kaur"),
        RouteLife(message: "tolong jalan depan sekolah rusak", ticket: "UMUM-0001", region: "Umum"),
    ])
    func wholeLife(_ life: RouteLife) throws {
        var desk = try Desk()
        _ = try desk.receive(life.message)
        desk.clock.advance(3600)
        _ = try desk.act(.forward(agency: "dpupr", note: "cek lapangan"), life.ticket)
        desk.clock.advance(3600)
        _ = try desk.act(.progress, life.ticket)
        _ = try desk.receive("INFO \(life.ticket) sekarang tambah parah")
        _ = try desk.act(.note("ditelepon warga"), life.ticket)
        desk.clock.advance(86_400)
        _ = try desk.act(.resolve(answer: "Jalan sudah diperbaiki tanggal 24"), life.ticket)
        _ = try desk.receive("TIDAK \(life.ticket)")
        _ = try desk.act(.reopen, life.ticket)
        _ = try desk.act(.resolve(answer: "Perbaikan selesai"), life.ticket)
        _ = try desk.receive("PUAS")
        let t = life.ticket
        #expect(try desk.texts() == [
            "Aduan Anda untuk \(life.region) diterima, no. \(t). Cek status: ketik STATUS \(t) kirim ke 1708.",
            "Aduan \(t) diteruskan ke Dinas PUPR untuk ditindaklanjuti.",
            "Aduan \(t) sedang ditangani oleh Dinas PUPR.",
            "Tambahan untuk aduan \(t) sudah kami catat. Terima kasih.",
            "Aduan \(t) selesai: Jalan sudah diperbaiki tanggal 24. Puas? Balas PUAS \(t) atau TIDAK \(t).",
            "Terima kasih. Aduan \(t) akan ditinjau kembali oleh petugas.",
            "Aduan \(t) dibuka kembali dan diteruskan ke Dinas PUPR.",
            "Aduan \(t) selesai: Perbaikan selesai. Puas? Balas PUAS \(t) atau TIDAK \(t).",
            "Terima kasih atas penilaian Anda untuk aduan \(t).",
        ])
        #expect(try desk.events(t).map(\.kind) == [
            "received", "forwarded", "in_progress", "info", "note", "resolved", "rated_tidak", "reopened", "resolved", "rated_puas",
        ])
        #expect(try desk.events(t).map(\.actor) == [
            "aduan", "sari", "sari", "citizen", "sari", "sari", "citizen", "sari", "sari", "citizen",
        ])
        #expect(try desk.events(t)[1].note == "dpupr: cek lapangan")
        let c = try #require(try desk.complaints().first)
        #expect(c.status == .resolved)
        #expect(c.rating == "puas")
        #expect(!c.flagged)
        #expect(c.firstResponseAt == ISO8601DateFormatter().date(from: "2026-11-23T10:00:00+07:00"))
    }

    @Test func senselessTransitionsAreRefusedWithAReason() throws {
        var desk = try Desk()
        _ = try desk.receive("BANJAR jalan rusak")
        _ = try desk.act(.reject(reason: "Bukan kewenangan kabupaten"), "BJR-0001")
        #expect(throws: LifecycleError("BJR-0001 is rejected: it is already closed; reopen it to answer again")) {
            try desk.act(.resolve(answer: "x"), "BJR-0001")
        }
        #expect(throws: LifecycleError("unknown agency 'dinsos'; agencies: dpupr, disdukcapil, dinkes, dlh")) {
            try desk.act(.forward(agency: "dinsos"), "bjr1")
        }
        #expect(throws: LifecycleError("no complaint BJR-0099")) { try desk.act(.progress, "BJR-0099") }
        // Nothing of a refused action is written.
        #expect(try desk.events("BJR-0001").map(\.kind) == ["received", "rejected"])
        #expect(try desk.texts().count == 2)
    }

    @Test func historyCannotBeRewritten() throws {
        var desk = try Desk()
        _ = try desk.receive("BANJAR jalan rusak")
        _ = try desk.act(.note("x"), "BJR-0001")
        #expect(throws: DatabaseError.self) {
            try desk.store.pool.write { try $0.execute(sql: "UPDATE events SET actor = 'someone else'") }
        }
    }

    @Test func inProgressSMSCanBeSwitchedOff() throws {
        var desk = try Desk { $0.replacingOccurrences(of: "[templates]", with: "[templates]\nin_progress = \"\"") }
        _ = try desk.receive("BANJAR jalan rusak")
        let outcome = try desk.act(.progress, "BJR-0001")
        #expect(outcome.sms == nil)
        #expect(try desk.texts().count == 1)
    }

    @Test func strangersLearnNothingFromINFOorPUAS() throws {
        var desk = try Desk()
        _ = try desk.receive("BANJAR jalan rusak")
        _ = try desk.receive("INFO BJR-0001 ini palsu", from: "6289999999999")
        _ = try desk.receive("TIDAK BJR-0001", from: "6289999999999")
        let stranger = try desk.texts(to: "6289999999999")
        #expect(stranger.count == 2)
        #expect(stranger.allSatisfy { !$0.contains("BJR-0001") && $0.hasPrefix("Tidak ada aduan dari nomor ini.") })
        #expect(try desk.events("BJR-0001").map(\.kind) == ["received"])
        #expect(try desk.complaints().first?.flagged == false)
    }

    @Test func stopAndStart() throws {
        var desk = try Desk()
        _ = try desk.receive("STOP")
        #expect(try desk.store.pool.read { try OptOuts.isStopped($0, number: "6281234567890") })
        _ = try desk.receive("BANJAR jalan rusak")
        // A status change of the citizen's own complaint still goes after STOP.
        _ = try desk.act(.forward(agency: "dpupr"), "BJR-0001")
        _ = try desk.receive("MULAI")
        #expect(try !desk.store.pool.read { try OptOuts.isStopped($0, number: "6281234567890") })
        #expect(try desk.texts() == [
            "Anda tidak akan menerima pengingat dan survei lagi dari 1708. Kirim MULAI untuk mengaktifkan kembali.",
            "Aduan Anda untuk Kabupaten Banjar diterima, no. BJR-0001. Cek status: ketik STATUS BJR-0001 kirim ke 1708.",
            "Aduan BJR-0001 diteruskan ke Dinas PUPR untuk ditindaklanjuti.",
            "Pengingat dan survei dari 1708 aktif kembali. Kirim STOP untuk berhenti.",
        ])
    }

    @Test func tidakFlagsTheComplaintForTheDesk() throws {
        var desk = try Desk()
        _ = try desk.receive("KAUR lampu mati")
        _ = try desk.act(.resolve(answer: "Lampu diganti"), "KUR-0001")
        _ = try desk.receive("TIDAK PUAS kur1 masih mati")
        let c = try #require(try desk.complaints().first)
        #expect(c.flagged)
        #expect(c.rating == "tidak")
        #expect(try desk.events("KUR-0001").last?.note == "masih mati")
    }

    @Test func autoForwardTakesASingleClearSuggestion() throws {
        var desk = try Desk {
            $0.replacingOccurrences(of: "keyword = \"KAUR\"", with: "keyword = \"KAUR\"\nauto_forward = true")
        }
        _ = try desk.receive("KAUR jembatan putus")
        _ = try desk.receive("KAUR lampu mati", from: "6281200000002")
        _ = try desk.receive("KAUR jalan ke puskesmas rusak", from: "6281200000003")
        let c = try desk.complaints()
        #expect(c.map(\.status) == [.forwarded, .received, .received])
        #expect(c[0].agency == "dpupr")
        #expect(try desk.events("KUR-0001").map(\.actor) == ["aduan", "aduan"])
        // The ack first, then the forward.
        #expect(try desk.texts().map { String($0.prefix(14)) } == ["Aduan Anda unt", "Aduan KUR-0001"])
    }
}
