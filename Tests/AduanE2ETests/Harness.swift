import Foundation
import Testing

// The end-to-end harness: a temporary directory per test, the built `aduan`
// binary and the real gateway daemons as child processes, waits with a
// deadline (never a fixed sleep), and cleanup that runs even when a test fails.

struct E2EError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Every round trip through a real gateway daemon, one at a time: the
/// daemons poll on one-second timers, and a loaded machine only makes their
/// deadlines harder to keep.
@Suite(.serialized) enum GatewayRoundTrips {}

// MARK: - Which daemons are here

enum Gateways {
    static let inCI = ProcessInfo.processInfo.environment["CI"] != nil

    /// smstools3's smsd (Debian installs it in /usr/sbin).
    static let smsd: String? = find("smsd", extra: ["/usr/sbin/smsd"])
    static let gammuSmsd: String? = find("gammu-smsd", extra: ["/usr/bin/gammu-smsd"])

    /// Without the daemon a developer gets a skipped test and this message;
    /// under CI the test runs and fails on `require`, so it never passes by
    /// skipping.
    static let smsdMissing = "smstools3 smsd is not installed (apt-get install smstools); CI runs this test"
    static let gammuMissing = "gammu-smsd is not installed (apt-get install gammu gammu-smsd); CI runs this test"

    static func require(_ path: String?, _ what: String) throws -> String {
        guard let path else {
            throw E2EError("\(what) is missing but CI is set: the end-to-end tests must not be skipped in CI")
        }
        return path
    }

    static func find(_ name: String, extra: [String]) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let candidates = path.split(separator: ":").map { "\($0)/\(name)" } + extra
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

// MARK: - A temporary directory without dots

/// `/tmp/aduane2e-XXXXXX`: smstools silently never reads a `pdu_from_file`
/// directory whose path contains a `.`, so the whole tree stays dot-free.
final class WorkDir: @unchecked Sendable {
    let root: String

    init() throws {
        var template = Array("/tmp/aduane2e-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw E2EError("mkdtemp failed: \(String(cString: strerror(errno)))")
        }
        root = String(cString: made)
    }

    func dir(_ relative: String) throws -> String {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

// MARK: - Files

enum Files {
    /// Visible entries of a directory (dotfiles are temporaries), sorted.
    static func list(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    static func bytes(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    static func text(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// Writes `content` under a temporary name in `staging` and renames it to
    /// `destination`, so the reader never sees a partial file.
    static func place(_ content: String, at destination: String, staging: String) throws {
        let temp = staging + "/" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        try Data(content.utf8).write(to: URL(fileURLWithPath: temp))
        guard rename(temp, destination) == 0 else {
            throw E2EError("rename \(temp) → \(destination): \(String(cString: strerror(errno)))")
        }
    }

    static func tail(_ path: String, lines: Int = 15) -> String {
        text(path).split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}

/// Polls a condition until it holds or the deadline passes.
func waitFor(_ what: String, timeout: Double, poll: useconds_t = 50_000,
             diagnostics: () -> String = { "" }, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if try condition() { return }
        if Date() >= deadline { break }
        usleep(poll)
    }
    let extra = diagnostics()
    throw E2EError("timed out after \(timeout) s waiting for \(what)" + (extra.isEmpty ? "" : "\n" + extra))
}

// MARK: - Child processes

/// A daemon run as a child process in its own process group, its output
/// appended to a log file.
///
/// Started with posix_spawn rather than Foundation's Process, for two reasons
/// seen with smsd: a test runs on a libdispatch thread that blocks most
/// signals, and a spawned child inherits that mask, so smsd ignored SIGTERM;
/// and Process notices an exit only when every holder of its hidden socket has
/// closed it, so smsd's forked modem handler kept `waitUntilExit` waiting
/// forever. Here the child gets an empty signal mask and default handlers, the
/// exit is read with waitpid, and `stop()` signals the whole group (smsd's
/// modem processes included) by its id.
final class Child: @unchecked Sendable {
    let name: String
    let pid: pid_t
    let log: String
    private var status: Int32?

    /// Every path the daemons get is absolute, so the child keeps our working directory.
    init(_ name: String, executable: String, arguments: [String], environment: [String: String]? = nil,
         log: String) throws {
        self.name = name
        self.log = log
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            env.forEach { free($0) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, env)
        guard rc == 0 else { throw E2EError("cannot start \(executable): \(String(cString: strerror(rc)))") }
        pid = child
    }

    deinit { stop() }

    var isRunning: Bool {
        if status != nil { return false }
        var raw: Int32 = 0
        let r = waitpid(pid, &raw, WNOHANG)
        if r == pid || (r < 0 && errno == ECHILD) {
            status = raw
            return false
        }
        return true
    }

    /// The exit code, or 128 + the signal.
    var exitStatus: Int32? {
        guard !isRunning, let status else { return nil }
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    /// SIGTERM to the group, a few seconds' grace for the daemon and every
    /// process it forked, then SIGKILL to whatever is left. Idempotent.
    func stop(grace: Double = 10) {
        if isRunning || !Child.liveMembers(ofGroup: pid).isEmpty {
            kill(-pid, SIGTERM)
            let deadline = Date().addingTimeInterval(grace)
            while isRunning || !Child.liveMembers(ofGroup: pid).isEmpty, Date() < deadline { usleep(20_000) }
            if isRunning || !Child.liveMembers(ofGroup: pid).isEmpty {
                kill(-pid, SIGKILL)
                while isRunning { usleep(10_000) }
            }
        }
    }

    /// Processes of a process group that are alive (zombies left to init do not count), from /proc.
    static func liveMembers(ofGroup group: pid_t) -> [pid_t] {
        var members: [pid_t] = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // "pid (comm) state ppid pgrp …": the command may contain spaces, so split after the ')'.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 2, fields[0] != "Z", pid_t(fields[2]) == group { members.append(pid) }
        }
        return members
    }
}

// MARK: - aduan

/// The built `aduan` binary, driven on one test's configuration.
struct Aduan {
    let config: String
    let directory: String

    static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The built `aduan`, beside the test bundle (or `$ADUAN_BINARY`), as the
    /// integration tests find it.
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

    func run(_ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments + ["--config", config]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
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

    func json(_ arguments: [String]) throws -> Any {
        let out = try run(arguments)
        guard out.status == 0 else {
            throw E2EError("aduan \(arguments.joined(separator: " ")) exited \(out.status): \(out.stderr)")
        }
        return try JSONSerialization.jsonObject(with: Data(out.stdout.utf8))
    }

    func complaints() throws -> [[String: Any]] {
        (try json(["complaints", "list", "--json"]) as? [[String: Any]]) ?? []
    }

    func show(_ ticket: String) throws -> [String: Any] {
        (try json(["complaints", "show", ticket, "--json"]) as? [String: Any]) ?? [:]
    }

    func outbox() throws -> [[String: Any]] {
        (try json(["outbox", "--json"]) as? [[String: Any]]) ?? []
    }

    /// `aduan serve` in the background, once it has logged `event=ready`.
    func serve(log: String) throws -> Child {
        let child = try Child("aduan serve", executable: Self.binary, arguments: ["serve", "--config", config], log: log)
        do {
            try waitFor("aduan serve ready", timeout: 20, diagnostics: { Files.tail(log) }) {
                Files.text(log).contains("event=ready") || !child.isRunning
            }
            guard child.isRunning else { throw E2EError("aduan serve exited \(child.exitStatus ?? -1):\n\(Files.tail(log))") }
        } catch {
            child.stop()
            throw error
        }
        return child
    }
}

// MARK: - aduan's configuration for the end-to-end tests

/// The routes the samples use, and an acknowledgement pinned here so the
/// expected text does not depend on the built-in wording. It stays GSM-7
/// (check-config insists) but carries extension characters ([ ] €), which
/// cost two septets each and are multi-byte in UTF-8.
enum E2EConfig {
    static let ackTemplate = "Aduan [{ticket}] untuk {region} diterima. Gratis: Rp 0 / 0 €. Cek status: ketik STATUS {ticket} ke {shortcode}."

    static func ack(ticket: String, region: String) -> String {
        "Aduan [\(ticket)] untuk \(region) diterima. Gratis: Rp 0 / 0 €. Cek status: ketik STATUS \(ticket) ke 1708."
    }

    /// `inbound` and `outbound` are the TOML bodies of `[[inbound]]` and `[[outbound]]`.
    static func text(database: String, inbound: String, outbound: String) -> String {
        """
        # aduan, end-to-end test: one gateway, four routes.
        [service]
        shortcode = "1708"
        country_code = "62"
        timezone = "Asia/Jakarta"
        database = "\(database)"
        on_unknown_keyword = "triage"
        no_reply = ["1708"]
        log_level = "debug"

        [[inbound]]
        \(inbound)

        [[outbound]]
        \(outbound)

        [triage]
        prefix = "UMUM"
        region = "Umum"
        first_response = "3wd"
        resolution = "14d"

        [[routes]]
        keyword = "BANJAR"
        region = "Kabupaten Banjar"
        program = "LAPOR! Kabupaten Banjar"
        prefix = "BJR"
        first_response = "3wd"
        resolution = "14d"

        [[routes]]
        keyword = "KAUR"
        region = "Kabupaten Kaur"
        program = "Pengaduan Kabupaten Kaur"
        prefix = "KUR"
        first_response = "3wd"
        resolution = "14d"

        [[routes]]
        keyword = "DUMAS"
        region = "Kabupaten Bombana"
        program = "Pojok Pengaduan Masyarakat Inspektorat"
        prefix = "BMB"
        first_response = "3wd"
        resolution = "14d"

        [[routes]]
        keyword = "LAPAKADUAN"
        region = "Kabupaten Banyumas"
        program = "Lapak Aduan"
        prefix = "BYM"
        first_response = "1wd"
        resolution = "7d"

        [templates]
        ack = "\(ackTemplate)"

        """
    }
}
