import AduanConfig
import AduanCore
import AduanGateways
import AduanStore
import Foundation

/// Moves committed outbox rows into the gateway's outbound spool.
///
/// A batch of rows (group commit) goes in four steps:
/// 1. each reply is written and its data made durable, under a hidden
///    prepared name (one shared wait for the disk);
/// 2. the directory is synced, so the prepared files outlive a power cut;
/// 3. the rows are marked spooled, in one transaction;
/// 4. each file is renamed to its name: only now does the gateway see it.
///
/// Steps 3 and 4 of a batch run beside steps 1 and 2 of the next.
///
/// A crash before 3 leaves the rows pending, perhaps with files prepared
/// (one of them perhaps cut short): the next flush takes over each one that
/// holds exactly what its row renders, once its data is on disk, and writes
/// the others again; the gateway never saw them. A crash between 3 and 4
/// leaves marked rows whose files are prepared but hidden: the next flush
/// places them. (A new spooler looks for
/// such files; so does any flush after a failed one, in this process or, as
/// the lock file tells, in another.) So a crash costs neither a reply nor a
/// second copy of a batch; only a power cut that loses a mark (committed
/// without waiting for the disk) spools its rows again, at worst twice (§8).
/// File names are derived from the row, so a file still waiting in the spool
/// is recognised and only marked: a gateway slow to take its files never has
/// one rewritten under it. A lone reply at idle is a batch of one, sent at
/// once.
public final class Spooler: @unchecked Sendable {
    let store: Store
    let spool: OutboundSpool
    let clock: any Clock
    let files: any SpoolFiles
    let lockPath: String
    /// Rows per transaction: bounds memory and the time the writer is held.
    let batch = 256
    /// Prepared files may have been left by a crash (a new spooler) or a
    /// failed flush: the next flush looks for them.
    var recoverFirst = true
    /// Where the outbox may hold rows committed without waiting for the
    /// disk (the daemon's batches): called at the start of each flush, it
    /// returns the last row id known to be on disk, and only rows up to it
    /// are spooled, so no reply goes out for a complaint a power cut could
    /// still take back. Nil (the CLI, which commits with FULL): every row.
    let durableRows: (@Sendable () throws -> Int64)?

    public init(store: Store, spool: OutboundSpool, clock: any Clock, files: any SpoolFiles = RealSpoolFiles(),
                durableRows: (@Sendable () throws -> Int64)? = nil) {
        self.store = store
        self.spool = spool
        self.clock = clock
        self.files = files
        self.durableRows = durableRows
        // Both the daemon and the CLI spool what they commit; the lock keeps
        // them from writing the same row at once.
        lockPath = store.path + ".spool.lock"
    }

    /// Marking and placing a batch (steps 3 and 4) run here while the next
    /// batch is prepared (steps 1 and 2): the one waits for the database's
    /// writer and the directory, the other for the disk. The last batch of a
    /// flush (a lone reply at idle) is marked and placed where it was
    /// prepared.
    let placeQueue = DispatchQueue(label: "aduan.spool.place")

    /// Spools every row due now. Returns the files written.
    @discardableResult
    public func flush() throws -> [String] {
        let placing = Placing()
        let lock = try SpoolLock(path: lockPath)
        // A batch being placed ends before the lock is let go.
        defer {
            placing.wait()
            lock.release()
        }
        // A crash (a new spooler) or a failure, here or in the CLI as the
        // lock file tells, may have left prepared files behind. Those of rows
        // still pending are taken over by the pass over the due rows when
        // whole (a crash may have cut one short); the rest belong to rows
        // already marked, whole since before their mark, and are placed
        // after it.
        let recovering = recoverFirst || lock.interrupted
        do {
            var first: Int64 = 1
            let durable = try durableRows?() ?? Int64.max
            while first <= durable {
                let now = clock.now()
                let rows = try store.pool.read { [first] db in try Outbox.due(db, at: now, ids: first...durable, limit: batch) }
                guard let last = rows.last else { break }
                first = last.id + 1
                // Rows whose file is already there (a power cut lost their
                // mark, or the rows were set pending again by hand) are only
                // marked: a file the gateway has not taken yet is never
                // rewritten under it. Every flush looks, at the price of a
                // directory search per reply.
                var marks: [(Int64, String)] = []
                var adopted: [(Int64, String)] = []
                var toWrite: [(name: String, bytes: [UInt8])] = []
                var toWriteIDs: [Int64] = []
                for row in rows {
                    let name = SpoolFormat.fileName(for: row, spool: spool)
                    if access(spool.path + "/" + name, F_OK) == 0 {
                        marks.append((row.id, name))
                        continue
                    }
                    let bytes = SpoolFormat.render(row, spool: spool)
                    if recovering, DurableFile.holdsPrepared(name, bytes, in: spool.path) {
                        adopted.append((row.id, name))
                    } else {
                        toWrite.append((name, bytes))
                        toWriteIDs.append(row.id)
                    }
                }
                let prepared = files.prepareBatch(toWrite, in: spool.path, mode: 0o660)
                let toPlace = adopted + zip(toWriteIDs, toWrite.prefix(prepared.placed).map(\.name)).map { ($0, $1) }
                marks += toPlace
                if !marks.isEmpty { try files.syncDirectory(spool.path) }
                // The batch before is placed by now, or failed.
                placing.wait()
                if let error = placing.error { throw error }
                let isLast = prepared.error != nil || rows.count < batch
                if !marks.isEmpty {
                    let batch = Placing.Batch(marks: marks, names: toPlace.map(\.1))
                    if isLast {
                        place(batch, lock: lock, recovering: recovering, placing: placing)
                    } else {
                        placing.started()
                        placeQueue.async { [self] in
                            place(batch, lock: lock, recovering: recovering, placing: placing)
                            placing.ended()
                        }
                    }
                }
                if let failure = prepared.error { throw failure }
                if isLast { break }
            }
            placing.wait()
            if let error = placing.error { throw error }
            if recovering {
                let recovered = try files.recoverPrepared(in: spool.path)
                placing.add(recovered)
                lock.interrupted = false
                recoverFirst = false
            }
        } catch {
            // Whatever was prepared and marked is placed by the next flush.
            recoverFirst = true
            throw error
        }
        return placing.written
    }

    /// Steps 3 and 4 for one batch: its rows marked spooled, then its files
    /// renamed into view.
    private func place(_ batch: Placing.Batch, lock: SpoolLock, recovering: Bool, placing: Placing) {
        do {
            let spooledAt = clock.now()
            try store.writeRelaxed { db in
                for (id, name) in batch.marks {
                    try Outbox.markSpooled(db, id: id, spool: spool.name, file: name, at: spooledAt)
                }
            }
            lock.interrupted = true
            let placed = files.placePrepared(batch.names, in: spool.path)
            if let error = placed.error { throw error }
            lock.interrupted = recovering
            placing.add(batch.marks.map(\.1))
        } catch {
            placing.fail(error)
        }
    }

    /// When the next held row comes due, if any.
    public func nextHoldEnd() throws -> Date? {
        try store.pool.read { db in try Outbox.nextHoldEnd(db) }
    }
}

/// What a flush's batches have placed, and the first failure, shared
/// with the place queue; at most one batch is being placed at a time.
final class Placing: @unchecked Sendable {
    struct Batch: Sendable {
        /// Each row with its file name.
        var marks: [(Int64, String)]
        /// The prepared files to place, in order.
        var names: [String]
    }

    private let lock = NSLock()
    private let inFlight = DispatchGroup()
    private var files: [String] = []
    private var failure: (any Error)?

    var written: [String] { lock.withLock { files } }
    var error: (any Error)? { lock.withLock { failure } }
    func add(_ names: [String]) { lock.withLock { files += names } }
    func fail(_ error: any Error) { lock.withLock { failure = failure ?? error } }
    func started() { inFlight.enter() }
    func ended() { inFlight.leave() }
    /// Until the batch being placed, if any, is done.
    func wait() { inFlight.wait() }
}

/// An exclusive `flock` on a file beside the database. Its one byte says
/// whether the last holder was stopped between marking rows spooled and
/// placing their files ("1"): the next holder places them first. A process
/// crash keeps what was written (the page cache survives it); after a power
/// cut every new spooler looks anyway.
struct SpoolLock {
    let fd: Int32

    init(path: String) throws {
        fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw SpoolError(operation: "lock", path: path, errno: errno)
        }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR {
                let e = errno
                close(fd)
                throw SpoolError(operation: "lock", path: path, errno: e)
            }
        }
    }

    var interrupted: Bool {
        get {
            var byte: UInt8 = 0
            return pread(fd, &byte, 1, 0) == 1 && byte == UInt8(ascii: "1")
        }
        nonmutating set {
            var byte = newValue ? UInt8(ascii: "1") : UInt8(ascii: "0")
            _ = pwrite(fd, &byte, 1, 0)
        }
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// Outbound file names and contents per gateway.
enum SpoolFormat {
    /// smstools: `aduan-20261122T070005-0000000042`: sorts in creation order,
    /// unique per row, and never matches a name smsd ignores (no dot, no `LOCK`).
    static func fileName(for row: OutboxRecord, spool: OutboundSpool) -> String {
        switch spool.kind {
        case .gammu: GammuOutbound.fileName(id: row.id, kind: row.kind, number: row.recipient, createdAt: row.createdAt)
        case .smstools, .jsonl: smstoolsName(for: row)
        }
    }

    static func smstoolsName(for row: OutboxRecord) -> String {
        var t = time_t(Int(row.createdAt.timeIntervalSince1970))
        var parts = tm()
        gmtime_r(&t, &parts)
        // Built by hand: String(format:) showed up in the spooling profile.
        func pad(_ value: some BinaryInteger, _ width: Int = 2) -> String { CivilDate.padded(value, width: width) }
        return "aduan-\(pad(parts.tm_year + 1900, 4))\(pad(parts.tm_mon + 1))\(pad(parts.tm_mday))T\(pad(parts.tm_hour))"
            + "\(pad(parts.tm_min))\(pad(parts.tm_sec))-\(pad(row.id, 10))"
    }

    static func render(_ row: OutboxRecord, spool: OutboundSpool) -> [UInt8] {
        switch spool.kind {
        case .gammu: GammuOutbound.render(row.text, encoding: GammuOutbound.Encoding(rawValue: spool.encoding.rawValue) ?? .utf8)
        case .smstools, .jsonl: SmstoolsOutbound.render(to: row.recipient, text: row.text)
        }
    }
}
