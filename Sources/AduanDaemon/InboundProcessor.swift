import AduanConfig
import AduanCore
import AduanGateways
import AduanStore
import Foundation
import GRDB
import Logging

/// Takes one file from an inbound spool through parsing and reception, then
/// archives, deletes or rejects it. The database commit always comes before
/// the file is moved, so a crash in between leaves a file whose message is
/// already recorded, and the next look at it just archives it.
public struct InboundProcessor: Sendable {
    public let source: InboundSource
    public let reception: Reception
    public let logger: Logger
    /// Whether files are archived, deleted or set aside after processing.
    /// `aduan ingest` of a file outside the spool (a replay from the archive)
    /// leaves it where it is.
    public let movesFiles: Bool
    /// Recorded files are left for the caller to archive or delete with
    /// ``finish(_:)``: the daemon does that on another thread, so the one
    /// that records goes on to the next batch.
    public var defersArchive = false
    /// Batches are committed without waiting for the disk; the caller makes
    /// them durable (``Store/syncLog()``) before it archives their files or
    /// spools their replies. The daemon does that off the recording thread.
    public var commitsRelaxed = false
    /// Archiving, deleting and setting aside go through here.
    public let files: any SpoolFiles
    /// Larger than any real message (255 parts of UCS-2 is about 35 KB); a
    /// bigger file is not an SMS.
    public static let maxBytes = 256 * 1024

    public init(source: InboundSource, reception: Reception, logger: Logger, movesFiles: Bool = true,
                files: any SpoolFiles = RealSpoolFiles()) {
        self.source = source
        self.reception = reception
        self.logger = logger
        self.movesFiles = movesFiles
        self.files = files
    }

    /// A message recorded, with what its log line needs.
    public typealias Recorded = (outcome: ReceptionOutcome, sender: Sender)

    public enum Result: Sendable, Equatable {
        /// What became of each message in the file (a gammu `detail` file may hold several parts).
        case recorded([ReceptionOutcome])
        case rejected(String)
        /// Gone before it could be read (another process took it), or not ours to read.
        case skipped
        /// The database could not take it; the file stays for the next try.
        case failed(String)
    }

    /// One look at a file, with what a caller that retries needs to know.
    public struct Attempt: Sendable {
        public var result: Result
        /// Reception failed for a reason of the whole database (locked or busy
        /// past the busy timeout, full, unwritable), not of this file: every
        /// other file would fail the same way until it clears.
        public var databaseUnavailable = false
        /// The file was recorded (or rejected) but could not be archived,
        /// deleted or set aside, so it is still in the spool. A later look
        /// finds it already recorded and moves it; a rejected file is recorded
        /// as rejected only once it has been set aside.
        public var notMoved: SpoolError?
        /// Recorded, and left in the spool for the caller's ``finish(_:)``
        /// (``defersArchive``).
        public var archivePending = false
        /// With ``archivePending``: each message's outcome and sender, for
        /// the log lines the caller writes with ``logRecorded(_:file:)``
        /// before it archives the file, off the recording thread.
        public var unlogged: [Recorded] = []
    }

    /// Processes `path` (a file inside the source's directory, or given to
    /// `aduan ingest`) once, logging any failure: for callers that do not retry.
    public func process(path: String) -> Result {
        let attempt = attempt(path: path)
        let name = (path as NSString).lastPathComponent
        switch attempt.result {
        case .failed(let error):
            logger.error("ingest_failed", metadata: ["source": "\(source.name)", "file": "\(name)", "error": "\(error)"])
        case .recorded:
            if let error = attempt.notMoved {
                logger.warning("archive_failed", metadata: ["source": "\(source.name)", "file": "\(name)", "error": "\(error)"])
            }
        case .rejected(let reason):
            if let error = attempt.notMoved {
                logger.error("reject_move_failed", metadata: ["source": "\(source.name)", "file": "\(name)", "error": "\(error)"])
                recordRejection(name: name, movedTo: nil, reason: reason)
            }
        case .skipped:
            break
        }
        return attempt.result
    }

    /// Processes `path` once and leaves failures to the caller, which logs
    /// them with its retry (the daemon).
    public func attempt(path: String) -> Attempt {
        attempt(paths: [path])[0]
    }

    /// Processes several files of this source at once, one attempt each, in
    /// order. Their messages are recorded in one transaction (group commit:
    /// one fsync of the database for the lot); a file refused by a constraint
    /// does not take the others with it (see ``receive(_:now:)``). A failure of
    /// the database as a whole fails them all, and they stay in the spool.
    public func attempt(paths: [String]) -> [Attempt] {
        record(prepare(paths: paths))
    }

    /// Files read and parsed (or already done with: skipped, rejected), in
    /// order, waiting for their transaction. The daemon reads the next batch
    /// while the one before is recorded.
    public struct PreparedBatch: Sendable {
        /// The instant the batch is received at.
        public var now: Date
        /// Every file of the batch, in order.
        public var paths: [String]
        /// Per file, the attempt when it needs no transaction.
        var done: [Attempt?]
        var parsed: [(index: Int, file: ParsedFile)]
        /// The files that wait for the transaction.
        public var parsedPaths: [String] { parsed.map(\.file.path) }
        /// The batch without them: each is skipped (left in the spool).
        public var withoutParsed: PreparedBatch {
            var batch = self
            batch.parsed = []
            return batch
        }
    }

    /// The first half of ``attempt(paths:)``: reads and parses each file,
    /// and sets aside those that are not SMS. No transaction.
    public func prepare(paths: [String]) -> PreparedBatch {
        let now = reception.clock.now()
        var batch = PreparedBatch(now: now, paths: paths, done: [], parsed: [])
        for path in paths {
            switch prepare(path: path, now: now) {
            case .done(let attempt):
                batch.done.append(attempt)
            case .parsed(let file):
                batch.parsed.append((batch.done.count, file))
                batch.done.append(nil)
            }
        }
        return batch
    }

    /// The second half of ``attempt(paths:)``: records the batch's parsed
    /// files in one transaction. One attempt per path, in order.
    public func record(_ batch: PreparedBatch) -> [Attempt] {
        var attempts = batch.done
        if !batch.parsed.isEmpty {
            for (index, attempt) in zip(batch.parsed.map(\.index), receive(batch.parsed.map(\.file), now: batch.now)) {
                attempts[index] = attempt
            }
        }
        return attempts.map { $0 ?? Attempt(result: .skipped) }
    }

    /// A file read and parsed, waiting for the transaction.
    struct ParsedFile: Sendable {
        var path: String
        var name: String
        var raw: [UInt8]
        /// Each message with what reception needs of it (sender, identity,
        /// intent), worked out before the transaction.
        var arrivals: [Reception.Arrival]
    }

    enum Prepared {
        /// Nothing for the database to do: skipped, or rejected (and set aside).
        case done(Attempt)
        case parsed(ParsedFile)
    }

    func prepare(path: String, now: Date) -> Prepared {
        let name = DurableFile.lastComponent(of: path)
        guard !name.hasPrefix(".") else { return .done(Attempt(result: .skipped)) }
        switch InboundFile.read(path, maxBytes: Self.maxBytes) {
        case .vanished:
            return .done(Attempt(result: .skipped))
        case .notRegular(let what):
            return .done(reject(path, reason: "not a regular file (\(what)); never followed"))
        case .tooLarge(let size):
            return .done(reject(path, reason: "\(size) bytes, larger than any SMS (limit \(Self.maxBytes))"))
        case .unreadable(let why):
            return .done(reject(path, reason: "unreadable: \(why)"))
        case .bytes(let bytes) where bytes.isEmpty:
            // smsd creates its file empty (mkstemp) before it writes it; an
            // empty file is one still to come, not a bad one. Its next close
            // brings it back.
            logger.debug("empty_file_skipped", metadata: ["source": "\(source.name)", "file": "\(name)"])
            return .done(Attempt(result: .skipped))
        case .bytes(let bytes):
            switch parse(bytes, name: name) {
            case .failure(let rejection):
                return .done(reject(path, reason: rejection.reason))
            case .success(let messages):
                return .parsed(ParsedFile(path: path, name: name, raw: bytes,
                                          arrivals: messages.map { reception.arrival(of: $0, raw: bytes, at: now) }))
            }
        }
    }

    func parse(_ bytes: [UInt8], name: String) -> Swift.Result<[InboundSMS], InboundRejection> {
        switch source.kind {
        case .smstools:
            SmstoolsInbound.parse(bytes).map { [$0] }
        case .gammu:
            GammuInbound.parse(bytes, name: name, format: GammuInbound.Format(rawValue: source.format.rawValue) ?? .detail)
        case .jsonl:
            .failure(InboundRejection("a jsonl source is a log to tail, not a spool of files"))
        }
    }

    /// Every file of the batch in one transaction, a file recorded whole or
    /// not at all (when one fails, the batch is done again file by file, each
    /// with a savepoint of its own); then each recorded file is moved out of
    /// the spool, here or by the caller (``defersArchive``). The commit comes
    /// first, so a crash in between leaves only files that are recognised as
    /// already recorded.
    func receive(_ files: [ParsedFile], now: Date) -> [Attempt] {
        let results: [Swift.Result<[ReceptionOutcome], any Error>]
        do {
            do {
                // Optimistic: no savepoints, whose statement journal cost a
                // page write per page touched. A file that fails rolls the
                // batch back, and it is done again below, file by file.
                results = try write { db in
                    try files.map { .success(try receiveFile($0, db, now: now)) }
                }
            } catch where files.count > 1 && !Self.isDatabaseWide(error) {
                results = try write { db in
                    try files.map { file in
                        do {
                            var outcomes: [ReceptionOutcome] = []
                            try db.inSavepoint {
                                outcomes = try receiveFile(file, db, now: now)
                                return .commit
                            }
                            return .success(outcomes)
                        } catch where !Self.isDatabaseWide(error) {
                            return .failure(error)
                        }
                    }
                }
            }
        } catch {
            let attempt = Attempt(result: .failed("\(error)"), databaseUnavailable: Self.isDatabaseWide(error))
            return files.map { _ in attempt }
        }
        return zip(files, results).map { file, result in
            switch result {
            case .failure(let error):
                return Attempt(result: .failed("\(error)"))
            case .success(let outcomes):
                let recorded = zip(outcomes, file.arrivals).map { (outcome: $0, sender: $1.sender) }
                if defersArchive, movesFiles {
                    return Attempt(result: .recorded(outcomes), archivePending: true, unlogged: recorded)
                }
                logRecorded(recorded, file: file.name)
                return Attempt(result: .recorded(outcomes), notMoved: finish(file.path))
            }
        }
    }

    /// One transaction, committed as ``commitsRelaxed`` says.
    func write<T>(_ updates: (Database) throws -> T) throws -> T {
        commitsRelaxed ? try reception.store.writeRelaxed(updates) : try reception.store.pool.write(updates)
    }

    func receiveFile(_ file: ParsedFile, _ db: Database, now: Date) throws -> [ReceptionOutcome] {
        try file.arrivals.map { try reception.receive(db, $0, raw: file.raw, source: source.name, ref: file.name, now: now) }
    }

    /// SQLite failures of the database as a whole, which pass by themselves
    /// (a lock held too long, a full or read-only disk), as opposed to one
    /// file's content meeting a constraint.
    static func isDatabaseWide(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_CANTOPEN,
             .SQLITE_NOMEM, .SQLITE_PROTOCOL, .SQLITE_INTERRUPT:
            true
        default:
            false
        }
    }

    /// The log lines of a file's messages, one each: ``Attempt/unlogged``.
    public func logRecorded(_ messages: [Recorded], file name: String) {
        for (outcome, sender) in messages {
            Self.log(outcome, logger: logger, metadata: ["source": "\(source.name)", "file": "\(name)",
                                                         "sender": "\(sender.masked)"])
        }
    }

    /// One log line per message, whatever became of it.
    public static func log(_ outcome: ReceptionOutcome, logger: Logger, metadata base: Logger.Metadata) {
        var metadata = base
        switch outcome {
        case .alreadyRecorded:
            logger.info("already_recorded", metadata: metadata)
        case .held(let sequence, let total):
            metadata["part"] = "\(sequence)/\(total)"
            logger.info("part_held", metadata: metadata)
        case .recorded(let intent, let ticket, let flags, let replied):
            metadata["intent"] = "\(intent)"
            metadata["replied"] = "\(replied)"
            if let ticket { metadata["ticket"] = "\(ticket)" }
            if !flags.isEmpty { metadata["flags"] = "\(flags.joined(separator: ","))" }
            logger.info("ingested", metadata: metadata)
        }
    }

    /// Archive or delete a recorded file; the error when the file is still
    /// there. Failing here loses nothing: the message is in the database and
    /// the file will be recognised next time.
    func finish(_ path: String) -> SpoolError? {
        guard movesFiles else { return nil }
        do throws(SpoolError) {
            if let archive = source.archive {
                _ = try files.moveAside(path, into: archive)
            } else {
                try files.remove(path)
            }
            return nil
        } catch {
            return error
        }
    }

    /// Sets the file aside and records why. A file that cannot be moved
    /// stays where it is and is not recorded yet: the caller decides whether
    /// to try again (the daemon) or to record it in place (``process(path:)``).
    func reject(_ path: String, reason: String) -> Attempt {
        let name = (path as NSString).lastPathComponent
        var movedTo: String?
        if movesFiles {
            do throws(SpoolError) {
                movedTo = try files.moveAside(path, into: source.rejected)
            } catch {
                return Attempt(result: .rejected(reason), notMoved: error)
            }
        }
        recordRejection(name: name, movedTo: movedTo, reason: reason)
        return Attempt(result: .rejected(reason))
    }

    func recordRejection(name: String, movedTo: String?, reason: String) {
        let now = reception.clock.now()
        do {
            try reception.store.pool.write { db in
                try Rejections.record(db, source: source.name, file: name, movedTo: movedTo, reason: reason, at: now)
            }
        } catch {
            logger.error("reject_record_failed", metadata: ["file": "\(name)", "error": "\(error)"])
        }
        logger.warning("rejected", metadata: ["source": "\(source.name)", "file": "\(name)", "reason": "\(reason)",
                                              "moved_to": "\(movedTo ?? "-")"])
    }
}
