@preconcurrency import Dispatch
import Glibc

public enum WatchEvent: Sendable, Equatable {
    /// A writer closed `name`, or `name` was renamed into the directory: its content is
    /// complete as far as that writer is concerned. The same name may be reported more
    /// than once (an in-place writer that closes twice, a rename then a close), so the
    /// consumer must be idempotent.
    case ready(directory: String, name: String)
    /// Events were lost (the kernel queue or ours overflowed): rescan every directory,
    /// and check that each still exists, since a `.directoryGone` may have been lost too.
    /// It can arrive ahead of some `.ready` events that survived.
    case overflow
    /// The directory was deleted, moved away or unmounted and is no longer watched;
    /// re-create it and call ``DirectoryWatcher/add(_:)`` to watch it again.
    case directoryGone(String)
}

/// Reports files that became complete in spool directories, through inotify.
///
/// Idle costs nothing: the descriptor sits in Dispatch's epoll set and no thread wakes
/// until the kernel has an event. Events are delivered on ``events``, which has a single
/// consumer; ``close()`` (or deinit, or the consumer going away) releases the descriptor
/// and finishes the stream. A consumer with an event loop of its own (the daemon) takes
/// them with ``init(directories:deliver:)`` instead: everything one read of the
/// descriptor brought, in one call, so a burst of files costs one hop, not one per file.
///
/// `@unchecked Sendable`: the mutable state lives in `State` and is touched only on
/// `queue`; `DispatchSourceRead` is not `Sendable` on Linux but is thread-safe.
public final class DirectoryWatcher: @unchecked Sendable {
    public let events: AsyncStream<WatchEvent>

    private let queue: DispatchQueue
    private let state: State
    private let source: DispatchSourceRead

    /// Events queued for a consumer that has fallen behind; beyond this the oldest are
    /// dropped and an `.overflow` tells the consumer to rescan, as the kernel does.
    public static let bufferLimit = 8192

    public convenience init(directories: [String]) throws(SpoolError) {
        try self.init(directories: directories, bufferLimit: Self.bufferLimit)
    }

    convenience init(directories: [String], bufferLimit: Int) throws(SpoolError) {
        let (stream, continuation) = AsyncStream.makeStream(
            of: WatchEvent.self, bufferingPolicy: .bufferingNewest(bufferLimit))
        try self.init(directories: directories, events: stream, continuation: continuation) { batch in
            var delivered = true
            for event in batch {
                if case .dropped = continuation.yield(event) { delivered = false }
            }
            return delivered
        }
    }

    /// Hands `deliver` the events of each read, in order, on the watcher's own queue (so
    /// one call at a time). Nothing is dropped here: the consumer's loop is the buffer, and
    /// `.overflow` comes only from the kernel. ``events`` stays empty.
    public convenience init(directories: [String],
                            deliver: @escaping @Sendable ([WatchEvent]) -> Void) throws(SpoolError) {
        let (stream, continuation) = AsyncStream.makeStream(of: WatchEvent.self)
        continuation.finish()
        try self.init(directories: directories, events: stream, continuation: continuation) { batch in
            deliver(batch)
            return true
        }
    }

    /// - Parameter deliver: takes the events of one read; false when some were dropped.
    private init(directories: [String], events stream: AsyncStream<WatchEvent>,
                 continuation: AsyncStream<WatchEvent>.Continuation,
                 deliver: @escaping @Sendable ([WatchEvent]) -> Bool) throws(SpoolError) {
        let fd = inotify_init1(Int32(IN_NONBLOCK) | Int32(IN_CLOEXEC))
        guard fd >= 0 else {
            let code = errno
            throw SpoolError(
                operation: "start watching", path: directories.joined(separator: ", "), errno: code,
                detail: code == EMFILE
                    ? "too many inotify instances for this user (raise fs.inotify.max_user_instances)" : nil)
        }
        let state = State(fd: fd, continuation: continuation, deliver: deliver)
        for directory in directories {
            do throws(SpoolError) {
                try state.watch(directory)
            } catch {
                _ = Glibc.close(fd)
                continuation.finish()
                throw error
            }
        }

        let queue = DispatchQueue(label: "aduan.directory-watcher")
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler { state.drain() }
        // Dispatch may still be polling the descriptor until this runs, so this is the
        // only place it may be closed.
        source.setCancelHandler { state.shutdown() }
        continuation.onTermination = { @Sendable _ in source.cancel() }

        self.events = stream
        self.queue = queue
        self.state = state
        self.source = source
        source.activate()
    }

    deinit {
        source.cancel()
    }

    /// Starts (or resumes, after `.directoryGone`) watching `directory`. Files that
    /// arrived while it was not watched produce no event: rescan it after this returns.
    public func add(_ directory: String) throws(SpoolError) {
        let result: Result<Void, SpoolError> = queue.sync {
            do throws(SpoolError) {
                try state.watch(directory)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Stops watching. Events already read stay in the stream; then it finishes.
    /// Idempotent.
    public func close() {
        source.cancel()
    }
}

extension DirectoryWatcher {
    /// Everything the Dispatch handlers touch. Accessed only on the watcher's queue (and
    /// in the initialiser, before the source exists).
    fileprivate final class State: @unchecked Sendable {
        private var fd: Int32
        private let continuation: AsyncStream<WatchEvent>.Continuation
        private let deliver: @Sendable ([WatchEvent]) -> Bool
        private var directoriesByWatch: [Int32: String] = [:]
        private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

        // IN_CLOSE_WRITE alone would miss files renamed in (atomic writers, `mv`);
        // IN_CREATE and IN_MODIFY would report files still being written.
        private static let mask: UInt32 =
            UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO)
            | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF) | UInt32(IN_ONLYDIR)
            | UInt32(IN_EXCL_UNLINK)

        init(fd: Int32, continuation: AsyncStream<WatchEvent>.Continuation,
             deliver: @escaping @Sendable ([WatchEvent]) -> Bool) {
            self.fd = fd
            self.continuation = continuation
            self.deliver = deliver
        }

        func watch(_ directory: String) throws(SpoolError) {
            guard fd >= 0 else {
                throw SpoolError(operation: "watch", path: directory, errno: EBADF,
                                 detail: "the watcher has been closed")
            }
            let wd = inotify_add_watch(fd, directory, Self.mask)
            guard wd >= 0 else {
                let code = errno
                throw SpoolError(
                    operation: "watch", path: directory, errno: code,
                    detail: code == ENOSPC
                        ? "inotify watch limit reached (raise fs.inotify.max_user_watches)" : nil)
            }
            // The kernel returns the existing descriptor when the inode is already
            // watched (the same directory by another path): the latest path wins.
            directoriesByWatch[wd] = directory
        }

        func drain() {
            guard fd >= 0 else { return }
            var lostEvents = false
            var batch: [WatchEvent] = []
            InotifyRecords.drain(fd, into: &buffer, endOfRead: {
                if !batch.isEmpty, !deliver(batch) { lostEvents = true }
                batch.removeAll(keepingCapacity: true)
            }) { wd, mask, name in
                if let event = handle(wd: wd, mask: mask, name: name, lostEvents: &lostEvents) { batch.append(event) }
            }
            if lostEvents { _ = deliver([.overflow]) }
        }

        private func handle(wd: Int32, mask: UInt32, name: ArraySlice<UInt8>, lostEvents: inout Bool) -> WatchEvent? {
            if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                lostEvents = true
                return nil
            }
            guard let directory = directoriesByWatch[wd] else { return nil }

            let gone = UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF) | UInt32(IN_UNMOUNT) | UInt32(IN_IGNORED)
            if mask & gone != 0 {
                directoriesByWatch[wd] = nil
                // A moved directory is still watched under its new, unknown name; stop
                // that so its events are not reported as if it were still here. (For a
                // deleted one the kernel has already dropped the watch and this is EINVAL.)
                if mask & UInt32(IN_IGNORED) == 0 { _ = inotify_rm_watch(fd, wd) }
                return .directoryGone(directory)
            }
            guard mask & (UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO)) != 0,
                  name.first != UInt8(ascii: "."),
                  let decoded = String(validating: name, as: UTF8.self), !decoded.isEmpty
            else { return nil }
            return .ready(directory: directory, name: decoded)
        }

        func shutdown() {
            if fd >= 0 {
                _ = Glibc.close(fd)
                fd = -1
            }
            directoriesByWatch.removeAll()
            continuation.finish()
        }
    }
}
