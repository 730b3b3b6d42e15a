import AduanConfig
import AduanCore
@testable import AduanDaemon
import AduanGateways
import AduanStore
import Foundation
import GRDB
import Logging
import Testing

/// Group commit: files that arrive together are recorded in one transaction
/// and their replies spooled with one data sync, each file keeping its own
/// outcome.
@Suite struct GroupCommitTests {
    /// A burst is taken in batches, not one file per transaction, and every
    /// message is recorded and acknowledged exactly once.
    @Test func aBurstIsRecordedInBatchesAndEveryMessageAcknowledgedOnce() async throws {
        let daemon = try RunningDaemon()
        try await daemon.started()
        let count = 300
        for i in 0..<count {
            try daemon.drop("GSM1.burst\(i)", from: "62812" + String(format: "%08d", i), "BANJAR jalan rusak nomor \(i)")
        }
        func batched() -> [Int] { daemon.log.with(event: "batch").compactMap { LogLines.value("files", in: $0).flatMap(Int.init) } }
        try await daemon.waitFor("\(count) files in batches") { batched().reduce(0, +) >= count }
        // A batch's rows are marked before its files are renamed into view:
        // wait for both.
        try await daemon.waitFor("\(count) acknowledgements marked spooled and in view") {
            try daemon.count("SELECT COUNT(*) FROM outbox WHERE state = 'spooled'") >= count
                && daemon.outgoingFiles().filter { !$0.hasPrefix(".") }.count >= count
        }
        #expect(daemon.names(daemon.incoming).isEmpty)
        #expect(daemon.outgoingFiles().count == count)
        #expect(daemon.outgoingFiles().allSatisfy { !$0.hasPrefix(".") })
        #expect(try daemon.count("SELECT COUNT(*) FROM complaints") == count)
        #expect(try daemon.count("SELECT COUNT(DISTINCT recipient) FROM outbox WHERE kind = 'ack' AND state = 'spooled'") == count)
        let batches = batched()
        #expect(batches.reduce(0, +) == count)
        #expect(batches.count < count, "every file went alone: \(batches.count) batches")
        #expect(batches.contains { $0 > 1 })
        try await daemon.stop()
    }

    /// One call with several files: a good file, a garbage one, one that is
    /// gone, and the same message twice. Each keeps its own outcome, the
    /// repeat is recognised inside the same transaction.
    @Test func eachFileOfABatchKeepsItsOwnOutcome() async throws {
        let daemon = try RunningDaemon(start: false)
        try FileManager.default.createDirectory(atPath: daemon.incoming, withIntermediateDirectories: true)
        let processor = Self.processor(daemon)
        try daemon.drop("GSM1.a", from: "6281200000001", sent: "26-11-23 08:00:01", "BANJAR jalan rusak")
        try daemon.drop("GSM1.b", bytes: Array("no headers here".utf8))
        try daemon.drop("GSM1.c", from: "6281200000002", sent: "26-11-23 08:00:02", "TABALONG lampu jalan mati")
        try daemon.drop("GSM1.d", from: "6281200000002", sent: "26-11-23 08:00:02", "TABALONG lampu jalan mati")
        let paths = ["GSM1.a", "GSM1.b", "GSM1.gone", "GSM1.c", "GSM1.d"].map { daemon.incoming + "/" + $0 }

        let results = processor.attempt(paths: paths).map(\.result)

        #expect(results.count == 5)
        let first = Self.ticket(results[0])
        let third = Self.ticket(results[3])
        #expect(first?.hasPrefix("BJR-") == true, "\(results[0])")
        #expect(third != nil && third != first, "\(results[3])")
        if case .rejected = results[1] {} else { Issue.record("garbage not rejected: \(results[1])") }
        #expect(results[2] == .skipped)
        #expect(results[4] == .recorded([.alreadyRecorded]))
        #expect(try daemon.count("SELECT COUNT(*) FROM complaints") == 2)
        #expect(try daemon.count("SELECT COUNT(*) FROM outbox") == 2)
        #expect(daemon.names(daemon.incoming).isEmpty)
        #expect(daemon.names(daemon.rejected) == ["GSM1.b"])
    }

    /// A large batch gives each file the outcome it gets alone, in order:
    /// garbage and vanished files anywhere in it, tickets numbered in file
    /// order.
    @Test func aLargeBatchKeepsEachFilesOutcomeInOrder() async throws {
        let daemon = try RunningDaemon(start: false)
        try FileManager.default.createDirectory(atPath: daemon.incoming, withIntermediateDirectories: true)
        let processor = Self.processor(daemon)
        let count = 65
        var names: [String] = []
        for i in 0..<count {
            let name = String(format: "GSM1.%03d", i)
            names.append(name)
            switch i % 10 {
            case 3: try daemon.drop(name, bytes: Array("no headers here".utf8))
            case 7: continue  // never written: gone before it was read
            default:
                try daemon.drop(name, from: "62812" + String(format: "%08d", i), sent: "26-11-23 08:00:00",
                                "BANJAR jalan rusak nomor \(i)")
            }
        }

        let results = processor.attempt(paths: names.map { daemon.incoming + "/" + $0 }).map(\.result)

        #expect(results.count == count)
        var tickets: [String] = []
        for (i, result) in results.enumerated() {
            switch i % 10 {
            case 3: if case .rejected = result {} else { Issue.record("file \(i) not rejected: \(result)") }
            case 7: #expect(result == .skipped, "file \(i)")
            default:
                if let ticket = Self.ticket(result) { tickets.append(ticket) } else { Issue.record("file \(i): \(result)") }
            }
        }
        #expect(tickets == tickets.sorted() && Set(tickets).count == tickets.count)
        #expect(try daemon.count("SELECT COUNT(*) FROM complaints") == tickets.count)
        #expect(daemon.names(daemon.rejected).count == results.filter { if case .rejected = $0 { true } else { false } }.count)
        #expect(daemon.names(daemon.incoming).isEmpty)
    }

    /// A file the database refuses for its own content (here a trigger
    /// standing in for any constraint) fails alone: the batch is done again
    /// file by file, the others are recorded, and it stays in the spool.
    @Test func aFileRefusedByTheDatabaseFailsAloneAndTheRestAreRecorded() async throws {
        let daemon = try RunningDaemon(start: false)
        try FileManager.default.createDirectory(atPath: daemon.incoming, withIntermediateDirectories: true)
        try await daemon.store.pool.write { db in
            try db.execute(sql: """
                CREATE TRIGGER poison BEFORE INSERT ON inbound_messages WHEN NEW.text LIKE '%POISON%'
                BEGIN SELECT RAISE(ABORT, 'poisoned message'); END
                """)
        }
        let processor = Self.processor(daemon)
        for (i, text) in ["BANJAR jalan rusak", "BANJAR POISON", "TABALONG lampu mati"].enumerated() {
            try daemon.drop("GSM1.\(i)", from: "628120000000\(i)", sent: "26-11-23 08:00:0\(i)", text)
        }

        let results = processor.attempt(paths: (0..<3).map { daemon.incoming + "/GSM1.\($0)" }).map(\.result)

        #expect(Self.ticket(results[0]) != nil, "\(results[0])")
        guard case .failed(let error) = results[1] else {
            Issue.record("poisoned file not failed: \(results[1])")
            return
        }
        #expect(error.contains("poisoned message"))
        #expect(Self.ticket(results[2]) != nil, "\(results[2])")
        #expect(try daemon.count("SELECT COUNT(*) FROM complaints") == 2)
        #expect(try daemon.count("SELECT COUNT(*) FROM inbound_messages") == 2)
        #expect(daemon.names(daemon.incoming) == ["GSM1.1"])
    }

    /// The spooler's marks commit without waiting for the disk; every other
    /// commit must still, whether the relaxed one succeeded or failed.
    @Test func aRelaxedWriteLeavesTheWriterFullySynchronous() throws {
        let desk = try Desk()
        try desk.store.writeRelaxed { db in try db.execute(sql: "CREATE TABLE scratch (x)") }
        #expect(try desk.store.writerSynchronous() == 2)
        #expect(throws: (any Error).self) {
            try desk.store.writeRelaxed { db in
                try db.execute(sql: "INSERT INTO scratch VALUES (1)")
                try db.execute(sql: "INSERT INTO no_such_table VALUES (1)")
            }
        }
        #expect(try desk.store.writerSynchronous() == 2)
        #expect(try desk.store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM scratch") } == 0)
    }

    /// The daemon commits its batches without waiting for the disk and
    /// syncs the log itself; the spooler takes only rows known to be on
    /// disk, so no reply goes out for a complaint a power cut could take
    /// back. Rows past that point wait for the next flush.
    @Test func onlyRowsKnownToBeOnDiskAreSpooled() throws {
        var desk = try Desk()
        for i in 1...3 { _ = try desk.receive("BANJAR keluhan nomor \(i)", from: "62812000000\(i)0") }
        let spool = desk.reception.rules.config.outbound[0]
        try FileManager.default.createDirectory(atPath: spool.path, withIntermediateDirectories: true)
        let ids = try desk.outbox().map(\.id)
        let durable = DurableMark(ids[1])
        let spooler = Spooler(store: desk.store, spool: spool, clock: desk.clock, durableRows: { _ in durable.value })

        #expect(try spooler.flush().count == 2)
        #expect(try desk.outbox().map(\.state) == [.spooled, .spooled, .pending])
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path).count == 2)

        durable.value = ids[2]
        #expect(try spooler.flush().count == 1)
        #expect(try desk.outbox().map(\.state) == [.spooled, .spooled, .spooled])
    }

    /// Rows made durable while a flush runs (a burst still being recorded)
    /// are taken by that flush, which asks again once its rows run out and
    /// ends when nothing new has come.
    @Test func aFlushTakesRowsMadeDurableWhileItRuns() throws {
        var desk = try Desk()
        for i in 1...3 { _ = try desk.receive("BANJAR keluhan nomor \(i)", from: "62812000000\(i)0") }
        let spool = desk.reception.rules.config.outbound[0]
        try FileManager.default.createDirectory(atPath: spool.path, withIntermediateDirectories: true)
        let ids = try desk.outbox().map(\.id)
        let asked = AskedMarks([ids[0], ids[2], ids[2]])
        let spooler = Spooler(store: desk.store, spool: spool, clock: desk.clock, durableRows: { asked.next(known: $0) })

        #expect(try spooler.flush().count == 3)
        #expect(asked.known == [0, ids[0], ids[2]])
        #expect(try desk.outbox().map(\.state) == [.spooled, .spooled, .spooled])
    }

    /// With no outbox row past the one the spooler knows, the log is not
    /// synced for it: the known row is the answer.
    @Test func theDurableRowIsKnownWithoutASyncWhenNothingIsNew() throws {
        var desk = try Desk()
        _ = try desk.receive("BANJAR keluhan nomor 1", from: "6281200000010")
        let last = try #require(try desk.outbox().last?.id)
        let sync = LogSync(store: desk.store)
        #expect(try sync.durableOutboxRows(known: 0) == last)
        #expect(try sync.durableOutboxRows(known: last) == last)
    }

    /// While serving, the writer leaves checkpoints to the daemon's
    /// checkpointer but for a long burst's; at the stop it checkpoints by
    /// itself again, at SQLite's default.
    @Test func theServingWriterLeavesCheckpointsToTheCheckpointer() async throws {
        let daemon = try RunningDaemon()
        try await daemon.started()
        #expect(try daemon.store.automaticCheckpointPages() == DatabaseCheckpointer.writerCheckpointPages)
        try daemon.drop("GSM1.ckpt", "BANJAR jalan rusak")
        try await daemon.waitFor("the ack spooled") { daemon.outgoingFiles().count == 1 }
        try await daemon.stop()
        #expect(try daemon.store.automaticCheckpointPages() == 1000)
        #expect(daemon.log.with(event: "checkpoint_failed").isEmpty)
    }

    /// The ticket filed (and acknowledged) from a one-message file.
    /// The daemon's first inbound source, processed by hand, without a log.
    static func processor(_ daemon: RunningDaemon) -> InboundProcessor {
        let reception = Reception(store: daemon.store, rules: DeskRules(daemon.config), clock: daemon.clock)
        return InboundProcessor(source: daemon.config.inbound[0], reception: reception,
                                logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }

    static func ticket(_ result: InboundProcessor.Result) -> String? {
        guard case .recorded(let outcomes) = result, outcomes.count == 1,
              case .recorded(_, let ticket, _, true) = outcomes[0] else { return nil }
        return ticket
    }
}

/// The last outbox row a test says is on disk.
final class DurableMark: @unchecked Sendable {
    private let lock = NSLock()
    private var id: Int64
    init(_ id: Int64) { self.id = id }
    var value: Int64 {
        get { lock.withLock { id } }
        set { lock.withLock { id = newValue } }
    }
}

/// Durable marks handed out in turn, each call's known row noted.
final class AskedMarks: @unchecked Sendable {
    private let lock = NSLock()
    private var marks: [Int64]
    private var asked: [Int64] = []
    init(_ marks: [Int64]) { self.marks = marks }
    func next(known: Int64) -> Int64 {
        lock.withLock {
            asked.append(known)
            return marks.isEmpty ? known : marks.removeFirst()
        }
    }
    var known: [Int64] { lock.withLock { asked } }
}
