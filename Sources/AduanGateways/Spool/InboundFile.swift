import Glibc

/// What reading one spool entry gave. Anything but `.bytes` is a file the daemon must
/// set aside (or, for `.vanished`, forget) and then carry on with the next one.
public enum InboundFileRead: Sendable, Equatable {
    case bytes([UInt8])
    /// A symlink, fifo, directory, socket or device: never followed, never opened for data.
    case notRegular(String)
    /// The size seen, which is more than the limit (at least limit + 1).
    case tooLarge(Int)
    /// Permission or I/O error, worded for the operator.
    case unreadable(String)
    /// Gone between listing and reading: the gateway or another process took it.
    case vanished
}

/// A file's identity and state at one instant. Two snapshots taken a while apart that
/// are equal mean nobody wrote to the file meanwhile — how a file found at start-up,
/// with no close event to go by, is judged complete.
public struct FileSnapshot: Sendable, Equatable {
    public let size: Int64
    public let mtimeNanoseconds: Int64
    public let ctimeNanoseconds: Int64
    public let inode: UInt64
    public let device: UInt64
    /// From lstat: a symlink to a regular file is not regular.
    public let isRegular: Bool
}

/// Reading the files gateways leave in their inbound spools, which anyone able to write
/// there controls: nothing here follows a link, blocks on a fifo, or reads without bound.
public enum InboundFile {
    public static func read(_ path: String, maxBytes: Int) -> InboundFileRead {
        // lstat first so that device nodes are never opened at all: opening some has side
        // effects. The fstat below still decides, in case the entry was swapped meanwhile.
        var before = stat()
        if lstat(path, &before) != 0 {
            return errno == ENOENT || errno == ENOTDIR ? .vanished : .unreadable(describe(errno))
        }
        if let kind = nonRegularKind(before.st_mode) { return .notRegular(kind) }

        // O_NOFOLLOW: a symlink swapped in after the lstat fails with ELOOP instead of
        // being followed. O_NONBLOCK: a fifo swapped in cannot block the open.
        let fd = retryingEINTR { open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) }
        if fd < 0 {
            switch errno {
            case ENOENT, ENOTDIR: return .vanished
            case ELOOP: return .notRegular("symbolic link")
            case ENXIO: return .notRegular("socket")
            default: return .unreadable(describe(errno))
            }
        }
        defer { _ = close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .unreadable(describe(errno)) }
        if let kind = nonRegularKind(st.st_mode) { return .notRegular(kind) }

        let limit = min(max(0, maxBytes), Int.max - 1)
        if st.st_size > limit { return .tooLarge(Int(st.st_size)) }

        // st_size is only a hint: the writer may still be appending, and /proc-like files
        // report 0. Reading one byte past the limit is what proves "too large"; the buffer
        // starts at the reported size so a generous limit costs nothing for small files.
        var buffer = [UInt8](repeating: 0, count: min(limit, max(Int(st.st_size), 4096)) + 1)
        var filled = 0
        while true {
            if filled == buffer.count {
                if filled > limit { break }
                buffer.append(contentsOf: repeatElement(0, count: min(buffer.count, limit + 1 - buffer.count)))
            }
            let count = buffer.withUnsafeMutableBytes { raw in
                Glibc.read(fd, raw.baseAddress.map { $0 + filled }, raw.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return .unreadable(describe(errno))
            }
            if count == 0 { break }
            filled += count
            // A file reads short only at its end once its reported size is
            // in: no read more to learn that it has ended. (A /proc-like
            // file, which reports 0, is read until a read returns nothing.)
            if filled < buffer.count, filled >= Int(st.st_size), st.st_size > 0 { break }
        }
        if filled > limit { return .tooLarge(max(filled, Int(st.st_size))) }
        buffer.removeSubrange(filled...)
        return .bytes(buffer)
    }

    /// nil when the entry is gone or cannot be examined; the caller treats both as "not yet".
    public static func snapshot(_ path: String) -> FileSnapshot? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return FileSnapshot(
            size: Int64(st.st_size),
            mtimeNanoseconds: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
            ctimeNanoseconds: Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec),
            inode: UInt64(st.st_ino),
            device: UInt64(st.st_dev),
            isRegular: (st.st_mode & S_IFMT) == S_IFREG
        )
    }

    /// The entries of `path` a gateway would consider, in name order; dotfiles are temp
    /// files (ours and the gateways') and are skipped. Empty when the directory cannot be read.
    ///
    /// Names that are not valid UTF-8 are skipped too: a `String` could not name them
    /// again. No supported gateway produces such names.
    public static func listDirectory(_ path: String) -> [String] {
        (DirectoryEntries.names(in: path) ?? []).filter { !$0.hasPrefix(".") }
    }

    private static func nonRegularKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFLNK: "symbolic link"
        case S_IFDIR: "directory"
        case S_IFIFO: "fifo"
        case S_IFSOCK: "socket"
        case S_IFCHR: "character device"
        case S_IFBLK: "block device"
        default: "special file"
        }
    }

    private static func describe(_ code: Int32) -> String {
        "\(SpoolError.systemMessage(code)) (\(SpoolError.symbol(code)))"
    }
}
