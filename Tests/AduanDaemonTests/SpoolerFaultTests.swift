import AduanConfig
import AduanDaemon
import AduanGateways
import AduanStore
import Foundation
import Testing

/// Spooler-level checks of what the daemon relies on when a write fails.
@Suite struct SpoolerFaultTests {
    @Test func aWriteFailingMidBatchKeepsWhatIsInPlaceAndWritesOnlyTheRest() throws {
        var desk = try Desk()
        for i in 1...3 { _ = try desk.receive("BANJAR keluhan nomor \(i)", from: "62812000000\(i)0") }
        let spool = desk.reception.rules.config.outbound[0]
        try FileManager.default.createDirectory(atPath: spool.path, withIntermediateDirectories: true)
        let files = FaultySpoolFiles()
        let spooler = Spooler(store: desk.store, spool: spool, clock: desk.clock, files: files)

        files.fail(.write, with: ENOSPC, times: 1, after: 1)
        #expect(throws: SpoolError.self) { try spooler.flush() }
        #expect(try desk.outbox().map(\.state) == [.spooled, .pending, .pending])
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path).count == 1)

        try spooler.flush()
        #expect(try desk.outbox().map(\.state) == [.spooled, .spooled, .spooled])
        #expect(files.calls(.write) == 4)  // 1 written, 1 refused, then only the 2 missing
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path).count == 3)
    }

    /// Files are written under their prepared names directly, so a crash can
    /// leave one cut short. The next flush takes over the prepared files of
    /// rows still pending that are whole (the very files, not written again)
    /// and writes the others again: every file placed is whole.
    @Test func preparedFilesOfPendingRowsAreTakenOverOnlyWhenWhole() throws {
        var desk = try Desk()
        for i in 1...3 { _ = try desk.receive("BANJAR keluhan nomor \(i)", from: "62812000000\(i)0") }
        let spool = desk.reception.rules.config.outbound[0]
        try FileManager.default.createDirectory(atPath: spool.path, withIntermediateDirectories: true)
        let files = FaultySpoolFiles()
        let spooler = Spooler(store: desk.store, spool: spool, clock: desk.clock, files: files)

        // The files are prepared (hidden), then the directory sync fails:
        // the rows stay pending and nothing is visible yet.
        files.fail(.syncDirectory, with: EIO, times: 1)
        #expect(throws: SpoolError.self) { try spooler.flush() }
        #expect(try desk.outbox().map(\.state) == [.pending, .pending, .pending])
        let prepared = try FileManager.default.contentsOfDirectory(atPath: spool.path).sorted()
        #expect(prepared.count == 3)
        #expect(prepared.allSatisfy { $0.hasPrefix(".") && $0.hasSuffix(".ready") })
        let names = prepared.map { String($0.dropFirst().dropLast(".ready".count)) }
        let whole = try prepared.map { try Data(contentsOf: URL(fileURLWithPath: spool.path + "/" + $0)) }
        let inodes = prepared.map { Self.inode(spool.path + "/" + $0) }
        // As a crash mid-write would leave it.
        #expect(truncate(spool.path + "/" + prepared[1], 7) == 0)

        // A new spooler, as after a restart, then the one that failed (with
        // nothing left to do).
        for spooler in [Spooler(store: desk.store, spool: spool, clock: desk.clock, files: files), spooler] {
            try spooler.flush()
        }
        #expect(try desk.outbox().map(\.state) == [.spooled, .spooled, .spooled])
        #expect(files.calls(.write) == 4)
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path).sorted() == names)
        #expect(try names.map { try Data(contentsOf: URL(fileURLWithPath: spool.path + "/" + $0)) } == whole)
        let placed = names.map { Self.inode(spool.path + "/" + $0) }
        #expect(!inodes.contains(nil))
        #expect(placed[0] == inodes[0] && placed[2] == inodes[2])
        #expect(placed[1] != inodes[1])
    }

    /// Stopped between marking rows spooled and placing their files (a kill,
    /// here staged by hand): the lock file says so, and the next flush, even
    /// of a spooler that has been running all along, places them first.
    @Test func filesLeftPreparedAfterTheirMarkArePlacedByTheNextFlush() throws {
        let (desk, spool, spooler, names) = try Self.twoRepliesSpooled()
        #expect(names.count == 2)
        for name in names {
            #expect(rename(spool.path + "/" + name, spool.path + "/" + DurableFile.preparedName(name)) == 0)
        }
        #expect(try desk.outbox().map(\.state) == [.spooled, .spooled])
        try Data("1".utf8).write(to: URL(fileURLWithPath: desk.store.path + ".spool.lock"))

        let placed = try spooler.flush()

        #expect(placed.sorted() == names)
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path).sorted() == names)
        #expect(try String(contentsOfFile: desk.store.path + ".spool.lock", encoding: .utf8) == "0")
    }

    /// A power cut can lose a mark (marks commit without waiting for the
    /// disk) while the file it recorded stays. The spooler after the restart
    /// finds the file there and only marks the row: the gateway does not get
    /// the reply twice, and the file is not rewritten under it. (A running
    /// spooler does the same: FaultServeTests.)
    @Test func aRowWhoseFileIsAlreadyThereAfterARestartIsOnlyMarked() throws {
        let (desk, spool, _, names) = try Self.twoRepliesSpooled()
        let inodes = names.map { Self.inode(spool.path + "/" + $0) }
        try desk.store.pool.write { db in try db.execute(sql: "UPDATE outbox SET state = 'pending', spool = NULL, file = NULL") }

        let files = FaultySpoolFiles()
        let placed = try Spooler(store: desk.store, spool: spool, clock: desk.clock, files: files).flush()

        #expect(placed.sorted() == names)
        #expect(files.calls(.write) == 0)
        #expect(try desk.outbox().map(\.state) == [.spooled, .spooled])
        #expect(try desk.outbox().compactMap(\.file).sorted() == names)
        #expect(names.map { Self.inode(spool.path + "/" + $0) } == inodes)
    }

    /// The same while the spooler runs (rows set pending again by hand): it
    /// no longer looks before each write, but placing never replaces a name,
    /// so the files waiting keep their inodes and no hidden copy is left.
    @Test func aRunningSpoolerLeavesAFileAlreadyThereAsItIs() throws {
        let (desk, spool, spooler, names) = try Self.twoRepliesSpooled()
        let inodes = names.map { Self.inode(spool.path + "/" + $0) }
        try desk.store.pool.write { db in try db.execute(sql: "UPDATE outbox SET state = 'pending', spool = NULL, file = NULL") }

        #expect(try spooler.flush().sorted() == names)
        #expect(try desk.outbox().map(\.state) == [.spooled, .spooled])
        #expect(try desk.outbox().compactMap(\.file).sorted() == names)
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path).sorted() == names)
        #expect(names.map { Self.inode(spool.path + "/" + $0) } == inodes)
    }

    /// A flush of several batches marks and places one while it prepares
    /// the next. A write failing in the second batch: the first is out
    /// whole, the second's files written before the failure go out, nothing
    /// of the rest is visible, and the next flush sends exactly what is left.
    @Test func aFailureInALaterBatchKeepsTheBatchesBeforeIt() throws {
        let (desk, spool) = try Self.deskWithReplies(600)
        let files = FaultySpoolFiles()
        let spooler = Spooler(store: desk.store, spool: spool, clock: desk.clock, files: files)

        files.fail(.write, with: ENOSPC, times: 1, after: 300)
        #expect(throws: SpoolError.self) { try spooler.flush() }
        let states = try desk.outbox().map(\.state)
        #expect(states.prefix(300).allSatisfy { $0 == .spooled })
        #expect(states.dropFirst(300).allSatisfy { $0 == .pending })
        try Self.expectSpoolHoldsExactlyTheSpooledRows(desk, spool)

        try spooler.flush()
        #expect(try desk.outbox().allSatisfy { $0.state == .spooled })
        #expect(files.calls(.write) == 601)
        try Self.expectSpoolHoldsExactlyTheSpooledRows(desk, spool)
    }

    /// Placing the first of three batches fails (on the place queue, while
    /// the second is being prepared): the flush fails, the first batch's rows
    /// are marked with their files still hidden, and the next flush places
    /// them and takes over the second batch's prepared files. Every reply
    /// goes out once, whole.
    @Test func aPlacementFailingBesideTheNextBatchIsFinishedByTheNextFlush() throws {
        let (desk, spool) = try Self.deskWithReplies(600)
        let files = FaultySpoolFiles()
        let spooler = Spooler(store: desk.store, spool: spool, clock: desk.clock, files: files)

        files.fail(.place, with: EIO, times: 1)
        #expect(throws: SpoolError.self) { try spooler.flush() }
        let states = try desk.outbox().map(\.state)
        #expect(states.prefix(256).allSatisfy { $0 == .spooled })
        #expect(states.dropFirst(256).allSatisfy { $0 == .pending })
        let visible = try FileManager.default.contentsOfDirectory(atPath: spool.path).filter { !$0.hasPrefix(".") }
        #expect(visible.isEmpty)

        let placed = try spooler.flush()
        #expect(placed.count == 600)
        #expect(Set(placed).count == 600)
        #expect(try desk.outbox().allSatisfy { $0.state == .spooled })
        try Self.expectSpoolHoldsExactlyTheSpooledRows(desk, spool)
    }

    /// The second of three batches fails to sync (on the sync queue, while
    /// the third is written): the first batch is out, no row after it is
    /// marked, and the next flush takes over what was written and sends
    /// every reply once, whole.
    @Test func aSyncFailingBesideTheNextBatchIsTakenOverByTheNextFlush() throws {
        let (desk, spool) = try Self.deskWithReplies(600)
        let files = FaultySpoolFiles()
        let spooler = Spooler(store: desk.store, spool: spool, clock: desk.clock, files: files)

        files.fail(.sync, with: EIO, times: 1, after: 1)
        #expect(throws: SpoolError.self) { try spooler.flush() }
        let states = try desk.outbox().map(\.state)
        #expect(states.prefix(256).allSatisfy { $0 == .spooled })
        #expect(states.dropFirst(256).allSatisfy { $0 == .pending })
        let visible = try FileManager.default.contentsOfDirectory(atPath: spool.path).filter { !$0.hasPrefix(".") }
        #expect(visible.count == 256)

        let placed = try spooler.flush()
        #expect(placed.count == 344)
        #expect(try desk.outbox().allSatisfy { $0.state == .spooled })
        try Self.expectSpoolHoldsExactlyTheSpooledRows(desk, spool)
    }

    /// A desk with `count` acknowledgements pending, each to its own number.
    /// Two complaints filed and their acknowledgements spooled: the names, sorted.
    static func twoRepliesSpooled() throws -> (Desk, OutboundSpool, Spooler, [String]) {
        var desk = try Desk()
        for i in 1...2 { _ = try desk.receive("BANJAR keluhan nomor \(i)", from: "62812000000\(i)0") }
        let spool = desk.reception.rules.config.outbound[0]
        try FileManager.default.createDirectory(atPath: spool.path, withIntermediateDirectories: true)
        let spooler = Spooler(store: desk.store, spool: spool, clock: desk.clock)
        return (desk, spool, spooler, try spooler.flush().sorted())
    }

    static func deskWithReplies(_ count: Int) throws -> (Desk, OutboundSpool) {
        var desk = try Desk()
        for i in 0..<count { _ = try desk.receive("BANJAR keluhan nomor \(i)", from: "6281\(String(format: "%08d", i))") }
        let spool = desk.reception.rules.config.outbound[0]
        try FileManager.default.createDirectory(atPath: spool.path, withIntermediateDirectories: true)
        return (desk, spool)
    }

    /// Visible files are those of the spooled rows, each holding its reply;
    /// no prepared file is left behind.
    static func expectSpoolHoldsExactlyTheSpooledRows(_ desk: Desk, _ spool: OutboundSpool) throws {
        let entries = try FileManager.default.contentsOfDirectory(atPath: spool.path)
        let spooled = try desk.outbox().filter { $0.state == .spooled }
        #expect(Set(entries) == Set(spooled.compactMap(\.file)))
        for row in spooled {
            let text = try String(contentsOfFile: spool.path + "/" + (row.file ?? "-"), encoding: .utf8)
            #expect(text.hasSuffix(row.text), "\(row.file ?? "-")")
        }
    }

    static func inode(_ path: String) -> UInt64? {
        var st = stat()
        return stat(path, &st) == 0 ? UInt64(st.st_ino) : nil
    }
}
