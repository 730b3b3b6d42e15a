import Foundation
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
/// A thread of the watcher's own reads the descriptor. Idle costs nothing: it sleeps in
/// `poll(2)` until the kernel has an event. Events are delivered on ``events``, which has
/// a single consumer; ``close()`` (or deinit, or the consumer going away) ends the thread,
/// releases the descriptor and finishes the stream. A consumer with an event loop of its
/// own (the daemon) takes them with ``init(directories:deliver:)`` instead: everything one
/// read of the descriptor brought, in one call, and nothing more until it calls
/// ``resume()``.
///
/// `@unchecked Sendable`: the mutable state lives in `State`, behind its lock.
public final class DirectoryWatcher: @unchecked Sendable {
    public let events: AsyncStream<WatchEvent>

    private let state: State

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

    /// Hands `deliver` the events of one read, in order, on the watcher's thread, then
    /// reads nothing more until the consumer calls ``resume()``. Meanwhile events wait in
    /// the kernel's queue, so a consumer busy with a batch takes all that came in the
    /// meantime with one read and one hop, rather than a wake-up of this thread and of its
    /// own loop for each file as the gateway closes it: in a burst those were most of the
    /// daemon's context switches. (A thread that is not in `poll` is not woken by the
    /// events either, as one in Dispatch's epoll set was.) Nothing is dropped here;
    /// `.overflow` comes only from the kernel, whose queue holds 16,384 events by default.
    /// ``events`` stays empty.
    public convenience init(directories: [String],
                            deliver: @escaping @Sendable ([WatchEvent]) -> Void) throws(SpoolError) {
        let (stream, continuation) = AsyncStream.makeStream(of: WatchEvent.self)
        continuation.finish()
        try self.init(directories: directories, events: stream, continuation: continuation,
                      pausesAfterDelivery: true) { batch in
            deliver(batch)
            return true
        }
    }

    /// - Parameter deliver: takes the events of one read; false when some were dropped.
    private init(directories: [String], events stream: AsyncStream<WatchEvent>,
                 continuation: AsyncStream<WatchEvent>.Continuation, pausesAfterDelivery: Bool = false,
                 deliver: @escaping @Sendable ([WatchEvent]) -> Bool) throws(SpoolError) {
        let fd = inotify_init1(Int32(IN_NONBLOCK) | Int32(IN_CLOEXEC))
        guard fd >= 0 else {
            let code = errno
            throw SpoolError(
                operation: "start watching", path: directories.joined(separator: ", "), errno: code,
                detail: code == EMFILE
                    ? "too many inotify instances for this user (raise fs.inotify.max_user_instances)" : nil)
        }
        // How close() wakes the thread out of poll: a byte down a pipe.
        var wake: [Int32] = [-1, -1]
        guard pipe(&wake) == 0 else {
            let code = errno
            _ = Glibc.close(fd)
            continuation.finish()
            throw SpoolError(operation: "start watching", path: directories.joined(separator: ", "), errno: code)
        }
        for end in wake { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let state = State(fd: fd, wake: (wake[0], wake[1]), continuation: continuation, pausesAfterDelivery: pausesAfterDelivery,
                          deliver: deliver)
        for directory in directories {
            do throws(SpoolError) {
                try state.watch(directory)
            } catch {
                state.shutdown()
                throw error
            }
        }
        continuation.onTermination = { @Sendable _ in state.close() }
        self.events = stream
        self.state = state
        let thread = Thread { state.run() }
        thread.name = "aduan-watch"
        thread.start()
    }

    deinit {
        state.close()
    }

    /// Starts (or resumes, after `.directoryGone`) watching `directory`. Files that
    /// arrived while it was not watched produce no event: rescan it after this returns.
    public func add(_ directory: String) throws(SpoolError) {
        try state.watch(directory)
    }

    /// Reads again after a delivery (``init(directories:deliver:)``): whatever came
    /// meanwhile is delivered at once. Harmless when not paused, or after ``close()``.
    public func resume() {
        state.resume()
    }

    /// Stops watching. Events already read stay in the stream; then it finishes.
    /// Idempotent.
    public func close() {
        state.close()
    }
}

extension DirectoryWatcher {
    /// Everything the thread touches. The descriptor's records and the buffer belong to
    /// the thread; the rest is shared, behind `lock`.
    fileprivate final class State: @unchecked Sendable {
        private let fd: Int32
        /// The pipe close() writes to, to end the thread's poll.
        private let wake: (read: Int32, write: Int32)
        private let continuation: AsyncStream<WatchEvent>.Continuation
        private let deliver: @Sendable ([WatchEvent]) -> Bool
        private let pausesAfterDelivery: Bool
        private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

        // IN_CLOSE_WRITE alone would miss files renamed in (atomic writers, `mv`);
        // IN_CREATE and IN_MODIFY would report files still being written.
        private static let mask: UInt32 =
            UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO)
            | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF) | UInt32(IN_ONLYDIR)
            | UInt32(IN_EXCL_UNLINK)

        private let lock = NSCondition()
        private var directoriesByWatch: [Int32: String] = [:]
        /// After a delivery, until ``resume()``.
        private var paused = false
        private var closing = false
        /// The descriptors are closed: by the thread as it ends, or by a failed init.
        private var closed = false

        init(fd: Int32, wake: (read: Int32, write: Int32), continuation: AsyncStream<WatchEvent>.Continuation, pausesAfterDelivery: Bool,
             deliver: @escaping @Sendable ([WatchEvent]) -> Bool) {
            self.fd = fd
            self.wake = wake
            self.continuation = continuation
            self.pausesAfterDelivery = pausesAfterDelivery
            self.deliver = deliver
        }

        /// The thread: waits for events, delivers them, and when paused waits for
        /// ``resume()`` without looking at the descriptor, until ``close()``.
        func run() {
            while true {
                lock.lock()
                while paused, !closing { lock.wait() }
                let stop = closing
                lock.unlock()
                if stop { break }
                var ready = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                             pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
                if poll(&ready, 2, -1) < 0 {
                    if errno == EINTR { continue }
                    break
                }
                if ready[1].revents != 0 { continue }  // close(): seen at the top
                if ready[0].revents != 0 { drain() }
            }
            shutdown()
        }

        func resume() {
            lock.lock()
            paused = false
            lock.signal()
            lock.unlock()
        }

        /// Idempotent: the thread sees it at its next turn, and ends.
        func close() {
            lock.lock()
            let first = !closing
            closing = true
            lock.signal()
            if first, !closed {
                var byte: UInt8 = 1
                _ = write(wake.write, &byte, 1)
            }
            lock.unlock()
        }

        func watch(_ directory: String) throws(SpoolError) {
            lock.lock()
            defer { lock.unlock() }
            guard !closing, !closed else {
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

        private func drain() {
            var lostEvents = false
            var batch: [WatchEvent] = []
            InotifyRecords.drain(fd, into: &buffer, endOfRead: {
                guard !batch.isEmpty else { return true }
                if !send(batch) { lostEvents = true }
                batch.removeAll(keepingCapacity: true)
                return !pausesAfterDelivery
            }) { wd, mask, name in
                if let event = handle(wd: wd, mask: mask, name: name, lostEvents: &lostEvents) { batch.append(event) }
            }
            if lostEvents { _ = send([.overflow]) }
        }

        /// Paused before the consumer has the batch, not after: its ``resume()``
        /// may come before `deliver` returns.
        private func send(_ batch: [WatchEvent]) -> Bool {
            if pausesAfterDelivery {
                lock.lock()
                paused = true
                lock.unlock()
            }
            return deliver(batch)
        }

        private func handle(wd: Int32, mask: UInt32, name: ArraySlice<UInt8>, lostEvents: inout Bool) -> WatchEvent? {
            if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                lostEvents = true
                return nil
            }
            lock.lock()
            defer { lock.unlock() }
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

        /// Closes the descriptors and finishes the stream, once.
        func shutdown() {
            lock.lock()
            let first = !closed
            closed = true
            closing = true
            directoriesByWatch.removeAll()
            lock.unlock()
            guard first else { return }
            _ = Glibc.close(fd)
            _ = Glibc.close(wake.read)
            _ = Glibc.close(wake.write)
            continuation.finish()
        }
    }
}
