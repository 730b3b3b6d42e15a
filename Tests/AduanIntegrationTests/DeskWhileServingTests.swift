import Foundation
import Testing

/// The desk's CLI and the daemon on one database at once (§7).
@Suite(.serialized)
struct DeskWhileServingTests {
    @Test func commandsDuringASteadyStreamNeverFailAndNothingIsLost() throws {
        let box = try Sandbox()
        try box.startServe()
        let total = 120
        // The gateway: a steady stream of complaints from distinct citizens.
        let stream = Thread {
            for i in 0..<total {
                let from = String(format: "62813%08d", i)
                try? box.dropInbound(String(format: "GSM1.s%05d", i),
                                     smstoolsFile(from: from, body: Array("BANJAR jalan rusak nomor \(i)".utf8)))
                usleep(5_000)
            }
        }
        stream.start()
        // The desk, meanwhile: read, forward and annotate whatever has arrived.
        var worked: Set<String> = []
        var failures: [String] = []
        var rounds = 0
        while worked.count < 20 || box.files(box.incoming).count > 0 || rounds < 5 {
            rounds += 1
            let list = try box.run(["complaints", "list", "--json"])
            if list.status != 0 { failures.append("list: \(list.stderr)") }
            let rows = (try? JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]) ?? []
            for ticket in rows.compactMap({ $0["ticket"] as? String }).filter({ !worked.contains($0) }).prefix(3) {
                let forward = try box.run(["complaints", "forward", ticket, "--agency", "dpupr", "--as", "desk1"])
                if forward.status != 0 { failures.append("forward \(ticket): \(forward.stderr)") }
                let note = try box.run(["complaints", "note", ticket, "sudah dicek", "--as", "desk1"])
                if note.status != 0 { failures.append("note \(ticket): \(note.stderr)") }
                worked.insert(ticket)
            }
            let outbox = try box.run(["outbox", "--json", "--last", "5"])
            if outbox.status != 0 { failures.append("outbox: \(outbox.stderr)") }
            if rounds > 400 { break }
        }
        try box.waitFor("every complaint acknowledged", timeout: 60) {
            box.acks().filter { $0.text.hasPrefix("Aduan Anda") }.count == total
        }
        #expect(failures.isEmpty, "\(failures.prefix(3))")
        #expect(!failures.contains { $0.contains("locked") })
        #expect(try box.sqlite("SELECT COUNT(*) FROM complaints") == String(total))
        #expect(try box.sqlite("SELECT COUNT(*) FROM inbound_messages") == String(total))
        #expect(try box.sqlite("SELECT COUNT(*) FROM complaints WHERE status = 'forwarded'") == String(worked.count))
        // Each forward told its citizen, and every SMS reached the spool.
        try box.waitFor("forward SMS spooled") { box.acks().count == total + worked.count }
        #expect(try box.sqlite("SELECT COUNT(*) FROM outbox WHERE state != 'spooled'") == "0")
        try box.stopServe()
    }
}
