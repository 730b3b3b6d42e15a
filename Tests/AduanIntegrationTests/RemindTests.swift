import Foundation
import Testing

@Suite(.serialized)
struct RemindTests {
    func json(_ out: Sandbox.Output) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[String: Any]])
    }

    @Test func remindFromCronDryRunAndCatchUp() throws {
        let box = try Sandbox()
        box.environment["ADUAN_NOW"] = "2026-12-01T09:00:00+07:00"
        try box.dropInbound("GSM1.r1", smstoolsFile(body: Array("BANJAR lampu jalan mati".utf8)))
        #expect(try box.run(["ingest", box.incoming + "/GSM1.r1"]).status == 0)
        box.environment["ADUAN_NOW"] = nil

        let dry = try box.run(["remind", "--dry-run", "--json", "--now", "2026-12-20T09:00:00+07:00"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(try json(dry).compactMap { $0["stage"] as? String } == ["desk_alert", "desk_alert", "escalation", "citizen_update"])
        #expect(try box.sqlite("SELECT COUNT(*) FROM outbox") == "1")

        let real = try box.run(["remind", "--now", "2026-12-20 09:00"])
        #expect(real.status == 0, "\(real.stderr)")
        #expect(real.stdout.contains("4 SMS queued"))
        // A citizen's number is masked in the operator's output.
        #expect(real.stdout.contains("62812****7890"))
        #expect(box.acks().count == 5)
        let again = try box.run(["remind", "--json", "--now", "2026-12-21 09:00"])
        #expect(again.status == 0)
        #expect(try json(again).isEmpty)
        #expect(try box.run(["remind", "--now", "yesterday"]).status != 0)
    }

    /// Reminders created in quiet hours wait; the running daemon sends them
    /// when the window opens, from a timer, not a poll.
    @Test func heldRemindersGoOutWhenQuietHoursEnd() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "Asia/Jakarta"))
        let now = Date()
        let start = calendar.dateComponents([.hour, .minute], from: now.addingTimeInterval(-3600))
        let end = calendar.dateComponents([.hour, .minute], from: now.addingTimeInterval(60))
        let window = String(format: "%02d:%02d-%02d:%02d", start.hour ?? 0, start.minute ?? 0, end.hour ?? 0, end.minute ?? 0)
        let shipped = try String(contentsOfFile: Sandbox.repoRoot + "/config/aduan.toml", encoding: .utf8)
        let box = try Sandbox(configText: shipped.replacingOccurrences(of: #"quiet_hours = "21:00-07:00""#, with: #"quiet_hours = "\#(window)""#))
        try box.startServe()
        // A complaint received ten days ago, not forwarded since (a replay
        // from outside the spool, with the CLI's clock pinned).
        box.environment["ADUAN_NOW"] = ISO8601DateFormatter().string(from: now.addingTimeInterval(-10 * 86_400))
        let old = box.root + "/old-message"
        try Data(smstoolsFile(body: Array("BANJAR lampu jalan mati".utf8))).write(to: URL(fileURLWithPath: old))
        #expect(try box.run(["ingest", old]).status == 0)
        try box.waitFor("ack") { box.acks().count == 1 }
        box.environment["ADUAN_NOW"] = nil
        let remind = try box.run(["remind"])
        #expect(remind.status == 0, "\(remind.stderr)")
        #expect(remind.stdout.contains("held until"))
        #expect(box.acks().count == 1)
        // Two desk alerts and the citizen's update; the 14-day escalation is not due yet.
        #expect(try box.sqlite("SELECT COUNT(*) FROM outbox WHERE state = 'held'") == "3")
        try box.waitFor("the window opens", timeout: 90) { box.acks().count == 4 }
        // Rows are marked spooled before their files are renamed in.
        try box.waitFor("rows marked spooled") { try box.sqlite("SELECT COUNT(*) FROM outbox WHERE state = 'held'") == "0" }
        try box.stopServe()
    }
}
