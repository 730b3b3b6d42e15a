import Foundation
import Glibc

/// Tells systemd (Type=notify, WatchdogSec=) how the daemon is doing, with the
/// sd_notify(3) datagram protocol.
///
/// Every method is a no-op outside systemd, and a failed send is ignored: the service
/// manager being gone or restarting must never take the daemon down with it.
public struct SystemdNotifier: Sendable {
    /// `$NOTIFY_SOCKET` as given, when it is a usable AF_UNIX address.
    public let socketPath: String?
    /// How often to call ``watchdog()``: half of `WATCHDOG_USEC`, so one late tick does
    /// not get the daemon killed. nil when systemd does not expect pings from this process.
    public let watchdogInterval: Duration?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap(Self.usableSocketPath)

        // WATCHDOG_PID names the process systemd watches; a child that inherited the
        // environment must not ping on the parent's behalf.
        let pidMatches = environment["WATCHDOG_PID"].map { $0 == String(getpid()) } ?? true
        if pidMatches, let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 {
            watchdogInterval = .microseconds(Int64(clamping: usec / 2))
        } else {
            watchdogInterval = nil
        }
    }

    public var isEnabled: Bool { socketPath != nil }

    /// Sends `state` as is: newline-separated `KEY=value` assignments.
    public func notify(_ state: String) {
        guard let socketPath, var address = Self.address(for: socketPath) else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { _ = close(fd) }
        var message = Array(state.utf8)
        _ = withUnsafePointer(to: &address.storage) { storage in
            storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { target in
                message.withUnsafeMutableBytes { bytes in
                    // MSG_NOSIGNAL: no SIGPIPE if systemd closed its end.
                    retryingEINTR { sendto(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), target, address.length) }
                }
            }
        }
    }

    public func ready(status: String? = nil) {
        notify(["READY=1"] + (status.map { ["STATUS=" + Self.singleLine($0)] } ?? []))
    }

    /// Before re-reading the configuration; follow with ``ready(status:)``. systemd 253+
    /// needs the monotonic timestamp to match the reload to the request; 252 ignores it.
    public func reloading() {
        var now = timespec()
        _ = clock_gettime(CLOCK_MONOTONIC, &now)
        let usec = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
        notify(["RELOADING=1", "MONOTONIC_USEC=\(usec)"])
    }

    public func stopping() {
        notify(["STOPPING=1"])
    }

    public func watchdog() {
        notify(["WATCHDOG=1"])
    }

    /// Shown by `systemctl status`.
    public func status(_ text: String) {
        notify(["STATUS=" + Self.singleLine(text)])
    }

    private func notify(_ assignments: [String]) {
        notify(assignments.joined(separator: "\n"))
    }

    /// A newline would start another assignment: a status quoting an SMS could otherwise
    /// send `READY=1` or `WATCHDOG=trigger` on the citizen's behalf.
    private static func singleLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    private static func usableSocketPath(_ value: String) -> String? {
        guard value.hasPrefix("/") || value.hasPrefix("@"), value.utf8.count > 1 else { return nil }
        return address(for: value) == nil ? nil : value
    }

    private struct Address {
        var storage: sockaddr_un
        var length: socklen_t
    }

    private static func address(for path: String) -> Address? {
        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        // A leading NUL selects the abstract namespace; its name is not NUL-terminated.
        if abstract { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: storage.sun_path)
        guard bytes.count + (abstract ? 0 : 1) <= capacity, !bytes.dropFirst().contains(0) else { return nil }
        withUnsafeMutableBytes(of: &storage.sun_path) { $0.copyBytes(from: bytes) }
        guard let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) else { return nil }
        return Address(storage: storage, length: socklen_t(pathOffset + bytes.count + (abstract ? 0 : 1)))
    }
}

private func retryingEINTR(_ call: () -> Int) -> Int {
    while true {
        let result = call()
        if result >= 0 || errno != EINTR { return result }
    }
}
