import Foundation
import GRDB

/// Copies the write-ahead log into the database file from a connection of
/// its own, on a queue of its own, so that the writer's commits seldom do.
///
/// SQLite's writer checkpoints by itself once the log passes 1,000 pages,
/// inside the commit that crossed the line: copying the pages and syncing
/// the log and the database file took the daemon's recording thread 10 to
/// 40 ms every few batches. `aduan serve` moves that line far out on its
/// writer (``Store/setAutomaticCheckpoints(pages:)``) and tells this of its commits
/// instead: every few commits it runs a passive checkpoint (a burst's
/// batches fill the log about as fast as the writer's 1,000 pages did;
/// a lone message at idle does not sync the database file for itself). One
/// asked for while one runs is folded into the next. A passive checkpoint
/// neither waits for nor blocks the writer or the readers. Should one fail,
/// the log only grows until the next succeeds.
///
/// SQLite starts the log over only in a transaction that begins once a
/// checkpoint has copied all of it. In a burst the writer always begins
/// its next batch before the checkpoint of the last one has ended, so the
/// log never started over: it grew by about 5 kB a message (100 MB for
/// 20,000), and every commit appended to pages the kernel had to zero and
/// allocate. So the writer keeps a checkpoint of its own, at
/// ``writerCheckpointPages``: by then this one has copied all but the last
/// few commits, the writer copies those, and its next batch starts the log
/// over, overwriting pages already in memory and on disk.
public final class DatabaseCheckpointer: @unchecked Sendable {
    /// The pages the log may hold before the writer checkpoints it itself
    /// (``Store/setAutomaticCheckpoints(pages:)``): 16 MB, four times
    /// SQLite's default, so that it happens only in a long burst.
    public static let writerCheckpointPages = 4096

    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "aduan.checkpoint")
    private let lock = NSLock()
    private var running = false
    private var again = false
    private var commits = 0
    /// Commits per checkpoint.
    let interval: Int
    private let failed: @Sendable (any Error) -> Void

    /// - Parameters:
    ///   - interval: the commits ``committed()`` counts per checkpoint.
    ///   - failed: told of each failed checkpoint (for the log).
    public init(store: Store, interval: Int = 8, failed: @escaping @Sendable (any Error) -> Void) throws {
        var configuration = Configuration()
        configuration.label = "aduan.checkpoint"
        connection = try DatabaseQueue(path: store.path, configuration: configuration)
        self.interval = max(1, interval)
        self.failed = failed
    }

    /// One more commit: every ``interval``-th asks for a checkpoint.
    public func committed() {
        let due = lock.withLock {
            commits += 1
            guard commits >= interval else { return false }
            commits = 0
            return true
        }
        if due { request() }
    }

    /// A checkpoint soon, on the checkpoint queue.
    public func request() {
        let start = lock.withLock {
            if running {
                again = true
                return false
            }
            running = true
            return true
        }
        guard start else { return }
        queue.async { [self] in
            repeat {
                do {
                    try connection.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
                } catch {
                    failed(error)
                }
            } while lock.withLock({
                running = again
                again = false
                return running
            })
        }
    }

    /// Until the checkpoint under way, if any, has ended.
    public func wait() {
        queue.sync {}
    }
}
