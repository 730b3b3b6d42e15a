import AduanConfig
import AduanCore
import AduanGateways
import AduanStore
import Foundation
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
    /// Larger than any real message (255 parts of UCS-2 is about 35 KB); a
    /// bigger file is not an SMS.
    public static let maxBytes = 256 * 1024

    public init(source: InboundSource, reception: Reception, logger: Logger, movesFiles: Bool = true) {
        self.source = source
        self.reception = reception
        self.logger = logger
        self.movesFiles = movesFiles
    }

    public enum Result: Sendable, Equatable {
        /// What became of each message in the file (a gammu `detail` file may hold several parts).
        case recorded([ReceptionOutcome])
        case rejected(String)
        /// Gone before it could be read (another process took it), or not ours to read.
        case skipped
        /// The database could not take it; the file stays for the next try.
        case failed(String)
    }

    /// Processes `path` (a file inside the source's directory, or given to `aduan ingest`).
    public func process(path: String) -> Result {
        let name = (path as NSString).lastPathComponent
        guard !name.hasPrefix(".") else { return .skipped }
        switch InboundFile.read(path, maxBytes: Self.maxBytes) {
        case .vanished:
            return .skipped
        case .notRegular(let what):
            return reject(path, reason: "not a regular file (\(what)); never followed")
        case .tooLarge(let size):
            return reject(path, reason: "\(size) bytes, larger than any SMS (limit \(Self.maxBytes))")
        case .unreadable(let why):
            return reject(path, reason: "unreadable: \(why)")
        case .bytes(let bytes) where bytes.isEmpty:
            // smsd creates its file empty (mkstemp) before it writes it; an
            // empty file is one still to come, not a bad one. Its next close
            // brings it back.
            logger.debug("empty_file_skipped", metadata: ["source": "\(source.name)", "file": "\(name)"])
            return .skipped
        case .bytes(let bytes):
            switch parse(bytes, name: name) {
            case .failure(let rejection):
                return reject(path, reason: rejection.reason)
            case .success(let messages):
                return receive(messages, raw: bytes, path: path, name: name)
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

    /// All messages of one file in one transaction: the file is recorded
    /// whole or not at all.
    func receive(_ messages: [InboundSMS], raw: [UInt8], path: String, name: String) -> Result {
        let outcomes: [ReceptionOutcome]
        let now = reception.clock.now()
        do {
            outcomes = try reception.store.pool.write { db in
                try messages.map { try reception.receive(db, $0, raw: raw, source: source.name, ref: name, now: now) }
            }
        } catch {
            logger.error("ingest_failed", metadata: ["source": "\(source.name)", "file": "\(name)", "error": "\(error)"])
            return .failed("\(error)")
        }
        for (sms, outcome) in zip(messages, outcomes) {
            let sender = Sender(raw: sms.sender, countryCode: reception.rules.config.service.countryCode)
            Self.log(outcome, logger: logger, metadata: ["source": "\(source.name)", "file": "\(name)", "sender": "\(sender.masked)"])
        }
        finish(path, name: name)
        return .recorded(outcomes)
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

    /// Archive or delete a recorded file. Failing here loses nothing: the
    /// message is in the database and the file will be recognised next time.
    func finish(_ path: String, name: String) {
        guard movesFiles else { return }
        do {
            if let archive = source.archive {
                _ = try DurableFile.moveAside(path, into: archive)
            } else if unlink(path) != 0, errno != ENOENT {
                throw SpoolError(operation: "unlink", path: path, errno: errno)
            }
        } catch {
            logger.warning("archive_failed", metadata: ["source": "\(source.name)", "file": "\(name)", "error": "\(error)"])
        }
    }

    func reject(_ path: String, reason: String) -> Result {
        let name = (path as NSString).lastPathComponent
        var movedTo: String?
        do {
            if movesFiles { movedTo = try DurableFile.moveAside(path, into: source.rejected) }
        } catch {
            logger.error("reject_move_failed", metadata: ["source": "\(source.name)", "file": "\(name)", "error": "\(error)"])
        }
        let now = reception.clock.now()
        let moved = movedTo
        do {
            try reception.store.pool.write { db in
                try Rejections.record(db, source: source.name, file: name, movedTo: moved, reason: reason, at: now)
            }
        } catch {
            logger.error("reject_record_failed", metadata: ["file": "\(name)", "error": "\(error)"])
        }
        logger.warning("rejected", metadata: ["source": "\(source.name)", "file": "\(name)", "reason": "\(reason)",
                                              "moved_to": "\(movedTo ?? "-")"])
        return .rejected(reason)
    }
}
