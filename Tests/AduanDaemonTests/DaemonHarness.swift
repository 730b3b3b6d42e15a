import AduanConfig
import AduanCore
import AduanDaemon
import AduanGateways
import AduanStore
import Foundation
import GRDB
import Logging
import Testing

/// Log lines kept for the test to read.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
    func with(event: String) -> [String] { all.filter { $0.contains(" event=\(event) ") || $0.hasSuffix(" event=\(event)") } }

    /// The value of `key` in a logfmt line (quotes removed).
    static func value(_ key: String, in line: String) -> String? {
        guard let start = line.range(of: " \(key)=") else { return nil }
        let rest = line[start.upperBound...]
        if rest.hasPrefix("\"") {
            var value = ""
            var escaped = false
            for character in rest.dropFirst() {
                if escaped { value.append(character); escaped = false; continue }
                if character == "\\" { escaped = true; continue }
                if character == "\"" { break }
                value.append(character)
            }
            return value
        }
        return String(rest.prefix { $0 != " " })
    }
}

/// `aduan serve` in-process, on the shipped configuration in a temporary
/// directory, with its spool file system, clock and back-off injected: the
/// daemon runs as a task and is stopped at the end of the test.
final class RunningDaemon: @unchecked Sendable {
    let root: String
    let config: Config
    let store: Store
    let files: FaultySpoolFiles
    let log = LogLines()
    let clock: StepClock
    private let daemon: Daemon
    private let ownsRoot: Bool
    private var task: Task<Void, any Error>?

    var incoming: String { config.inbound[0].path }
    var archive: String { config.inbound[0].archive ?? "" }
    var rejected: String { config.inbound[0].rejected }
    var outgoing: String { config.outbound[0].path }

    /// Fast back-off so a test sees several retries in a fraction of a second.
    static let quick = RetryPolicy(initial: .milliseconds(20), cap: .milliseconds(160))

    /// - Parameters:
    ///   - root: the installation of an earlier instance, to run on it again
    ///     (a restart); by default a fresh one, removed at the end.
    ///   - start: false to do something before the daemon starts, then ``start()``.
    init(files: FaultySpoolFiles = FaultySpoolFiles(), busyTimeout: Duration = Store.defaultBusyTimeout,
         retry: RetryPolicy = RunningDaemon.quick, root: String? = nil,
         clock: StepClock = StepClock("2026-11-23T09:00:00+07:00"), extraConfig: String = "", start: Bool = true) throws {
        ownsRoot = root == nil
        self.root = root ?? NSTemporaryDirectory() + "aduan-fault-" + Self.uniqueName()
        self.clock = clock
        try FileManager.default.createDirectory(atPath: self.root + "/config", withIntermediateDirectories: true)
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let text = try String(contentsOfFile: url.path + "/config/aduan.toml", encoding: .utf8) + extraConfig
        config = try ConfigLoader.parse(text: text, file: self.root + "/config/aduan.toml")
        store = try Store(path: config.service.database, busyTimeout: busyTimeout)
        self.files = files
        let log = self.log
        let logger = Logger(label: "aduan") { label in
            LogfmtHandler(label: label, level: .debug, output: { log.append($0) })
        }
        daemon = try Daemon(configPath: self.root + "/config/aduan.toml", config: config, store: store, clock: clock,
                            logger: logger, notifier: SystemdNotifier(environment: [:]),
                            settleDelay: .milliseconds(50), files: files, retry: retry)
        if start { self.start() }
    }

    /// A UUID with its 12-character group split in two: the daemon's log
    /// masks any run of 9 or more digits (it could be a phone number), and
    /// about one UUID in twenty has one there, which turned paths in the log
    /// into something the tests could not find.
    static func uniqueName() -> String {
        let id = UUID().uuidString
        return id.prefix(30) + "-" + id.suffix(6)
    }

    func start() {
        let daemon = self.daemon
        task = Task { try await daemon.run() }
    }

    deinit {
        task?.cancel()
        if ownsRoot { try? FileManager.default.removeItem(atPath: root) }
    }

    func started() async throws {
        try await waitFor("ready") { !self.log.with(event: "ready").isEmpty }
    }

    /// Stops the daemon as a shutdown would and waits for it to finish.
    func stop() async throws {
        task?.cancel()
        _ = try await task?.value
        task = nil
    }

    /// Waits for a condition with a deadline; never a fixed sleep.
    ///
    /// The deadline is generous: the full `swift test` runs the integration
    /// suites' synchronous waits on the same cooperative threads as this
    /// daemon, and on a 2-core machine they can hold it off for many seconds.
    /// Alone, each condition here holds within a second.
    func waitFor(_ what: String, timeout: Double = 120, _ condition: () throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw HarnessError("timed out after \(timeout) s waiting for \(what); log:\n" + log.all.suffix(15).joined(separator: "\n"))
    }

    /// Writes an inbound file in place, as smsd does.
    func drop(_ name: String, from sender: String = "6281234567890", sent: String = "26-11-23 08:00:00", _ text: String) throws {
        try drop(name, bytes: Array("From: \(sender)\nSent: \(sent)\nAlphabet: UTF-8\n\n\(text)".utf8))
    }

    func drop(_ name: String, bytes: [UInt8]) throws {
        let path = incoming + "/" + name
        let fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
        guard fd >= 0 else { throw HarnessError("open \(path)") }
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    func names(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    /// The outgoing spool's files (dotfiles too: none may be left).
    func outgoingFiles() -> [String] { names(outgoing) }

    func count(_ sql: String) throws -> Int {
        try store.pool.read { try Int.fetchOne($0, sql: sql) ?? -1 }
    }

    func outbox() throws -> [OutboxRecord] { try store.pool.read { try Outbox.list($0) } }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Another process holding SQLite's write lock: `sqlite3` in an open
/// `BEGIN EXCLUSIVE` until released.
final class LockHolder {
    let process = Process()
    let input = Pipe()
    let output = Pipe()

    init(database: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        try send(".timeout 5000\nBEGIN EXCLUSIVE;\nSELECT 'lock-held';\n")
        // The lock is held once sqlite3 answers the statement after it.
        var seen = ""
        while !seen.contains("lock-held") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { throw HarnessError("sqlite3 ended before taking the lock: \(seen)") }
            seen += String(decoding: data, as: UTF8.self)
        }
    }

    func send(_ text: String) throws {
        try input.fileHandleForWriting.write(contentsOf: Data(text.utf8))
    }

    func release() throws {
        try send("COMMIT;\n.quit\n")
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}
