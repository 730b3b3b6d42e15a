import Foundation
import Glibc
import Testing

@testable import AduanGateways

@Suite("DurableFile")
struct DurableFileTests {
    @Test func writesExactlyTheBytesAndLeavesNoTemporaryFile() throws {
        let dir = try ScratchDirectory()
        let bytes: [UInt8] = Array("To: 6281234567890\nAlphabet: UTF-8\n\nAduan #0001 ✓".utf8) + [0, 0xFF, 0x0A]

        try DurableFile.write(bytes, named: "OUT-0001", in: dir.path)

        #expect(try fileBytes(dir.path + "/OUT-0001") == bytes)
        #expect(try directoryEntries(dir.path) == ["OUT-0001"])
    }

    @Test func writesAnEmptyFile() throws {
        let dir = try ScratchDirectory()
        try DurableFile.write([], named: "empty", in: dir.path)
        #expect(try fileBytes(dir.path + "/empty") == [])
    }

    @Test func defaultModeIs0640() throws {
        let dir = try ScratchDirectory()
        try DurableFile.write([1, 2, 3], named: "f", in: dir.path)
        #expect(permissionBits(dir.path + "/f") == 0o640)
    }

    // 0o666 and 0o660 are what a umask of 022 would strip: they prove the mode is set
    // explicitly, not left to open(2).
    @Test(arguments: [0o600, 0o660, 0o666, 0o644] as [mode_t])
    func modeIsHonouredRegardlessOfUmask(mode: mode_t) throws {
        let dir = try ScratchDirectory()
        try DurableFile.write([1], named: "f", in: dir.path, mode: mode)
        #expect(permissionBits(dir.path + "/f") == mode)
    }

    @Test func replacesAnExistingFileAndAStaleTemporary() throws {
        let dir = try ScratchDirectory()
        try DurableFile.write(Array("old".utf8), named: "msg", in: dir.path)
        // What a crash between create and rename leaves behind.
        try Data("half a mess".utf8).write(to: URL(fileURLWithPath: dir.path + "/.msg.tmp"))

        try DurableFile.write(Array("new".utf8), named: "msg", in: dir.path, syncDirectory: false)
        try DurableFile.syncDirectory(dir.path)

        #expect(try fileBytes(dir.path + "/msg") == Array("new".utf8))
        #expect(try directoryEntries(dir.path) == ["msg"])
    }

    @Test(arguments: ["", ".", "..", "a/b", "../escape", "nul\u{0}byte"])
    func refusesNamesThatAreNotASingleComponent(name: String) throws {
        let dir = try ScratchDirectory()
        let error = #expect(throws: SpoolError.self) {
            try DurableFile.write([1], named: name, in: dir.path)
        }
        #expect(error?.errno == EINVAL)
        #expect(try directoryEntries(dir.path) == [])
    }

    @Test func failureNamesTheFileAndTheErrno() throws {
        let dir = try ScratchDirectory()
        let missing = dir.path + "/no-such-dir"
        let error = #expect(throws: SpoolError.self) {
            try DurableFile.write([1], named: "x", in: missing)
        }
        #expect(error?.errno == ENOENT)
        #expect(error?.description == "create \(missing)/.x.tmp: No such file or directory (ENOENT)")
    }

    @Test func syncingAMissingDirectoryFails() throws {
        let dir = try ScratchDirectory()
        let error = #expect(throws: SpoolError.self) { try DurableFile.syncDirectory(dir.path + "/gone") }
        #expect(error?.errno == ENOENT)
    }

    @Test func errorMessagesAreOperatorReadable() {
        let full = SpoolError(operation: "write", path: "/var/spool/sms/outgoing/x", errno: ENOSPC)
        #expect(full.description == "write /var/spool/sms/outgoing/x: No space left on device (ENOSPC)")

        let move = SpoolError(operation: "move", path: "/in/GSM1.ab", destination: "/archive/GSM1.ab", errno: EPERM)
        #expect(move.description == "move /in/GSM1.ab to /archive/GSM1.ab: Operation not permitted (EPERM)")

        for (code, name) in [(EIO, "EIO"), (EACCES, "EACCES"), (EROFS, "EROFS"), (ENOENT, "ENOENT"),
                             (EEXIST, "EEXIST"), (EDQUOT, "EDQUOT"), (ELOOP, "ELOOP"), (EMFILE, "EMFILE")] {
            #expect(SpoolError(operation: "write", path: "/p", errno: code).description.hasSuffix("(\(name))"))
        }
        #expect(SpoolError.symbol(9999) == "errno 9999")
    }

    /// The gateway's view: an inotify reader that opens the file the moment any event
    /// arrives, while the writer is already busy with the next one. Large files make a
    /// non-atomic writer get caught mid-write.
    @Test func aConcurrentWatcherOnlyEverSeesWholeFiles() async throws {
        let dir = try ScratchDirectory()
        var expected: [String: [[UInt8]]] = [:]
        var order: [(String, [UInt8])] = []
        for index in 0..<30 {
            let size = index % 5 == 0 ? 2_000_000 + index : index * 977
            let name = String(format: "OUT%04d.txt", index)
            let payload = testPayload(seed: index, count: size)
            expected[name, default: []].append(payload)
            order.append((name, payload))
        }
        // Replacing a name the gateway may be reading must be just as atomic.
        for round in 0..<5 {
            let payload = testPayload(seed: 100 + round, count: 1_000_000 + round)
            expected["same.txt", default: []].append(payload)
            order.append(("same.txt", payload))
        }
        let sentinel = "zz-done"
        expected[sentinel] = [[1]]
        order.append((sentinel, [1]))

        let inotify = inotify_init1(Int32(IN_CLOEXEC))
        #expect(inotify >= 0)
        defer { close(inotify) }
        let watched = UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO) | UInt32(IN_CREATE) | UInt32(IN_MODIFY)
        #expect(inotify_add_watch(inotify, dir.path, watched) >= 0)

        let (reports, reporter) = AsyncStream.makeStream(of: WatcherReport.self)
        let allowed = expected
        let directory = dir.path
        Thread {
            reporter.yield(observeUntilSentinel(inotify, directory: directory, expected: allowed, sentinel: sentinel))
            reporter.finish()
        }.start()

        for (name, payload) in order {
            try DurableFile.write(payload, named: name, in: dir.path)
        }

        var report: WatcherReport?
        for await received in reports { report = received }
        let observed = try #require(report)
        #expect(!observed.timedOut, "the watcher never saw the sentinel")
        #expect(observed.partialReads == [])
        #expect(observed.finalNamesSeen == Set(expected.keys))
        // The final name only ever appears by rename: never created or written in
        // place. A close-write may still follow the rename when a process forked
        // meanwhile (another test starting a child) held the descriptor until its
        // exec; the data was on disk before the rename, so the gateway reads it whole.
        #expect(observed.finalNameMasks.contains(UInt32(IN_MOVED_TO)))
        #expect(observed.finalNameMasks.isDisjoint(with: [UInt32(IN_CREATE), UInt32(IN_MODIFY)]))
        #expect(try directoryEntries(dir.path).sorted() == expected.keys.sorted())
    }

    // MARK: moveAside

    @Test func moveAsideCreatesTheDirectoryAndAddsSuffixesOnCollision() throws {
        let dir = try ScratchDirectory()
        let spool = dir.path + "/incoming"
        let archive = dir.path + "/archive"
        #expect(mkdir(spool, 0o755) == 0)

        var moved: [String] = []
        for round in 0..<4 {
            try Data("message \(round)".utf8).write(to: URL(fileURLWithPath: spool + "/GSM1.8zcZcN"))
            moved.append(try DurableFile.moveAside(spool + "/GSM1.8zcZcN", into: archive))
        }

        #expect(moved == ["", ".1", ".2", ".3"].map { archive + "/GSM1.8zcZcN" + $0 })
        for (round, path) in moved.enumerated() {
            #expect(try fileBytes(path) == Array("message \(round)".utf8))
        }
        #expect(try directoryEntries(spool) == [])
        #expect(permissionBits(archive) == 0o750)
    }

    @Test func moveAsideMovesASymlinkItselfNotItsTarget() throws {
        let dir = try ScratchDirectory()
        let secret = dir.path + "/secret"
        try Data("not yours".utf8).write(to: URL(fileURLWithPath: secret))
        #expect(symlink(secret, dir.path + "/GSM1.link") == 0)

        let moved = try DurableFile.moveAside(dir.path + "/GSM1.link", into: dir.path + "/rejected")

        var st = stat()
        #expect(lstat(moved, &st) == 0)
        #expect((st.st_mode & S_IFMT) == S_IFLNK)
        #expect(try fileBytes(secret) == Array("not yours".utf8))
    }

    @Test func moveAsideMovesADirectoryFoundInTheSpool() throws {
        let dir = try ScratchDirectory()
        #expect(mkdir(dir.path + "/odd", 0o755) == 0)
        #expect(mkdir(dir.path + "/rejected", 0o750) == 0)
        #expect(mkdir(dir.path + "/rejected/odd", 0o750) == 0)

        let moved = try DurableFile.moveAside(dir.path + "/odd", into: dir.path + "/rejected")

        #expect(moved == dir.path + "/rejected/odd.1")
        #expect(try directoryEntries(dir.path).sorted() == ["rejected"])
    }

    @Test func moveAsideOfAMissingFileFails() throws {
        let dir = try ScratchDirectory()
        let error = #expect(throws: SpoolError.self) {
            try DurableFile.moveAside(dir.path + "/gone", into: dir.path + "/archive")
        }
        #expect(error?.errno == ENOENT)
    }

    @Test func moveAsideRefusesAFileWhereTheDirectoryShouldBe() throws {
        let dir = try ScratchDirectory()
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir.path + "/in"))
        try Data("y".utf8).write(to: URL(fileURLWithPath: dir.path + "/archive"))
        let error = #expect(throws: SpoolError.self) {
            try DurableFile.moveAside(dir.path + "/in", into: dir.path + "/archive")
        }
        #expect(error?.errno == ENOTDIR)
        #expect(try fileBytes(dir.path + "/in") == Array("x".utf8))
    }

    @Test(.enabled(if: otherFilesystem() != nil, "needs /dev/shm on a different filesystem"))
    func moveAsideCopiesAcrossFilesystems() throws {
        let dir = try ScratchDirectory()
        let other = try ScratchDirectory(under: try #require(otherFilesystem()))
        let payload = testPayload(seed: 7, count: 300_000)
        try Data(payload).write(to: URL(fileURLWithPath: dir.path + "/IN1.txt"))
        #expect(chmod(dir.path + "/IN1.txt", 0o640) == 0)
        try Data("taken".utf8).write(to: URL(fileURLWithPath: other.path + "/IN1.txt"))

        let moved = try DurableFile.moveAside(dir.path + "/IN1.txt", into: other.path)

        #expect(moved == other.path + "/IN1.txt.1")
        #expect(try fileBytes(moved) == payload)
        #expect(permissionBits(moved) == 0o640)
        #expect(try fileBytes(other.path + "/IN1.txt") == Array("taken".utf8))
        #expect(try directoryEntries(dir.path) == [])
    }

    @Test(.enabled(if: otherFilesystem() != nil, "needs /dev/shm on a different filesystem"))
    func moveAsideWillNotCopyASymlinkAcrossFilesystems() throws {
        let dir = try ScratchDirectory()
        let other = try ScratchDirectory(under: try #require(otherFilesystem()))
        #expect(symlink("/etc/passwd", dir.path + "/link") == 0)

        let error = #expect(throws: SpoolError.self) {
            try DurableFile.moveAside(dir.path + "/link", into: other.path)
        }
        #expect(error?.errno == EXDEV)
        #expect(try directoryEntries(other.path) == [])
    }
}

// MARK: - Helpers

private struct WatcherReport: Sendable {
    var partialReads: [String] = []
    var finalNamesSeen: Set<String> = []
    var finalNameMasks: Set<UInt32> = []
    var timedOut = false
}

/// Runs on its own thread: blocks in poll(2) with a deadline, reads every file the
/// moment an event names it or names its temporary.
private func observeUntilSentinel(
    _ inotify: Int32, directory: String, expected: [String: [[UInt8]]], sentinel: String
) -> WatcherReport {
    var report = WatcherReport()
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    let interesting = UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO) | UInt32(IN_CREATE) | UInt32(IN_MODIFY)
    while true {
        var pollfd = Glibc.pollfd(fd: inotify, events: Int16(POLLIN), revents: 0)
        guard poll(&pollfd, 1, 20_000) > 0 else {
            report.timedOut = true
            return report
        }
        let count = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress, $0.count) }
        guard count > 0 else { continue }
        var offset = 0
        while offset + 16 <= count {
            let mask = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self) }
            let length = Int(buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self) })
            let raw = buffer[(offset + 16)..<(offset + 16 + length)].prefix { $0 != 0 }
            offset += 16 + length
            var name = String(decoding: raw, as: UTF8.self)
            let isTemporary = name.hasPrefix(".") && name.hasSuffix(".tmp")
            if isTemporary { name = String(name.dropFirst().dropLast(4)) }
            guard mask & interesting != 0, let allowed = expected[name] else { continue }
            if !isTemporary {
                report.finalNamesSeen.insert(name)
                report.finalNameMasks.insert(mask & interesting)
            }
            // Whenever the final name exists at all, it must hold one complete payload.
            if let data = FileManager.default.contents(atPath: directory + "/" + name),
               !allowed.contains(Array(data)) {
                report.partialReads.append("\(name): \(data.count) bytes")
            }
            if name == sentinel && !isTemporary { return report }
        }
    }
}

private func testPayload(seed: Int, count: Int) -> [UInt8] {
    var state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 | 1
    return (0..<count).map { _ in
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return UInt8(truncatingIfNeeded: state)
    }
}

func fileBytes(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Every entry, dotfiles included.
func directoryEntries(_ path: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: path).sorted()
}

func permissionBits(_ path: String) -> mode_t {
    var st = stat()
    guard lstat(path, &st) == 0 else { return 0 }
    return st.st_mode & 0o7777
}

private func otherFilesystem() -> String? {
    var shm = stat()
    var tmp = stat()
    guard stat("/dev/shm", &shm) == 0, stat(NSTemporaryDirectory(), &tmp) == 0,
          shm.st_dev != tmp.st_dev, access("/dev/shm", W_OK) == 0
    else { return nil }
    return "/dev/shm"
}

final class ScratchDirectory {
    let path: String

    init(under parent: String = NSTemporaryDirectory()) throws {
        var template = Array((parent.hasSuffix("/") ? parent : parent + "/").utf8CString.dropLast())
            + Array("aduan-durable-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
