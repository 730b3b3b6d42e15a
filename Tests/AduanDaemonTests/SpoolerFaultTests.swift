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

        // The files are renamed into place, then the directory sync fails:
        // the rows stay pending, and the retry finds the files still waiting.
        files.fail(.syncDirectory, with: EIO, times: 1)
        #expect(throws: SpoolError.self) { try spooler.flush() }
        #expect(try desk.outbox().map(\.state) == [.pending, .pending, .pending])
        let names = try FileManager.default.contentsOfDirectory(atPath: spool.path).sorted()
        #expect(names.count == 3)
        let inodes = names.map { Self.inode(spool.path + "/" + $0) }

        try spooler.flush()
        #expect(try desk.outbox().map(\.state) == [.spooled, .spooled, .spooled])
        #expect(files.calls(.write) == 3)
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path).sorted() == names)
        #expect(names.map { Self.inode(spool.path + "/" + $0) } == inodes)
        #expect(!inodes.contains(nil))
    }

    static func inode(_ path: String) -> UInt64? {
        var st = stat()
        return stat(path, &st) == 0 ? UInt64(st.st_ino) : nil
    }
}
