import AduanCore
import AduanGateways
import Foundation
import GRDB

// aduan-crash: the guarantees of PRODUCT.md §8 under `kill -9`.
//
//   swift build -c release && .build/release/aduan-crash [--messages N] [--kills K] [--seed S]
//
// N inbound messages, each from its own sender with its own text, are written
// into the smstools incoming spool in place (as smsd does) while `aduan serve`
// is killed with SIGKILL at random moments (a few ms to ~200 ms after it was
// started, so kills land mid-start, mid-ingest, mid-commit and mid-spool) and
// started again, K times. A final clean run drains everything and stops on
// SIGTERM. Meanwhile a raw inotify watcher on the outgoing spool flags any
// visible (non-dot) name that is created or written in place: that would be a
// partial file under a name the gateway reads. Every file renamed in is read
// and must parse (To:, blank line, body).
//
// Then: every message recorded exactly once (N inbound rows, one per sender,
// with the text that was sent), every complaint's acknowledgement in the
// spool (a file to its sender naming its ticket), at most K acknowledgements
// spooled twice, no partial file ever seen. Prints N, K and every count;
// exits 1 when a guarantee fails. Randomness (senders, texts, kill moments)
// comes from the seed, so a failing run can be repeated.
//
// With --gateway, files are taken out of the spool as soon as they appear
// (into sent/, as smsd does once it has sent them), so a row re-spooled after
// a kill is really written twice; that is what the at-most-K bound is about.

struct Options {
    var messages = 1000
    var kills = 20
    var seed: UInt64 = 1
    var minDelayMs = 3
    var maxDelayMs = 200
    var gateway = false
    var keep = false
    var binary: String?
    var config: String?

    init(_ args: [String]) {
        var it = args.dropFirst().makeIterator()
        func usage() -> Never {
            print("""
                usage: aduan-crash [--messages N] [--kills K] [--seed S] [--min-delay MS] [--max-delay MS]
                                   [--gateway] [--keep] [--binary PATH] [--config TOML]
                """)
            exit(2)
        }
        while let a = it.next() {
            switch a {
            case "--messages": messages = it.next().flatMap(Int.init) ?? -1
            case "--kills": kills = it.next().flatMap(Int.init) ?? -1
            case "--seed": seed = it.next().flatMap(UInt64.init) ?? 0
            case "--min-delay": minDelayMs = it.next().flatMap(Int.init) ?? -1
            case "--max-delay": maxDelayMs = it.next().flatMap(Int.init) ?? -1
            case "--gateway": gateway = true
            case "--keep": keep = true
            case "--binary": binary = it.next()
            case "--config": config = it.next()
            default: usage()
            }
        }
        if messages < 1 || kills < 0 || minDelayMs < 0 || maxDelayMs < minDelayMs { usage() }
    }
}

func monotonic() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("aduan-crash: \(message)\n".utf8))
    exit(1)
}

/// Non-dot names in a directory.
func visibleFiles(_ directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
}

func dotFiles(_ directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix(".") }.sorted()
}

// MARK: - The messages

struct Message {
    var sender: String
    var text: String
    var sent: String
}

/// N messages, each from a distinct sender with a distinct text, on the
/// shipped routes; about one in twenty is not GSM-7 and goes as UCS-2.
func plan(messages: Int, rng: inout SplitMix64) -> [Message] {
    let keywords = ["BANJAR", "MASBUPSIAGA", "DUMAS", "LAPAKADUAN", "KAUR"]
    let problems = ["jalan rusak", "lampu jalan mati", "sampah menumpuk", "air PDAM mati", "jembatan retak",
                    "drainase tersumbat", "KTP belum jadi", "pungli di kantor desa", "puskesmas tutup",
                    "gorong-gorong ambrol", "bau limbah pabrik", "akta kelahiran ditahan"]
    let places = ["di desa Sungai Tabuk", "di pasar", "dekat sekolah", "di RT 03", "depan masjid",
                  "di simpang empat", "belakang terminal", "di dusun Krajan"]
    let prefixes = ["811", "812", "813", "821", "822", "852", "853", "857", "858", "877", "878", "881", "895", "896"]
    var senders = Set<String>()
    var out: [Message] = []
    out.reserveCapacity(messages)
    for i in 0..<messages {
        var sender: String
        repeat {
            sender = "62" + prefixes.randomElement(using: &rng)! + String(format: "%08d", Int.random(in: 0..<100_000_000, using: &rng))
        } while !senders.insert(sender).inserted
        var text = "\(keywords.randomElement(using: &rng)!) \(problems.randomElement(using: &rng)!) "
            + "\(places.randomElement(using: &rng)!) laporan \(i + 1)"
        if Int.random(in: 0..<20, using: &rng) == 0 { text += " mohon dibantu 🙏" }
        let sent = String(format: "26-11-22 %02d:%02d:%02d", Int.random(in: 7..<21, using: &rng),
                          Int.random(in: 0..<60, using: &rng), Int.random(in: 0..<60, using: &rng))
        out.append(Message(sender: sender, text: text, sent: sent))
    }
    return out
}

// MARK: - The raw inotify watcher on the outgoing spool

/// Reads the outgoing spool's inotify records on its own thread. A visible
/// name created (IN_CREATE) or written (IN_MODIFY, IN_CLOSE_WRITE) in place is
/// a partial file the gateway could have read; every name renamed in
/// (IN_MOVED_TO) is read at once and must be a whole smstools file.
final class SpoolWatch: @unchecked Sendable {
    let directory: String
    let sentDirectory: String?
    private let fd: Int32
    private let stopPipe: [Int32]
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()

    private var _partial: [String] = []
    private var _unparseable: [String] = []
    private var _movedIn = 0
    private var _arrived = Set<String>()
    private var _tempsCreated = 0
    private var _tempsRemoved = 0
    private var _overflow = false
    private var _taken: [String] = []

    /// - Parameter sentDirectory: when set, every whole file is moved there
    ///   once read, as a gateway takes what it has sent.
    init(directory: String, sentDirectory: String?) throws {
        self.directory = directory
        self.sentDirectory = sentDirectory
        fd = inotify_init1(Int32(IN_NONBLOCK) | Int32(IN_CLOEXEC))
        guard fd >= 0 else { throw NSError(domain: "inotify_init1", code: Int(errno)) }
        let mask = UInt32(IN_CREATE) | UInt32(IN_MODIFY) | UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO)
            | UInt32(IN_DELETE) | UInt32(IN_MOVED_FROM)
        guard inotify_add_watch(fd, directory, mask) >= 0 else { throw NSError(domain: "inotify_add_watch", code: Int(errno)) }
        var p: [Int32] = [0, 0]
        guard pipe(&p) == 0 else { throw NSError(domain: "pipe", code: Int(errno)) }
        stopPipe = p
    }

    func start() {
        Thread.detachNewThread { self.loop() }
    }

    /// Reads what the kernel still holds, then stops. Call after the writers are gone.
    func stop() {
        var byte: UInt8 = 1
        _ = write(stopPipe[1], &byte, 1)
        finished.wait()
        close(fd)
        close(stopPipe[0])
        close(stopPipe[1])
    }

    private func loop() {
        var buffer = [UInt8](repeating: 0, count: 1 << 18)
        while true {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: stopPipe[0], events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 2, -1) < 0, errno != EINTR { break }
            drain(&buffer)
            if fds[1].revents != 0 {
                drain(&buffer)
                break
            }
        }
        finished.signal()
    }

    private func drain(_ buffer: inout [UInt8]) {
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return
            }
            if count == 0 { return }
            var offset = 0
            while offset + 16 <= count {
                let (mask, length) = buffer.withUnsafeBytes { raw in
                    (raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                     Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
                }
                let name = String(decoding: buffer[(offset + 16)..<(offset + 16 + length)].prefix { $0 != 0 }, as: UTF8.self)
                offset += 16 + length
                handle(mask: mask, name: name)
            }
        }
    }

    private func handle(mask: UInt32, name: String) {
        lock.lock()
        defer { lock.unlock() }
        if mask & UInt32(IN_Q_OVERFLOW) != 0 {
            _overflow = true
            return
        }
        if name.hasPrefix(".") {
            // aduan's temporary files: invisible to the gateway. Counted to show
            // kills landing mid-write (a temp created and then removed, not renamed).
            if mask & UInt32(IN_CREATE) != 0 { _tempsCreated += 1 }
            if mask & UInt32(IN_DELETE) != 0 { _tempsRemoved += 1 }
            return
        }
        if mask & UInt32(IN_CREATE) != 0 { _partial.append("IN_CREATE \(name)") }
        if mask & UInt32(IN_MODIFY) != 0 { _partial.append("IN_MODIFY \(name)") }
        if mask & UInt32(IN_CLOSE_WRITE) != 0 { _partial.append("IN_CLOSE_WRITE \(name)") }
        guard mask & UInt32(IN_MOVED_TO) != 0 else { return }
        _movedIn += 1
        _arrived.insert(name)
        let path = directory + "/" + name
        guard let data = FileManager.default.contents(atPath: path) else {
            _unparseable.append("\(name): gone before it could be read")
            return
        }
        if let problem = SpoolWatch.problem(in: data) { _unparseable.append("\(name): \(problem)") }
        if let sent = sentDirectory {
            var target = sent + "/" + name
            var n = 0
            while FileManager.default.fileExists(atPath: target) {
                n += 1
                target = sent + "/" + name + ".\(n)"
            }
            if rename(path, target) == 0 { _taken.append(target) }
        }
    }

    /// Why `data` is not a whole smstools outgoing file, or nil.
    static func problem(in data: Data) -> String? {
        guard let text = String(data: data, encoding: .utf8) else { return "not UTF-8" }
        guard let split = text.range(of: "\n\n") else { return "no blank line after the headers" }
        let headers = text[..<split.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
        guard !headers.isEmpty, headers.allSatisfy({ $0.contains(": ") }) else { return "a header line without ': '" }
        guard let to = headers.first(where: { $0.hasPrefix("To: ") })?.dropFirst(4),
              !to.isEmpty, to.allSatisfy({ $0.isASCII && $0.isNumber }) else { return "no To: with digits" }
        let body = text[split.upperBound...]
        guard !body.isEmpty else { return "empty body" }
        return nil
    }

    struct Report {
        var partial: [String]
        var unparseable: [String]
        var movedIn: Int
        var arrived: Set<String>
        var tempsCreated: Int
        var tempsRemoved: Int
        var overflow: Bool
        var taken: [String]
    }

    var report: Report {
        lock.lock()
        defer { lock.unlock() }
        return Report(partial: _partial, unparseable: _unparseable, movedIn: _movedIn, arrived: _arrived,
                      tempsCreated: _tempsCreated, tempsRemoved: _tempsRemoved, overflow: _overflow, taken: _taken)
    }
}

// MARK: - The gateway writing inbound files

/// Writes the messages into the incoming spool at a steady pace on its own
/// thread, while the daemon is killed and restarted.
final class InboundWriter: @unchecked Sendable {
    let messages: [Message]
    let directory: String
    let span: Double
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var _error: String?
    private var _written = 0

    /// - Parameter span: seconds over which the writes are spread.
    init(messages: [Message], directory: String, span: Double) {
        self.messages = messages
        self.directory = directory
        self.span = span
    }

    func start() {
        Thread.detachNewThread { self.run() }
    }

    private func run() {
        let start = monotonic()
        let interval = span / Double(max(1, messages.count))
        for (i, m) in messages.enumerated() {
            // Pacing, not synchronisation: the gateway receives SMS over time.
            let wait = start + Double(i) * interval - monotonic()
            if wait > 0 { usleep(useconds_t(wait * 1e6)) }
            let bytes = SmstoolsIncomingWriter.file(from: m.sender, text: m.text, sent: m.sent,
                                                    received: m.sent)
            do {
                _ = try SmstoolsIncomingWriter.writeInPlace(bytes, directory: directory)
            } catch {
                lock.lock()
                _error = "\(error)"
                lock.unlock()
                break
            }
            lock.lock()
            _written += 1
            lock.unlock()
        }
        finished.signal()
    }

    func wait() -> (written: Int, error: String?) {
        finished.wait()
        lock.lock()
        defer { lock.unlock() }
        return (_written, _error)
    }
}

// MARK: - The daemon

final class Daemon {
    let binary: String
    let config: String
    let log: String
    var process: Process?

    init(binary: String, config: String, log: String) {
        self.binary = binary
        self.config = config
        self.log = log
        _ = FileManager.default.createFile(atPath: log, contents: nil)
    }

    func start() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["serve", "--config", config]
        var environment = ProcessInfo.processInfo.environment
        // Not under systemd, on the real clock.
        for key in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "ADUAN_NOW"] { environment[key] = nil }
        p.environment = environment
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try handle.seekToEnd()
        p.standardError = handle
        p.standardOutput = handle
        try p.run()
        try handle.close()
        process = p
    }

    func kill(_ signal: Int32) -> Int32 {
        guard let p = process else { return -1 }
        Glibc.kill(p.processIdentifier, signal)
        p.waitUntilExit()
        process = nil
        return p.terminationStatus
    }

    var isRunning: Bool { process?.isRunning ?? false }

    func lines() -> [Substring] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n")
    }
}

// MARK: - Run

let options = Options(CommandLine.arguments)
let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
let binary = options.binary ?? here.appendingPathComponent("aduan").path
let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let configTemplate = options.config ?? repo.appendingPathComponent("config/aduan.toml").path
guard FileManager.default.isExecutableFile(atPath: binary) else { fail("no aduan binary at \(binary) (build it, or pass --binary)") }

var rng = SplitMix64(seed: options.seed)
let messages = plan(messages: options.messages, rng: &rng)
let delays = (0..<options.kills).map { _ in Int.random(in: options.minDelayMs...options.maxDelayMs, using: &rng) }

var template = Array((NSTemporaryDirectory() + "aduan-crash-XXXXXX").utf8CString)
guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { fail("mkdtemp failed") }
let root = String(cString: made)
let incoming = root + "/var/spool/incoming"
let outgoing = root + "/var/spool/outgoing"
let archive = root + "/var/spool/archive"
let rejected = root + "/var/spool/rejected"
let sent = root + "/var/spool/sent"
let database = root + "/var/aduan.db"
for dir in [root + "/config", incoming, outgoing] + (options.gateway ? [sent] : []) {
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
}
do {
    let text = try String(contentsOfFile: configTemplate, encoding: .utf8)
    try text.write(toFile: root + "/config/aduan.toml", atomically: true, encoding: .utf8)
} catch {
    fail("cannot copy \(configTemplate): \(error)")
}

print("aduan-crash: N=\(options.messages) messages, K=\(options.kills) kills, seed \(options.seed)\(options.gateway ? ", gateway takes files" : "")")
print("binary \(binary)")
print("state \(root)\(options.keep ? " (kept)" : "")")

let watch = try SpoolWatch(directory: outgoing, sentDirectory: options.gateway ? sent : nil)
watch.start()
let daemon = Daemon(binary: binary, config: root + "/config/aduan.toml", log: root + "/serve.log")

// The writes are spread over the planned kill phase, so messages arrive
// while the daemon is down, starting, busy, and being killed.
let writer = InboundWriter(messages: messages, directory: incoming,
                           span: Double(delays.reduce(0, +)) / 1000)
let phaseStart = monotonic()
writer.start()

/// Kills that came after the run had said ready, and after it had ingested something.
var killedAfterReady = 0
var killedWhileIngesting = 0
for delay in delays {
    let before = daemon.lines().count
    try daemon.start()
    usleep(useconds_t(delay * 1000))
    if !daemon.isRunning {
        fail("aduan serve exited by itself during the kill phase: \(daemon.lines().suffix(5).joined(separator: "\n"))")
    }
    _ = daemon.kill(SIGKILL)
    let run = daemon.lines().dropFirst(before)
    if run.contains(where: { $0.contains("event=ready") }) { killedAfterReady += 1 }
    if run.contains(where: { $0.contains("event=ingested") || $0.contains("event=already_recorded") }) { killedWhileIngesting += 1 }
}
let phaseSeconds = monotonic() - phaseStart
let killPhaseLog = daemon.lines()
let ingestedDuringKills = killPhaseLog.filter { $0.contains("event=ingested") }.count
let seenAgain = killPhaseLog.filter { $0.contains("event=already_recorded") }.count

// The final clean run: everything drains, then SIGTERM, once the run has
// said ready (a signal before that, when the kills left nothing to drain,
// met a process still starting, not the daemon's shutdown).
let finalStart = monotonic()
let readyBefore = daemon.lines().filter { $0.contains("event=ready") }.count
try daemon.start()
while daemon.isRunning, monotonic() - finalStart < 60,
      daemon.lines().filter({ $0.contains("event=ready") }).count <= readyBefore {
    usleep(5_000)
}
let (written, writeError) = writer.wait()
if let writeError { fail("writing inbound files: \(writeError)") }

func count(_ db: Database, _ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }

var readonly = Configuration()
readonly.readonly = true
var drained = false
var lastProgress = monotonic()
var lastCount = -1
// No fixed wait: poll the condition, and give up only when nothing has moved for a minute.
while monotonic() - lastProgress < 60 {
    if !daemon.isRunning { break }
    if FileManager.default.fileExists(atPath: database),
       let (recorded, pending) = try? DatabaseQueue(path: database, configuration: readonly).read({ db in
           (try count(db, "SELECT COUNT(*) FROM inbound_messages"),
            try count(db, "SELECT COUNT(*) FROM outbox WHERE state != 'spooled'"))
       }) {
        if recorded != lastCount {
            lastCount = recorded
            lastProgress = monotonic()
        }
        if recorded >= options.messages, pending == 0, visibleFiles(incoming).isEmpty {
            drained = true
            break
        }
    }
    usleep(20_000)
}
let finalRunning = daemon.isRunning
let finalStatus = daemon.kill(SIGTERM)
let finalSeconds = monotonic() - finalStart
watch.stop()
let seen = watch.report

// MARK: - Checks

var failures: [String] = []
@MainActor func check(_ ok: Bool, _ line: String) {
    print((ok ? "  ok    " : "  FAIL  ") + line)
    if !ok { failures.append(line) }
}

struct SpoolFile {
    var name: String
    var to: String
    var body: String
}

/// Everything the gateway was given: what is still in outgoing/, and what it took.
let spoolPaths = visibleFiles(outgoing).map { outgoing + "/" + $0 } + (options.gateway ? visibleFiles(sent).map { sent + "/" + $0 } : [])
let spoolFiles: [SpoolFile] = spoolPaths.compactMap { path in
    guard let text = try? String(contentsOfFile: path, encoding: .utf8), let split = text.range(of: "\n\n") else { return nil }
    let to = text[..<split.lowerBound].split(separator: "\n").first { $0.hasPrefix("To: ") }.map { String($0.dropFirst(4)) } ?? ""
    return SpoolFile(name: (path as NSString).lastPathComponent, to: to, body: String(text[split.upperBound...]))
}

struct Stored {
    var integrity: String
    var inbound: Int
    var inboundSenders: Int
    var texts: [String: String]
    var complaints: [(sender: String, ticket: String)]
    var outbox: Int
    var notSpooled: Int
    var acksPerComplaint: [Int: Int]
    var rejections: Int
}

let stored: Stored
do {
    stored = try DatabaseQueue(path: database, configuration: readonly).read { db in
        var texts: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT sender, text FROM inbound_messages") {
            texts[row["sender"]] = row["text"]
        }
        let complaints = try Row.fetchAll(db, sql: "SELECT sender, ticket FROM complaints ORDER BY id").map {
            (sender: $0["sender"] as String, ticket: $0["ticket"] as String)
        }
        var acks: [Int: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT c.id AS id, COUNT(o.id) AS n FROM complaints c
            LEFT JOIN outbox o ON o.complaint_id = c.id AND o.kind = 'ack' GROUP BY c.id
            """) {
            acks[row["id"]] = row["n"]
        }
        return Stored(
            integrity: try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; "),
            inbound: try count(db, "SELECT COUNT(*) FROM inbound_messages"),
            inboundSenders: try count(db, "SELECT COUNT(DISTINCT sender) FROM inbound_messages"),
            texts: texts, complaints: complaints,
            outbox: try count(db, "SELECT COUNT(*) FROM outbox"),
            notSpooled: try count(db, "SELECT COUNT(*) FROM outbox WHERE state != 'spooled'"),
            acksPerComplaint: acks,
            rejections: try count(db, "SELECT COUNT(*) FROM rejections"))
    }
} catch {
    fail("cannot read \(database): \(error)")
}

let sortedDelays = delays.sorted()
print("")
print("kill phase: \(options.kills) SIGKILLs after \(sortedDelays.first ?? 0)–\(sortedDelays.last ?? 0) ms "
      + "(median \(sortedDelays.isEmpty ? 0 : sortedDelays[sortedDelays.count / 2]) ms) in \(String(format: "%.1f", phaseSeconds)) s; "
      + "\(killedWhileIngesting) after the run had ingested, \(killedAfterReady) after it had said ready "
      + "(files found at start are ingested before ready)")
print("            \(ingestedDuringKills) messages ingested, \(seenAgain) seen again after a kill (committed, not yet archived), "
      + "\(seen.tempsCreated - seen.movedIn) spool temp files left by a kill mid-write (\(seen.tempsRemoved) cleaned up)")
print("final run:  \(drained ? "drained" : "NOT drained") in \(String(format: "%.1f", finalSeconds)) s, exit status \(finalStatus)")
print("")

let expected = Dictionary(uniqueKeysWithValues: messages.map { ($0.sender, $0.text) })
let wrongText = expected.filter { stored.texts[$0.key] != $0.value }.count

check(written == options.messages, "inbound files written: \(written) of \(options.messages)")
check(drained && finalRunning && finalStatus == 0, "final clean run drained everything and exited 0 on SIGTERM")
check(stored.integrity == "ok", "database integrity_check: \(stored.integrity)")
check(stored.inbound == options.messages && stored.inboundSenders == options.messages,
      "inbound_messages: \(stored.inbound) rows from \(stored.inboundSenders) senders (expected \(options.messages), one each)")
check(wrongText == 0, "messages recorded with a text other than the one sent, or missing: \(wrongText)")
check(stored.rejections == 0 && visibleFiles(rejected).isEmpty,
      "inbound files rejected: \(stored.rejections)")
check(visibleFiles(incoming).isEmpty, "inbound files left in the spool: \(visibleFiles(incoming).count) (archived: \(visibleFiles(archive).count))")
check(stored.complaints.count == options.messages, "complaints: \(stored.complaints.count)")
let ackRows = stored.acksPerComplaint.values
check(ackRows.allSatisfy { $0 == 1 },
      "ack rows in the outbox: \(ackRows.reduce(0, +)) (complaints without one: \(ackRows.filter { $0 == 0 }.count), with more: \(ackRows.filter { $0 > 1 }.count))")
check(stored.notSpooled == 0, "outbox rows: \(stored.outbox), not spooled: \(stored.notSpooled)")

var byRecipient: [String: [String]] = [:]
for f in spoolFiles { byRecipient[f.to, default: []].append(f.body) }
let missing = stored.complaints.filter { c in !(byRecipient[c.sender] ?? []).contains { $0.contains(c.ticket) } }
check(missing.isEmpty, "complaints with their acknowledgement in the spool: \(stored.complaints.count - missing.count) of \(stored.complaints.count)"
      + (missing.isEmpty ? "" : " (first missing: \(missing.prefix(3).map(\.ticket).joined(separator: ", ")))"))
var copies: [String: Int] = [:]
for f in spoolFiles { copies[f.to + "\n" + f.body, default: 0] += 1 }
let twice = copies.values.reduce(0) { $0 + max(0, $1 - 1) }
check(twice <= options.kills, "acknowledgements spooled twice: \(twice) (at most K = \(options.kills))")
let strangers = spoolFiles.filter { expected[$0.to] == nil }.count
check(strangers == 0, "spool files to a number that sent nothing: \(strangers)")
check(spoolPaths.count == spoolFiles.count, "spool files: \(spoolPaths.count), whole smstools files: \(spoolFiles.count)")
let neverArrived = visibleFiles(outgoing).filter { !seen.arrived.contains($0) }
check(neverArrived.isEmpty && !seen.overflow,
      "files renamed into the spool: \(seen.movedIn); files there that never arrived by rename: \(neverArrived.count)"
      + (seen.overflow ? "; the watcher's queue overflowed, events were lost" : ""))
check(seen.unparseable.isEmpty, "files that did not parse when they arrived: \(seen.unparseable.count)"
      + (seen.unparseable.isEmpty ? "" : " (\(seen.unparseable.prefix(3).joined(separator: "; ")))"))
check(seen.partial.isEmpty, "partial files seen (a visible name created or written in place): \(seen.partial.count)"
      + (seen.partial.isEmpty ? "" : " (\(seen.partial.prefix(3).joined(separator: "; ")))"))
print("        info  temp files left in the spool: \(dotFiles(outgoing).count); "
      + "error lines in the daemon's log: \(daemon.lines().filter { $0.contains("level=error") || $0.contains("level=critical") }.count)")

print("")
if failures.isEmpty {
    print("RESULT: every guarantee held (N=\(options.messages), K=\(options.kills), seed \(options.seed))")
    if !options.keep { try? FileManager.default.removeItem(atPath: root) }
    exit(0)
} else {
    print("RESULT: \(failures.count) guarantee(s) failed (N=\(options.messages), K=\(options.kills), seed \(options.seed)); state kept in \(root)")
    exit(1)
}
