import Glibc

/// The file-system operations the daemon performs on spools, as a seam: production
/// uses ``RealSpoolFiles`` (``DurableFile`` and unlink(2)); tests put a fake in
/// between to make a disk fill up, fail with EIO or refuse a directory.
///
/// Every failure is a ``SpoolError`` naming the operation, the path and the errno,
/// so the daemon's log line says what went wrong and where.
public protocol SpoolFiles: Sendable {
    /// Writes `bytes` as a dotfile, fsyncs it and renames it to `directory/name`,
    /// replacing a file of that name (``DurableFile/write(_:named:in:mode:syncDirectory:)``
    /// without the directory sync: call ``syncDirectory(_:)`` once for a batch).
    func write(_ bytes: [UInt8], named name: String, in directory: String, mode: mode_t) throws(SpoolError)

    /// Makes files whole and durable under hidden prepared names, with one
    /// shared wait for the disk (``DurableFile/prepareBatch(_:in:mode:)``);
    /// stops at the first failure. Sync the directory, record, then
    /// ``placePrepared(_:in:)``.
    func prepareBatch(_ files: [(name: String, bytes: [UInt8])], in directory: String, mode: mode_t) -> DurableFile.BatchResult

    /// ``prepareBatch(_:in:mode:)`` in two steps, so that a batch can be
    /// written while the one before waits for the disk
    /// (``DurableFile/writeBatch(_:in:mode:)``, ``DurableFile/syncWritten(_:)``).
    func writeBatch(_ files: [(name: String, bytes: [UInt8])], in directory: String, mode: mode_t) -> DurableFile.WrittenBatch
    func syncWritten(_ batch: DurableFile.WrittenBatch) -> DurableFile.BatchResult

    /// Makes prepared files visible under their names, in order
    /// (``DurableFile/placePrepared(_:in:)``).
    func placePrepared(_ names: [String], in directory: String) -> DurableFile.BatchResult

    /// Places prepared files a crash or a failure left behind
    /// (``DurableFile/recoverPrepared(in:)``).
    func recoverPrepared(in directory: String) throws(SpoolError) -> [String]

    /// Makes the renames in `path` survive a power cut.
    func syncDirectory(_ path: String) throws(SpoolError)

    /// Moves a processed or rejected file into `directory` without overwriting
    /// anything there; returns its new path (``DurableFile/moveAside(_:into:)``).
    func moveAside(_ path: String, into directory: String) throws(SpoolError) -> String

    /// Deletes a processed file; one already gone is not an error.
    func remove(_ path: String) throws(SpoolError)
}

extension SpoolFiles {
    /// One ``write(_:named:in:mode:)`` per file, to its prepared name: each
    /// synced on its own. Fakes that inject faults per write get batches for free.
    public func prepareBatch(_ files: [(name: String, bytes: [UInt8])], in directory: String, mode: mode_t) -> DurableFile.BatchResult {
        for (index, file) in files.enumerated() {
            do throws(SpoolError) {
                try write(file.bytes, named: DurableFile.preparedName(file.name), in: directory, mode: mode)
            } catch {
                // Named after the file the operator will look for, as the real one does.
                let named = SpoolError(operation: error.operation, path: directory + "/" + file.name,
                                       destination: error.destination, errno: error.errno, detail: error.detail)
                return DurableFile.BatchResult(placed: index, error: named)
            }
        }
        return DurableFile.BatchResult(placed: files.count, error: nil)
    }

    /// Prepared in one step: nothing is left to sync.
    public func writeBatch(_ files: [(name: String, bytes: [UInt8])], in directory: String, mode: mode_t) -> DurableFile.WrittenBatch {
        DurableFile.WrittenBatch(result: prepareBatch(files, in: directory, mode: mode), directory: directory)
    }

    public func syncWritten(_ batch: DurableFile.WrittenBatch) -> DurableFile.BatchResult {
        DurableFile.syncWritten(batch)
    }

    public func placePrepared(_ names: [String], in directory: String) -> DurableFile.BatchResult {
        DurableFile.placePrepared(names, in: directory)
    }

    public func recoverPrepared(in directory: String) throws(SpoolError) -> [String] {
        try DurableFile.recoverPrepared(in: directory)
    }
}

/// The real file system.
public struct RealSpoolFiles: SpoolFiles {
    public init() {}

    public func write(_ bytes: [UInt8], named name: String, in directory: String, mode: mode_t) throws(SpoolError) {
        try DurableFile.write(bytes, named: name, in: directory, mode: mode, syncDirectory: false)
    }

    public func prepareBatch(_ files: [(name: String, bytes: [UInt8])], in directory: String, mode: mode_t) -> DurableFile.BatchResult {
        DurableFile.prepareBatch(files, in: directory, mode: mode)
    }

    public func writeBatch(_ files: [(name: String, bytes: [UInt8])], in directory: String, mode: mode_t) -> DurableFile.WrittenBatch {
        DurableFile.writeBatch(files, in: directory, mode: mode)
    }

    public func syncDirectory(_ path: String) throws(SpoolError) {
        try DurableFile.syncDirectory(path)
    }

    public func moveAside(_ path: String, into directory: String) throws(SpoolError) -> String {
        try DurableFile.moveAside(path, into: directory)
    }

    public func remove(_ path: String) throws(SpoolError) {
        if unlink(path) != 0, errno != ENOENT {
            throw SpoolError(operation: "unlink", path: path, errno: errno)
        }
    }
}
