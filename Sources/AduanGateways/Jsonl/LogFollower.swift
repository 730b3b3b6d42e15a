import Foundation
import AduanCore
import Glibc


/// One complete line of a followed log.
public struct LogLine: Sendable, Equatable {
    /// Without the `\n`; a `\r` before it is kept.
    public var bytes: [UInt8]
    /// 1-based within its file; it starts again at 1 after a rotation or a truncation.
    public var number: Int64
    /// Store this with whatever the line produced (a message or a rejection), so a
    /// restart resumes after it.
    public var after: LogCheckpoint
    /// The line was longer than ``LogFollower/maxLineLength``: it was skipped without
    /// being kept and `bytes` is empty. Reject it ("line N longer than 64 KiB") and
    /// still store `after`, or it is read again on every restart.
    public var overlong: Bool

    public init(bytes: [UInt8], number: Int64, after: LogCheckpoint, overlong: Bool = false) {
        self.bytes = bytes
        self.number = number
        self.after = after
        self.overlong = overlong
    }
}

/// Reads a log file line by line as it grows, following it like `tail -F`.
///
/// It is pulled, not pushed: ``nextLines(limit:)`` returns what is complete now, and a
/// ``LogWatcher`` says when calling it again may be worthwhile.
///
/// Rotation:
/// - rename and create (logrotate's default): the writer goes on appending to the old
///   file until it is told to reopen, so the follower keeps reading the old file until
///   the new one at `path` has content — only then has the writer surely moved on. It
///   then reads the old file to its end, returns an unterminated last line as a line
///   (nothing will finish it), and continues with the new file at line 1.
/// - copytruncate: the file shrinks below the offset read so far; reading restarts at 0.
///   Lines written between logrotate's copy and its truncation are lost whatever the
///   reader does; that is copytruncate's own flaw.
/// - while the daemon was down: a checkpoint whose file is no longer at `path` is looked
///   for at `path.1` and that file is finished first. A file rotated further (`.2`,
///   compressed) is not looked for: the current file is then read from its start.
///
/// Memory is bounded: at most one chunk and one line of ``maxLineLength`` bytes are held,
/// whatever the file holds.
///
/// `@unchecked Sendable`: every mutable property is touched only under `lock`.
public final class LogFollower: @unchecked Sendable {
    /// SMS texts are at most a few KiB even as JSON with escapes; anything longer is not
    /// a message and is not worth holding in memory.
    public static let maxLineLength = 64 * 1024
    static let chunkSize = 64 * 1024

    private let path: String
    private let maxLineLength: Int
    private let lock = NSLock()

    /// Until the first file is opened: where the previous run stopped.
    private var resume: LogCheckpoint?
    private var file: OpenFile?
    /// Offset just after the last line returned.
    private var consumed: Int64 = 0
    private var line: Int64 = 0
    /// The start of a line not yet ended by `\n`, read already so it is not read again.
    private var partial: [UInt8] = []
    /// How many bytes after `consumed` have been read; more than `partial.count` once the
    /// line turned out to be overlong and its bytes were dropped.
    private var scanned: Int64 = 0
    private var skippingOverlong = false
    private var chunk: [UInt8] = []
    private var closed = false
    /// The last bytes before `consumed` (the end of the last line returned).
    /// copytruncate followed quickly by a longer line leaves the file larger
    /// than our offset; only these bytes no longer being there tells.
    private var tail: [UInt8] = []
    static let tailLength = 32

    public convenience init(path: String, resumingFrom checkpoint: LogCheckpoint?) {
        self.init(path: path, resumingFrom: checkpoint, maxLineLength: Self.maxLineLength)
    }

    init(path: String, resumingFrom checkpoint: LogCheckpoint?, maxLineLength: Int) {
        self.path = path
        self.resume = checkpoint
        self.maxLineLength = maxLineLength
    }

    deinit {
        if let file { _ = Glibc.close(file.fd) }
    }

    /// Complete lines available now, at most `limit`, in order. Never returns a half-written last line
    /// (one not yet ended by "\n"). Never throws for a missing file (returns []): the log may not exist yet.
    ///
    /// At the end of the file a call costs an `fstat` of the open file and a `stat` of
    /// `path` (to notice a rotation); data is read in 64 KiB chunks.
    public func nextLines(limit: Int) throws(SpoolError) -> [LogLine] {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else {
            throw SpoolError(operation: "read", path: path, errno: EBADF, detail: "the log follower has been closed")
        }
        guard limit > 0 else { return [] }
        if file == nil { try openFirst() }

        var lines: [LogLine] = []
        if let current = file, try wasRewritten(current) {
            restart(with: current, at: 0, line: 0)
        }
        // Set once `path` was seen to name a new file with content: the old one gets one
        // more look for lines appended before its writer switched.
        var successorSeen = false
        while lines.count < limit, let current = file {
            let size = try self.size(of: current)
            let position = consumed + scanned
            if size < position {
                // copytruncate: the same inode holds new lines from offset 0.
                restart(with: current, at: 0, line: 0)
                successorSeen = false
                continue
            }
            if size > position {
                guard try read(current, at: position, into: &lines, limit: limit) else { break }
                continue
            }
            if !successorSeen {
                guard hasSuccessor(current) else { break }
                successorSeen = true
                continue
            }
            guard let next = try openSuccessor(of: current) else { break }
            if scanned > 0 {
                // The writer has moved on: nothing will ever end this line.
                emit(skippingOverlong ? [] : partial, from: current, endingAt: position, into: &lines)
            }
            _ = Glibc.close(current.fd)
            restart(with: next, at: 0, line: 0)
            successorSeen = false
        }
        return lines
    }

    /// Where the next ``nextLines(limit:)`` continues; before the first call, the
    /// checkpoint given to the initialiser.
    public var checkpoint: LogCheckpoint? {
        lock.lock()
        defer { lock.unlock() }
        guard let file else { return resume }
        return file.checkpoint(offset: consumed, line: line)
    }

    /// Releases the file. Further calls to ``nextLines(limit:)`` throw. Idempotent.
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        if let file { _ = Glibc.close(file.fd) }
        file = nil
        closed = true
        partial = []
        chunk = []
    }

    /// How many bytes of an unfinished line are held: never more than the line limit.
    var heldBytes: Int {
        lock.lock()
        defer { lock.unlock() }
        return partial.capacity
    }

    // MARK: - Reading

    /// Reads one chunk and cuts it into lines. Returns false when nothing could be read.
    private func read(_ current: OpenFile, at position: Int64, into lines: inout [LogLine], limit: Int) throws(SpoolError) -> Bool {
        if chunk.isEmpty { chunk = [UInt8](repeating: 0, count: Self.chunkSize) }
        let count = chunk.withUnsafeMutableBytes { raw in
            retryingEINTR { pread(current.fd, raw.baseAddress, raw.count, off_t(position)) }
        }
        guard count >= 0 else { throw SpoolError(operation: "read", path: path, errno: errno) }
        guard count > 0 else { return false }

        let newline = UInt8(ascii: "\n")
        var start = 0
        while start < count && lines.count < limit {
            guard let end = chunk[start..<count].firstIndex(of: newline) else {
                hold(chunk[start..<count])
                break
            }
            hold(chunk[start..<end])
            emit(skippingOverlong ? [] : partial, from: current, endingAt: position + Int64(end + 1), into: &lines)
            start = end + 1
        }
        // Bytes after the limit's last line are dropped; the next call reads them again
        // from `consumed + scanned`.
        return true
    }

    private func hold(_ bytes: ArraySlice<UInt8>) {
        scanned += Int64(bytes.count)
        guard !skippingOverlong else { return }
        if partial.count + bytes.count > maxLineLength {
            skippingOverlong = true
            partial = []
        } else {
            partial.append(contentsOf: bytes)
        }
    }

    /// Whether the bytes before our offset are no longer the ones we read:
    /// the file was truncated and written again since the last call.
    private func wasRewritten(_ current: OpenFile) throws(SpoolError) -> Bool {
        guard !tail.isEmpty, consumed >= Int64(tail.count) else { return false }
        var now = [UInt8](repeating: 0, count: tail.count)
        let count = now.withUnsafeMutableBytes { raw in
            retryingEINTR { pread(current.fd, raw.baseAddress, raw.count, off_t(consumed - Int64(tail.count))) }
        }
        guard count >= 0 else { throw SpoolError(operation: "read", path: path, errno: errno) }
        return count != tail.count || now != tail
    }

    private func emit(_ bytes: [UInt8], from current: OpenFile, endingAt offset: Int64, into lines: inout [LogLine]) {
        line += 1
        consumed = offset
        // The line's own bytes plus its newline; an overlong line's bytes are
        // gone, so it leaves no fingerprint.
        tail = skippingOverlong ? [] : Array((bytes + [UInt8(ascii: "\n")]).suffix(Self.tailLength))
        lines.append(LogLine(
            bytes: bytes, number: line, after: current.checkpoint(offset: offset, line: line),
            overlong: skippingOverlong))
        // A fresh array, so a long line's storage is not kept for the next.
        partial = []
        scanned = 0
        skippingOverlong = false
    }

    private func restart(with file: OpenFile, at offset: Int64, line: Int64) {
        self.file = file
        consumed = offset
        tail = []
        self.line = line
        partial = []
        scanned = 0
        skippingOverlong = false
    }

    // MARK: - Opening and rotation

    private func openFirst() throws(SpoolError) {
        guard let checkpoint = resume else {
            if let (opened, _) = try open(path) { restart(with: opened, at: 0, line: 0) }
            return
        }
        let current = try open(path)
        if let (opened, size) = current, opened.holds(checkpoint) {
            resume = nil
            // A smaller file was truncated; a checkpoint not just after a newline means
            // the inode number was reused by another file. Either way: from the start.
            if size >= checkpoint.offset, try endsALine(opened, at: checkpoint.offset) {
                restart(with: opened, at: checkpoint.offset, line: checkpoint.line)
            } else {
                restart(with: opened, at: 0, line: 0)
            }
            return
        }
        // Rotated while we were down: finish the old file first; reading then moves on
        // to `path` as after any rotation.
        if let rotated = try openRotated(matching: checkpoint) {
            if let (opened, _) = current { _ = Glibc.close(opened.fd) }
            resume = nil
            restart(with: rotated, at: checkpoint.offset, line: checkpoint.line)
            return
        }
        if let (opened, _) = current {
            resume = nil
            restart(with: opened, at: 0, line: 0)
        }
        // Neither file is there yet; the checkpoint is kept for when one appears.
    }

    /// `path.1` when it is the checkpoint's file, still at least as long as the checkpoint.
    private func openRotated(matching checkpoint: LogCheckpoint) throws(SpoolError) -> OpenFile? {
        let rotatedPath = path + ".1"
        // stat first: an unreadable `.1` that is some other file must not stop the source.
        var st = stat()
        guard stat(rotatedPath, &st) == 0,
              UInt64(st.st_dev) == checkpoint.device, UInt64(st.st_ino) == checkpoint.inode
        else { return nil }
        guard let (opened, size) = try open(rotatedPath) else { return nil }
        guard opened.holds(checkpoint), size >= checkpoint.offset else {
            _ = Glibc.close(opened.fd)
            return nil
        }
        return opened
    }

    /// Whether `path` names another file that has content: the writer has reopened.
    /// An empty new file does not count; logrotate creates it before telling the writer.
    private func hasSuccessor(_ current: OpenFile) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return false }
        return !current.isFile(st) && st.st_size > 0
    }

    private func openSuccessor(of current: OpenFile) throws(SpoolError) -> OpenFile? {
        guard let (opened, size) = try open(path) else { return nil }
        guard opened.device != current.device || opened.inode != current.inode, size > 0 else {
            _ = Glibc.close(opened.fd)
            return nil
        }
        return opened
    }

    /// nil when there is no such file: a log that does not exist yet is not an error.
    private func open(_ target: String) throws(SpoolError) -> (OpenFile, size: Int64)? {
        // O_NONBLOCK: a fifo at the log's path must not hang the daemon in open(2).
        let fd = retryingEINTR { Glibc.open(target, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw SpoolError(operation: "open log", path: target, errno: errno)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let code = errno
            _ = Glibc.close(fd)
            throw SpoolError(operation: "inspect", path: target, errno: code)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            _ = Glibc.close(fd)
            throw SpoolError(operation: "open log", path: target, errno: EINVAL,
                             detail: "not a regular file; a jsonl source must name the log file itself")
        }
        return (OpenFile(fd: fd, device: UInt64(st.st_dev), inode: UInt64(st.st_ino)), Int64(st.st_size))
    }

    private func size(of current: OpenFile) throws(SpoolError) -> Int64 {
        var st = stat()
        guard fstat(current.fd, &st) == 0 else { throw SpoolError(operation: "inspect", path: path, errno: errno) }
        return Int64(st.st_size)
    }

    /// Every checkpoint we write is just after a `\n`, except after an unterminated last
    /// line of a rotated file, which is never resumed at `path` itself.
    private func endsALine(_ file: OpenFile, at offset: Int64) throws(SpoolError) -> Bool {
        guard offset > 0 else { return true }
        var byte: UInt8 = 0
        let count = retryingEINTR { pread(file.fd, &byte, 1, off_t(offset - 1)) }
        guard count >= 0 else { throw SpoolError(operation: "read", path: path, errno: errno) }
        return count == 1 && byte == UInt8(ascii: "\n")
    }
}

extension LogFollower {
    fileprivate struct OpenFile {
        var fd: Int32
        var device: UInt64
        var inode: UInt64

        func holds(_ checkpoint: LogCheckpoint) -> Bool {
            device == checkpoint.device && inode == checkpoint.inode
        }

        func isFile(_ st: stat) -> Bool {
            device == UInt64(st.st_dev) && inode == UInt64(st.st_ino)
        }

        func checkpoint(offset: Int64, line: Int64) -> LogCheckpoint {
            LogCheckpoint(device: device, inode: inode, offset: offset, line: line)
        }
    }
}
