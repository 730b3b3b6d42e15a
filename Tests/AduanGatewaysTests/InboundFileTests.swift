import Foundation
import Glibc
import Testing

@testable import AduanGateways

@Suite("InboundFile")
struct InboundFileTests {
    @Test func readsARegularFile() throws {
        let dir = try SpoolDirectory()
        let bytes: [UInt8] = Array("From: 6281234567890\nAlphabet: UCS2\n\n".utf8) + [0x00, 0x4B, 0xD8, 0x3D, 0xDE, 0x41]
        try dir.create("GSM1.8zcZcN", bytes)
        #expect(InboundFile.read(dir.path + "/GSM1.8zcZcN", maxBytes: 1024) == .bytes(bytes))
    }

    @Test func readsAnEmptyFile() throws {
        let dir = try SpoolDirectory()
        try dir.create("empty", [])
        #expect(InboundFile.read(dir.path + "/empty", maxBytes: 0) == .bytes([]))
    }

    /// Sizes either side of the first read's 4096 bytes and of the
    /// reported size: the read that comes back short ends it, whole.
    @Test(arguments: [1, 4095, 4096, 4097, 8192, 20_000])
    func readsEveryByteWhateverTheSize(_ size: Int) throws {
        let dir = try SpoolDirectory()
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        try dir.create("f", bytes)
        #expect(InboundFile.read(dir.path + "/f", maxBytes: 256 * 1024) == .bytes(bytes))
    }

    @Test func aFileOfExactlyTheLimitIsRead() throws {
        let dir = try SpoolDirectory()
        let bytes = [UInt8](repeating: 0x41, count: 10_000)
        try dir.create("f", bytes)
        #expect(InboundFile.read(dir.path + "/f", maxBytes: 10_000) == .bytes(bytes))
    }

    @Test func aFileOneByteOverTheLimitIsTooLarge() throws {
        let dir = try SpoolDirectory()
        try dir.create("f", [UInt8](repeating: 0x41, count: 10_001))
        #expect(InboundFile.read(dir.path + "/f", maxBytes: 10_000) == .tooLarge(10_001))
    }

    /// st_size says 0 here, so only reading past the limit can tell.
    @Test func theLimitHoldsWhenTheReportedSizeLies() {
        guard case .tooLarge(let size) = InboundFile.read("/proc/self/status", maxBytes: 16) else {
            Issue.record("expected tooLarge")
            return
        }
        #expect(size == 17)
    }

    @Test func aMissingFileHasVanished() throws {
        let dir = try SpoolDirectory()
        #expect(InboundFile.read(dir.path + "/taken-by-someone", maxBytes: 100) == .vanished)
    }

    @Test func aSymlinkIsNeverFollowed() throws {
        let dir = try SpoolDirectory()
        let target = dir.path + "/target"
        try dir.create("target", Array("secret".utf8))
        #expect(symlink(target, dir.path + "/GSM1.link") == 0)

        // inotify reports every open of the target, so an empty queue proves it was not touched.
        let probe = inotify_init1(Int32(IN_NONBLOCK) | Int32(IN_CLOEXEC))
        defer { close(probe) }
        #expect(inotify_add_watch(probe, target, UInt32(IN_OPEN) | UInt32(IN_ACCESS)) >= 0)

        #expect(InboundFile.read(dir.path + "/GSM1.link", maxBytes: 100) == .notRegular("symbolic link"))
        #expect(pendingEventCount(probe) == 0)

        // The probe itself works: reading the target directly is seen.
        _ = InboundFile.read(target, maxBytes: 100)
        #expect(pendingEventCount(probe) > 0)
    }

    @Test func aDanglingSymlinkIsNotRegular() throws {
        let dir = try SpoolDirectory()
        #expect(symlink(dir.path + "/nowhere", dir.path + "/dangling") == 0)
        #expect(InboundFile.read(dir.path + "/dangling", maxBytes: 100) == .notRegular("symbolic link"))
    }

    @Test func aDirectoryIsNotRegular() throws {
        let dir = try SpoolDirectory()
        #expect(mkdir(dir.path + "/sub", 0o755) == 0)
        #expect(InboundFile.read(dir.path + "/sub", maxBytes: 100) == .notRegular("directory"))
    }

    @Test func aFifoIsNotRegularAndDoesNotBlock() async throws {
        let dir = try SpoolDirectory()
        let fifo = dir.path + "/GSM1.fifo"
        #expect(mkfifo(fifo, 0o600) == 0)

        let result = await withTaskGroup(of: InboundFileRead?.self) { group in
            group.addTask { await onThread { InboundFile.read(fifo, maxBytes: 100) } }
            group.addTask {
                try? await Task.sleep(for: .seconds(10))
                return nil
            }
            let first = await group.next() ?? nil
            if first == nil {
                // A reader blocked in open(2) waits for a writer: give it one so the
                // thread ends and the test reports the failure instead of hanging.
                let writer = open(fifo, O_WRONLY | O_NONBLOCK)
                if writer >= 0 { close(writer) }
            }
            group.cancelAll()
            return first
        }
        #expect(result == .notRegular("fifo"))
    }

    @Test func aSocketIsNotRegular() throws {
        let dir = try SpoolDirectory()
        let path = dir.path + "/sock"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        #expect(InboundFile.read(path, maxBytes: 100) == .notRegular("socket"))
    }

    // Permission bits do not stop root (CAP_DAC_OVERRIDE), and the tests run as root in
    // CI, so there the chmod 000 case cannot be produced; the I/O-error test below covers
    // the unreadable path instead.
    @Test(.disabled(if: geteuid() == 0, "root reads mode-000 files anyway"))
    func aFileWithoutReadPermissionIsUnreadable() throws {
        let dir = try SpoolDirectory()
        try dir.create("locked", Array("x".utf8))
        #expect(chmod(dir.path + "/locked", 0) == 0)
        #expect(InboundFile.read(dir.path + "/locked", maxBytes: 100) == .unreadable("Permission denied (EACCES)"))
    }

    /// A regular file whose read fails, even for root: address 0 is never mapped.
    @Test func anIOErrorIsUnreadable() {
        #expect(InboundFile.read("/proc/self/mem", maxBytes: 100) == .unreadable("Input/output error (EIO)"))
    }

    // MARK: snapshot

    @Test func snapshotsDifferOnlyWhenTheFileChanged() throws {
        let dir = try SpoolDirectory()
        let path = dir.path + "/IN20261122_141024_00_+6281234567890_00.txt"
        try dir.create("IN20261122_141024_00_+6281234567890_00.txt", Array("BANJAR".utf8))

        let first = try #require(InboundFile.snapshot(path))
        #expect(InboundFile.snapshot(path) == first)
        #expect(first.isRegular)
        #expect(first.size == 6)

        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(" jalan".utf8))
        try handle.close()

        let second = try #require(InboundFile.snapshot(path))
        #expect(second != first)
        #expect(second.size == 12)
        #expect(second.inode == first.inode)
    }

    @Test func aSymlinkSnapshotIsNotRegular() throws {
        let dir = try SpoolDirectory()
        try dir.create("target", [1])
        #expect(symlink(dir.path + "/target", dir.path + "/link") == 0)
        #expect(InboundFile.snapshot(dir.path + "/link")?.isRegular == false)
    }

    @Test func aMissingFileHasNoSnapshot() throws {
        let dir = try SpoolDirectory()
        #expect(InboundFile.snapshot(dir.path + "/none") == nil)
    }

    // MARK: listDirectory

    @Test func listingSkipsDotfilesAndIsSorted() throws {
        let dir = try SpoolDirectory()
        for name in ["GSM1.b", ".tmp-x", "GSM1.a", "..hidden", "IN2.txt", ".OUT1.txt.tmp"] {
            try dir.create(name, [1])
        }
        #expect(mkdir(dir.path + "/sub", 0o755) == 0)
        #expect(InboundFile.listDirectory(dir.path) == ["GSM1.a", "GSM1.b", "IN2.txt", "sub"])
    }

    @Test func listingAMissingDirectoryIsEmpty() throws {
        let dir = try SpoolDirectory()
        #expect(InboundFile.listDirectory(dir.path + "/none") == [])
    }
}

// MARK: - Helpers

private func pendingEventCount(_ inotify: Int32) -> Int {
    var buffer = [UInt8](repeating: 0, count: 4096)
    let count = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress, $0.count) }
    guard count > 0 else { return 0 }
    var events = 0
    var offset = 0
    while offset + 16 <= count {
        events += 1
        offset += 16 + Int(buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self) })
    }
    return events
}

/// Runs blocking work off the cooperative pool, so a hang cannot starve other tests.
private func onThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}

private final class SpoolDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "aduan-inbound-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        path = String(cString: made)
    }

    func create(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path + "/" + name))
    }

    deinit {
        _ = chmod(path + "/locked", 0o600)
        try? FileManager.default.removeItem(atPath: path)
    }
}
