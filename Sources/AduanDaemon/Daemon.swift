import AduanConfig
import AduanCore
import AduanGateways
import AduanStore
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// `aduan serve`: watches the inbound spools, records what arrives, spools
/// the replies, reloads on SIGHUP and drains on SIGTERM.
///
/// Everything the daemon does happens in one loop over one event stream, so
/// no two messages are processed at once and nothing needs a lock. Nothing in
/// it polls: it wakes for inotify, signals, and the few one-shot timers it
/// sets itself (a file still settling, a spool retry, a held SMS coming due).
public final class Daemon: Service, @unchecked Sendable {
    enum Event: Sendable {
        case watch(WatchEvent)
        case reload
        case settle(path: String, source: String, snapshot: FileSnapshot?)
        case spool
        case partsDue
        case logChanged(String)
        case kicked
        case watchdog
        case rewatch
    }

    let configPath: String
    let clock: any Clock
    let logger: Logger
    let notifier: SystemdNotifier
    /// How long a file found at start-up must stay unchanged before it is read.
    let settleDelay: Duration

    var rules: DeskRules
    let store: Store
    var watcher: DirectoryWatcher?
    var processors: [String: InboundProcessor] = [:]
    var spooler: Spooler
    var spoolBackoff: Duration = .zero
    var spoolRetryScheduled = false
    var nextHoldTimer: Task<Void, Never>?
    var partsTimer: Task<Void, Never>?
    var logSources: [String: LogSource] = [:]
    var logWatchers: [LogWatcher] = []
    var kickWatcher: DirectoryWatcher?
    var continuation: AsyncStream<Event>.Continuation?

    public init(configPath: String, config: Config, store: Store, clock: any Clock, logger: Logger,
                notifier: SystemdNotifier = SystemdNotifier(), settleDelay: Duration = .seconds(1)) throws {
        self.configPath = configPath
        self.clock = clock
        self.logger = logger
        self.notifier = notifier
        self.settleDelay = settleDelay
        self.store = store
        rules = DeskRules(config)
        spooler = try Self.makeSpooler(config: config, store: store, clock: clock)
    }

    static func makeSpooler(config: Config, store: Store, clock: any Clock) throws -> Spooler {
        guard let spool = config.outbound.first else {
            throw DaemonError("no [[outbound]] spool configured")
        }
        return Spooler(store: store, spool: spool, clock: clock)
    }

    public func run() async throws {
        let (events, continuation) = AsyncStream<Event>.makeStream()
        self.continuation = continuation
        try startWatching()
        startKickWatch()
        let signals = Task {
            for await _ in await UnixSignalsSequence(trapping: .sighup) { continuation.yield(.reload) }
        }
        let watchdog = notifier.watchdogInterval.map { interval in
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    continuation.yield(.watchdog)
                }
            }
        }
        defer {
            signals.cancel()
            watchdog?.cancel()
            nextHoldTimer?.cancel()
            partsTimer?.cancel()
            watcher?.close()
            kickWatcher?.close()
            closeLogs()
        }
        // A fresh install (the shipped config) has no spool yet; a real
        // gateway's spool exists and is left as it is.
        for spool in rules.config.outbound where !FileManager.default.fileExists(atPath: spool.path) {
            try? FileManager.default.createDirectory(atPath: spool.path, withIntermediateDirectories: true)
        }
        scanAll()
        drainLogs()
        flushSpool()
        schedulePartsExpiry()
        notifier.ready(status: "watching \(rules.config.inbound.count) inbound spool(s)")
        logger.info("ready", metadata: ["config": "\(configPath)", "inbound": "\(rules.config.inbound.map(\.path).joined(separator: ","))",
                                        "outbound": "\(rules.config.outbound.map(\.path).joined(separator: ","))"])

        await withGracefulShutdownHandler {
            for await event in events {
                handle(event)
            }
        } onGracefulShutdown: {
            // Finishing the stream lets the loop complete the event in hand
            // (the drain) and then return.
            continuation.finish()
        }
        notifier.stopping()
        flushSpool()
        logger.info("stopped")
    }

    func handle(_ event: Event) {
        switch event {
        case .watch(.ready(let directory, let name)):
            guard let processor = processors[directory] else { return }
            handleResult(processor.process(path: directory + "/" + name), processor: processor, path: directory + "/" + name)
        case .watch(.overflow):
            logger.warning("inotify_overflow")
            scanAll()
        case .watch(.directoryGone(let directory)):
            logger.error("inbound_directory_gone", metadata: ["path": "\(directory)"])
            schedule(.rewatch, after: .seconds(5))
        case .rewatch:
            do {
                try startWatching()
                scanAll()
                drainLogs()
            } catch {
                logger.error("rewatch_failed", metadata: ["error": "\(error)"])
                schedule(.rewatch, after: .seconds(5))
            }
        case .settle(let path, let source, let previous):
            settle(path: path, source: source, previous: previous)
        case .reload:
            reload()
        case .spool:
            spoolRetryScheduled = false
            flushSpool()
        case .partsDue:
            joinExpiredParts()
        case .kicked:
            flushSpool()
        case .logChanged(let name):
            if let log = logSources[name] { handleOutcomes(log.drain(reception)) }
        case .watchdog:
            notifier.watchdog()
        }
    }

    func handleResult(_ result: InboundProcessor.Result, processor: InboundProcessor, path: String) {
        switch result {
        case .recorded(let outcomes):
            handleOutcomes(outcomes)
        case .failed:
            // The file stays where it is; look again once the database recovers.
            schedule(.settle(path: path, source: processor.source.name, snapshot: nil), after: .seconds(2))
        case .rejected, .skipped:
            break
        }
    }

    /// The CLI's commits (desk actions, reminders held for quiet hours) reach
    /// the spool at once, or at the end of their hold.
    func startKickWatch() {
        let directory = (store.path as NSString).deletingLastPathComponent
        let name = DaemonKick.name(forDatabase: store.path)
        guard let watcher = try? DirectoryWatcher(directories: [directory]) else {
            logger.warning("kick_watch_failed", metadata: ["path": "\(directory)"])
            return
        }
        kickWatcher = watcher
        let continuation = self.continuation
        Task {
            for await event in watcher.events {
                if case .ready(_, let file) = event, file == name { continuation?.yield(.kicked) }
            }
        }
    }

    func handleOutcomes(_ outcomes: [ReceptionOutcome]) {
        if outcomes.contains(where: { if case .recorded(_, _, _, true) = $0 { true } else { false } }) { flushSpool() }
        if outcomes.contains(where: { if case .held = $0 { true } else { false } }) { schedulePartsExpiry() }
    }

    /// Opens every jsonl source at its committed checkpoint and watches it.
    func startLogs() throws {
        closeLogs()
        let continuation = self.continuation
        for source in rules.config.inbound where source.kind == .jsonl {
            let log = try LogSource(source: source, store: store, logger: logger)
            let watcher = try LogWatcher(path: source.path)
            logSources[source.name] = log
            logWatchers.append(watcher)
            let name = source.name
            Task {
                for await _ in watcher.changes { continuation?.yield(.logChanged(name)) }
            }
        }
    }

    func drainLogs() {
        for log in logSources.values.sorted(by: { $0.source.name < $1.source.name }) {
            handleOutcomes(log.drain(reception))
        }
    }

    func closeLogs() {
        for watcher in logWatchers { watcher.close() }
        for log in logSources.values { log.close() }
        logWatchers = []
        logSources = [:]
    }

    /// Sets up inotify on every inbound directory. The scan that follows
    /// catches whatever arrived before the watch existed.
    func startWatching() throws {
        watcher?.close()
        var processors: [String: InboundProcessor] = [:]
        let reception = Reception(store: store, rules: rules, clock: clock)
        for source in rules.config.inbound {
            guard source.kind != .jsonl else { continue }
            try FileManager.default.createDirectory(atPath: source.path, withIntermediateDirectories: true)
            processors[source.path] = InboundProcessor(source: source, reception: reception, logger: logger)
        }
        let watcher = try DirectoryWatcher(directories: Array(processors.keys))
        self.watcher = watcher
        self.processors = processors
        try startLogs()
        let continuation = self.continuation
        Task {
            for await event in watcher.events { continuation?.yield(.watch(event)) }
        }
    }

    /// Files present at start-up (or after an overflow) may still be being
    /// written by a gateway that started before us: read only those that have
    /// not changed for a moment.
    func scanAll() {
        for (directory, processor) in processors.sorted(by: { $0.key < $1.key }) {
            for name in InboundFile.listDirectory(directory) {
                settle(path: directory + "/" + name, source: processor.source.name, previous: nil)
            }
        }
    }

    func settle(path: String, source: String, previous: FileSnapshot?) {
        let directory = (path as NSString).deletingLastPathComponent
        guard let processor = processors[directory] else { return }
        guard let now = InboundFile.snapshot(path) else { return }
        let age = clock.now().timeIntervalSince(Date(timeIntervalSince1970: TimeInterval(now.mtimeNanoseconds) / 1e9))
        let settled = (previous == nil && age >= settleSeconds) || (previous == now)
        if settled || !now.isRegular {
            handleResult(processor.process(path: path), processor: processor, path: path)
        } else {
            schedule(.settle(path: path, source: source, snapshot: now), after: settleDelay)
        }
    }

    var settleSeconds: Double {
        let c = settleDelay.components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }

    func reload() {
        notifier.reloading()
        do {
            let config = try ConfigLoader.load(path: configPath)
            if config.service.database != rules.config.service.database {
                logger.warning("reload_database_unchanged", metadata: ["reason": "the database path changes only on restart"])
            }
            let spooler = try Self.makeSpooler(config: config, store: store, clock: clock)
            let previous = rules
            rules = DeskRules(config)
            do {
                try startWatching()
            } catch {
                rules = previous
                try? startWatching()
                throw error
            }
            self.spooler = spooler
            scanAll()
            drainLogs()
            logger.info("reloaded", metadata: ["routes": "\(config.routes.count)"])
        } catch {
            logger.error("reload_failed", metadata: ["config": "\(configPath)", "error": "\(error)", "kept": "previous configuration"])
        }
        notifier.ready(status: "configuration reloaded")
    }

    /// Spools what is due; on failure (a full disk, a missing directory)
    /// retries with back-off up to a minute, and nothing is lost meanwhile:
    /// the rows stay pending in the database.
    func flushSpool() {
        do {
            let files = try spooler.flush()
            if !files.isEmpty { logger.debug("spooled", metadata: ["files": "\(files.count)"]) }
            spoolBackoff = .zero
            scheduleNextHold()
        } catch {
            spoolBackoff = min(max(spoolBackoff * 2, .milliseconds(500)), .seconds(60))
            logger.error("spool_failed", metadata: ["error": "\(error)", "retry_in": "\(spoolBackoff)"])
            if !spoolRetryScheduled {
                spoolRetryScheduled = true
                schedule(.spool, after: spoolBackoff)
            }
        }
    }

    /// Held SMS (quiet hours) go out when their hold ends: one timer for the
    /// earliest, not a polling loop.
    func scheduleNextHold() {
        nextHoldTimer?.cancel()
        guard let end = try? spooler.nextHoldEnd() else { return }
        let wait = max(0, end.timeIntervalSince(clock.now()))
        let continuation = self.continuation
        nextHoldTimer = Task {
            try? await Task.sleep(for: .milliseconds(Int(wait * 1000) + 10))
            if !Task.isCancelled { continuation?.yield(.spool) }
        }
    }

    /// Parts of a concatenated SMS wait for the others until the group's
    /// timeout; one timer for the earliest group, set again after each change.
    func schedulePartsExpiry() {
        partsTimer?.cancel()
        guard let due = try? reception.nextPartExpiry() else { return }
        let wait = max(0, due.timeIntervalSince(clock.now()))
        let continuation = self.continuation
        partsTimer = Task {
            try? await Task.sleep(for: .milliseconds(Int(wait * 1000) + 10))
            if !Task.isCancelled { continuation?.yield(.partsDue) }
        }
    }

    func joinExpiredParts() {
        do {
            for outcome in try reception.joinExpiredParts() {
                InboundProcessor.log(outcome, logger: logger, metadata: ["reason": "multipart_timeout"])
            }
            flushSpool()
        } catch {
            logger.error("multipart_join_failed", metadata: ["error": "\(error)"])
        }
        schedulePartsExpiry()
    }

    var reception: Reception { Reception(store: store, rules: rules, clock: clock) }

    func schedule(_ event: Event, after delay: Duration) {
        let continuation = self.continuation
        Task {
            try? await Task.sleep(for: delay)
            continuation?.yield(event)
        }
    }
}

public struct DaemonError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
