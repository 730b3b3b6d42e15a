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
/// sets itself (a file still settling, a retry, a held SMS coming due).
///
/// Faults at the file and database seams are retried with back-off (from
/// half a second, doubling, up to a minute, back to the start after a
/// success), each failure logged once with what failed and when the next try
/// is: a spool write (`spool_failed`; the rows stay pending), the database
/// (`ingest_failed`; the file stays in the spool, one probe per back-off
/// while the others wait), an archive or rejected directory
/// (`archive_failed`, `reject_move_failed`; the file stays and is moved by a
/// later look), an inbound directory gone (`inbound_directory_gone`,
/// `rewatch_failed`; watched again once it is back, and scanned).
public final class Daemon: Service, @unchecked Sendable {
    enum Event: Sendable {
        /// What one read of the inbound watcher brought.
        case watch([WatchEvent])
        case reload
        case settle(path: String, source: String, snapshot: FileSnapshot?)
        /// Take the files queued so far as one batch.
        case drain
        /// A batch read and parsed on the read queue, per inbound directory,
        /// for the loop to record.
        case prepared([Prepared])
        case spool
        /// A flush on the spool queue ended.
        case spooled(Result<[String], any Error>, took: Duration)
        case partsDue
        case logChanged(String)
        case kicked
        case watchdog
        case retrySpool(Int)
        case retryDatabase(Int)
        case retryFile(path: String, timer: Int)
        case retryParts(Int)
        case retryLog(name: String, timer: Int)
        case rewatch(directory: String, timer: Int)
        /// Recorded files moved out of the spool on the archive thread, each
        /// with the error when it is still there.
        case archived([(path: String, source: String, error: SpoolError?)])
    }

    let configPath: String
    let clock: any Clock
    let logger: Logger
    let notifier: SystemdNotifier
    /// How long a file found at start-up must stay unchanged before it is read.
    let settleDelay: Duration
    /// Every file-system change to the spools goes through here.
    let files: any SpoolFiles
    let retry: RetryPolicy

    var rules: DeskRules
    let store: Store
    /// Makes the recorded batches durable off the recording thread.
    let logSync: LogSync
    /// Checkpoints the database's log off the recording thread; nil when
    /// its connection could not be opened (the writer then checkpoints).
    var checkpointer: DatabaseCheckpointer?
    var watcher: DirectoryWatcher?
    var processors: [String: InboundProcessor] = [:]
    var spooler: Spooler
    var spoolRetry: Backoff
    /// The spooler runs on a queue of its own, so the disk's waits (each
    /// reply's data, the directory, the commit marking them) overlap the
    /// recording of the next batch. One flush at a time: a request during one
    /// makes another run after it.
    let spoolQueue = DispatchQueue(label: "aduan.spool")
    var spoolInFlight = false
    var spoolAgain = false
    /// Recorded files are archived on a thread of their own, at a lower
    /// priority: the loop records the next batch meanwhile.
    let archiveThread = LowPriorityThread(name: "aduan-archive", nice: 10)
    /// Batches are read and parsed on a queue of their own, one at a time:
    /// the next is read while the loop records the one before.
    let readQueue = DispatchQueue(label: "aduan.read")
    var reading = false
    /// Files taken by a batch, from the drain until they are done with (a
    /// recorded file: until its move ends). A file's events meanwhile wait
    /// for that (it may be a new file of the same name, or one an empty
    /// first look skipped), so no file is read twice at once.
    var inFlight: Set<String> = []
    var arrivedInFlight: Set<String> = []
    /// While the database is unavailable, files wait here (in arrival order)
    /// instead of each waiting out the busy timeout; one probe per back-off.
    var databaseRetry: Backoff
    var waitingForDatabase: [String] = []
    var waitingSet: Set<String> = []
    /// Files ready to be read, in arrival order, until the next `.drain`
    /// takes them as a batch. Events that arrive while a batch is being
    /// processed queue up behind the `.drain` that follows it, so at idle a
    /// batch is one file (sent at once) and under load batches grow by
    /// themselves: group commit without a timer.
    var pending: [String] = []
    var pendingSet: Set<String> = []
    var drainQueued = false
    /// Files per batch: bounds the time one transaction holds the writer
    /// and keeps its pages in SQLite's cache (a bigger batch spilled them to
    /// the WAL mid-transaction and saved nothing: the fixed cost per batch,
    /// the commit's fsync and the spool's two waits, is already a few µs per
    /// file at this size).
    let maxBatch = 256
    /// Set when a batch recorded something that has a reply to spool.
    var spoolDue = false
    /// Files left in a spool by a failure of their own (not moved, or refused).
    var fileRetries: [String: Backoff] = [:]
    /// Inbound directories that went away, until they are watched again.
    var rewatchRetries: [String: Backoff] = [:]
    /// Joining expired parts failed (the database); the retry replaces the parts timer.
    var partsRetry: Backoff
    /// Per jsonl source: a batch that could not be read or recorded is tried
    /// again even if the log stays quiet.
    var logRetries: [String: Backoff] = [:]
    var nextHoldTimer: Task<Void, Never>?
    var partsTimer: Task<Void, Never>?
    var logSources: [String: LogSource] = [:]
    var logWatchers: [LogWatcher] = []
    var kickWatcher: DirectoryWatcher?
    var continuation: AsyncStream<Event>.Continuation?

    /// - Parameters:
    ///   - files: the spools' file system (tests inject faults here).
    ///   - retry: the back-off after a fault.
    public init(configPath: String, config: Config, store: Store, clock: any Clock, logger: Logger,
                notifier: SystemdNotifier = SystemdNotifier(), settleDelay: Duration = .seconds(1),
                files: any SpoolFiles = RealSpoolFiles(), retry: RetryPolicy = .standard) throws {
        self.configPath = configPath
        self.clock = clock
        self.logger = logger
        self.notifier = notifier
        self.settleDelay = settleDelay
        self.files = files
        self.retry = retry
        self.store = store
        let logSync = LogSync(store: store)
        self.logSync = logSync
        rules = DeskRules(config)
        spoolRetry = Backoff(retry)
        databaseRetry = Backoff(retry)
        partsRetry = Backoff(retry)
        spooler = try Self.makeSpooler(config: config, store: store, clock: clock, files: files, logSync: logSync)
    }

    static func makeSpooler(config: Config, store: Store, clock: any Clock, files: any SpoolFiles,
                            logSync: LogSync) throws -> Spooler {
        guard let spool = config.outbound.first else {
            throw DaemonError("no [[outbound]] spool configured")
        }
        return Spooler(store: store, spool: spool, clock: clock, files: files, durableRows: logSync.durableOutboxRows(known:))
    }

    public func run() async throws {
        let (events, continuation) = AsyncStream<Event>.makeStream()
        self.continuation = continuation
        try startWatching()
        startKickWatch()
        // Trapped here, before `ready`, not inside the task: a SIGHUP that
        // came before the task had run took SIGHUP's default action, and a
        // reload right after the start stopped the daemon.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let signals = Task {
            for await _ in hangups { continuation.yield(.reload) }
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
        startCheckpoints()
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
        // A batch still being read is not recorded now: its files stay in
        // the spool for the next start. Moves in flight end; a file they
        // leave is recognised as recorded at the next start.
        readQueue.sync {}
        archiveThread.finish()
        // The flush in flight ends (its report has nowhere to go now), then
        // one last flush here, for what the drain committed.
        spoolQueue.sync {}
        spoolInFlight = false
        spoolAgain = false
        let started = ContinuousClock.now
        let result = Result { try spooler.flush() }
        finishSpool(result, took: ContinuousClock.now - started)
        checkpointer?.wait()
        try? store.setAutomaticCheckpoints(true)
        logger.info("stopped")
    }

    func handle(_ event: Event) {
        switch event {
        case .watch(let events):
            for event in events { watched(event) }
            // The watcher reads on only now: what came while this loop was
            // busy arrives as one batch, not one hop per file.
            watcher?.resume()
        case .drain:
            drainPending()
        case .prepared(let groups):
            prepared(groups)
        case .rewatch(let directory, let timer):
            guard rewatchRetries[directory]?.fire(timer) == true else { return }
            rewatch(directory)
        case .settle(let path, let source, let previous):
            settle(path: path, source: source, previous: previous)
        case .reload:
            reload()
        case .spool:
            flushSpool()
        case .spooled(let result, let took):
            spoolInFlight = false
            finishSpool(result, took: took)
            if spoolAgain {
                spoolAgain = false
                flushSpool()
            }
        case .retrySpool(let timer):
            if spoolRetry.fire(timer) { flushSpool() }
        case .retryDatabase(let timer):
            if databaseRetry.fire(timer) { retryWaitingFiles() }
        case .retryFile(let path, let timer):
            guard fileRetries[path]?.fire(timer) == true else { return }
            if processors[(path as NSString).deletingLastPathComponent] != nil {
                enqueue(path)
            } else {
                fileRetries[path] = nil
            }
        case .partsDue:
            joinExpiredParts()
        case .retryParts(let timer):
            if partsRetry.fire(timer) { joinExpiredParts() }
        case .kicked:
            flushSpool()
        case .logChanged(let name):
            drainLog(name)
        case .retryLog(let name, let timer):
            if logRetries[name]?.fire(timer) == true { drainLog(name) }
        case .watchdog:
            notifier.watchdog()
        case .archived(let results):
            archived(results)
        }
    }

    func watched(_ event: WatchEvent) {
        switch event {
        case .ready(let directory, let name):
            guard processors[directory] != nil else { return }
            enqueue(directory + "/" + name)
        case .overflow:
            logger.warning("inotify_overflow")
            // A lost event may have been a directory going away: watch each
            // again (a no-op for one still watched) before the rescan.
            for directory in processors.keys.sorted() where rewatchRetries[directory] == nil {
                do throws(SpoolError) {
                    try watcher?.add(directory)
                } catch {
                    directoryUnwatched(directory, event: "inbound_directory_gone", error: error)
                }
            }
            scanAll()
        case .directoryGone(let directory):
            directoryUnwatched(directory, event: "inbound_directory_gone", error: nil)
        }
    }

    /// Queues a file for the next batch.
    func enqueue(_ path: String) {
        guard !inFlight.contains(path) else {
            if arrivedInFlight.insert(path).inserted {
                logger.debug("event_waits_in_flight", metadata: ["file": "\(DurableFile.lastComponent(of: path))"])
            }
            return
        }
        guard pendingSet.insert(path).inserted else { return }
        pending.append(path)
        queueDrain()
    }

    func queueDrain() {
        guard !drainQueued else { return }
        drainQueued = true
        continuation?.yield(.drain)
    }

    /// Takes what is queued (up to ``maxBatch``) as one batch to the read
    /// queue; the rest go in the next, after whatever events have come in
    /// meanwhile. While a batch is being read, the next waits for it.
    func drainPending() {
        drainQueued = false
        guard !reading else { return }
        let batch = Array(pending.prefix(maxBatch))
        pending.removeFirst(batch.count)
        pendingSet.subtract(batch)
        if !pending.isEmpty { queueDrain() }
        read(batch)
    }

    /// One inbound directory's share of a batch, read and parsed.
    typealias Prepared = (processor: InboundProcessor, batch: InboundProcessor.PreparedBatch)

    /// Reads and parses a batch on the read queue (it comes back as
    /// `.prepared`); unless the database is known to be unavailable: then
    /// the files wait with the others for the next probe.
    func read(_ paths: [String]) {
        guard !waitsForDatabase(paths) else { return }
        let groups = groups(of: paths)
        guard !groups.isEmpty else { return }
        inFlight.formUnion(groups.flatMap(\.paths))
        reading = true
        let continuation = self.continuation
        readQueue.async {
            continuation?.yield(.prepared(groups.map { ($0.processor, $0.processor.prepare(paths: $0.paths)) }))
        }
    }

    /// A batch read: the next one is taken to the read queue before this one
    /// is recorded, so the two overlap.
    func prepared(_ groups: [Prepared]) {
        reading = false
        if !pending.isEmpty { drainPending() }
        record(groups)
    }

    /// Reads and records files here and now: the database probe. A file
    /// already taken by a batch is left to it.
    func ingestNow(_ paths: [String]) {
        let paths = paths.filter { !inFlight.contains($0) }
        guard !paths.isEmpty, !waitsForDatabase(paths) else { return }
        let groups = groups(of: paths)
        inFlight.formUnion(groups.flatMap(\.paths))
        record(groups.map { ($0.processor, $0.processor.prepare(paths: $0.paths)) })
    }

    /// The paths by inbound directory, each with its processor, in order;
    /// a path of no directory watched now (a reload dropped it) is left.
    func groups(of paths: [String]) -> [(processor: InboundProcessor, paths: [String])] {
        var groups: [(processor: InboundProcessor, paths: [String])] = []
        var groupIndex: [String: Int] = [:]
        for path in paths {
            let directory = DurableFile.directoryPart(of: path)
            guard let processor = processors[directory] else { continue }
            if let index = groupIndex[directory] {
                groups[index].paths.append(path)
            } else {
                groupIndex[directory] = groups.count
                groups.append((processor, [path]))
            }
        }
        return groups
    }

    /// While the database is unavailable, files wait for the next probe
    /// instead of each waiting out the busy timeout.
    func waitsForDatabase(_ paths: [String]) -> Bool {
        guard let wait = databaseRetry.remaining() else { return false }
        for path in paths where waitingSet.insert(path).inserted { waitingForDatabase.append(path) }
        logger.warning("ingest_waiting", metadata: [
            "files": "\(paths.count)", "reason": "database unavailable", "retry_in": "\(wait.logText)",
            "waiting": "\(waitingForDatabase.count)",
        ])
        return true
    }

    /// Records each directory's files in one transaction, then spools every
    /// reply of the batch at once and archives the recorded files on the
    /// archive thread. A batch read before the database became unavailable
    /// waits for the probe with the others.
    func record(_ groups: [Prepared]) {
        let started = ContinuousClock.now
        var toArchive: [Archival] = []
        var files = 0
        for (processor, batch) in groups {
            var recorded: [(path: String, unlogged: [InboundProcessor.Recorded])] = []
            let paths = batch.paths
            files += paths.count
            let waiting: Set<String> = databaseRetry.remaining() == nil ? [] : Set(batch.parsedPaths)
            if !waiting.isEmpty { _ = waitsForDatabase(batch.parsedPaths) }
            let attempts = processor.record(waiting.isEmpty ? batch : batch.withoutParsed)
            for (path, attempt) in zip(paths, attempts) {
                if waiting.contains(path) {
                    done(path)
                    continue
                }
                handle(attempt, processor: processor, path: path)
                if attempt.archivePending {
                    recorded.append((path, attempt.unlogged))
                } else {
                    done(path)
                }
            }
            if !recorded.isEmpty { toArchive.append((processor, recorded)) }
        }
        flushSpoolIfDue()
        archive(toArchive, after: logSync.didCommit())
        checkpointer?.committed()
        logger.debug("batch", metadata: ["files": "\(files)", "record": "\((ContinuousClock.now - started).logText)"])
    }

    /// A file of a batch is done with: an event that came for it meanwhile
    /// queues it again.
    func done(_ path: String) {
        inFlight.remove(path)
        if arrivedInFlight.remove(path) != nil { enqueue(path) }
    }

    func handle(_ attempt: InboundProcessor.Attempt, processor: InboundProcessor, path: String) {
        let source = processor.source.name
        let name = DurableFile.lastComponent(of: path)
        if case .failed(let error) = attempt.result, attempt.databaseUnavailable {
            // The file stays in the spool; the database is probed again after
            // the back-off, and every file waiting for it follows.
            if waitingSet.insert(path).inserted { waitingForDatabase.append(path) }
            let (wait, timer) = databaseRetry.failure()
            // A batch fails as a whole: one line for it, from its first file.
            guard let timer else { return }
            schedule(.retryDatabase(timer), after: wait)
            logger.error("ingest_failed", metadata: [
                "source": "\(source)", "file": "\(name)", "error": "\(error)", "retry_in": "\(wait.logText)",
                "waiting": "\(waitingForDatabase.count)",
            ])
            return
        }
        if case .recorded(let outcomes) = attempt.result {
            if databaseRetry.failures > 0 {
                logger.info("database_resumed", metadata: ["failures": "\(databaseRetry.failures)",
                                                           "waiting": "\(waitingForDatabase.count)"])
                databaseRetry.reset()
            }
            handleOutcomes(outcomes)
            // Settled when the archive thread reports the move.
            if attempt.archivePending { return }
        }
        let failure: (event: String, error: String)? = switch attempt.result {
        case .failed(let error): ("ingest_failed", error)
        case .recorded: attempt.notMoved.map { ("archive_failed", "\($0)") }
        case .rejected: attempt.notMoved.map { ("reject_move_failed", "\($0)") }
        case .skipped: nil
        }
        settled(path: path, source: source, name: name, failure: failure)
    }

    /// Recorded files of one inbound directory left in its spool for
    /// ``archive(_:after:)``, each with its messages' log lines still to
    /// write. The processor once for them all: copying it per file showed
    /// in the profile.
    typealias Archival = (processor: InboundProcessor, files: [(path: String, unlogged: [InboundProcessor.Recorded])])

    /// Moves recorded files out of their spool on the archive thread, each
    /// after its messages' log lines (written there too: formatting them was
    /// a tenth of the recording thread's work); the outcome comes back as
    /// `.archived`.
    func archive(_ groups: [Archival], after commit: UInt64) {
        guard !groups.isEmpty else { return }
        let continuation = self.continuation
        let logSync = self.logSync
        archiveThread.async {
            // Their messages on disk first: a file gone from the spool is
            // a message that outlives a power cut.
            do {
                try logSync.sync(through: commit)
            } catch {
                let sync = error as? Store.SyncError
                let failure = SpoolError(operation: "sync", path: sync?.path ?? logSync.store.path,
                                         errno: sync?.errno ?? EIO)
                continuation?.yield(.archived(groups.flatMap { group in
                    group.files.map { (path: $0.path, source: group.processor.source.name, error: failure) }
                }))
                return
            }
            let results = groups.flatMap { group in
                group.files.map { file in
                    group.processor.logRecorded(file.unlogged, file: DurableFile.lastComponent(of: file.path))
                    return (path: file.path, source: group.processor.source.name, error: group.processor.finish(file.path))
                }
            }
            continuation?.yield(.archived(results))
        }
    }

    func archived(_ results: [(path: String, source: String, error: SpoolError?)]) {
        for result in results {
            settled(path: result.path, source: result.source, name: DurableFile.lastComponent(of: result.path),
                    failure: result.error.map { ("archive_failed", "\($0)") })
            done(result.path)
        }
    }

    /// A file done with, or to be looked at again after a back-off.
    func settled(path: String, source: String, name: String, failure: (event: String, error: String)?) {
        if let failure {
            // Recorded (or refused) but still in the spool, or refused by the
            // database for its own content: look at it again after a back-off.
            var backoff = fileRetries[path] ?? Backoff(retry)
            let (wait, timer) = backoff.failure()
            fileRetries[path] = backoff
            if let timer { schedule(.retryFile(path: path, timer: timer), after: wait) }
            logger.error("\(failure.event)", metadata: [
                "source": "\(source)", "file": "\(name)", "error": "\(failure.error)", "retry_in": "\(wait.logText)",
            ])
        } else if let backoff = fileRetries.removeValue(forKey: path) {
            logger.info("retry_succeeded", metadata: ["source": "\(source)", "file": "\(name)", "failures": "\(backoff.failures)"])
        }
    }

    /// The database probe: the first waiting file alone; once it is
    /// recorded, the rest are queued again in order and go in batches.
    func retryWaitingFiles() {
        guard !waitingForDatabase.isEmpty else { return }
        let probe = waitingForDatabase.removeFirst()
        waitingSet.remove(probe)
        ingestNow([probe])
        guard !databaseRetry.isScheduled else { return }
        let rest = waitingForDatabase
        waitingForDatabase = []
        waitingSet = []
        for path in rest { enqueue(path) }
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

    /// Notes what the outcomes need; the caller spools once for its batch
    /// (``flushSpoolIfDue()``).
    func handleOutcomes(_ outcomes: [ReceptionOutcome]) {
        if outcomes.contains(where: { if case .recorded(_, _, _, true) = $0 { true } else { false } }) { spoolDue = true }
        if outcomes.contains(where: { if case .held = $0 { true } else { false } }) { schedulePartsExpiry() }
    }

    func flushSpoolIfDue() {
        guard spoolDue else { return }
        spoolDue = false
        flushSpool()
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
        for name in logSources.keys.sorted() { drainLog(name) }
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
            var processor = InboundProcessor(source: source, reception: reception, logger: logger, files: files)
            processor.defersArchive = true
            processor.commitsRelaxed = true
            processors[source.path] = processor
        }
        let continuation = self.continuation
        let watcher = try DirectoryWatcher(directories: Array(processors.keys)) { continuation?.yield(.watch($0)) }
        self.watcher = watcher
        self.processors = processors
        // Every directory is watched afresh; timers for gone ones are moot.
        rewatchRetries = [:]
        try startLogs()
    }

    /// Files present at start-up (or after an overflow) may still be being
    /// written by a gateway that started before us: read only those that have
    /// not changed for a moment.
    func scanAll() {
        for directory in processors.keys.sorted() { scan(directory) }
    }

    func scan(_ directory: String) {
        guard let processor = processors[directory] else { return }
        for name in InboundFile.listDirectory(directory) {
            settle(path: directory + "/" + name, source: processor.source.name, previous: nil)
        }
    }

    /// An inbound directory is no longer watched (deleted, moved away, or
    /// not there to watch again): try again after the back-off.
    func directoryUnwatched(_ directory: String, event: String, error: SpoolError?) {
        guard processors[directory] != nil else { return }
        var backoff = rewatchRetries[directory] ?? Backoff(retry)
        let (wait, timer) = backoff.failure()
        rewatchRetries[directory] = backoff
        if let timer { schedule(.rewatch(directory: directory, timer: timer), after: wait) }
        var metadata: Logger.Metadata = ["path": "\(directory)", "retry_in": "\(wait.logText)"]
        if let error { metadata["error"] = "\(error)" }
        logger.error("\(event)", metadata: metadata)
    }

    /// Watches a directory that went away again, creating it if nobody has
    /// yet, and reads what was written into it meanwhile.
    func rewatch(_ directory: String) {
        guard let watcher, processors[directory] != nil else { return }
        do throws(SpoolError) {
            try Self.makeDirectory(directory)
            try watcher.add(directory)
        } catch {
            directoryUnwatched(directory, event: "rewatch_failed", error: error)
            return
        }
        let failures = rewatchRetries.removeValue(forKey: directory)?.failures ?? 0
        logger.info("inbound_directory_watched", metadata: ["path": "\(directory)", "failures": "\(failures)"])
        scan(directory)
    }

    /// mkdir -p, with the error an operator can act on.
    static func makeDirectory(_ path: String) throws(SpoolError) {
        if mkdir(path, 0o777) == 0 || errno == EEXIST { return }
        guard errno == ENOENT else { throw SpoolError(operation: "create directory", path: path, errno: errno) }
        let parent = (path as NSString).deletingLastPathComponent
        guard !parent.isEmpty, parent != path else { throw SpoolError(operation: "create directory", path: path, errno: ENOENT) }
        try makeDirectory(parent)
        if mkdir(path, 0o777) != 0 && errno != EEXIST {
            throw SpoolError(operation: "create directory", path: path, errno: errno)
        }
    }

    func settle(path: String, source: String, previous: FileSnapshot?) {
        let directory = (path as NSString).deletingLastPathComponent
        guard processors[directory] != nil else { return }
        guard let now = InboundFile.snapshot(path) else { return }
        let age = clock.now().timeIntervalSince(Date(timeIntervalSince1970: TimeInterval(now.mtimeNanoseconds) / 1e9))
        let settled = (previous == nil && age >= settleSeconds) || (previous == now)
        if settled || !now.isRegular {
            enqueue(path)
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
            let spooler = try Self.makeSpooler(config: config, store: store, clock: clock, files: files, logSync: logSync)
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

    /// The log is checkpointed on a queue of its own after commits, rather
    /// than by the writer inside one commit in a few; the writer only
    /// finishes the job in a long burst (``DatabaseCheckpointer``).
    func startCheckpoints() {
        let logger = self.logger
        do {
            let checkpointer = try DatabaseCheckpointer(store: store) { error in
                logger.warning("checkpoint_failed", metadata: ["error": "\(error)"])
            }
            try store.setAutomaticCheckpoints(pages: DatabaseCheckpointer.writerCheckpointPages)
            self.checkpointer = checkpointer
        } catch {
            logger.warning("checkpointer_unavailable", metadata: ["error": "\(error)", "kept": "the writer checkpoints"])
        }
    }

    /// Spools what is due, on the spool queue; ``finishSpool(_:)`` takes the
    /// outcome back on the loop.
    func flushSpool() {
        guard !spoolInFlight else {
            spoolAgain = true
            return
        }
        spoolInFlight = true
        let spooler = self.spooler
        let continuation = self.continuation
        spoolQueue.async {
            let started = ContinuousClock.now
            let result = Result { try spooler.flush() }
            continuation?.yield(.spooled(result, took: ContinuousClock.now - started))
        }
    }

    /// On failure (a full disk, EIO, a missing directory, a locked database)
    /// retries with back-off up to a minute, and nothing is lost meanwhile:
    /// the rows stay pending in the database.
    func finishSpool(_ result: Result<[String], any Error>, took: Duration) {
        switch result {
        case .success(let files):
            if !files.isEmpty { logger.debug("spooled", metadata: ["files": "\(files.count)", "took": "\(took.logText)"]) }
            if spoolRetry.failures > 0 {
                logger.info("spool_resumed", metadata: ["failures": "\(spoolRetry.failures)", "files": "\(files.count)"])
            }
            spoolRetry.reset()
            scheduleNextHold()
        case .failure(let error):
            let (wait, timer) = spoolRetry.failure()
            if let timer { schedule(.retrySpool(timer), after: wait) }
            logger.error("spool_failed", metadata: ["error": "\(error)", "retry_in": "\(wait.logText)"])
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
        // After a failed join, its retry is the timer until a join succeeds.
        guard !partsRetry.isScheduled else { return }
        partsTimer?.cancel()
        guard let due = try? reception.nextPartExpiry() else { return }
        let wait = max(0, due.timeIntervalSince(clock.now()))
        let continuation = self.continuation
        partsTimer = Task {
            try? await Task.sleep(for: .milliseconds(Int(wait * 1000) + 10))
            if !Task.isCancelled { continuation?.yield(.partsDue) }
        }
    }

    /// Joins the groups past their timeout. A failure (the database) is
    /// retried with back-off; the group is still due, so setting the timer
    /// for it again would only try again at once.
    func joinExpiredParts() {
        do {
            for outcome in try reception.joinExpiredParts() {
                InboundProcessor.log(outcome, logger: logger, metadata: ["reason": "multipart_timeout"])
            }
        } catch {
            let (wait, timer) = partsRetry.failure()
            if let timer {
                partsTimer?.cancel()
                schedule(.retryParts(timer), after: wait)
            }
            logger.error("multipart_join_failed", metadata: ["error": "\(error)", "retry_in": "\(wait.logText)"])
            return
        }
        partsRetry.reset()
        flushSpool()
        schedulePartsExpiry()
    }

    func drainLog(_ name: String) {
        guard let log = logSources[name] else { return }
        handleOutcomes(log.drain(reception))
        flushSpoolIfDue()
        if log.failed {
            var backoff = logRetries[name] ?? Backoff(retry)
            let (wait, timer) = backoff.failure()
            logRetries[name] = backoff
            if let timer { schedule(.retryLog(name: name, timer: timer), after: wait) }
            logger.warning("log_retry", metadata: ["source": "\(name)", "retry_in": "\(wait.logText)"])
        } else if logRetries.removeValue(forKey: name) != nil {
            logger.info("log_resumed", metadata: ["source": "\(name)"])
        }
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
