import Foundation
import Testing

/// A temporary installation of aduan, laid out as an operator would have it:
/// the shipped `config/aduan.toml` copied into `<tmp>/config/`, so all state
/// lands in `<tmp>/var/` exactly as it would beside a clone. Tests drive the
/// real `aduan` binary.
final class Sandbox: @unchecked Sendable {
    let root: String
    var config: String { root + "/config/aduan.toml" }
    var incoming: String { root + "/var/spool/incoming" }
    var outgoing: String { root + "/var/spool/outgoing" }
    var archive: String { root + "/var/spool/archive" }
    var rejected: String { root + "/var/spool/rejected" }
    var database: String { root + "/var/aduan.db" }
    var serve: Process?
    var serveLog: String { root + "/serve.log" }
    var environment: [String: String] = [:]

    init(configText: String? = nil) throws {
        var template = Array((NSTemporaryDirectory() + "aduan-it-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw SandboxError("mkdtemp failed")
        }
        root = String(cString: made)
        try FileManager.default.createDirectory(atPath: root + "/config", withIntermediateDirectories: true)
        let text = try configText ?? String(contentsOfFile: Self.repoRoot + "/config/aduan.toml", encoding: .utf8)
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        for dir in [incoming, outgoing] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
    }

    deinit {
        if let serve, serve.isRunning { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        try? FileManager.default.removeItem(atPath: root)
    }

    static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The built `aduan`, beside the test bundle (or `$ADUAN_BINARY`).
    static let binary: String = {
        if let env = ProcessInfo.processInfo.environment["ADUAN_BINARY"] { return env }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("aduan").path
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDir), !isDir.boolValue { return candidate }
        }
        return repoRoot + "/.build/debug/aduan"
    }()

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `aduan <arguments> --config <sandbox config>` to completion.
    @discardableResult
    func run(_ arguments: [String], config: Bool = true) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments + (config ? ["--config", self.config] : [])
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting: a full pipe would block the child forever.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Starts `aduan serve` in the background, logging to `serve.log`, and
    /// waits until it says it is ready.
    func startServe(extraEnvironment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["serve", "--config", config]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            .merging(extraEnvironment) { _, new in new }
        _ = FileManager.default.createFile(atPath: serveLog, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: serveLog))
        try log.seekToEnd()
        process.standardError = log
        process.standardOutput = log
        try process.run()
        serve = process
        let readyLines = logLines().filter { $0.contains("event=ready") }.count
        try waitFor("serve ready") { self.logLines().filter { $0.contains("event=ready") }.count > readyLines || !process.isRunning }
        guard process.isRunning else { throw SandboxError("aduan serve exited: \(logLines().suffix(5).joined(separator: "\n"))") }
    }

    /// Sends a signal and waits for the daemon to exit; returns its status.
    @discardableResult
    func stopServe(_ signal: Int32 = SIGTERM) throws -> Int32 {
        guard let serve else { return -1 }
        kill(serve.processIdentifier, signal)
        try waitFor("serve exit") { !serve.isRunning }
        self.serve = nil
        return serve.terminationStatus
    }

    func logLines() -> [String] {
        ((try? String(contentsOfFile: serveLog, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Waits for a condition with a deadline: no fixed sleeps.
    func waitFor(_ what: String, timeout: Double = 20, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return }
            usleep(10_000)
        }
        throw SandboxError("timed out after \(timeout) s waiting for \(what)")
    }

    func files(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// Writes an inbound file in place, as smsd does (open, write, close).
    func dropInbound(_ name: String, _ bytes: [UInt8]) throws {
        let path = incoming + "/" + name
        let fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
        guard fd >= 0 else { throw SandboxError("open \(path)") }
        // Readable by a daemon running as another user (the permission tests).
        fchmod(fd, 0o644)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    /// The outbound spool's files parsed as smstools files: (to, text).
    func acks() -> [(file: String, to: String, text: String)] {
        files(outgoing).compactMap { name in
            let content = read(outgoing + "/" + name)
            guard let split = content.range(of: "\n\n") else { return nil }
            let headers = content[..<split.lowerBound].split(separator: "\n")
            let to = headers.first { $0.hasPrefix("To: ") }.map { String($0.dropFirst(4)) } ?? ""
            return (name, to, String(content[split.upperBound...]))
        }
    }

    /// `complaints list --json`, decoded.
    func complaints() throws -> [[String: Any]] {
        let out = try run(["complaints", "list", "--json"])
        guard out.status == 0 else { throw SandboxError("complaints list: \(out.stderr)") }
        return (try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    func sqlite(_ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database, sql]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct SandboxError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// An smstools3 incoming file, as smsd writes it.
func smstoolsFile(from: String = "6281234567890", sent: String = "26-11-22 14:00:00", alphabet: String = "UTF-8",
                  body: [UInt8]) -> [UInt8] {
    Array("""
        From: \(from)
        From_TOA: 91 international, ISDN/telephone
        From_SMSC: 6281100000
        Sent: \(sent)
        Received: 26-11-22 14:00:05
        Subject: GSM1
        Modem: GSM1
        Alphabet: \(alphabet)
        Length: \(body.count)


        """.utf8) + body
}
