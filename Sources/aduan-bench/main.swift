import AduanGateways
import Foundation

// aduan-bench: whole-process benchmark of `aduan serve` on an smstools spool.
//
//   swift build -c release && .build/release/aduan-bench [--messages N] [--rate R]
//
// 1. Burst: N inbound files written as fast as possible (in place, as smsd
//    does); throughput = N / (last ack renamed − first file closed).
// 2. Paced: N files at R per second; latency per message = ack renamed into
//    the outgoing spool − inbound file closed, reported as p50/p99.
// Then the daemon's peak RSS (VmHWM) and its CPU over an idle period.
// Each phase uses a fresh state directory and the shipped configuration.
// The figures end as `key=value` lines for `bench/run`.
//
// When it runs matters on ext4 without a journal (this machine's root):
// allocating an inode skips, one by one, every inode of the block group
// freed in the last few minutes (`recently_deleted`), so right after a large
// tree was removed (an earlier run, a build) creating a file can cost 250 µs
// instead of 20, for the gateway's files and aduan's alike. Run it five
// minutes after such a removal; the runs live in /var/tmp (not /tmp, which
// compilers churn) unless TMPDIR says otherwise, and their state
// directories are removed only at the very end.

struct Options {
    var messages = 10_000
    var rate = 1000.0
    var idleSeconds = 60.0
    var binary: String?
    var config: String?
    var keep = false

    init(_ args: [String]) {
        var it = args.dropFirst().makeIterator()
        while let a = it.next() {
            switch a {
            case "--messages": messages = it.next().flatMap(Int.init) ?? messages
            case "--rate": rate = it.next().flatMap(Double.init) ?? rate
            case "--idle": idleSeconds = it.next().flatMap(Double.init) ?? idleSeconds
            case "--binary": binary = it.next()
            case "--config": config = it.next()
            case "--keep": keep = true
            default:
                print("usage: aduan-bench [--messages N] [--rate PER_SECOND] [--idle SECONDS] [--binary PATH] [--config TOML]")
                exit(2)
            }
        }
    }
}

func monotonic() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

/// A fresh copy of the shipped config with its state in a temp directory.
final class Run: @unchecked Sendable {
    let root: String
    let binary: String
    var process: Process?

    init(binary: String, configTemplate: String) throws {
        // /var/tmp unless TMPDIR says otherwise: compilers churn /tmp.
        let parent = ProcessInfo.processInfo.environment["TMPDIR"].map { $0.hasSuffix("/") ? $0 : $0 + "/" } ?? "/var/tmp/"
        root = parent + "aduan-bench-" + String(getpid()) + "-" + UUID().uuidString.prefix(8)
        self.binary = binary
        try FileManager.default.createDirectory(atPath: root + "/config", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/var/spool/incoming", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/var/spool/outgoing", withIntermediateDirectories: true)
        var text = try String(contentsOfFile: configTemplate, encoding: .utf8)
        // Every message has its own sender, so no budget applies; the archive
        // is kept as shipped.
        text = text.replacingOccurrences(of: "log_level = \"debug\"", with: "log_level = \"info\"")
        try text.write(toFile: root + "/config/aduan.toml", atomically: true, encoding: .utf8)
    }

    var incoming: String { root + "/var/spool/incoming" }
    var outgoing: String { root + "/var/spool/outgoing" }

    func start() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["serve", "--config", root + "/config/aduan.toml"]
        _ = FileManager.default.createFile(atPath: root + "/serve.log", contents: nil)
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: root + "/serve.log"))
        try p.run()
        process = p
        let deadline = monotonic() + 30
        while monotonic() < deadline {
            if ((try? String(contentsOfFile: root + "/serve.log", encoding: .utf8)) ?? "").contains("event=ready") { return }
            usleep(5000)
        }
        throw NSError(domain: "aduan-bench", code: 1, userInfo: [NSLocalizedDescriptionKey: "serve did not become ready"])
    }

    func stop() {
        guard let p = process else { return }
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
    }

    func remove() {
        if options.keep {
            print("        kept \(root)")
        } else {
            try? FileManager.default.removeItem(atPath: root)
        }
    }

    func status(_ key: String) -> String? {
        guard let p = process, let text = try? String(contentsOfFile: "/proc/\(p.processIdentifier)/status", encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first { $0.hasPrefix(key + ":") }.map { String($0.dropFirst(key.count + 1)).trimmingCharacters(in: .whitespaces) }
    }

    /// The daemon's CPU time in nanoseconds, all threads, those gone
    /// included (its process CPU clock): exact where ticks are 10 ms.
    func cpuNanoseconds() -> Int? {
        guard let p = process else { return nil }
        var clock = clockid_t()
        guard clock_getcpuclockid(p.processIdentifier, &clock) == 0 else { return nil }
        var ts = timespec()
        guard clock_gettime(clock, &ts) == 0 else { return nil }
        return Int(ts.tv_sec) * 1_000_000_000 + Int(ts.tv_nsec)
    }

    /// utime + stime in clock ticks.
    func cpuTicks() -> Int? {
        guard let p = process, let text = try? String(contentsOfFile: "/proc/\(p.processIdentifier)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let u = Int(fields[11]), let s = Int(fields[12]) else { return nil }
        return u + s
    }

    static func sender(_ i: Int) -> String { "6281" + String(format: "%08d", i) }

    /// Writes N messages at the given rate (0 = as fast as possible) while a
    /// watcher records when each ack appears. Returns (closed, acked) times by index.
    func drive(messages: Int, rate: Double) async throws -> (closed: [Double], acked: [Int: Double]) {
        // In a burst only the last acknowledgement's time counts: the watcher
        // reads every 2 ms rather than waking for each file (which took CPU
        // from the daemon and put the end up to 2 ms late, against aduan).
        // Paced, each one's time counts: it reads as soon as there is one.
        let collector = try AckCollector(directory: outgoing)
        let outgoing = self.outgoing
        let seen = Task.detached { collector.collect(count: messages, timeout: 120, pause: rate > 0 ? 0 : 2000) }
        let collected = Task.detached { () -> [Int: Double] in
            // Only names and times while messages flow; the files are read
            // after the run (each message here gets exactly one acknowledgement).
            var acked: [Int: Double] = [:]
            for (name, t) in await seen.value {
                guard let data = FileManager.default.contents(atPath: outgoing + "/" + name),
                      let text = String(data: data, encoding: .utf8),
                      let to = text.split(separator: "\n").first(where: { $0.hasPrefix("To: 6281") }),
                      let index = Int(to.dropFirst(8)) else { continue }
                acked[index] = min(acked[index] ?? t, t)
            }
            return acked
        }
        var closed = [Double](repeating: 0, count: messages)
        let start = monotonic()
        for i in 0..<messages {
            if rate > 0 {
                let due = start + Double(i) / rate
                let wait = due - monotonic()
                if wait > 0 { usleep(useconds_t(wait * 1e6)) }
            }
            let bytes = SmstoolsIncomingWriter.file(from: Run.sender(i), text: "BANJAR jalan rusak di desa nomor \(i)",
                                                    sent: "26-11-22 14:00:00", received: "26-11-22 14:00:01")
            _ = try SmstoolsIncomingWriter.writeInPlace(bytes, directory: incoming)
            closed[i] = monotonic()
        }
        return (closed, await collected.value)
    }
}

/// The time each acknowledgement is renamed into the outgoing spool: inotify's
/// IN_MOVED_TO alone, on a descriptor of its own. The daemon's hidden files
/// closing are none of the measurement's business, and watching for them
/// woke this process once more per reply.
final class AckCollector: @unchecked Sendable {
    let fd: Int32

    init(directory: String) throws {
        fd = inotify_init1(Int32(IN_NONBLOCK) | Int32(IN_CLOEXEC))
        guard fd >= 0, inotify_add_watch(fd, directory, UInt32(IN_MOVED_TO)) >= 0 else {
            throw NSError(domain: "aduan-bench", code: 2, userInfo: [NSLocalizedDescriptionKey: "inotify on \(directory) failed"])
        }
    }

    deinit { close(fd) }

    /// Names (dotfiles left out) and when they were first seen, until `count`
    /// are seen or `timeout` seconds pass; `pause` µs after each wake-up.
    func collect(count: Int, timeout: Double, pause: useconds_t) -> [String: Double] {
        var seen: [String: Double] = [:]
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        let deadline = monotonic() + timeout
        while seen.count < count {
            let left = deadline - monotonic()
            guard left > 0 else { break }
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, Int32(min(left, 1) * 1000)) > 0 else { continue }
            // Each read's records carry the instant just after that read.
            var readAt: Double?
            InotifyRecords.drain(fd, into: &buffer, endOfRead: {
                readAt = nil
                return true
            }) { _, _, name in
                let t = readAt ?? monotonic()
                readAt = t
                guard let first = name.first, first != UInt8(ascii: ".") else { return }
                let text = String(decoding: name, as: UTF8.self)
                if seen[text] == nil { seen[text] = t }
            }
            if pause > 0 { usleep(pause) }
        }
        return seen
    }
}

let options = Options(CommandLine.arguments)
let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
let binary = options.binary ?? here.appendingPathComponent("aduan").path
let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let configTemplate = options.config ?? repo.appendingPathComponent("config/aduan.toml").path

print("aduan-bench: \(options.messages) messages, binary \(binary)")
print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory / 1_073_741_824) GiB")

// Burst
let burst = try Run(binary: binary, configTemplate: configTemplate)
try burst.start()
let burstTicksBefore = burst.cpuTicks() ?? 0
let b = try await burst.drive(messages: options.messages, rate: 0)
let burstTicks = (burst.cpuTicks() ?? 0) - burstTicksBefore
let firstClosed = b.closed.min() ?? 0
let lastAck = b.acked.values.max() ?? 0
let burstRSS = burst.status("VmHWM") ?? "?"
let burstRate = Double(b.acked.count) / max(1e-9, lastAck - firstClosed)
print(String(format: "burst:  %d/%d acknowledged, %.0f messages/s end to end (inbound file closed → ack renamed)",
             b.acked.count, options.messages, burstRate))
// The gateway's side: how fast the files were written, which bounds the rate above.
let lastClosed = b.closed.max() ?? 0
print(String(format: "        inbound files written in %.2f s (%.0f/s); last ack %.2f s after the last file",
             lastClosed - firstClosed, Double(options.messages) / max(1e-9, lastClosed - firstClosed), lastAck - lastClosed))
let cpuPerMessage = Double(burstTicks) / Double(sysconf(Int32(_SC_CLK_TCK))) * 1e6 / Double(max(1, b.acked.count))
print(String(format: "        daemon CPU %.0f µs per message (user + system)", cpuPerMessage))
print("        peak RSS \(burstRSS)")
burst.stop()
// The burst's files and database reach the disk now rather than during the
// paced phase, which measures latency under its own load only.
sync()
usleep(2_000_000)

// Paced
let paced = try Run(binary: binary, configTemplate: configTemplate)
try paced.start()
let p = try await paced.drive(messages: options.messages, rate: options.rate)
let latencies = p.acked.map { ($0.value - p.closed[$0.key]) * 1000 }.sorted()
print(String(format: "paced:  %d/%d acknowledged at %.0f/s offered: latency p50 %.2f ms, p99 %.2f ms, max %.2f ms",
             p.acked.count, options.messages, options.rate, percentile(latencies, 0.50), percentile(latencies, 0.99), latencies.last ?? .nan))
let pacedRSS = paced.status("VmHWM")
print("        peak RSS \(pacedRSS ?? "?")")
// The idle window starts once the daemon has nothing left of the run: its
// last marks and log lines are done within 2 s, and the worker threads the
// run needed retire within the next few (libdispatch lets one go after
// about 5 s without work). Their exits cost about a millisecond, reported
// on its own; the window after it shows whether anything ever wakes.
usleep(2_000_000)
let settle = 10.0
let settleStart = paced.cpuNanoseconds() ?? 0
usleep(useconds_t(settle * 1e6))
let before = paced.cpuTicks() ?? 0
let beforeNanoseconds = paced.cpuNanoseconds() ?? 0
usleep(useconds_t(options.idleSeconds * 1e6))
let after = paced.cpuTicks() ?? 0
let idleMilliseconds = Double((paced.cpuNanoseconds() ?? 0) - beforeNanoseconds) / 1e6
let settleMilliseconds = Double(beforeNanoseconds - settleStart) / 1e6
print(String(format: "idle:   %d CPU ticks (1/%d s), %.2f ms of CPU, over %.0f s with nothing arriving"
             + " (%.2f ms in the %.0f s before, as the run's threads retired)",
             after - before, Int(sysconf(Int32(_SC_CLK_TCK))), idleMilliseconds, options.idleSeconds,
             settleMilliseconds, settle))
paced.stop()
burst.remove()
paced.remove()

func kB(_ text: String?) -> String { text?.split(separator: " ").first.map(String.init) ?? "?" }
print("aduan_messages=\(b.acked.count)")
print(String(format: "aduan_seconds=%.3f", lastAck - firstClosed))
print(String(format: "aduan_messages_per_second=%.1f", burstRate))
print(String(format: "aduan_cpu_us_per_message=%.0f", cpuPerMessage))
print("aduan_peak_rss_kb=\(kB(burstRSS))")
print(String(format: "aduan_paced_rate=%.0f", options.rate))
print(String(format: "aduan_p50_ms=%.2f", percentile(latencies, 0.50)))
print(String(format: "aduan_p99_ms=%.2f", percentile(latencies, 0.99)))
print("aduan_paced_peak_rss_kb=\(kB(pacedRSS))")
print(String(format: "aduan_idle_seconds=%.0f", options.idleSeconds))
print("aduan_idle_cpu_ticks=\(after - before)")
print(String(format: "aduan_idle_cpu_ms=%.2f", idleMilliseconds))
print(String(format: "aduan_settle_cpu_ms=%.2f", settleMilliseconds))
if b.acked.count < options.messages || p.acked.count < options.messages {
    print("aduan-bench: not every message was acknowledged")
    exit(1)
}
