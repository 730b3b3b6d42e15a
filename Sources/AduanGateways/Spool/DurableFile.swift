import CLinuxExtras
import Glibc

/// Writing files a gateway will pick up, and moving inbound files out of its way.
///
/// A gateway polls or inotify-watches its spool and takes any file whose name it
/// recognises, so a file must appear under that name already complete: it is written as
/// a dotfile (every gateway ignores those), fsync'd, and renamed into place. rename(2)
/// within one directory is atomic, so a reader sees either no file or the whole file.
public enum DurableFile {
    /// Writes `bytes` so that `directory/name` appears whole or not at all.
    ///
    /// After a crash the caller may find a stale `.<name>.tmp`; it is removed on the next
    /// write of the same name. An existing `name` is replaced: a re-spool after a crash
    /// sends a message at worst twice, never loses it.
    ///
    /// - Parameter syncDirectory: pass `false` when writing a batch, then call
    ///   ``syncDirectory(_:)`` once; until the directory is synced a power cut can undo
    ///   the rename.
    public static func write(
        _ bytes: [UInt8],
        named name: String,
        in directory: String,
        mode: mode_t = 0o640,
        syncDirectory: Bool = true
    ) throws(SpoolError) {
        let (tempPath, finalPath, _) = try writeHidden(bytes, named: name, as: "." + name + ".tmp", in: directory, mode: mode,
                                                       sync: .now)
        if rename(tempPath, finalPath) != 0 {
            let renameErrno = errno
            _ = unlink(tempPath)
            throw SpoolError(operation: "rename", path: tempPath, destination: finalPath, errno: renameErrno)
        }
        if syncDirectory {
            try Self.syncDirectory(directory)
        }
    }

    /// What became of a batch step (preparing or placing): the first
    /// `placed` files went through it; `error` says why the rest did not.
    public struct BatchResult: Sendable, Equatable {
        public var placed: Int
        public var error: SpoolError?

        public init(placed: Int, error: SpoolError?) {
            self.placed = placed
            self.error = error
        }
    }

    /// Files whose descriptors a batch holds open at once, well under the
    /// usual limit of 1024 descriptors.
    static let openAtOnce = 64

    /// The hidden name a prepared file waits under: complete, its data on
    /// disk, not yet visible to the gateway.
    public static func preparedName(_ name: String) -> String { "." + name + preparedSuffix }

    /// The name a prepared file is waiting to take (the inverse of
    /// ``preparedName(_:)``); nil for any other entry.
    static func name(ofPrepared entry: String) -> String? {
        guard entry.hasPrefix("."), entry.hasSuffix(preparedSuffix), entry.count > preparedSuffix.count + 1 else { return nil }
        return String(entry.dropFirst().dropLast(preparedSuffix.count))
    }

    private static let preparedSuffix = ".ready"

    /// Makes each file whole and durable under its hidden prepared name, with
    /// the expensive steps shared (group commit). Nothing is visible to the
    /// gateway yet: ``placePrepared(_:in:)`` does that, after the caller has
    /// recorded that the files are on their way; ``recoverPrepared(in:)``
    /// finishes the job after a crash in between. Sync the directory before
    /// recording, so the prepared names outlive a power cut.
    ///
    /// Each file is created under ``preparedName(_:)``. In a batch of fewer
    /// than ``sharedSyncFrom`` files each one's writeback is started as soon
    /// as it is written (sync_file_range), then each is waited for
    /// (fdatasync): at idle a reply waits for nothing but itself. A larger
    /// batch (a burst) is written, then waited for once, for the whole
    /// filesystem (syncfs): each fdatasync is a flush of the disk's write
    /// cache of its own, and for 256 files that took twice the time and
    /// twice the CPU of one syncfs. The price is that
    /// syncfs also writes whatever else is dirty on the filesystem (in a
    /// burst: mostly the gateway's inbound files, which are ours to read
    /// anyway).
    ///
    /// Written under the prepared name itself rather than a temporary one
    /// renamed to it: one directory operation less per file, in a directory
    /// the gateway may have filled. So a prepared file is whole only once
    /// this returns it as prepared: one a crash interrupted may be cut short,
    /// and the caller writes a file again unless it recorded it as prepared.
    ///
    /// Stops at the first failure: the files before it are prepared (and
    /// counted), the others are removed. A failed syncfs prepares none.
    public static func prepareBatch(_ files: [(name: String, bytes: [UInt8])], in directory: String,
                                    mode: mode_t = 0o640) -> BatchResult {
        syncWritten(writeBatch(files, in: directory, mode: mode))
    }

    /// A batch written under its prepared names, perhaps still waiting for
    /// the shared sync that makes it prepared (``syncWritten(_:)``).
    public struct WrittenBatch: Sendable {
        /// What the writing did: the first `placed` files are written.
        public var result: BatchResult
        /// The directory they are in.
        public var directory: String
        /// Written and closed, their data not yet known to be on disk (a
        /// batch of ``sharedSyncFrom`` files or more); empty when each was
        /// synced as it was written.
        public var unsynced: [String]

        public init(result: BatchResult, directory: String, unsynced: [String] = []) {
            self.result = result
            self.directory = directory
            self.unsynced = unsynced
        }
    }

    /// The first half of ``prepareBatch(_:in:mode:)``: writes the files. A
    /// small batch is synced here, file by file; a large one waits for
    /// ``syncWritten(_:)``, so that the caller can write the next batch
    /// while the disk catches up with this one.
    public static func writeBatch(_ files: [(name: String, bytes: [UInt8])], in directory: String,
                                  mode: mode_t = 0o640) -> WrittenBatch {
        files.count >= sharedSyncFrom
            ? writeForSharedSync(files, in: directory, mode: mode)
            : WrittenBatch(result: prepareEachSynced(files, in: directory, mode: mode), directory: directory)
    }

    /// The second half of ``prepareBatch(_:in:mode:)``: one syncfs for the
    /// files still waiting for it. What the batch prepared, or, when the
    /// sync fails, none of it (its files removed).
    public static func syncWritten(_ batch: WrittenBatch) -> BatchResult {
        guard !batch.unsynced.isEmpty else { return batch.result }
        let fd = retryingEINTR { open(batch.directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        let synced = fd >= 0 && retryingEINTR({ aduan_sync_filesystem(fd) }) == 0
        let syncErrno = errno
        if fd >= 0 { _ = close(fd) }
        if !synced {
            for path in batch.unsynced { _ = unlink(path) }
            return BatchResult(placed: 0, error: SpoolError(operation: "sync", path: batch.directory, errno: syncErrno))
        }
        return batch.result
    }

    /// Batches from this size are made durable with one syncfs.
    static let sharedSyncFrom = 16

    private static func prepareEachSynced(_ files: [(name: String, bytes: [UInt8])], in directory: String,
                                          mode: mode_t) -> BatchResult {
        var prepared = 0
        var failure: SpoolError?
        var start = files.startIndex
        while failure == nil, start < files.endIndex {
            let chunk = files[start..<min(start + openAtOnce, files.endIndex)]
            start = chunk.endIndex
            var open: [(path: String, final: String, fd: Int32)] = []
            var writeFailure: SpoolError?
            for file in chunk {
                do throws(SpoolError) {
                    let written = try writeHidden(file.bytes, named: file.name, as: preparedName(file.name), in: directory,
                                                  mode: mode, sync: .started)
                    open.append((written.hidden, written.final, written.fd))
                } catch {
                    writeFailure = error
                    break
                }
            }
            // The files written before a failed one still go out.
            defer { if failure == nil { failure = writeFailure } }
            for file in open {
                if failure != nil {
                    _ = close(file.fd)
                    _ = unlink(file.path)
                    continue
                }
                if retryingEINTR({ fdatasync(file.fd) }) != 0 {
                    failure = SpoolError(operation: "sync", path: file.final, errno: errno)
                    _ = close(file.fd)
                    _ = unlink(file.path)
                    continue
                }
                if let error = closeWritten(file.fd, path: file.path, final: file.final) {
                    failure = error
                    continue
                }
                prepared += 1
            }
        }
        return BatchResult(placed: prepared, error: failure)
    }

    private static func writeForSharedSync(_ files: [(name: String, bytes: [UInt8])], in directory: String,
                                           mode: mode_t) -> WrittenBatch {
        var written: [String] = []
        var failure: SpoolError?
        for file in files {
            do throws(SpoolError) {
                let hidden = try writeHidden(file.bytes, named: file.name, as: preparedName(file.name), in: directory,
                                             mode: mode, sync: .later)
                if let error = closeWritten(hidden.fd, path: hidden.hidden, final: hidden.final) {
                    failure = error
                    break
                }
                written.append(hidden.hidden)
            } catch {
                failure = error
                break
            }
        }
        return WrittenBatch(result: BatchResult(placed: written.count, error: failure), directory: directory,
                            unsynced: written)
    }

    /// Closes a file just written; on failure removes it and says why.
    /// Linux closes the descriptor even when close(2) fails; an error here
    /// (NFS) still means "not written".
    private static func closeWritten(_ fd: Int32, path: String, final: String) -> SpoolError? {
        guard close(fd) != 0 && errno != EINTR else { return nil }
        let error = SpoolError(operation: "close", path: final, errno: errno)
        _ = unlink(path)
        return error
    }

    /// Whether `name`'s prepared file holds exactly `bytes`, its data now on
    /// disk: one left by a failed flush (or a crash after its write) that can
    /// be placed as it is. False for one cut short, one that differs, one
    /// that cannot be read or synced, and none: write it again.
    public static func holdsPrepared(_ name: String, _ bytes: [UInt8], in directory: String) -> Bool {
        guard isPlainName(name) else { return false }
        let fd = retryingEINTR { open(join(directory, preparedName(name)), O_RDONLY | O_CLOEXEC | O_NOFOLLOW) }
        guard fd >= 0 else { return false }
        defer { _ = close(fd) }
        // One byte more than expected, to see a longer file as different.
        var content = [UInt8](repeating: 0, count: bytes.count + 1)
        var count = 0
        while count < content.count {
            let n = content.withUnsafeMutableBytes { buffer in
                retryingEINTR { read(fd, buffer.baseAddress.unsafelyUnwrapped + count, buffer.count - count) }
            }
            if n < 0 { return false }
            if n == 0 { break }
            count += n
        }
        guard count == bytes.count, content.prefix(count).elementsEqual(bytes) else { return false }
        return retryingEINTR { fdatasync(fd) } == 0
    }

    /// Renames prepared files to their names, in order: the moment the
    /// gateway sees them. A name already there is never replaced: it is a
    /// file of the same row still waiting for the gateway, which may be
    /// reading it, and the prepared copy is dropped. Stops at the first
    /// failure and leaves the rest prepared, for a later ``recoverPrepared(in:)``.
    public static func placePrepared(_ names: [String], in directory: String) -> BatchResult {
        for (index, name) in names.enumerated() {
            do throws(SpoolError) {
                _ = try placePrepared(name, in: directory)
            } catch {
                return BatchResult(placed: index, error: error)
            }
        }
        return BatchResult(placed: names.count, error: nil)
    }

    /// Places every prepared file left in `directory` (by a crash or a failed
    /// rename between preparing and placing). A prepared file is whole and
    /// was meant to go out, so placing it is always right; one whose name is
    /// already there is a leftover and is removed. Returns the names placed.
    public static func recoverPrepared(in directory: String) throws(SpoolError) -> [String] {
        guard let entries = DirectoryEntries.names(in: directory) else {
            throw SpoolError(operation: "open directory", path: directory, errno: errno)
        }
        var placed: [String] = []
        for entry in entries {
            guard let name = name(ofPrepared: entry), isPlainName(name) else { continue }
            if try placePrepared(name, in: directory) { placed.append(name) }
        }
        return placed
    }

    /// One prepared file renamed to its name by the archive's move, which
    /// never replaces a name (``place(_:at:)``); when the name is taken, the
    /// prepared copy is removed instead. True when it was placed.
    private static func placePrepared(_ name: String, in directory: String) throws(SpoolError) -> Bool {
        let ready = join(directory, preparedName(name))
        if try place(ready, at: join(directory, name)) == .moved { return true }
        _ = unlink(ready)
        return false
    }

    /// When ``writeHidden(_:named:as:in:mode:sync:)`` makes the file durable.
    private enum Sync {
        /// fsync'd and closed.
        case now
        /// Its writeback started; the descriptor open for the caller's fdatasync.
        case started
        /// Left to the caller's syncfs (one per batch, which writes the
        /// batch's pages in one go): per-file writeback cost more CPU than
        /// it saved.
        case later
    }

    /// Creates the dotfile `hidden` holding `bytes`, on its way to `name`,
    /// made durable as `sync` says: with ``Sync/now`` it is also closed;
    /// otherwise its descriptor is returned open, for the caller to sync
    /// and close.
    private static func writeHidden(_ bytes: [UInt8], named name: String, as hidden: String, in directory: String,
                                    mode: mode_t, sync: Sync) throws(SpoolError) -> (hidden: String, final: String, fd: Int32) {
        let finalPath = join(directory, name)
        guard isPlainName(name) else {
            throw SpoolError(
                operation: "write", path: finalPath, errno: EINVAL,
                detail: "the file name must be a single path component without NUL")
        }
        let tempPath = join(directory, hidden)

        func create() -> Int32 {
            retryingEINTR { open(tempPath, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode) }
        }
        var fd = create()
        if fd < 0 && errno == EEXIST {
            // A file left by a crash (or by a failed flush, for a prepared
            // one): removed only when met, which is rare, rather than an
            // unlink before every create.
            if unlink(tempPath) != 0 && errno != ENOENT {
                throw SpoolError(operation: "remove stale", path: tempPath, errno: errno)
            }
            fd = create()
        }
        guard fd >= 0 else { throw SpoolError(operation: "create", path: tempPath, errno: errno) }

        do throws(SpoolError) {
            // open(2) applies the umask; the spool's permissions are part of the contract
            // with the gateway (and keep citizens' numbers from being world-readable).
            if fchmod(fd, mode) != 0 { throw SpoolError(operation: "chmod", path: tempPath, errno: errno) }
            if let failure = bytes.withUnsafeBytes({ writeAll(fd, $0) }) {
                throw SpoolError(operation: "write", path: finalPath, errno: failure)
            }
            if sync == .now, retryingEINTR({ fsync(fd) }) != 0 {
                throw SpoolError(operation: "sync", path: finalPath, errno: errno)
            }
        } catch {
            _ = close(fd)
            _ = unlink(tempPath)
            throw error
        }
        switch sync {
        case .now:
            break
        case .started:
            // Only a hint to start writing now; fdatasync decides. A
            // filesystem without it (EINVAL, ENOSYS) loses nothing.
            _ = aduan_start_writeback(fd)
            return (tempPath, finalPath, fd)
        case .later:
            return (tempPath, finalPath, fd)
        }
        // Linux closes the descriptor even when close(2) fails, so it is never retried;
        // an error here (NFS) still means "not written".
        if close(fd) != 0 && errno != EINTR {
            let closeErrno = errno
            _ = unlink(tempPath)
            throw SpoolError(operation: "close", path: finalPath, errno: closeErrno)
        }
        return (tempPath, finalPath, -1)
    }

    /// Makes renames and creations in `path` survive a power cut.
    public static func syncDirectory(_ path: String) throws(SpoolError) {
        let fd = retryingEINTR { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard fd >= 0 else { throw SpoolError(operation: "open directory", path: path, errno: errno) }
        defer { _ = close(fd) }
        // Some filesystems (certain FUSE and network ones) cannot fsync a directory and
        // say EINVAL; there is nothing more to make durable there.
        if retryingEINTR({ fsync(fd) }) != 0 && errno != EINVAL {
            throw SpoolError(operation: "sync directory", path: path, errno: errno)
        }
    }

    /// Moves a processed or rejected inbound file into `directory`, never overwriting:
    /// a name already there gets `.1`, `.2`, … so an archived original is never lost.
    ///
    /// `directory` is created (0750) when missing; its parent must exist. Across
    /// filesystems the file is copied, fsync'd, and only then removed from the spool.
    ///
    /// - Returns: the path the file now has.
    @discardableResult
    public static func moveAside(_ path: String, into directory: String) throws(SpoolError) -> String {
        let base = lastComponent(of: path)
        guard isPlainName(base) else {
            throw SpoolError(operation: "move", path: path, destination: directory, errno: EINVAL,
                             detail: "the source must name a file, not a directory path")
        }
        // Ten thousand files of the same name means something is re-delivering in a loop;
        // stop rather than fill the archive.
        for attempt in 0..<10_000 {
            let candidate = join(directory, attempt == 0 ? base : "\(base).\(attempt)")
            switch try place(path, at: candidate, makingDirectory: directory) {
            case .moved: return candidate
            case .nameTaken: continue
            }
        }
        throw SpoolError(operation: "move", path: path, destination: join(directory, base), errno: EEXIST,
                         detail: "10000 files of this name are already there")
    }

    // MARK: - Moving

    private enum Placement { case moved, nameTaken }

    /// The archive is there nearly always: it is made when a move finds it
    /// missing, rather than looked for before every move.
    private static func place(_ source: String, at target: String,
                              makingDirectory directory: String) throws(SpoolError) -> Placement {
        do throws(SpoolError) {
            return try place(source, at: target)
        } catch where error.errno == ENOENT && access(directory, F_OK) != 0 {
            try ensureDirectory(directory)
            return try place(source, at: target)
        } catch {
            throw error
        }
    }

    private static func place(_ source: String, at target: String) throws(SpoolError) -> Placement {
        // Never replace a file already archived under this name: renameat2's
        // RENAME_NOREPLACE in one call, else link(2), which fails with EEXIST too.
        if aduan_rename_noreplace(source, target) == 0 { return .moved }
        switch errno {
        case EEXIST: return .nameTaken
        case EXDEV: return try copyAcrossFilesystems(source, to: target)
        case EINVAL, ENOSYS: break
        default: throw SpoolError(operation: "move", path: source, destination: target, errno: errno)
        }
        if link(source, target) == 0 {
            if unlink(source) != 0 {
                let unlinkErrno = errno
                _ = unlink(target)
                throw SpoolError(operation: "remove", path: source, errno: unlinkErrno)
            }
            return .moved
        }
        switch errno {
        case EEXIST:
            return .nameTaken
        case EXDEV:
            return try copyAcrossFilesystems(source, to: target)
        case EPERM, EMLINK, EOPNOTSUPP, ENOSYS:
            // Directories cannot be hard-linked, some filesystems refuse links, and
            // fs.protected_hardlinks refuses files we do not own: a checked rename is the
            // best left. Only aduan writes to its archive, so the window is harmless.
            var st = stat()
            if lstat(target, &st) == 0 { return .nameTaken }
            if errno != ENOENT { throw SpoolError(operation: "inspect", path: target, errno: errno) }
            if rename(source, target) == 0 { return .moved }
            if errno == EXDEV { return try copyAcrossFilesystems(source, to: target) }
            throw SpoolError(operation: "move", path: source, destination: target, errno: errno)
        default:
            throw SpoolError(operation: "move", path: source, destination: target, errno: errno)
        }
    }

    private static func copyAcrossFilesystems(_ source: String, to target: String) throws(SpoolError) -> Placement {
        // O_NONBLOCK: a fifo planted in the spool must not hang the daemon here.
        let input = retryingEINTR { open(source, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) }
        guard input >= 0 else {
            let openErrno = errno
            if openErrno == ELOOP {
                throw SpoolError(operation: "move", path: source, destination: target, errno: EXDEV,
                                 detail: "a symbolic link cannot be copied to another filesystem")
            }
            throw SpoolError(operation: "move", path: source, destination: target, errno: openErrno)
        }
        defer { _ = close(input) }
        var st = stat()
        guard fstat(input, &st) == 0 else { throw SpoolError(operation: "inspect", path: source, errno: errno) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw SpoolError(operation: "move", path: source, destination: target, errno: EXDEV,
                             detail: "only regular files can be copied to another filesystem")
        }
        let mode = mode_t(st.st_mode & 0o7777)
        let output = retryingEINTR { open(target, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode) }
        if output < 0 {
            if errno == EEXIST { return .nameTaken }
            throw SpoolError(operation: "create", path: target, errno: errno)
        }
        do throws(SpoolError) {
            _ = fchmod(output, mode)
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = buffer.withUnsafeMutableBytes { raw in
                    retryingEINTR { read(input, raw.baseAddress, raw.count) }
                }
                if count < 0 { throw SpoolError(operation: "read", path: source, errno: errno) }
                if count == 0 { break }
                if let failure = buffer.withUnsafeBytes({ writeAll(output, UnsafeRawBufferPointer(rebasing: $0[0..<count])) }) {
                    throw SpoolError(operation: "write", path: target, errno: failure)
                }
            }
            if retryingEINTR({ fsync(output) }) != 0 {
                throw SpoolError(operation: "sync", path: target, errno: errno)
            }
        } catch {
            _ = close(output)
            _ = unlink(target)
            throw error
        }
        if close(output) != 0 && errno != EINTR {
            let closeErrno = errno
            _ = unlink(target)
            throw SpoolError(operation: "close", path: target, errno: closeErrno)
        }
        // The copy must be durable before the only other copy goes away.
        do throws(SpoolError) {
            try syncDirectory(directoryPart(of: target))
        } catch {
            _ = unlink(target)
            throw error
        }
        if unlink(source) != 0 {
            let unlinkErrno = errno
            _ = unlink(target)
            throw SpoolError(operation: "remove", path: source, errno: unlinkErrno)
        }
        return .moved
    }

    private static func ensureDirectory(_ path: String) throws(SpoolError) {
        if mkdir(path, 0o750) == 0 {
            // mkdir(2) applies the umask; archives hold citizens' messages.
            _ = chmod(path, 0o750)
            return
        }
        guard errno == EEXIST else { throw SpoolError(operation: "create directory", path: path, errno: errno) }
        var st = stat()
        guard stat(path, &st) == 0 else { throw SpoolError(operation: "inspect", path: path, errno: errno) }
        guard (st.st_mode & S_IFMT) == S_IFDIR else {
            throw SpoolError(operation: "create directory", path: path, errno: ENOTDIR,
                             detail: "a file of that name is in the way")
        }
    }

    // MARK: - Plumbing

    /// Returns the errno that stopped the write, or nil when every byte went out.
    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Int32? {
        var offset = 0
        while offset < buffer.count {
            let written = Glibc.write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            // A zero-length write for a non-empty buffer would loop forever.
            if written == 0 { return EIO }
            offset += written
        }
        return nil
    }

    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.utf8.contains(UInt8(ascii: "/"))
            && !name.utf8.contains(0)
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    public static func lastComponent(of path: String) -> String {
        if let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")), path.utf8.index(after: slash) != path.utf8.endIndex {
            return String(path[path.utf8.index(after: slash)...])
        }
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return trimmed.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? ""
    }

    public static func directoryPart(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// A failed file-system operation, described so an operator knows which file and what
/// to fix: `write /var/spool/sms/outgoing/x: No space left on device (ENOSPC)`.
public struct SpoolError: Error, CustomStringConvertible, Equatable {
    /// What was being done: `write`, `create`, `rename`, `move`, `sync directory`, `watch`, …
    public let operation: String
    public let path: String
    /// The other end of a rename or move.
    public let destination: String?
    public let errno: Int32
    /// Replaces the system's wording when it would mislead (an inotify limit reported as ENOSPC).
    public let detail: String?

    public init(operation: String, path: String, destination: String? = nil, errno: Int32, detail: String? = nil) {
        self.operation = operation
        self.path = path
        self.destination = destination
        self.errno = errno
        self.detail = detail
    }

    public var description: String {
        let target = destination.map { " to \($0)" } ?? ""
        let reason = detail ?? Self.systemMessage(errno)
        return "\(operation) \(path)\(target): \(reason) (\(Self.symbol(errno)))"
    }

    static func systemMessage(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }

    /// The errno name operators search for; strerror's wording varies by locale.
    public static func symbol(_ code: Int32) -> String {
        switch code {
        case ENOSPC: "ENOSPC"
        case EDQUOT: "EDQUOT"
        case EIO: "EIO"
        case EACCES: "EACCES"
        case EPERM: "EPERM"
        case EROFS: "EROFS"
        case ENOENT: "ENOENT"
        case EEXIST: "EEXIST"
        case ELOOP: "ELOOP"
        case EMFILE: "EMFILE"
        case ENFILE: "ENFILE"
        case ENOTDIR: "ENOTDIR"
        case EISDIR: "EISDIR"
        case EXDEV: "EXDEV"
        case EINVAL: "EINVAL"
        case ENAMETOOLONG: "ENAMETOOLONG"
        case EBUSY: "EBUSY"
        case EFBIG: "EFBIG"
        case ENOMEM: "ENOMEM"
        case ESTALE: "ESTALE"
        case EBADF: "EBADF"
        default: "errno \(code)"
        }
    }
}
