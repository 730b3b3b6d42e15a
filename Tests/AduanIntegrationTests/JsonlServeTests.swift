import Foundation
import Testing

/// A shortcode log tailed by `aduan serve` (`kind = "jsonl"`).
@Suite(.serialized)
struct JsonlServeTests {
    static func box() throws -> Sandbox {
        let shipped = try String(contentsOfFile: Sandbox.repoRoot + "/config/aduan.toml", encoding: .utf8)
        let box = try Sandbox(configText: shipped + """

            [[inbound]]
            name = "shortcode-log"
            kind = "jsonl"
            path = "../var/log/sms.jsonl"

            """)
        try FileManager.default.createDirectory(atPath: box.root + "/var/log", withIntermediateDirectories: true)
        return box
    }

    static func line(_ id: Int, _ text: String, from: String? = nil) -> String {
        let sender = from ?? String(format: "62812000%05d", id)
        return #"{"id":"m\#(id)","from":"\#(sender)","to":"1708","text":"\#(text)","received_at":"2026-11-22T14:00:00+07:00"}"# + "\n"
    }

    static func append(_ box: Sandbox, _ text: String, to name: String = "sms.jsonl") throws {
        let path = box.root + "/var/log/" + name
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    @Test func linesBecomeComplaintsAndARestartResumesExactly() throws {
        let box = try Self.box()
        try box.startServe()
        try Self.append(box, Self.line(1, "BANJAR jalan rusak") + Self.line(2, "KAUR lampu mati") + Self.line(3, "DUMAS pungli"))
        try box.waitFor("three acks") { box.acks().count == 3 }
        try box.stopServe(SIGKILL)
        try Self.append(box, Self.line(4, "BANJAR jembatan putus") + Self.line(5, "MASBUPSIAGA sampah 🙁"))
        try box.startServe()
        try box.waitFor("five acks") { box.acks().count == 5 }
        let texts = try box.complaints().compactMap { $0["text"] as? String }
        #expect(texts == ["jalan rusak", "lampu mati", "pungli", "jembatan putus", "sampah 🙁"])
        #expect(try box.sqlite("SELECT line FROM log_checkpoints") == "5")
        try box.stopServe()
    }

    @Test func aHalfWrittenLineWaitsForItsNewline() throws {
        let box = try Self.box()
        try box.startServe()
        let second = Self.line(2, "KAUR lampu jalan mati")
        let cut = second.index(second.startIndex, offsetBy: 30)
        try Self.append(box, Self.line(1, "BANJAR jalan rusak") + String(second[..<cut]))
        try box.waitFor("first ack") { box.acks().count == 1 }
        #expect(try box.complaints().count == 1)
        try Self.append(box, String(second[cut...]))
        try box.waitFor("second ack") { box.acks().count == 2 }
        #expect(try box.complaints().last?["text"] as? String == "lampu jalan mati")
        try box.stopServe()
    }

    @Test func rotationByRenameAndByCopytruncate() throws {
        let box = try Self.box()
        let log = box.root + "/var/log/sms.jsonl"
        try box.startServe()
        try Self.append(box, Self.line(1, "BANJAR satu"))
        try box.waitFor("ack 1") { box.acks().count == 1 }
        // logrotate's default: rename, the writer adds to the old file, then a new one.
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
        try Self.append(box, Self.line(2, "BANJAR dua"), to: "sms.jsonl.1")
        try Self.append(box, Self.line(3, "BANJAR tiga"))
        try box.waitFor("acks 2 and 3") { box.acks().count == 3 }
        // copytruncate: the same file, emptied in place.
        try FileManager.default.copyItem(atPath: log, toPath: log + ".2")
        #expect(truncate(log, 0) == 0)
        try Self.append(box, Self.line(4, "BANJAR empat"))
        try box.waitFor("ack 4") { box.acks().count == 4 }
        let texts = try box.complaints().compactMap { $0["text"] as? String }
        #expect(texts == ["satu", "dua", "tiga", "empat"])
        try box.stopServe()
    }

    @Test func aBadLineIsRecordedWithItsNumberAndSkipped() throws {
        let box = try Self.box()
        try box.startServe()
        try Self.append(box, Self.line(1, "BANJAR satu") + "{not json\n" + #"{"id":"x","text":"no sender"}"# + "\n" + Self.line(4, "BANJAR empat"))
        try box.waitFor("two acks") { box.acks().count == 2 }
        #expect(try box.sqlite("SELECT file FROM rejections ORDER BY id") == "sms.jsonl:2\nsms.jsonl:3")
        #expect(box.logLines().contains { $0.contains("event=bad_line") && $0.contains("line=2") })
        // The same id again (the aggregator re-sent it) is one message.
        try Self.append(box, Self.line(1, "BANJAR satu"))
        try box.waitFor("re-delivery noticed") { box.logLines().contains { $0.contains("event=already_recorded") } }
        #expect(try box.complaints().count == 2)
        try box.stopServe()
    }

    @Test func partsOnSeparateLinesAreJoined() throws {
        let box = try Self.box()
        try box.startServe()
        func part(_ id: Int, _ text: String, udh: String) -> String {
            #"{"id":"p\#(id)","from":"6281234567890","to":"1708","text":"\#(text)","received_at":"2026-11-22T14:00:0\#(id)+07:00","udh":"\#(udh)"}"# + "\n"
        }
        // Second part first; 8-bit reference 0xA7.
        try Self.append(box, part(2, "sak 🙁 di desa Sukamaju", udh: "050003A70202"))
        try box.waitFor("part held") { box.logLines().contains { $0.contains("event=part_held") } }
        #expect(box.acks().isEmpty)
        try Self.append(box, part(1, "BANJAR jalan ru", udh: "050003A70201"))
        try box.waitFor("one ack") { box.acks().count == 1 }
        #expect(try box.complaints().compactMap { $0["text"] as? String } == ["jalan rusak 🙁 di desa Sukamaju"])
        try box.stopServe()
    }
}
