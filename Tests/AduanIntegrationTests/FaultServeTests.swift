import Foundation
import Testing

/// Real faults at the file seams of `aduan serve`: an inbound directory that
/// goes away, and a gateway slow to take its files. (Faults that need a seam,
/// a full disk or a locked database, are in AduanDaemonTests/FaultTests.)
@Suite(.serialized)
struct FaultServeTests {
    func message(_ i: Int, _ text: String) -> [UInt8] {
        smstoolsFile(from: String(format: "62812%08d", 30_000 + i), sent: String(format: "26-11-22 14:%02d:%02d", i / 60, i % 60),
                     body: Array(text.utf8))
    }

    func lines(_ box: Sandbox, _ event: String) -> [String] {
        box.logLines().filter { $0.contains(" event=\(event) ") }
    }

    func value(_ key: String, in line: String) -> String? {
        guard let start = line.range(of: " \(key)=") else { return nil }
        let rest = line[start.upperBound...]
        if rest.hasPrefix("\"") { return String(rest.dropFirst().prefix { $0 != "\"" }) }
        return String(rest.prefix { $0 != " " })
    }

    @Test func inboundDirectoryRemovedAndCreatedAgain() throws {
        let box = try Sandbox()
        try box.startServe()
        try box.dropInbound("GSM1.before", message(1, "BANJAR jalan rusak di desa Sungai Tabuk"))
        try box.waitFor("the first ack") { box.acks().count == 1 }

        try FileManager.default.removeItem(atPath: box.incoming)
        try box.waitFor("the loss noticed") { !lines(box, "inbound_directory_gone").isEmpty }
        let gone = try #require(lines(box, "inbound_directory_gone").first)
        #expect(value("path", in: gone) == box.incoming)
        #expect(value("retry_in", in: gone) == "0.5s")

        // The gateway (or an operator) creates it again and writes into it,
        // before or after aduan watches it again: both files are taken.
        try FileManager.default.createDirectory(atPath: box.incoming, withIntermediateDirectories: true)
        try box.dropInbound("GSM1.during", message(2, "KAUR lampu jalan mati"))
        try box.waitFor("watched again") { !lines(box, "inbound_directory_watched").isEmpty }
        try box.dropInbound("GSM1.after1", message(3, "DUMAS pungli di kantor desa"))
        try box.waitFor("three acks") { box.acks().count == 3 }
        try box.waitFor("the new directory emptied") { box.files(box.incoming).isEmpty }
        #expect(box.files(box.archive) == ["GSM1.after1", "GSM1.before", "GSM1.during"])
        #expect(try box.sqlite("SELECT COUNT(*) FROM complaints") == "3")
        try box.stopServe()
    }

    @Test func inboundDirectoryThatCannotBeWatchedIsRetriedWithBackoff() throws {
        let box = try Sandbox()
        try box.startServe()
        // The directory goes and a plain file takes its place.
        try FileManager.default.removeItem(atPath: box.incoming)
        _ = FileManager.default.createFile(atPath: box.incoming, contents: Data())
        try box.waitFor("two failed attempts", timeout: 30) { lines(box, "rewatch_failed").count >= 2 }
        let failed = lines(box, "rewatch_failed")
        #expect(failed.prefix(2).map { value("retry_in", in: $0) } == ["1s", "2s"])
        #expect(failed.first.flatMap { value("error", in: $0) } == "watch \(box.incoming): Not a directory (ENOTDIR)")
        #expect(box.serve?.isRunning == true)

        // The fault clears; the next try watches it, and what arrives is taken.
        try FileManager.default.removeItem(atPath: box.incoming)
        try FileManager.default.createDirectory(atPath: box.incoming, withIntermediateDirectories: true)
        try box.dropInbound("GSM1.back01", message(4, "BANJAR jembatan putus"))
        try box.waitFor("the ack after the fault", timeout: 30) { box.acks().count == 1 }
        #expect(lines(box, "inbound_directory_watched").count == 1)
        try box.stopServe()
    }

    @Test func slowGatewayNeverHasAWaitingFileRewritten() throws {
        let box = try Sandbox()
        try box.startServe()
        // Many acks while the gateway takes nothing.
        let count = 40
        for i in 0..<count { try box.dropInbound(String(format: "GSM1.s%03d", i), message(i, "BANJAR keluhan nomor \(i)")) }
        try box.waitFor("every ack in the spool") { box.acks().count == count }
        let before = try snapshot(box.outgoing)
        #expect(before.count == count)

        // aduan is made to believe every row is still to spool (as after a
        // power cut lost their marks, or an operator set them pending) and is
        // kicked: the files are still waiting, so it must recognise them,
        // not write them again. (A running spooler finds each when it
        // places the copy it prepared, hidden from the gateway, and drops
        // the copy: every name and inode stays, and no copy is left.)
        _ = try box.sqlite("PRAGMA busy_timeout = 5000; UPDATE outbox SET state = 'pending', spool = NULL, file = NULL, spooled_at = NULL")
        let kick = open(box.database + ".kick", O_CREAT | O_WRONLY | O_TRUNC, 0o640)
        close(kick)
        try box.waitFor("the rows marked again, no copy left") {
            try box.sqlite("SELECT COUNT(*) FROM outbox WHERE state = 'spooled'") == "\(count)"
                && (try FileManager.default.contentsOfDirectory(atPath: box.outgoing)).allSatisfy { !$0.hasPrefix(".") }
        }
        #expect(try snapshot(box.outgoing) == before)

        // More acks, still nothing taken: new names beside the waiting ones.
        for i in count..<(count + 10) {
            try box.dropInbound(String(format: "GSM1.s%03d", i), message(i, "BANJAR keluhan nomor \(i)"))
        }
        try box.waitFor("ten more acks") { box.acks().count == count + 10 }
        let after = try snapshot(box.outgoing)
        #expect(before.allSatisfy { after[$0.key] == $0.value })

        // The gateway finally takes them all: every complaint's ack, once.
        let taken = box.root + "/var/spool/sent"
        try FileManager.default.createDirectory(atPath: taken, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: box.outgoing) {
            try FileManager.default.moveItem(atPath: box.outgoing + "/" + name, toPath: taken + "/" + name)
        }
        let texts = try FileManager.default.contentsOfDirectory(atPath: taken).map { box.read(taken + "/" + $0) }
        let tickets = try box.complaints().compactMap { $0["ticket"] as? String }
        #expect(tickets.count == count + 10)
        #expect(texts.count == count + 10)
        for ticket in tickets {
            #expect(texts.filter { $0.contains("no. \(ticket).") }.count == 1, "\(ticket)")
        }
        #expect(try box.sqlite("SELECT COUNT(*) FROM outbox") == "\(count + 10)")
        try box.stopServe()
    }

    /// Every file in `directory` (dotfiles too): name → (inode, content).
    func snapshot(_ directory: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            var st = stat()
            guard stat(directory + "/" + name, &st) == 0 else { throw SandboxError("stat \(name)") }
            let content = (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)) ?? ""
            result[name] = "\(st.st_ino) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec) \(content)"
        }
        return result
    }
}
