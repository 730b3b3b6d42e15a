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
/// Under load the steps form a pipeline: step 1 of a batch runs beside
/// step 2 of the one before and steps 3 and 4 of the one before that.
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
    /// disk (the daemon's batches): called at the start of each flush, and
    /// again when its rows run out, it returns the last row id known to be
    /// on disk, and only rows up to it are spooled, so no reply goes out for
    /// a complaint a power cut could still take back. Given the id known so
    /// far, it may return that id without syncing anything when no row has
    /// been added since. Nil (the CLI, which commits with FULL): every row.
    let durableRows: (@Sendable (_ known: Int64) throws -> Int64)?
    /// How long a flush goes on taking rows committed after it began.
    static let followFor: Duration = .seconds(1)

    public init(store: Store, spool: OutboundSpool, clock: any Clock, files: any SpoolFiles = RealSpoolFiles(),
                durableRows: (@Sendable (_ known: Int64) throws -> Int64)? = nil) {
        self.store = store
        self.spool = spool
        self.clock = clock
        self.files = files
        self.durableRows = durableRows
        // Both the daemon and the CLI spool what they commit; the lock keeps
        // them from writing the same row at once.
        lockPath = store.path + ".spool.lock"
    }

    /// A batch goes through three stages, each on a thread of its own, so
    /// that one batch is written while the one before waits for the disk and
    /// the one before that for the database's writer: the flush writes (step
    /// 1), the sync queue makes the files durable and syncs the directory
    /// (step 2), the place queue marks and places (steps 3 and 4). The last
    /// batch of a flush with none still on its way (a lone reply at idle)
    /// goes through all four where it was written.
    let syncQueue = DispatchQueue(label: "aduan.spool.sync")
    let placeQueue = DispatchQueue(label: "aduan.spool.place")

    /// Spools every row due now. Returns the files written.
    @discardableResult
    public func flush() throws -> [String] {
        let placing = Placing()
        let lock = try SpoolLock(path: lockPath)
        // The batches handed on end before the lock is let go.
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
            var durable = try durableRows?(0) ?? Int64.max
            let began = ContinuousClock.now
            /// Rows committed since the flush began are taken by it while
            /// they keep coming (a burst), for up to ``followFor``: each
            /// would otherwise wait for this flush to end and the next to
            /// begin.
            func followed() throws -> Bool {
                guard let durableRows, ContinuousClock.now - began < Self.followFor else { return false }
                let known = durable
                durable = try durableRows(known)
                return durable > known
            }
            while true {
                let now = clock.now()
                let rows = first > durable ? [] : try store.pool.read { [first, durable] db in
                    try Outbox.due(db, at: now, ids: first...durable, limit: batch)
                }
                guard let last = rows.last else {
                    if try followed() { continue }
                    break
                }
                first = last.id + 1
                // Rows whose file is already there (a power cut lost their
                // mark, or the rows were set pending again by hand) are only
                // marked: a file the gateway has not taken yet is never
                // rewritten under it. After a restart or a failure the flush
                // looks for each before writing it. Otherwise such a row is
                // rare, and a directory search per reply is not: its file is
                // written hidden like any other, and placing it, which never
                // replaces a name (``DurableFile/placePrepared(_:in:)``),
                // finds the one waiting there and drops the copy.
                let job = Placing.Batch()
                var toWrite: [(name: String, bytes: [UInt8])] = []
                for row in rows {
                    let name = SpoolFormat.fileName(for: row, spool: spool)
                    if recovering, access(spool.path + "/" + name, F_OK) == 0 {
                        job.present.append((row.id, name))
                        continue
                    }
                    let bytes = SpoolFormat.render(row, spool: spool)
                    if recovering, DurableFile.holdsPrepared(name, bytes, in: spool.path) {
                        job.adopted.append((row.id, name))
                    } else {
                        toWrite.append((name, bytes))
                        job.writing.append((row.id, name))
                    }
                }
                job.written = files.writeBatch(toWrite, in: spool.path, mode: 0o660)
                // A batch before this one failed: the flush ends, and this
                // batch's files are left prepared (or cut short) for the next.
                if let error = placing.error { throw error }
                let isLast = job.written.result.error != nil || rows.count < batch
                if job.hasWork {
                    if isLast, placing.isIdle {
                        if sync(job, placing: placing) { place(job, lock: lock, recovering: recovering, placing: placing) }
                    } else {
                        placing.started()
                        syncQueue.async { [self] in
                            guard sync(job, placing: placing) else { return placing.ended() }
                            placeQueue.async { [self] in
                                place(job, lock: lock, recovering: recovering, placing: placing)
                                placing.ended()
                            }
                        }
                    }
                }
                if let failure = job.written.result.error { throw failure }
                if isLast, try !followed() { break }
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

    /// Step 2 for one batch: its files made durable, then the directory
    /// synced so that their names are too. False when the batch goes no
    /// further: one before it failed, nothing is left to mark, or the
    /// directory could not be synced (its rows stay pending).
    private func sync(_ job: Placing.Batch, placing: Placing) -> Bool {
        guard placing.error == nil else { return false }
        let synced = files.syncWritten(job.written)
        // A failed write is reported by the flush itself.
        if let error = synced.error, error != job.written.result.error { placing.fail(error) }
        job.prepared = synced.placed
        guard !job.marks.isEmpty else { return false }
        do throws(SpoolError) {
            try files.syncDirectory(spool.path)
            return true
        } catch {
            placing.fail(error)
            return false
        }
    }

    /// Steps 3 and 4 for one batch: its rows marked spooled, then its files
    /// renamed into view.
    private func place(_ job: Placing.Batch, lock: SpoolLock, recovering: Bool, placing: Placing) {
        // A batch before it failed: its files stay prepared, its rows pending.
        guard placing.error == nil else { return }
        do {
            let spooledAt = clock.now()
            let marks = job.marks
            try store.writeRelaxed { db in
                for (id, name) in marks {
                    try Outbox.markSpooled(db, id: id, spool: spool.name, file: name, at: spooledAt)
                }
            }
            lock.interrupted = true
            let placed = files.placePrepared(job.toPlace, in: spool.path)
            if let error = placed.error { throw error }
            lock.interrupted = recovering
            placing.add(marks.map(\.1))
        } catch {
            placing.fail(error)
        }
    }

    /// When the next held row comes due, if any.
    public func nextHoldEnd() throws -> Date? {
        try store.pool.read { db in try Outbox.nextHoldEnd(db) }
    }
}

/// What a flush's batches have placed, and the first failure, shared with
/// the sync and place queues. At most two batches are on their way there at
/// a time; each queue takes them in order.
final class Placing: @unchecked Sendable {
    /// One batch on its way through the stages; each stage has it to itself.
    final class Batch: @unchecked Sendable {
        /// Rows whose file is already in the spool: only marked.
        var present: [(Int64, String)] = []
        /// Rows whose file a crash left prepared, whole: marked and placed.
        var adopted: [(Int64, String)] = []
        /// Rows whose file is written now, in order.
        var writing: [(Int64, String)] = []
        var written = DurableFile.WrittenBatch(result: .init(placed: 0, error: nil), directory: "")
        /// How many of the written files are prepared (the sync stage).
        var prepared = 0

        /// Each row to mark, with its file's name.
        var marks: [(Int64, String)] { present + adopted + writing.prefix(prepared) }
        /// The prepared files to place, in order.
        var toPlace: [String] { (adopted + writing.prefix(prepared)).map(\.1) }
        /// Something to mark, or to sync.
        var hasWork: Bool { !present.isEmpty || !adopted.isEmpty || written.result.placed > 0 }
    }

    private let lock = NSLock()
    private let inFlight = DispatchGroup()
    private let slots = DispatchSemaphore(value: 2)
    private var handedOn = 0
    private var files: [String] = []
    private var failure: (any Error)?

    var written: [String] { lock.withLock { files } }
    var error: (any Error)? { lock.withLock { failure } }
    /// No batch is on its way through the queues.
    var isIdle: Bool { lock.withLock { handedOn == 0 } }
    func add(_ names: [String]) { lock.withLock { files += names } }
    func fail(_ error: any Error) { lock.withLock { failure = failure ?? error } }
    /// A batch handed to the queues; waits while two are on their way.
    func started() {
        slots.wait()
        lock.withLock { handedOn += 1 }
        inFlight.enter()
    }
    func ended() {
        lock.withLock { handedOn -= 1 }
        slots.signal()
        inFlight.leave()
    }
    /// Until every batch handed on is done.
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
