import Foundation
import Testing

/// The operator's commands, without the daemon.
@Suite(.serialized)
struct CLITests {
    @Test func ingestIsIdempotentAndLeavesReplayedFilesInPlace() throws {
        let box = try Sandbox()
        let replay = box.root + "/replay"
        try FileManager.default.createDirectory(atPath: replay, withIntermediateDirectories: true)
        try Data(smstoolsFile(body: Array("LAPAKADUAN jalan berlubang di Purwokerto".utf8)))
            .write(to: URL(fileURLWithPath: replay + "/GSM1.r1"))
        try Data("not an sms".utf8).write(to: URL(fileURLWithPath: replay + "/GSM1.bad"))
        let first = try box.run(["ingest", replay + "/GSM1.r1", replay + "/GSM1.bad"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("GSM1.r1\tcomplaint\tBYM-0001"))
        #expect(first.stdout.contains("GSM1.bad\trejected: header line 1 has no colon"))
        let again = try box.run(["ingest", replay + "/GSM1.r1"])
        #expect(again.stdout.contains("already recorded"))
        #expect(box.files(replay) == ["GSM1.bad", "GSM1.r1"])
        #expect(try box.complaints().count == 1)
        // ingest spools the replies itself.
        #expect(box.acks().count == 1)
    }

    @Test func showAndOutboxSpeakTheJSONContract() throws {
        let box = try Sandbox()
        try box.dropInbound("GSM1.s1", smstoolsFile(body: Array("KAUR jembatan putus, darurat".utf8)))
        #expect(try box.run(["ingest", box.incoming + "/GSM1.s1"]).status == 0)
        #expect(box.files(box.archive) == ["GSM1.s1"])
        let show = try box.run(["complaints", "show", "kur1", "--json"])
        #expect(show.status == 0, "\(show.stderr)")
        let c = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        #expect(c["ticket"] as? String == "KUR-0001")
        #expect(c["priority"] as? String == "urgent")
        let events = try #require(c["events"] as? [[String: Any]])
        #expect(events.first?["kind"] as? String == "received")
        #expect(events.first?["actor"] as? String == "aduan")
        let messages = try #require(c["messages"] as? [[String: Any]])
        #expect(messages.map { $0["direction"] as? String } == ["in", "out"])

        let outbox = try box.run(["outbox", "--json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(outbox.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        for key in ["id", "to", "kind", "text", "state", "ticket", "created_at", "spooled_at", "file"] {
            #expect(row[key] != nil, "outbox JSON lacks \(key)")
        }
        #expect(row["state"] as? String == "spooled")
        #expect(row["kind"] as? String == "ack")

        let missing = try box.run(["complaints", "show", "KUR-0099"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no complaint KUR-0099"))
    }

    @Test func listFilters() throws {
        let box = try Sandbox()
        box.environment["ADUAN_NOW"] = "2026-11-23T09:00:00+07:00"
        try box.dropInbound("GSM1.f1", smstoolsFile(from: "6281200000001", body: Array("BANJAR jalan rusak".utf8)))
        try box.dropInbound("GSM1.f2", smstoolsFile(from: "6281200000002", body: Array("MASBUPSIAGA sampah".utf8)))
        try box.run(["ingest", box.incoming + "/GSM1.f1", box.incoming + "/GSM1.f2"])
        func tickets(_ args: [String]) throws -> [String] {
            let out = try box.run(["complaints", "list", "--json"] + args)
            let rows = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[String: Any]] ?? []
            return rows.compactMap { $0["ticket"] as? String }
        }
        #expect(try tickets(["--route", "banjar"]) == ["BJR-0001"])
        #expect(try tickets(["--status", "received"]) == ["BJR-0001", "PML-0001"])
        #expect(try tickets(["--overdue"]) == [])
        // Two days later Pemalang's 24 h first response has passed; Banjar's 3 working days have not.
        box.environment["ADUAN_NOW"] = "2026-11-25T09:00:00+07:00"
        #expect(try tickets(["--overdue"]) == ["PML-0001"])
        #expect(try box.run(["complaints", "list", "--status", "open"]).status != 0)
    }
}
