import AduanGateways
import Foundation

/// The real spool file system with faults on demand: the next calls of one
/// operation fail with a given errno (a full disk, EIO, a directory refused),
/// the rest go through. Thread-safe: the daemon calls it from its loop while
/// the test arms and heals it.
final class FaultySpoolFiles: SpoolFiles, @unchecked Sendable {
    enum Operation: Sendable, Hashable { case write, sync, place, syncDirectory, moveAside, remove }

    private struct Fault {
        var errno: Int32
        /// Calls still to fail; `Int.max` until healed.
        var remaining: Int
        /// Calls to let through before the first failure.
        var skip: Int
    }

    private let lock = NSLock()
    private var faults: [Operation: Fault] = [:]
    private var calls: [Operation: Int] = [:]
    private var failures: [Operation: Int] = [:]
    private let real = RealSpoolFiles()
    /// Held moves wait here until released: a slow archive, on demand.
    private let moveGate = NSCondition()
    private var movesHeld = false
    private var waitingMoves = 0

    /// Fails `times` calls of `operation` with `code` (after letting `after`
    /// through), then lets them through again.
    func fail(_ operation: Operation, with code: Int32, times: Int = .max, after: Int = 0) {
        lock.withLock { faults[operation] = Fault(errno: code, remaining: times, skip: after) }
    }

    /// The fault clears: every call goes through from now on.
    func heal() {
        lock.withLock { faults = [:] }
    }

    /// Moves to the archive (or the rejected directory) wait from now on
    /// until ``releaseMoves()``.
    func holdMoves() {
        moveGate.withLock { movesHeld = true }
    }

    func releaseMoves() {
        moveGate.withLock {
            movesHeld = false
            moveGate.broadcast()
        }
    }

    /// Moves waiting at the gate now.
    var movesWaiting: Int { moveGate.withLock { waitingMoves } }

    func calls(_ operation: Operation) -> Int { lock.withLock { calls[operation, default: 0] } }
    func failures(_ operation: Operation) -> Int { lock.withLock { failures[operation, default: 0] } }

    /// Counts the call and returns the errno it must fail with, if any.
    private func take(_ operation: Operation) -> Int32? {
        lock.withLock {
            calls[operation, default: 0] += 1
            guard var fault = faults[operation], fault.remaining > 0 else { return nil }
            if fault.skip > 0 {
                fault.skip -= 1
                faults[operation] = fault
                return nil
            }
            if fault.remaining != .max { fault.remaining -= 1 }
            faults[operation] = fault
            failures[operation, default: 0] += 1
            return fault.errno
        }
    }

    func write(_ bytes: [UInt8], named name: String, in directory: String, mode: mode_t) throws(SpoolError) {
        if let code = take(.write) { throw SpoolError(operation: "write", path: directory + "/" + name, errno: code) }
        try real.write(bytes, named: name, in: directory, mode: mode)
    }

    /// A batch is written (and synced) file by file through ``write(_:named:in:mode:)``;
    /// a failed sync of it prepares none, and leaves its files where they
    /// are, as a crash would.
    func syncWritten(_ batch: DurableFile.WrittenBatch) -> DurableFile.BatchResult {
        if let code = take(.sync) {
            return DurableFile.BatchResult(placed: 0, error: SpoolError(operation: "sync", path: batch.directory, errno: code))
        }
        return real.syncWritten(batch)
    }

    /// A failed call places none of its files.
    func placePrepared(_ names: [String], in directory: String) -> DurableFile.BatchResult {
        if let code = take(.place) {
            return DurableFile.BatchResult(placed: 0, error: SpoolError(operation: "rename", path: directory, errno: code))
        }
        return real.placePrepared(names, in: directory)
    }

    func syncDirectory(_ path: String) throws(SpoolError) {
        if let code = take(.syncDirectory) { throw SpoolError(operation: "sync directory", path: path, errno: code) }
        try real.syncDirectory(path)
    }

    func moveAside(_ path: String, into directory: String) throws(SpoolError) -> String {
        moveGate.withLock {
            waitingMoves += 1
            while movesHeld { moveGate.wait() }
            waitingMoves -= 1
        }
        if let code = take(.moveAside) {
            throw SpoolError(operation: "move", path: path, destination: directory + "/" + (path as NSString).lastPathComponent,
                             errno: code)
        }
        return try real.moveAside(path, into: directory)
    }

    func remove(_ path: String) throws(SpoolError) {
        if let code = take(.remove) { throw SpoolError(operation: "unlink", path: path, errno: code) }
        try real.remove(path)
    }
}
