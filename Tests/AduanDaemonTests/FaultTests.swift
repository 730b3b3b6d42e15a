import AduanConfig
import AduanCore
import AduanDaemon
import AduanGateways
import AduanStore
import Foundation
import GRDB
import Testing

/// Faults at the file and database seams, with the daemon running: each is
/// logged once per failure with its cause and the wait, retried with
/// back-off, loses nothing, and processing resumes by itself once it clears.
@Suite struct FaultTests {
    /// The `retry_in` of each line, in order.
    static func waits(_ lines: [String]) -> [String] { lines.compactMap { LogLines.value("retry_in", in: $0) } }

    @Test func fullDiskKeepsRepliesPendingUntilItClears() async throws {
        let files = FaultySpoolFiles()
        files.fail(.write, with: ENOSPC)
        let daemon = try RunningDaemon(files: files)
        try await daemon.started()
        try daemon.drop("GSM1.full01", "BANJAR jalan rusak di desa Sungai Tabuk")
        try await daemon.waitFor("four failed spool writes") { daemon.log.with(event: "spool_failed").count >= 4 }

        // Nothing reached the gateway, nothing half-written, the reply waits in the outbox.
        #expect(daemon.outgoingFiles().isEmpty)
        #expect(try daemon.outbox().map(\.state) == [.pending])
        let failed = daemon.log.with(event: "spool_failed")
        let first = try #require(failed.first)
        #expect(LogLines.value("error", in: first)?.hasPrefix("write \(daemon.outgoing)/aduan-") == true)
        #expect(first.contains("No space left on device (ENOSPC)"))
        // Back-off: doubling from the first wait, up to the cap.
        #expect(Array(Self.waits(failed).prefix(4)) == ["0.02s", "0.04s", "0.08s", "0.16s"])

        files.heal()
        try await daemon.waitFor("the ack once the disk has room") { try daemon.outbox().map(\.state) == [.spooled] }
        try await daemon.waitFor("the recovery logged") { !daemon.log.with(event: "spool_resumed").isEmpty }
        #expect(daemon.outgoingFiles().count == 1)
        #expect(daemon.log.with(event: "spool_resumed").count == 1)
        try await daemon.stop()
    }

    /// The tests look for the harness's paths in log lines, which mask long
    /// digit runs: its directory names must never have one.
    @Test func harnessPathsAreNeverMaskedInTheLog() {
        for _ in 0..<2000 {
            let name = RunningDaemon.uniqueName()
            #expect(PhoneMask.maskRuns(name) == name, "\(name)")
        }
    }

    @Test func ioErrorsAreRetriedFromTheFirstWaitAfterASuccess() async throws {
        let files = FaultySpoolFiles()
        let daemon = try RunningDaemon(files: files)
        try await daemon.started()
        // A first fault, cleared after three failures.
        files.fail(.write, with: EIO, times: 3)
        try daemon.drop("GSM1.eio001", "KAUR lampu jalan mati")
        try await daemon.waitFor("first ack") { try daemon.outbox().map(\.state) == [.spooled] }
        #expect(daemon.outgoingFiles().count == 1)
        #expect(Self.waits(daemon.log.with(event: "spool_failed")) == ["0.02s", "0.04s", "0.08s"])

        // A second one, on the directory sync: the back-off starts again at
        // the first wait, and the file already renamed into place is not
        // written a second time.
        files.fail(.syncDirectory, with: EIO, times: 2)
        let writes = files.calls(.write)
        try daemon.drop("GSM1.eio002", from: "6281299990000", "DUMAS pungli di kantor desa")
        try await daemon.waitFor("second ack") { try daemon.outbox().map(\.state) == [.spooled, .spooled] }
        try await daemon.waitFor("the recovery logged") { daemon.log.with(event: "spool_resumed").count >= 2 }
        let failed = daemon.log.with(event: "spool_failed")
        #expect(Self.waits(Array(failed.dropFirst(3))) == ["0.02s", "0.04s"])
        #expect(failed.last?.contains("sync directory \(daemon.outgoing): Input/output error (EIO)") == true,
                "\(failed.joined(separator: "\n"))")
        #expect(files.calls(.write) == writes + 1)
        #expect(daemon.outgoingFiles().count == 2)
        #expect(daemon.log.with(event: "spool_resumed").count == 2)
        try await daemon.stop()
    }

    @Test func archiveNotWritableIsRetriedAndTheMessageRecordedOnce() async throws {
        let files = FaultySpoolFiles()
        files.fail(.moveAside, with: EACCES, times: 3)
        let daemon = try RunningDaemon(files: files)
        try await daemon.started()
        try daemon.drop("GSM1.arch01", "BANJAR jembatan putus")
        try await daemon.waitFor("the file in the archive") {
            daemon.names(daemon.archive) == ["GSM1.arch01"] && !daemon.log.with(event: "retry_succeeded").isEmpty
        }
        #expect(daemon.names(daemon.incoming).isEmpty)

        let failed = daemon.log.with(event: "archive_failed")
        #expect(Self.waits(failed) == ["0.02s", "0.04s", "0.08s"])
        #expect(failed.first?.contains("Permission denied (EACCES)") == true)
        #expect(LogLines.value("file", in: failed.first ?? "") == "GSM1.arch01")
        // Each later look found the message already recorded.
        #expect(daemon.log.with(event: "ingested").count == 1)
        #expect(daemon.log.with(event: "already_recorded").count == 3)
        #expect(daemon.log.with(event: "retry_succeeded").count == 1)
        #expect(try daemon.count("SELECT COUNT(*) FROM inbound_messages") == 1)
        #expect(try daemon.count("SELECT COUNT(*) FROM complaints") == 1)
        #expect(try daemon.outbox().count == 1)
        try await daemon.waitFor("one ack") { daemon.outgoingFiles().count == 1 }
        try await daemon.stop()
    }

    /// Recorded files are archived off the recording thread. A file's event
    /// while its move is under way (a writer closing it again) waits for the
    /// move: the file is not read twice and no move fails. A new file of the
    /// same name afterwards is a new message.
    @Test func eventsDuringAnArchiveMoveWaitForIt() async throws {
        let files = FaultySpoolFiles()
        files.holdMoves()
        let daemon = try RunningDaemon(files: files)
        try await daemon.started()
        try daemon.drop("GSM1.hold01", "BANJAR jalan rusak")
        try await daemon.waitFor("the move under way") { files.movesWaiting == 1 }
        try daemon.drop("GSM1.hold01", "BANJAR jalan rusak")
        try await daemon.waitFor("the second close held back") { !daemon.log.with(event: "event_waits_in_flight").isEmpty }
        files.releaseMoves()
        try await daemon.waitFor("the file archived") { daemon.names(daemon.archive) == ["GSM1.hold01"] }
        try daemon.drop("GSM1.hold01", from: "6281299990000", "KAUR lampu jalan mati")
        try await daemon.waitFor("the new file of that name recorded and archived") {
            try daemon.count("SELECT COUNT(*) FROM complaints") == 2 && daemon.names(daemon.archive).count == 2
        }
        #expect(daemon.names(daemon.archive) == ["GSM1.hold01", "GSM1.hold01.1"])
        #expect(daemon.names(daemon.incoming).isEmpty)
        #expect(daemon.log.with(event: "ingested").count == 2)
        #expect(daemon.log.with(event: "already_recorded").isEmpty)
        #expect(daemon.log.with(event: "archive_failed").isEmpty)
        try await daemon.stop()
    }

    @Test func rejectedDirectoryNotWritableRecordsTheRejectionOnceMoved() async throws {
        let files = FaultySpoolFiles()
        files.fail(.moveAside, with: EACCES, times: 2)
        let daemon = try RunningDaemon(files: files)
        try await daemon.started()
        try daemon.drop("GSM1.bad001", bytes: Array("Sent: 26-11-22 14:00:00\nAlphabet: UTF-8\n\nBANJAR jalan rusak".utf8))
        try await daemon.waitFor("the file set aside and recorded") {
            daemon.names(daemon.rejected) == ["GSM1.bad001"] && !daemon.log.with(event: "rejected").isEmpty
        }
        #expect(Self.waits(daemon.log.with(event: "reject_move_failed")) == ["0.02s", "0.04s"])
        #expect(daemon.log.with(event: "rejected").count == 1)
        #expect(try daemon.count("SELECT COUNT(*) FROM rejections") == 1)
        #expect(try daemon.count("SELECT COUNT(*) FROM rejections WHERE moved_to IS NOT NULL") == 1)
        try await daemon.stop()
    }

    @Test func lockedDatabaseKeepsFilesInTheSpoolAndRecordsThemOnceItIsFree() async throws {
        let daemon = try RunningDaemon(busyTimeout: .milliseconds(50))
        try await daemon.started()
        let lock = try LockHolder(database: daemon.store.path)
        try daemon.drop("GSM1.lock01", "BANJAR jalan rusak")
        try await daemon.waitFor("four failed attempts") { daemon.log.with(event: "ingest_failed").count >= 4 }
        // A file arriving meanwhile waits its turn rather than the busy timeout.
        try daemon.drop("GSM1.lock02", from: "6281299990000", "KAUR lampu jalan mati")
        try await daemon.waitFor("the second file waiting") { !daemon.log.with(event: "ingest_waiting").isEmpty }

        let failed = daemon.log.with(event: "ingest_failed")
        #expect(Array(Self.waits(failed).prefix(4)) == ["0.02s", "0.04s", "0.08s", "0.16s"])
        #expect(failed.allSatisfy { $0.contains("database is locked") })
        // One probe per wait: the first file alone until the second arrived.
        #expect(failed.prefix(4).allSatisfy { LogLines.value("file", in: $0) == "GSM1.lock01" })
        #expect(daemon.names(daemon.incoming) == ["GSM1.lock01", "GSM1.lock02"])

        try lock.release()
        try await daemon.waitFor("both recorded and archived") {
            daemon.names(daemon.incoming).isEmpty && daemon.names(daemon.archive).count == 2
        }
        try await daemon.waitFor("both acks") { daemon.outgoingFiles().count == 2 }
        #expect(try daemon.count("SELECT COUNT(*) FROM inbound_messages") == 2)
        #expect(try daemon.count("SELECT COUNT(*) FROM complaints") == 2)
        #expect(daemon.log.with(event: "ingested").count == 2)
        #expect(daemon.log.with(event: "database_resumed").count == 1)

        // The back-off starts again at the first wait for the next fault.
        let before = daemon.log.with(event: "ingest_failed").count
        let again = try LockHolder(database: daemon.store.path)
        try daemon.drop("GSM1.lock03", from: "6281299990001", "DUMAS pungli di kantor desa")
        try await daemon.waitFor("a new failure") { daemon.log.with(event: "ingest_failed").count > before }
        #expect(Self.waits(daemon.log.with(event: "ingest_failed")).dropFirst(before).first == "0.02s")
        try again.release()
        try await daemon.waitFor("third recorded") { try daemon.count("SELECT COUNT(*) FROM complaints") == 3 }
        #expect(try daemon.count("SELECT COUNT(*) FROM inbound_messages") == 3)
        try await daemon.stop()
    }

    /// A log batch whose commit a lock refused is read again from its
    /// checkpoint with back-off, even if the log stays quiet.
    @Test func aLogBatchRefusedByALockedDatabaseIsTriedAgainWithoutNewLines() async throws {
        let daemon = try RunningDaemon(busyTimeout: .milliseconds(50), extraConfig: """

            [[inbound]]
            name = "shortcode-log"
            kind = "jsonl"
            path = "../var/log/sms.jsonl"

            """, start: false)
        let logPath = daemon.root + "/var/log/sms.jsonl"
        try FileManager.default.createDirectory(atPath: daemon.root + "/var/log", withIntermediateDirectories: true)
        daemon.start()
        try await daemon.started()
        let lock = try LockHolder(database: daemon.store.path)
        let line = #"{"id":"m1","from":"6281234567890","to":"1708","text":"BANJAR jalan rusak","received_at":"x"}"# + "\n"
        try Data(line.utf8).write(to: URL(fileURLWithPath: logPath))
        try await daemon.waitFor("three retries") { daemon.log.with(event: "log_retry").count >= 3 }
        #expect(try daemon.count("SELECT COUNT(*) FROM complaints") == 0)
        try lock.release()
        try await daemon.waitFor("the line recorded") { try daemon.count("SELECT COUNT(*) FROM complaints") == 1 }
        #expect(try daemon.count("SELECT line FROM log_checkpoints") == 1)
        try await daemon.waitFor("resumed") { daemon.log.with(event: "log_resumed").count == 1 }
        try await daemon.stop()
    }

    @Test func joiningExpiredPartsWaitsOutALockedDatabaseWithBackoff() async throws {
        let first = try RunningDaemon()
        try await first.started()
        // The second part of two; the first never comes.
        try first.drop("GSM1.part2", bytes: Array("""
            From: 6281234567890
            Sent: 26-11-23 08:00:01
            Alphabet: UTF-8
            UDH-DATA: 05 00 03 7A 02 02

            sak di desa Sukamaju
            """.utf8))
        try await first.waitFor("the part held") { !first.log.with(event: "part_held").isEmpty }
        try await first.stop()

        // Restarted past the group's timeout while another process holds the lock.
        first.clock.advance(11 * 60)
        let daemon = try RunningDaemon(busyTimeout: .milliseconds(50), root: first.root, clock: first.clock, start: false)
        let lock = try LockHolder(database: daemon.store.path)
        daemon.start()
        try await daemon.waitFor("four failed joins") { daemon.log.with(event: "multipart_join_failed").count >= 4 }
        let failed = daemon.log.with(event: "multipart_join_failed")
        #expect(Array(Self.waits(failed).prefix(4)) == ["0.02s", "0.04s", "0.08s", "0.16s"])
        #expect(failed.allSatisfy { $0.contains("database is locked") })
        #expect(try daemon.count("SELECT COUNT(*) FROM complaints") == 0)

        try lock.release()
        try await daemon.waitFor("the joined message recorded") { try daemon.count("SELECT COUNT(*) FROM complaints") == 1 }
        let text = try await daemon.store.pool.read { try String.fetchOne($0, sql: "SELECT text FROM complaints") }
        #expect(text?.hasPrefix(Reception.missingPartMarker) == true)
        try await daemon.waitFor("its ack") { daemon.outgoingFiles().count == 1 }
        try await daemon.stop()
    }
}
