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

    @Test func aFileStillWaitingInTheSpoolIsNeverRewritten() throws {
        var desk = try Desk()
        for i in 1...3 { _ = try desk.receive("BANJAR keluhan nomor \(i)", from: "62812000000\(i)0") }
        let spool = desk.reception.rules.config.outbound[0]
        try FileManager.default.createDirectory(atPath: spool.path, withIntermediateDirectories: true)
        let files = FaultySpoolFiles()
        let spooler = Spooler(store: desk.store, spool: spool, clock: desk.clock, files: files)

        // The files are prepared (whole, hidden), then the directory sync
        // fails: the rows stay pending, nothing is visible yet, and the retry
        // places the very files prepared, without writing them again.
        files.fail(.syncDirectory, with: EIO, times: 1)
        #expect(throws: SpoolError.self) { try spooler.flush() }
        #expect(try desk.outbox().map(\.state) == [.pending, .pending, .pending])
        let prepared = try FileManager.default.contentsOfDirectory(atPath: spool.path).sorted()
        #expect(prepared.count == 3)
        #expect(prepared.allSatisfy { $0.hasPrefix(".") && $0.hasSuffix(".ready") })
        let inodes = prepared.map { Self.inode(spool.path + "/" + $0) }
        let names = prepared.map { String($0.dropFirst().dropLast(".ready".count)) }

        try spooler.flush()
        #expect(try desk.outbox().map(\.state) == [.spooled, .spooled, .spooled])
        #expect(files.calls(.write) == 3)
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path).sorted() == names)
        #expect(names.map { Self.inode(spool.path + "/" + $0) } == inodes)
        #expect(!inodes.contains(nil))
    }

    /// Stopped between marking rows spooled and placing their files (a kill,
    /// here staged by hand): the lock file says so, and the next flush, even
    /// of a spooler that has been running all along, places them first.
    @Test func filesLeftPreparedAfterTheirMarkArePlacedByTheNextFlush() throws {
        var desk = try Desk()
        for i in 1...2 { _ = try desk.receive("BANJAR keluhan nomor \(i)", from: "62812000000\(i)0") }
        let spool = desk.reception.rules.config.outbound[0]
        try FileManager.default.createDirectory(atPath: spool.path, withIntermediateDirectories: true)
        let spooler = Spooler(store: desk.store, spool: spool, clock: desk.clock)
        let names = try spooler.flush().sorted()
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

    static func inode(_ path: String) -> UInt64? {
        var st = stat()
        return stat(path, &st) == 0 ? UInt64(st.st_ino) : nil
    }
}
