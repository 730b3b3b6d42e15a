import AduanConfig
import AduanCore
import AduanGateways
import AduanStore
import Foundation
import GRDB
import Logging

/// A shortcode log (`kind = "jsonl"`), tailed like `tail -F`.
///
/// Each batch of complete lines is recorded in one transaction together with
/// the checkpoint after its last line, so a restart resumes exactly where the
/// last commit ended: no line twice, none skipped. A line that is not a
/// message is recorded as a rejection with its line number and skipped.
final class LogSource: @unchecked Sendable {
    let source: InboundSource
    let logger: Logger
    private var follower: LogFollower
    private var committed: LogCheckpoint?
    /// Lines per transaction: large enough to amortise the commit, small
    /// enough to keep the writer lock short for the desk's CLI.
    let batch = 256

    init(source: InboundSource, store: Store, logger: Logger) throws {
        self.source = source
        self.logger = logger
        committed = try store.pool.read { db in try LogCheckpoints.load(db, source: source.name) }
        follower = LogFollower(path: source.path, resumingFrom: committed)
    }

    var fileName: String { (source.path as NSString).lastPathComponent }

    /// Set when the last drain stopped on a fault (the file unreadable, a
    /// commit refused): the daemon tries again with back-off rather than
    /// waiting for the next line to be written.
    private(set) var failed = false

    /// Reads and records every complete line available now.
    func drain(_ reception: Reception) -> [ReceptionOutcome] {
        var outcomes: [ReceptionOutcome] = []
        failed = false
        while true {
            let lines: [LogLine]
            do {
                lines = try follower.nextLines(limit: batch)
            } catch {
                logger.error("log_read_failed", metadata: ["source": "\(source.name)", "path": "\(source.path)", "error": "\(error)"])
                failed = true
                return outcomes
            }
            guard let last = lines.last else { return outcomes }
            do {
                outcomes += try record(lines, checkpoint: last.after, reception: reception)
                committed = last.after
            } catch {
                // Nothing of the batch is recorded: read it again from the
                // last committed checkpoint next time.
                logger.error("log_record_failed", metadata: ["source": "\(source.name)", "error": "\(error)"])
                follower.close()
                follower = LogFollower(path: source.path, resumingFrom: committed)
                failed = true
                return outcomes
            }
            if lines.count < batch { return outcomes }
        }
    }

    private func record(_ lines: [LogLine], checkpoint: LogCheckpoint, reception: Reception) throws -> [ReceptionOutcome] {
        let now = reception.clock.now()
        var rejected: [(Int64, String)] = []
        let outcomes = try reception.store.pool.write { db -> [(LogLine, AduanCore.Sender, ReceptionOutcome)] in
            var results: [(LogLine, AduanCore.Sender, ReceptionOutcome)] = []
            for line in lines {
                let parsed = line.overlong
                    ? .failure(InboundRejection("line longer than \(LogFollower.maxLineLength) bytes"))
                    : JsonlLine.parse(line.bytes)
                switch parsed {
                case .success(let sms):
                    let arrival = reception.arrival(of: sms, raw: line.bytes, at: now)
                    let outcome = try reception.receive(db, arrival, raw: line.bytes, source: source.name,
                                                        ref: "\(fileName):\(line.number)", now: now)
                    results.append((line, arrival.sender, outcome))
                case .failure(let rejection):
                    try Rejections.record(db, source: source.name, file: "\(fileName):\(line.number)", movedTo: nil,
                                          reason: rejection.reason, at: now)
                    rejected.append((line.number, rejection.reason))
                }
            }
            try LogCheckpoints.save(db, source: source.name, checkpoint, at: now)
            return results
        }
        for (number, reason) in rejected {
            logger.warning("bad_line", metadata: ["source": "\(source.name)", "line": "\(number)", "reason": "\(reason)"])
        }
        for (line, sender, outcome) in outcomes {
            InboundProcessor.log(outcome, logger: logger, metadata: [
                "source": "\(source.name)", "line": "\(line.number)", "sender": "\(sender.masked)",
            ])
        }
        return outcomes.map(\.2)
    }

    func close() { follower.close() }
}
