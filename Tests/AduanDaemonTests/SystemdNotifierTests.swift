import Foundation
import Glibc
import Testing

@testable import AduanDaemon

@Suite("SystemdNotifier")
struct SystemdNotifierTests {
    @Test func readyReachesASocketOnAPath() throws {
        let dir = try TemporaryDirectory()
        let listener = try Listener(path: dir.path + "/notify")
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address])
        #expect(notifier.isEnabled)

        notifier.ready()

        #expect(listener.receive() == "READY=1")
    }

    @Test func readyReachesAnAbstractSocket() throws {
        let listener = try Listener(path: "@aduan-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address])

        notifier.ready(status: "watching 2 spools")

        #expect(listener.receive() == "READY=1\nSTATUS=watching 2 spools")
    }

    @Test func everyMessageHasTheFormSystemdExpects() throws {
        let dir = try TemporaryDirectory()
        let listener = try Listener(path: dir.path + "/notify")
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address])

        notifier.watchdog()
        notifier.stopping()
        notifier.status("3 complaints waiting")
        notifier.reloading()

        #expect(listener.receive() == "WATCHDOG=1")
        #expect(listener.receive() == "STOPPING=1")
        #expect(listener.receive() == "STATUS=3 complaints waiting")
        let reload = try #require(listener.receive())
        let lines = reload.split(separator: "\n")
        #expect(lines.first == "RELOADING=1")
        let stamp = try #require(lines.last.flatMap { UInt64($0.dropFirst("MONOTONIC_USEC=".count)) })
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let nowMicroseconds = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
        #expect(lines.count == 2 && lines[1].hasPrefix("MONOTONIC_USEC="))
        #expect(stamp <= nowMicroseconds && nowMicroseconds - stamp < 60_000_000)
    }

    /// A status quoting outside text must not smuggle in another assignment.
    @Test func aStatusCannotInjectAssignments() throws {
        let dir = try TemporaryDirectory()
        let listener = try Listener(path: dir.path + "/notify")
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address])

        notifier.status("BANJAR\nREADY=1\r\nWATCHDOG=trigger")

        #expect(listener.receive() == "STATUS=BANJAR READY=1 WATCHDOG=trigger")
    }

    @Test func withoutNotifySocketNothingHappens() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isEnabled)
        notifier.ready(status: "x")
        notifier.watchdog()
    }

    @Test(arguments: ["relative/path", "", "@", "/" + String(repeating: "x", count: 200)])
    func anUnusableSocketAddressIsIgnored(value: String) {
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": value])
        #expect(!notifier.isEnabled)
        notifier.ready()
    }

    /// systemd gone (or restarting): sending fails and is ignored.
    @Test func aMissingListenerIsIgnored() throws {
        let dir = try TemporaryDirectory()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": dir.path + "/nobody"])
        #expect(notifier.isEnabled)
        notifier.ready()
        notifier.stopping()
    }

    @Test func watchdogIntervalIsHalfOfWatchdogUsec() {
        let notifier = SystemdNotifier(environment: ["WATCHDOG_USEC": "30000000"])
        #expect(notifier.watchdogInterval == .seconds(15))
    }

    @Test func watchdogForThisProcessOnly() {
        let mine = SystemdNotifier(environment: ["WATCHDOG_USEC": "1000000", "WATCHDOG_PID": String(getpid())])
        #expect(mine.watchdogInterval == .milliseconds(500))
        let other = SystemdNotifier(environment: ["WATCHDOG_USEC": "1000000", "WATCHDOG_PID": String(getpid() + 1)])
        #expect(other.watchdogInterval == nil)
    }

    @Test(arguments: [nil, "", "0", "-5", "soon"] as [String?])
    func noWatchdogWithoutAUsableUsec(value: String?) {
        let environment = value.map { ["WATCHDOG_USEC": $0] } ?? [:]
        #expect(SystemdNotifier(environment: environment).watchdogInterval == nil)
    }
}

// MARK: - Helpers

/// systemd's end of the protocol: a bound datagram socket.
private final class Listener {
    let address: String
    private let fd: Int32
    private let boundPath: String?

    init(path: String) throws {
        address = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        // The deadline for receive(): a notifier that sent nothing fails the test, not hangs it.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        boundPath = abstract ? nil : path
        withUnsafeMutableBytes(of: &storage.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw POSIXError(.init(rawValue: code) ?? .EIO)
        }
    }

    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }

    deinit {
        close(fd)
        if let boundPath { unlink(boundPath) }
    }
}

private final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "aduan-notify-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
