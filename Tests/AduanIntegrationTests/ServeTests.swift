import Foundation
import Testing

/// `aduan serve` on the shipped config, driven as an operator would.
@Suite(.serialized)
struct ServeTests {
    @Test func injectedComplaintIsAcknowledgedAndListed() throws {
        let box = try Sandbox()
        try box.startServe()
        let out = try box.run(["inject", "--from", "+6281234567890", "BANJAR jalan rusak di desa Sungai Tabuk"])
        #expect(out.status == 0, "\(out.stderr)")
        try box.waitFor("the ack") { box.acks().count == 1 }
        let ack = try #require(box.acks().first)
        #expect(ack.to == "6281234567890")
        #expect(ack.text == "Aduan Anda untuk Kabupaten Banjar diterima, no. BJR-0001. Cek status: ketik STATUS BJR-0001 kirim ke 1708.")
        let file = try String(contentsOfFile: box.outgoing + "/" + ack.file, encoding: .utf8)
        #expect(file.hasPrefix("To: 6281234567890\nAlphabet: UTF-8\n\n"))

        let complaints = try box.complaints()
        #expect(complaints.count == 1)
        let c = try #require(complaints.first)
        #expect(c["ticket"] as? String == "BJR-0001")
        #expect(c["route"] as? String == "BANJAR")
        #expect(c["text"] as? String == "jalan rusak di desa Sungai Tabuk")
        #expect(c["status"] as? String == "received")
        #expect(c["priority"] as? String == "normal")
        #expect(c["sender"] as? String == "6281234567890")
        #expect(c["agency"] is NSNull)
        #expect((c["received_at"] as? String)?.hasSuffix("+07:00") == true)
        // Processed files leave the spool for the archive.
        try box.waitFor("archive") { box.files(box.incoming).isEmpty && box.files(box.archive).count == 1 }
        #expect(try box.stopServe() == 0)
    }

    @Test func statusReplyGoesOnlyToTheOwner() throws {
        let box = try Sandbox()
        try box.startServe()
        try box.run(["inject", "--from", "6281234567890", "--sent", "26-11-22 10:00:00", "MAS BUP SIAGA sampah menumpuk di pasar"])
        try box.waitFor("ack") { box.acks().count == 1 }
        try box.run(["inject", "--from", "6281234567890", "--sent", "26-11-22 10:01:00", "cek pml1"])
        try box.run(["inject", "--from", "6289999999999", "--sent", "26-11-22 10:02:00", "STATUS PML-0001"])
        try box.waitFor("two replies") { box.acks().count == 3 }
        let replies = box.acks()
        let owner = replies.filter { $0.to == "6281234567890" }.map(\.text)
        #expect(owner.contains { $0.hasPrefix("Aduan PML-0001 (Kabupaten Pemalang): DITERIMA.") })
        let stranger = try #require(replies.first { $0.to == "6289999999999" })
        #expect(!stranger.text.contains("PML-0001"))
        #expect(!stranger.text.contains("Pemalang"))
        #expect(stranger.text.hasPrefix("Tidak ada aduan dari nomor ini."))
        try box.stopServe()
    }

    @Test func sigtermDrainsAndExitsZero() throws {
        let box = try Sandbox()
        try box.startServe()
        #expect(try box.stopServe(SIGTERM) == 0)
        #expect(box.logLines().last?.contains("event=stopped") == true)
    }

    /// No CPU while idle (§10): the first thread of one of libdispatch's
    /// default (non-overcommit) root queues starts a once-a-second monitor
    /// that never stops, so no work may ever run there. Such a thread would
    /// still be alive here: libdispatch lets an idle one go after 5 s.
    @Test func nothingRunsWhereLibdispatchWakesEverySecond() throws {
        let box = try Sandbox()
        // Thread names are cut to 15 bytes: "com.apple.root.default-qos" and
        // "com.apple.root.default-qos.overcommit" end as below.
        let names = try Self.threadsAfterOneComplaint(box).map(\.name)
        #expect(names.contains("-qos.overcommit"), "\(names)")
        #expect(!names.contains { $0.hasSuffix("-qos") }, "\(names)")
        #expect(try box.stopServe() == 0)
    }

    /// Archiving may wait while the rest has the CPU: its thread runs at
    /// nice 10, every other thread at the process's own priority.
    @Test func archivingRunsOnAThreadOfItsOwnAtALowerPriority() throws {
        let box = try Sandbox()
        let threads = try Self.threadsAfterOneComplaint(box)
        #expect(threads.filter { $0.name == "aduan-archive" }.map(\.nice) == [10], "\(threads)")
        #expect(threads.filter { $0.name != "aduan-archive" }.allSatisfy { ($0.nice ?? 10) < 10 }, "\(threads)")
        #expect(try box.stopServe() == 0)
    }

    /// Starts `serve` in the box, has it answer one complaint, and lists
    /// its threads: each one's name and nice value (`/proc/PID/task`).
    static func threadsAfterOneComplaint(_ box: Sandbox) throws -> [(name: String, nice: Int?)] {
        try box.startServe()
        try box.run(["inject", "--from", "6281234567890", "BANJAR jalan rusak di desa Sungai Tabuk"])
        try box.waitFor("the ack") { box.acks().count == 1 }
        let pid = try #require(box.serve?.processIdentifier)
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.map { task in
            let fields = box.read("/proc/\(pid)/task/\(task)/stat").split(separator: ")").last?.split(separator: " ") ?? []
            // Field 19 of stat(5), the 17th after the command's ")".
            return (box.read("/proc/\(pid)/task/\(task)/comm").trimmingCharacters(in: .newlines),
                    fields.count > 16 ? Int(fields[16]) : nil)
        }
    }

    @Test func pendingOutboxIsSpooledAtStartAfterSIGKILL() throws {
        let box = try Sandbox()
        // The spool directory is replaced by a plain file: the complaint
        // commits, the spool write fails, and the daemon is killed while
        // the ack waits in the outbox.
        try FileManager.default.removeItem(atPath: box.outgoing)
        _ = FileManager.default.createFile(atPath: box.outgoing, contents: Data())
        try box.startServe()
        try box.run(["inject", "--from", "6281234567890", "KAUR lampu jalan mati"])
        try box.waitFor("committed, not spooled") {
            box.logLines().contains { $0.contains("event=spool_failed") }
                && (try? box.sqlite("SELECT state FROM outbox")) == "pending"
        }
        try box.stopServe(SIGKILL)
        try FileManager.default.removeItem(atPath: box.outgoing)
        try FileManager.default.createDirectory(atPath: box.outgoing, withIntermediateDirectories: true)
        try box.startServe()
        try box.waitFor("the ack after restart") { box.acks().count == 1 }
        #expect(box.acks().first?.text.contains("KUR-0001") == true)
        #expect(try box.sqlite("SELECT state FROM outbox") == "spooled")
        #expect(try box.sqlite("SELECT COUNT(*) FROM complaints") == "1")
        try box.stopServe()
    }

    @Test func spoolRecoversByItselfWhenTheFaultClears() throws {
        let box = try Sandbox()
        try FileManager.default.removeItem(atPath: box.outgoing)
        _ = FileManager.default.createFile(atPath: box.outgoing, contents: Data())
        try box.startServe()
        try box.run(["inject", "--from", "6281234567890", "DUMAS pungli di kantor desa"])
        try box.waitFor("spool failure logged") { box.logLines().contains { $0.contains("event=spool_failed") } }
        try FileManager.default.removeItem(atPath: box.outgoing)
        try FileManager.default.createDirectory(atPath: box.outgoing, withIntermediateDirectories: true)
        try box.waitFor("retry with back-off delivers the ack", timeout: 30) { box.acks().count == 1 }
        try box.stopServe()
    }

    @Test func filesPresentAtStartAreIngestedOnce() throws {
        let box = try Sandbox()
        let file = smstoolsFile(body: Array("BANJAR jembatan putus".utf8))
        try box.dropInbound("GSM1.aaaaaa", file)
        // The same message re-delivered by the gateway under another name.
        try box.dropInbound("GSM1.bbbbbb", file)
        try box.startServe()
        try box.waitFor("both files taken") { box.files(box.incoming).isEmpty }
        try box.waitFor("ack") { box.acks().count == 1 }
        #expect(try box.complaints().count == 1)
        #expect(try box.sqlite("SELECT COUNT(*) FROM inbound_messages") == "1")
        // And the same file once more, while running.
        try box.dropInbound("GSM1.cccccc", file)
        try box.waitFor("taken") { box.files(box.incoming).isEmpty }
        #expect(box.logLines().contains { $0.contains("event=already_recorded") && $0.contains("GSM1.cccccc") })
        #expect(box.acks().count == 1)
        try box.stopServe()
    }

    @Test func reloadWithABadConfigKeepsTheOldOne() throws {
        let box = try Sandbox()
        let good = box.read(box.config)
        try box.startServe()
        try (good + "\n[service]\nbogus = 1\n").write(toFile: box.config, atomically: true, encoding: .utf8)
        kill(box.serve?.processIdentifier ?? 0, SIGHUP)
        try box.waitFor("reload refused") { box.logLines().contains { $0.contains("event=reload_failed") } }
        let line = try #require(box.logLines().first { $0.contains("event=reload_failed") })
        #expect(line.contains("aduan.toml:"))
        // The CLI reads the broken file too, so the message arrives as the gateway would deliver it.
        try box.dropInbound("GSM1.after1", smstoolsFile(body: Array("BANJAR drainase tersumbat".utf8)))
        try box.waitFor("still serving") { box.acks().count == 1 }
        try good.write(toFile: box.config, atomically: true, encoding: .utf8)
        kill(box.serve?.processIdentifier ?? 0, SIGHUP)
        try box.waitFor("reloaded") { box.logLines().contains { $0.contains("event=reloaded") } }
        try box.stopServe()
    }

    @Test func systemdNotifications() throws {
        let box = try Sandbox()
        let socketPath = box.root + "/notify.sock"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in socketPath.utf8.enumerated() where i < raw.count - 1 { raw[i] = b }
        }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        var flags = fcntl(fd, F_GETFL)
        flags |= O_NONBLOCK
        _ = fcntl(fd, F_SETFL, flags)
        var received: [String] = []
        func drain() {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n <= 0 { return }
                received.append(String(decoding: buffer[..<n], as: UTF8.self))
            }
        }
        try box.startServe(extraEnvironment: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "200000"])
        try box.waitFor("READY=1") { drain(); return received.contains { $0.contains("READY=1") } }
        try box.waitFor("WATCHDOG=1") { drain(); return received.contains { $0.contains("WATCHDOG=1") } }
        kill(box.serve?.processIdentifier ?? 0, SIGHUP)
        try box.waitFor("RELOADING=1") { drain(); return received.contains { $0.contains("RELOADING=1") } }
        try box.stopServe()
        drain()
        #expect(received.contains { $0.contains("STOPPING=1") })
    }

    @Test func checkConfigOnTheShippedFile() throws {
        let box = try Sandbox()
        let out = try box.run(["check-config"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("BANJAR"))
        #expect(out.stdout.contains("GSM-7"))
        try (box.read(box.config) + "\n[[routes]]\nkeyword = \"STATUS\"\nregion = \"X\"\nprefix = \"XX\"\nfirst_response = \"1d\"\nresolution = \"2d\"\n")
            .write(toFile: box.config, atomically: true, encoding: .utf8)
        let bad = try box.run(["check-config"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("aduan.toml:"))
        #expect(bad.stderr.contains("reserved"))
    }
}

/// Concatenated SMS whose parts smstools writes separately (`internal_combine = no`).
@Suite(.serialized)
struct MultipartServeTests {
    func partFile(_ text: String, udh: String, sent: String) -> [UInt8] {
        Array("""
            From: 6281234567890
            Sent: \(sent)
            Alphabet: UTF-8
            UDH-DATA: \(udh)
            Length: \(text.count)


            """.utf8) + Array(text.utf8)
    }

    @Test func partsAcrossARestartBecomeOneComplaint() throws {
        let box = try Sandbox()
        try box.startServe()
        // 16-bit reference form, second part first.
        try box.dropInbound("GSM1.part2", partFile("sak di desa Sukamaju", udh: "06 08 04 12 34 02 02 ", sent: "26-11-22 14:00:01"))
        try box.waitFor("part held") { box.logLines().contains { $0.contains("event=part_held") } }
        #expect(box.acks().isEmpty)
        try box.stopServe(SIGKILL)
        try box.startServe()
        try box.dropInbound("GSM1.part1", partFile("BANJAR jalan ru", udh: "06 08 04 12 34 02 01 ", sent: "26-11-22 14:00:00"))
        try box.waitFor("one ack") { box.acks().count == 1 }
        let c = try #require(try box.complaints().first)
        #expect(c["text"] as? String == "jalan rusak di desa Sukamaju")
        #expect(try box.complaints().count == 1)
        try box.stopServe()
    }
}
