@preconcurrency import Dispatch
import Glibc

/// Wakes a ``LogFollower``'s consumer when its log may have new lines, through inotify.
///
/// Each element of ``changes`` is only a hint: call ``LogFollower/nextLines(limit:)``
/// until it returns `[]`. Bursts coalesce into one pending element, so a busy log costs
/// one wake-up per batch, not one per write; idle costs nothing (the descriptor sits in
/// Dispatch's epoll set, no timer runs).
///
/// Create the watcher before the first catch-up read: a line written between a read
/// and the watch's creation would otherwise wait for the next write to be noticed.
///
/// Watched:
/// - the parent directory, for the log's name appearing (created, renamed in) or going
///   (renamed away, deleted), so a log that does not exist yet, or a rotation's new
///   file, is picked up;
/// - the file itself, for appends, truncation and its own rename or deletion;
/// - the previous file after a rotation too, because its writer keeps appending until
///   it reopens and the follower keeps reading it until then. Older files are dropped:
///   a rotated log nobody writes to needs no watch.
///
/// `@unchecked Sendable`: the mutable state lives in `State` and is touched only on
/// `queue`; `DispatchSourceRead` is not `Sendable` on Linux but is thread-safe.
public final class LogWatcher: @unchecked Sendable {
    public let changes: AsyncStream<Void>

    private let queue: DispatchQueue
    private let state: State
    private let source: DispatchSourceRead

    public init(path: String) throws(SpoolError) {
        let name = DurableFile.lastComponent(of: path)
        guard !path.hasSuffix("/"), DurableFile.isPlainName(name) else {
            throw SpoolError(operation: "watch", path: path, errno: EINVAL,
                             detail: "a jsonl source must name a file, not a directory")
        }
        let fd = inotify_init1(Int32(IN_NONBLOCK) | Int32(IN_CLOEXEC))
        guard fd >= 0 else {
            let code = errno
            throw SpoolError(
                operation: "start watching", path: path, errno: code,
                detail: code == EMFILE
                    ? "too many inotify instances for this user (raise fs.inotify.max_user_instances)" : nil)
        }
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let state = State(fd: fd, path: path, name: Array(name.utf8), continuation: continuation)
        do throws(SpoolError) {
            // The directory first: a file created after it is watched is reported by it.
            try state.watchDirectory(DurableFile.directoryPart(of: path))
            try state.watchFile()
        } catch {
            _ = Glibc.close(fd)
            continuation.finish()
            throw error
        }

        let queue = DispatchQueue(label: "aduan.log-watcher")
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler { state.drain() }
        // Dispatch may still be polling the descriptor until this runs, so this is the
        // only place it may be closed.
        source.setCancelHandler { state.shutdown() }
        continuation.onTermination = { @Sendable _ in source.cancel() }

        self.changes = stream
        self.queue = queue
        self.state = state
        self.source = source
        source.activate()
    }

    deinit {
        source.cancel()
    }

    /// Stops watching; then ``changes`` finishes. Idempotent.
    public func close() {
        source.cancel()
    }

    /// The inodes whose changes are reported, oldest first: for tests.
    var watchedFiles: [UInt64] {
        queue.sync { state.fileWatches.map(\.inode) }
    }
}

extension LogWatcher {
    /// Everything the Dispatch handlers touch. Accessed only on the watcher's queue (and
    /// in the initialiser, before the source exists).
    fileprivate final class State: @unchecked Sendable {
        private var fd: Int32
        private let path: String
        private let name: [UInt8]
        private let continuation: AsyncStream<Void>.Continuation
        private var directoryWatch: Int32 = -1
        /// Oldest first; at most the current file and the one before it.
        private(set) var fileWatches: [(wd: Int32, inode: UInt64)] = []
        private var buffer = [UInt8](repeating: 0, count: 16 * 1024)

        private static let directoryMask: UInt32 =
            UInt32(IN_CREATE) | UInt32(IN_MOVED_TO) | UInt32(IN_MOVED_FROM) | UInt32(IN_DELETE)
            | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF) | UInt32(IN_ONLYDIR)
        // IN_ATTRIB: a deletion while the writer holds the file open shows only as a
        // link count change until the last close.
        private static let fileMask: UInt32 =
            UInt32(IN_MODIFY) | UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVE_SELF) | UInt32(IN_DELETE_SELF)
            | UInt32(IN_ATTRIB)

        init(fd: Int32, path: String, name: [UInt8], continuation: AsyncStream<Void>.Continuation) {
            self.fd = fd
            self.path = path
            self.name = name
            self.continuation = continuation
        }

        func watchDirectory(_ directory: String) throws(SpoolError) {
            let wd = inotify_add_watch(fd, directory, Self.directoryMask)
            guard wd >= 0 else { throw Self.watchError(directory, errno) }
            directoryWatch = wd
        }

        /// Watches whatever file `path` names now. A missing or unreadable file is left
        /// for the follower to report (it opens the same path and says why); only the
        /// watch limit, which the follower cannot see, is an error here.
        func watchFile() throws(SpoolError) {
            let wd = inotify_add_watch(fd, path, Self.fileMask)
            guard wd >= 0 else {
                let code = errno
                if code == ENOSPC { throw Self.watchError(path, code) }
                return
            }
            if let known = fileWatches.firstIndex(where: { $0.wd == wd }) {
                // The same inode (a create event for a file already watched).
                fileWatches.append(fileWatches.remove(at: known))
                return
            }
            var st = stat()
            let inode = stat(path, &st) == 0 ? UInt64(st.st_ino) : 0
            fileWatches.append((wd, inode))
            while fileWatches.count > 2 {
                _ = inotify_rm_watch(fd, fileWatches.removeFirst().wd)
            }
        }

        private static func watchError(_ target: String, _ code: Int32) -> SpoolError {
            SpoolError(
                operation: "watch", path: target, errno: code,
                detail: code == ENOSPC ? "inotify watch limit reached (raise fs.inotify.max_user_watches)" : nil)
        }

        func drain() {
            guard fd >= 0 else { return }
            var changed = false
            InotifyRecords.drain(fd, into: &buffer) { wd, mask, name in
                handle(wd: wd, mask: mask, name: name, changed: &changed)
            }
            // Once per batch, after any new file is watched: a line written to it after
            // this yield produces an event of its own.
            if changed { continuation.yield() }
        }

        private func handle(wd: Int32, mask: UInt32, name: ArraySlice<UInt8>, changed: inout Bool) {
            if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                // A rotation's create may be among the lost events.
                try? watchFile()
                changed = true
                return
            }
            if wd == directoryWatch {
                if mask & UInt32(IN_IGNORED) != 0 {
                    // The directory went away; the follower still reads the open file.
                    directoryWatch = -1
                    changed = true
                    return
                }
                if mask & (UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF)) != 0 {
                    changed = true
                    return
                }
                guard name.elementsEqual(self.name) else { return }
                if mask & (UInt32(IN_CREATE) | UInt32(IN_MOVED_TO)) != 0 {
                    try? watchFile()
                }
                changed = true
                return
            }
            guard let index = fileWatches.firstIndex(where: { $0.wd == wd }) else { return }
            if mask & UInt32(IN_IGNORED) != 0 {
                // Deleted (or unwatched by us): the kernel dropped the watch.
                fileWatches.remove(at: index)
            }
            changed = true
        }

        func shutdown() {
            if fd >= 0 {
                _ = Glibc.close(fd)
                fd = -1
            }
            fileWatches.removeAll()
            continuation.finish()
        }
    }
}
