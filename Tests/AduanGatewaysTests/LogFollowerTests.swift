import Foundation
import Glibc
import Testing

import AduanCore
@testable import AduanGateways

/// Rotations are done the way logrotate does them (rename(2), then a new file; or
/// truncate(2) on the live file), with a writer that keeps its own descriptor like a
/// real logging daemon.
@Suite("LogFollower")
struct LogFollowerTests {
    @Test func aHalfWrittenLineWaitsForItsNewline() throws {
        let log = try TempLog()
        let writer = try LogWriter(log.path)
        let follower = LogFollower(path: log.path, resumingFrom: nil)

        writer.write("{\"a\":1}\n{\"b\":")
        #expect(try follower.nextLines(limit: 10).texts == [#"{"a":1}"#])
        #expect(try follower.nextLines(limit: 10).isEmpty)

        writer.write("2}\n")
        let lines = try follower.nextLines(limit: 10)
        #expect(lines.texts == [#"{"b":2}"#])
        #expect(lines.first?.number == 2)
    }

    @Test func eachLineCarriesItsNumberAndTheCheckpointAfterIt() throws {
        let log = try TempLog()
        try log.create("one\ntwo\r\n")
        let (device, inode) = try log.identity()
        let follower = LogFollower(path: log.path, resumingFrom: nil)
        #expect(follower.checkpoint == nil)

        let lines = try follower.nextLines(limit: 10)

        #expect(lines == [
            LogLine(bytes: Array("one".utf8), number: 1, after: LogCheckpoint(device: device, inode: inode, offset: 4, line: 1)),
            // Only the newline is the follower's business; JSON takes `\r` as whitespace.
            LogLine(bytes: Array("two\r".utf8), number: 2, after: LogCheckpoint(device: device, inode: inode, offset: 9, line: 2)),
        ])
        #expect(follower.checkpoint == LogCheckpoint(device: device, inode: inode, offset: 9, line: 2))
    }

    @Test func theLimitIsHonouredAndTheRestComesNext() throws {
        let log = try TempLog()
        try log.create("1\n2\n3\n4\n5\n")
        let follower = LogFollower(path: log.path, resumingFrom: nil)

        #expect(try follower.nextLines(limit: 0).isEmpty)
        #expect(try follower.nextLines(limit: 2).texts == ["1", "2"])
        #expect(try follower.nextLines(limit: 2).texts == ["3", "4"])
        #expect(try follower.nextLines(limit: 10).map(\.number) == [5])
        #expect(try follower.nextLines(limit: 10).isEmpty)
    }

    @Test func manyLinesAcrossChunkBoundariesArriveWholeAndInOrder() throws {
        let log = try TempLog()
        // Lines of varying length so that newlines fall at every position of a chunk.
        let written = (0..<5000).map { "line \($0) " + String(repeating: "x", count: $0 % 97) }
        try log.create(written.map { $0 + "\n" }.joined())
        let follower = LogFollower(path: log.path, resumingFrom: nil)

        var read: [LogLine] = []
        while case let batch = try follower.nextLines(limit: 333), !batch.isEmpty { read += batch }

        #expect(read.texts == written)
        #expect(read.map(\.number) == (1...5000).map(Int64.init))
    }

    // MARK: Resuming

    @Test func aRestartResumesAtTheCheckpoint() throws {
        let log = try TempLog()
        try log.create("a\nb\nc\n")
        let first = LogFollower(path: log.path, resumingFrom: nil)
        let checkpoint = try #require(try first.nextLines(limit: 2).last?.after)
        first.close()

        let second = LogFollower(path: log.path, resumingFrom: checkpoint)
        #expect(second.checkpoint == checkpoint)
        let lines = try second.nextLines(limit: 10)
        #expect(lines.texts == ["c"])
        #expect(lines.first?.number == 3)
    }

    @Test func aFileTruncatedWhileDownIsReadFromTheStart() throws {
        let log = try TempLog()
        try log.create("a\nb\nc\n")
        let first = LogFollower(path: log.path, resumingFrom: nil)
        let checkpoint = try #require(try first.nextLines(limit: 10).last?.after)
        first.close()
        #expect(truncate(log.path, 0) == 0)
        try log.append("new\n")

        let lines = try LogFollower(path: log.path, resumingFrom: checkpoint).nextLines(limit: 10)
        #expect(lines.texts == ["new"])
        #expect(lines.first?.number == 1)
    }

    /// The inode number was reused by a new file: its bytes before the offset are not a
    /// line we read.
    @Test func aCheckpointNotAtALineStartIsNotTrusted() throws {
        let log = try TempLog()
        try log.create("abcdef\nghi\n")
        let (device, inode) = try log.identity()
        let stale = LogCheckpoint(device: device, inode: inode, offset: 3, line: 40)

        let lines = try LogFollower(path: log.path, resumingFrom: stale).nextLines(limit: 10)
        #expect(lines.texts == ["abcdef", "ghi"])
        #expect(lines.map(\.number) == [1, 2])
    }

    @Test func aCheckpointForAnUnknownFileStartsTheCurrentOneAtTheBeginning() throws {
        let log = try TempLog()
        try log.create("a\n")
        let elsewhere = LogCheckpoint(device: 1, inode: 1, offset: 100, line: 9)

        let lines = try LogFollower(path: log.path, resumingFrom: elsewhere).nextLines(limit: 10)
        #expect(lines.texts == ["a"])
        #expect(lines.first?.number == 1)
    }

    // MARK: Rotation by rename

    @Test func renameAndCreateDrainsTheOldFileBeforeSwitching() throws {
        let log = try TempLog()
        let oldWriter = try LogWriter(log.path)
        let (oldDevice, oldInode) = try log.identity()
        let follower = LogFollower(path: log.path, resumingFrom: nil)
        oldWriter.write("a\n")
        #expect(try follower.nextLines(limit: 10).texts == ["a"])

        // logrotate: rename, create, and only later tell the writer to reopen.
        #expect(rename(log.path, log.path + ".1") == 0)
        let newWriter = try LogWriter(log.path)
        #expect(try follower.nextLines(limit: 10).isEmpty)

        oldWriter.write("b\nc")
        #expect(try follower.nextLines(limit: 10).texts == ["b"], "lines written to the old file after the rename")

        newWriter.write("d\n")
        let (newDevice, newInode) = try log.identity()
        let lines = try follower.nextLines(limit: 10)
        #expect(lines == [
            // The writer has moved on, so nothing will finish "c".
            LogLine(bytes: Array("c".utf8), number: 3,
                    after: LogCheckpoint(device: oldDevice, inode: oldInode, offset: 5, line: 3)),
            LogLine(bytes: Array("d".utf8), number: 1,
                    after: LogCheckpoint(device: newDevice, inode: newInode, offset: 2, line: 1)),
        ])

        oldWriter.write("too late\n")
        #expect(try follower.nextLines(limit: 10).isEmpty)
        #expect(follower.checkpoint == LogCheckpoint(device: newDevice, inode: newInode, offset: 2, line: 1))
    }

    @Test func aRotationFoundAtTheLimitIsFinishedOnTheNextCall() throws {
        let log = try TempLog()
        let oldWriter = try LogWriter(log.path)
        let follower = LogFollower(path: log.path, resumingFrom: nil)
        #expect(try follower.nextLines(limit: 10).isEmpty)

        oldWriter.write("a\nb\n")
        #expect(rename(log.path, log.path + ".1") == 0)
        try log.create("c\n")

        #expect(try follower.nextLines(limit: 1).texts == ["a"])
        #expect(try follower.nextLines(limit: 1).texts == ["b"])
        #expect(try follower.nextLines(limit: 1).texts == ["c"])
        #expect(try follower.nextLines(limit: 1).isEmpty)
    }

    @Test func renamedAwayWithoutANewFileTheOldOneIsStillFollowed() throws {
        let log = try TempLog()
        let oldWriter = try LogWriter(log.path)
        let follower = LogFollower(path: log.path, resumingFrom: nil)
        oldWriter.write("a\n")
        #expect(try follower.nextLines(limit: 10).texts == ["a"])

        #expect(rename(log.path, log.path + ".1") == 0)
        oldWriter.write("b\n")
        #expect(try follower.nextLines(limit: 10).texts == ["b"])

        try log.create("c\n")
        let lines = try follower.nextLines(limit: 10)
        #expect(lines.texts == ["c"])
        #expect(lines.first?.number == 1)
    }

    @Test func rotationWhileDownFinishesTheRotatedFileFirst() throws {
        let log = try TempLog()
        let writer = try LogWriter(log.path)
        writer.write("a\nb\n")
        let first = LogFollower(path: log.path, resumingFrom: nil)
        let checkpoint = try #require(try first.nextLines(limit: 1).last?.after)
        first.close()

        writer.write("c\n")
        #expect(rename(log.path, log.path + ".1") == 0)
        try log.create("d\n")

        let lines = try LogFollower(path: log.path, resumingFrom: checkpoint).nextLines(limit: 10)
        #expect(lines.texts == ["b", "c", "d"])
        #expect(lines.map(\.number) == [2, 3, 1])
        let (device, inode) = try log.identity()
        #expect(lines.last?.after == LogCheckpoint(device: device, inode: inode, offset: 2, line: 1))
    }

    @Test func rotationWhileDownWithoutANewFileReadsTheRotatedOneAndWaits() throws {
        let log = try TempLog()
        try log.create("a\nb\n")
        let first = LogFollower(path: log.path, resumingFrom: nil)
        let checkpoint = try #require(try first.nextLines(limit: 1).last?.after)
        first.close()
        #expect(rename(log.path, log.path + ".1") == 0)

        let follower = LogFollower(path: log.path, resumingFrom: checkpoint)
        #expect(try follower.nextLines(limit: 10).texts == ["b"])
        #expect(try follower.nextLines(limit: 10).isEmpty)

        try log.create("c\n")
        #expect(try follower.nextLines(limit: 10).texts == ["c"])
    }

    @Test func rotationWhileDownWithTheOldFileNotAtDotOneStartsTheNewOne() throws {
        let log = try TempLog()
        try log.create("a\nb\n")
        let first = LogFollower(path: log.path, resumingFrom: nil)
        let checkpoint = try #require(try first.nextLines(limit: 1).last?.after)
        first.close()
        // Rotated twice: ours is `.2` now (kept, so ext4 cannot hand its inode number to
        // the new file) and `.1` is another file that must not be mistaken for ours.
        #expect(rename(log.path, log.path + ".2") == 0)
        try log.create("x\ny\n", at: log.path + ".1")
        try log.create("c\n")

        let lines = try LogFollower(path: log.path, resumingFrom: checkpoint).nextLines(limit: 10)
        #expect(lines.texts == ["c"])
        #expect(lines.first?.number == 1)
    }

    @Test func aCheckpointIsKeptUntilTheLogAppears() throws {
        let log = try TempLog()
        try log.create("a\nb\n")
        let first = LogFollower(path: log.path, resumingFrom: nil)
        let checkpoint = try #require(try first.nextLines(limit: 10).last?.after)
        first.close()
        #expect(unlink(log.path) == 0)

        let follower = LogFollower(path: log.path, resumingFrom: checkpoint)
        #expect(try follower.nextLines(limit: 10).isEmpty)
        #expect(follower.checkpoint == checkpoint)

        try log.create("c\n")
        #expect(try follower.nextLines(limit: 10).texts == ["c"])
    }

    // MARK: copytruncate

    @Test func copytruncateRestartsAtTheBeginning() throws {
        let log = try TempLog()
        let writer = try LogWriter(log.path)
        writer.write("a\nb\n")
        let follower = LogFollower(path: log.path, resumingFrom: nil)
        #expect(try follower.nextLines(limit: 10).texts == ["a", "b"])

        #expect(truncate(log.path, 0) == 0)
        writer.write("c\n")
        let lines = try follower.nextLines(limit: 10)
        #expect(lines.texts == ["c"])
        #expect(lines.first?.number == 1)
        #expect(lines.first?.after.offset == 2)
    }

    /// Truncated and written past our old offset before we look: the size
    /// alone cannot tell; the bytes before our offset can.
    @Test func copytruncateFollowedByALongerLineIsNoticed() throws {
        let log = try TempLog()
        let writer = try LogWriter(log.path)
        writer.write("{\"id\":\"m3\"}\n")
        let follower = LogFollower(path: log.path, resumingFrom: nil)
        #expect(try follower.nextLines(limit: 10).texts == [#"{"id":"m3"}"#])

        #expect(truncate(log.path, 0) == 0)
        writer.write("{\"id\":\"m4\",\"x\":1}\n")
        #expect(try follower.nextLines(limit: 10).texts == [#"{"id":"m4","x":1}"#])
    }

    @Test func copytruncateDiscardsAHalfReadLine() throws {
        let log = try TempLog()
        let writer = try LogWriter(log.path)
        writer.write("a\nhalf of b")
        let follower = LogFollower(path: log.path, resumingFrom: nil)
        #expect(try follower.nextLines(limit: 10).texts == ["a"])

        #expect(truncate(log.path, 0) == 0)
        writer.write("c\n")
        #expect(try follower.nextLines(limit: 10).texts == ["c"])
    }

    // MARK: Overlong lines

    @Test func aMegabyteLineIsSkippedAndReported() throws {
        let log = try TempLog()
        try log.create("a\n" + String(repeating: "x", count: 1 << 20) + "\nc\n")
        let follower = LogFollower(path: log.path, resumingFrom: nil)

        let lines = try follower.nextLines(limit: 10)

        #expect(lines.map(\.number) == [1, 2, 3])
        #expect(lines.map(\.overlong) == [false, true, false])
        #expect(lines.texts == ["a", "", "c"])
        #expect(lines[1].after.offset == 2 + (1 << 20) + 1)
        #expect(follower.heldBytes == 0)
    }

    @Test func anOverlongLineArrivingInPiecesIsNeverHeldWhole() throws {
        let log = try TempLog()
        let writer = try LogWriter(log.path)
        let follower = LogFollower(path: log.path, resumingFrom: nil)
        let piece = String(repeating: "y", count: 40_000)

        for _ in 0..<25 {
            writer.write(piece)
            #expect(try follower.nextLines(limit: 10).isEmpty)
            #expect(follower.heldBytes <= LogFollower.maxLineLength)
        }
        #expect(follower.heldBytes == 0, "once past the limit nothing of the line is kept")

        writer.write("\nnext\n")
        let lines = try follower.nextLines(limit: 10)
        #expect(lines.map(\.overlong) == [true, false])
        #expect(lines.texts == ["", "next"])
    }

    @Test func aLineOfExactlyTheLimitIsKept() throws {
        let log = try TempLog()
        try log.create("0123456789\n01234567890\nok\n")
        let follower = LogFollower(path: log.path, resumingFrom: nil, maxLineLength: 10)

        let lines = try follower.nextLines(limit: 10)
        #expect(lines.texts == ["0123456789", "", "ok"])
        #expect(lines.map(\.overlong) == [false, true, false])
    }

    @Test func anUnterminatedOverlongLastLineIsReportedAtRotation() throws {
        let log = try TempLog()
        let oldWriter = try LogWriter(log.path)
        let follower = LogFollower(path: log.path, resumingFrom: nil, maxLineLength: 10)
        oldWriter.write("a\n" + String(repeating: "z", count: 50))
        #expect(try follower.nextLines(limit: 10).texts == ["a"])

        #expect(rename(log.path, log.path + ".1") == 0)
        try log.create("b\n")
        let lines = try follower.nextLines(limit: 10)
        #expect(lines.texts == ["", "b"])
        #expect(lines.map(\.overlong) == [true, false])
        #expect(lines.first?.after.offset == 52)
    }

    // MARK: Missing and odd files

    @Test func aMissingLogIsNotAnErrorAndIsReadOnceCreated() throws {
        let log = try TempLog()
        let follower = LogFollower(path: log.path, resumingFrom: nil)
        #expect(try follower.nextLines(limit: 10).isEmpty)
        #expect(follower.checkpoint == nil)

        try log.create("a\n")
        #expect(try follower.nextLines(limit: 10).texts == ["a"])
    }

    @Test func aDirectoryAtThePathIsRefusedWithAReason() throws {
        let log = try TempLog()
        #expect(mkdir(log.path, 0o755) == 0)
        let error = #expect(throws: SpoolError.self) {
            _ = try LogFollower(path: log.path, resumingFrom: nil).nextLines(limit: 10)
        }
        #expect(error?.description == "open log \(log.path): not a regular file; a jsonl source must name the log file itself (EINVAL)")
    }

    @Test func anUnreadableLogIsAnError() throws {
        // root reads everything; the check is meaningless there.
        guard geteuid() != 0 else { return }
        let log = try TempLog()
        try log.create("a\n")
        #expect(chmod(log.path, 0) == 0)
        let error = #expect(throws: SpoolError.self) {
            _ = try LogFollower(path: log.path, resumingFrom: nil).nextLines(limit: 10)
        }
        #expect(error?.errno == EACCES)
    }

    @Test func closeReleasesTheFileAndRefusesFurtherReads() throws {
        let log = try TempLog()
        try log.create("a\n")
        let follower = LogFollower(path: log.path, resumingFrom: nil)
        _ = try follower.nextLines(limit: 10)
        follower.close()
        follower.close()

        #expect(throws: SpoolError.self) { try follower.nextLines(limit: 10) }
    }
}

// MARK: - Helpers

extension [LogLine] {
    var texts: [String] { map { String(decoding: $0.bytes, as: UTF8.self) } }
}

/// A temporary directory holding a log path that does not exist until a test creates it.
final class TempLog {
    let directory: String
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "aduan-log-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        directory = String(cString: made)
        path = directory + "/sms.jsonl"
    }

    /// A whole new file, as logrotate's `create` or a rename-in would leave it.
    func create(_ content: String, at target: String? = nil) throws {
        try LogWriter(target ?? path, exclusive: true).write(content)
    }

    func append(_ content: String) throws {
        try LogWriter(path).write(content)
    }

    func identity(of target: String? = nil) throws -> (device: UInt64, inode: UInt64) {
        var st = stat()
        guard stat(target ?? path, &st) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        return (UInt64(st.st_dev), UInt64(st.st_ino))
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }
}

/// A logging daemon's descriptor: it keeps writing to the same file across renames.
final class LogWriter {
    private let fd: Int32

    init(_ path: String, exclusive: Bool = false) throws {
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (exclusive ? O_EXCL : 0), 0o600)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    func write(_ content: String) {
        let bytes = Array(content.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        #expect(written == bytes.count)
    }

    deinit { close(fd) }
}
