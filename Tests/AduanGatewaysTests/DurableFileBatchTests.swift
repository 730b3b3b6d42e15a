import Foundation
import Glibc
import Testing

@testable import AduanGateways

/// The spool's group commit: one data sync for a batch, each file still
/// appearing whole or not at all.
@Suite("DurableFile batches")
struct DurableFileBatchTests {
    /// Prepare, then place: the spooler's two file steps, without its mark
    /// in between.
    static func writeBatch(_ files: [(name: String, bytes: [UInt8])], in directory: String,
                           mode: mode_t = 0o640) -> DurableFile.BatchResult {
        let prepared = DurableFile.prepareBatch(files, in: directory, mode: mode)
        let placed = DurableFile.placePrepared(files.prefix(prepared.placed).map(\.name), in: directory)
        return DurableFile.BatchResult(placed: placed.placed, error: placed.error ?? prepared.error)
    }

    static func batch(_ count: Int) -> [(name: String, bytes: [UInt8])] {
        (0..<count).map { ("aduan-\($0)", Array("To: 62812000\($0)\n\nAduan \($0) diterima".utf8)) }
    }

    /// One file, a few, exactly one group of open descriptors, one more, several groups.
    /// Either side of the batch size that syncs the filesystem once rather
    /// than each file.
    @Test(arguments: [1, 2, DurableFile.sharedSyncFrom - 1, DurableFile.sharedSyncFrom, DurableFile.openAtOnce,
                      DurableFile.openAtOnce + 1, 300])
    func placesEveryFileWithItsBytesAndMode(_ count: Int) throws {
        let dir = try ScratchDirectory()
        let files = Self.batch(count)
        let result = Self.writeBatch(files, in: dir.path, mode: 0o660)
        #expect(result == DurableFile.BatchResult(placed: count, error: nil))
        #expect(try directoryEntries(dir.path) == files.map(\.name).sorted())
        for file in files {
            #expect(try fileBytes(dir.path + "/" + file.name) == file.bytes)
            #expect(permissionBits(dir.path + "/" + file.name) == 0o660)
        }
    }

    @Test func anEmptyBatchTouchesNothing() throws {
        let dir = try ScratchDirectory()
        #expect(Self.writeBatch([], in: dir.path + "/missing") == DurableFile.BatchResult(placed: 0, error: nil))
    }

    /// A bad name half-way: the files before it are placed (and counted), the
    /// rest are not, and no temporary file is left for the gateway to trip on.
    @Test func stopsAtTheFirstFailureAndLeavesNoTemporaryFile() throws {
        let dir = try ScratchDirectory()
        var files = Self.batch(10)
        files[6].name = "bad/name"
        let result = Self.writeBatch(files, in: dir.path)
        #expect(result.placed == 6)
        #expect(result.error?.errno == EINVAL)
        #expect(try directoryEntries(dir.path) == files.prefix(6).map(\.name).sorted())
    }

    /// A prepared file a crash cut short is written again, whole. A file
    /// already under its name is one still waiting for the gateway, which
    /// may be reading it: it is never replaced, and the copy is dropped.
    @Test func keepsAFileWaitingUnderItsNameAndRewritesAStalePreparedOne() throws {
        let dir = try ScratchDirectory()
        let files = Self.batch(5)
        let waiting = dir.path + "/" + files[1].name
        try DurableFile.write(Array("old".utf8), named: files[1].name, in: dir.path)
        var before = stat()
        #expect(stat(waiting, &before) == 0)
        try DurableFile.write(Array("cra".utf8), named: DurableFile.preparedName(files[3].name), in: dir.path)
        #expect(Self.writeBatch(files, in: dir.path).placed == 5)
        #expect(try fileBytes(waiting) == Array("old".utf8))
        var after = stat()
        #expect(stat(waiting, &after) == 0 && after.st_ino == before.st_ino)
        #expect(try fileBytes(dir.path + "/" + files[3].name) == files[3].bytes)
        #expect(try directoryEntries(dir.path) == files.map(\.name).sorted())
    }

    /// A failure half-way through preparing leaves no prepared file of the
    /// files not counted, so nothing half-written can be placed later.
    @Test func aFailedPreparationLeavesOnlyTheFilesItCounts() throws {
        let dir = try ScratchDirectory()
        var files = Self.batch(DurableFile.openAtOnce + 10)
        files[DurableFile.openAtOnce + 3].name = "bad/name"
        let result = DurableFile.prepareBatch(files, in: dir.path)
        #expect(result.placed == DurableFile.openAtOnce + 3)
        #expect(result.error?.errno == EINVAL)
        #expect(try directoryEntries(dir.path) == files.prefix(result.placed).map { DurableFile.preparedName($0.name) }.sorted())
        for file in files.prefix(result.placed) {
            #expect(try fileBytes(dir.path + "/" + DurableFile.preparedName(file.name)) == file.bytes)
        }
    }

    @Test func aMissingDirectoryIsAnErrorNamingIt() throws {
        let dir = try ScratchDirectory()
        let result = Self.writeBatch(Self.batch(3), in: dir.path + "/gone")
        #expect(result.placed == 0)
        #expect(result.error?.errno == ENOENT)
        #expect(result.error?.description.contains("/gone") == true)
    }
}

/// Prepared files: whole and durable but hidden until placed, and placed by
/// recovery when a crash came in between.
@Suite("DurableFile prepared files")
struct DurableFilePreparedTests {
    @Test func preparedFilesAreHiddenUntilPlaced() throws {
        let dir = try ScratchDirectory()
        let files = DurableFileBatchTests.batch(4)
        #expect(DurableFile.prepareBatch(files, in: dir.path).placed == 4)
        #expect(try directoryEntries(dir.path) == files.map { DurableFile.preparedName($0.name) }.sorted())
        #expect(DurableFile.placePrepared(files.map(\.name), in: dir.path) == DurableFile.BatchResult(placed: 4, error: nil))
        #expect(try directoryEntries(dir.path) == files.map(\.name).sorted())
        for file in files { #expect(try fileBytes(dir.path + "/" + file.name) == file.bytes) }
    }

    /// Only a prepared file with exactly the bytes expected may be placed as it is.
    @Test func aPreparedFileIsTakenOverOnlyWithExactlyItsBytes() throws {
        let dir = try ScratchDirectory()
        let files = DurableFileBatchTests.batch(4)
        #expect(DurableFile.prepareBatch(files, in: dir.path).placed == 4)
        #expect(truncate(dir.path + "/" + DurableFile.preparedName(files[1].name), 3) == 0)
        let longer = open(dir.path + "/" + DurableFile.preparedName(files[2].name), O_WRONLY | O_APPEND)
        #expect(longer >= 0 && write(longer, "x", 1) == 1)
        close(longer)
        #expect(DurableFile.holdsPrepared(files[0].name, files[0].bytes, in: dir.path))
        #expect(!DurableFile.holdsPrepared(files[1].name, files[1].bytes, in: dir.path))
        #expect(!DurableFile.holdsPrepared(files[2].name, files[2].bytes, in: dir.path))
        #expect(!DurableFile.holdsPrepared(files[3].name, files[0].bytes, in: dir.path))
        #expect(!DurableFile.holdsPrepared("aduan-none", files[0].bytes, in: dir.path))
    }

    @Test func recoveryPlacesWhatACrashLeftPreparedAndNothingElse() throws {
        let dir = try ScratchDirectory()
        let files = DurableFileBatchTests.batch(3)
        #expect(DurableFile.prepareBatch(files, in: dir.path).placed == 3)
        // One already placed by someone (its prepared twin is a leftover),
        // a temp file of a write cut short, and an unrelated dotfile.
        try DurableFile.write(files[0].bytes, named: files[0].name, in: dir.path)
        _ = FileManager.default.createFile(atPath: dir.path + "/.aduan-9.tmp", contents: Data("half".utf8))
        _ = FileManager.default.createFile(atPath: dir.path + "/.hidden", contents: Data())

        let placed = try DurableFile.recoverPrepared(in: dir.path)

        #expect(placed == [files[1].name, files[2].name])
        #expect(try directoryEntries(dir.path) == ([".aduan-9.tmp", ".hidden"] + files.map(\.name)).sorted())
        #expect(try DurableFile.recoverPrepared(in: dir.path).isEmpty)
    }

    /// A large batch is written in one step and made durable in another
    /// (one syncfs), so the spooler can write the next meanwhile; until then
    /// its files wait under their prepared names, out of the gateway's
    /// sight. A small batch is synced file by file as it is written.
    @Test func aLargeBatchIsWrittenFirstAndSyncedAfter() throws {
        let dir = try ScratchDirectory()
        let files = DurableFileBatchTests.batch(DurableFile.sharedSyncFrom)
        let written = DurableFile.writeBatch(files, in: dir.path)
        #expect(written.result == DurableFile.BatchResult(placed: files.count, error: nil))
        #expect(written.unsynced.sorted() == files.map { dir.path + "/" + DurableFile.preparedName($0.name) }.sorted())
        #expect(try directoryEntries(dir.path) == files.map { DurableFile.preparedName($0.name) }.sorted())
        #expect(DurableFile.syncWritten(written) == DurableFile.BatchResult(placed: files.count, error: nil))

        let small = DurableFileBatchTests.batch(DurableFile.sharedSyncFrom - 1).map { ("small-" + $0.name, $0.bytes) }
        let writtenSmall = DurableFile.writeBatch(small, in: dir.path)
        #expect(writtenSmall.unsynced.isEmpty)
        #expect(writtenSmall.result == DurableFile.BatchResult(placed: small.count, error: nil))
    }
}
