import GRDB
#if canImport(GRDBSQLite)
import GRDBSQLite
#else
import SQLite3
#endif

// Every message runs about ten statements, and GRDB's `execute(arguments:)`
// and `fetchOne` box each value into a `DatabaseValue`, validate the
// arguments and build a cursor object before SQLite sees anything: in the
// burst profile a fifth of the recording transaction. The statements every
// message makes bind their values straight from Swift through SQLite's C API
// instead, on GRDB's own prepared (and cached) statements, and leave each
// statement reset with its bindings cleared, as GRDB expects to find it.
// Failures surface as `DatabaseError`, as through GRDB.

/// A value bound to a statement parameter.
public enum SQLValue: Sendable {
    case int(Int64)
    case text(String)
    case blob([UInt8])
    case null

    public static func int(_ n: Int) -> Self { .int(Int64(n)) }
    public static func int(_ n: Int64?) -> Self { n.map { .int($0) } ?? .null }
    public static func text(_ s: String?) -> Self { s.map { .text($0) } ?? .null }
    public static func bool(_ b: Bool) -> Self { .int(b ? 1 : 0) }
}

extension Statement {
    /// Binds `values` to the parameters in order, steps once, and hands the
    /// statement to `read` when that step produced a row. The statement is
    /// reset and its bindings cleared afterwards, whatever happened.
    ///
    /// Texts and blobs are copied once, into one buffer that outlives the
    /// step, and bound in place (`SQLITE_STATIC`): binding each as
    /// `SQLITE_TRANSIENT` made a C string of it and had SQLite measure it,
    /// allocate and copy it again, a tenth of the recording transaction.
    public func step<T>(binding values: [SQLValue], in db: Database, read: (OpaquePointer) -> T) throws -> T? {
        let handle = sqliteStatement
        var size = 0
        for value in values {
            switch value {
            case .text(let s): size += s.utf8.count
            case .blob(let bytes): size += bytes.count
            case .int, .null: continue
            }
        }
        // At least one byte, so that an empty text has an address and binds
        // as '' rather than NULL.
        return try withUnsafeTemporaryAllocation(byteCount: max(size, 1), alignment: 1) { buffer in
            defer {
                sqlite3_reset(handle)
                sqlite3_clear_bindings(handle)
            }
            var offset = 0
            for (position, value) in values.enumerated() {
                let index = Int32(position + 1)
                let code: Int32 = switch value {
                case .int(let n): sqlite3_bind_int64(handle, index, n)
                case .text(let s):
                    Self.bindInPlace(s.utf8, into: buffer, at: &offset) { bytes, count in
                        sqlite3_bind_text(handle, index, UnsafeRawPointer(bytes).assumingMemoryBound(to: CChar.self), count, nil)
                    }
                // An empty blob is bound as one explicitly: SQLite binds a
                // blob without a pointer as NULL.
                case .blob(let bytes) where bytes.isEmpty: sqlite3_bind_zeroblob(handle, index, 0)
                case .blob(let bytes):
                    Self.bindInPlace(bytes, into: buffer, at: &offset) { bytes, count in
                        sqlite3_bind_blob(handle, index, bytes, count, nil)
                    }
                case .null: sqlite3_bind_null(handle, index)
                }
                guard code == SQLITE_OK else { throw error(code, in: db) }
            }
            switch sqlite3_step(handle) {
            case SQLITE_ROW: return read(handle)
            case SQLITE_DONE: return nil
            case let code: throw error(code, in: db)
            }
        }
    }

    /// Copies `bytes` into `buffer` at `offset` (moved past them) and binds
    /// that range with `bind(address, count)`.
    private static func bindInPlace<Bytes: Collection<UInt8>>(
        _ bytes: Bytes, into buffer: UnsafeMutableRawBufferPointer, at offset: inout Int,
        _ bind: (UnsafeMutableRawPointer, Int32) -> Int32
    ) -> Int32 {
        let start = offset
        let copied = bytes.withContiguousStorageIfAvailable { source in
            UnsafeMutableRawBufferPointer(rebasing: buffer[start..<start + source.count]).copyMemory(from: UnsafeRawBufferPointer(source))
            return source.count
        } ?? {
            var end = start
            for byte in bytes {
                buffer[end] = byte
                end += 1
            }
            return end - start
        }()
        offset += copied
        // The buffer has at least one byte, so its base is never nil.
        return bind(buffer.baseAddress.unsafelyUnwrapped + start, Int32(copied))
    }

    private func error(_ code: Int32, in db: Database) -> DatabaseError {
        let message = db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
    }
}

extension Database {
    /// Runs an INSERT, UPDATE or DELETE from the statement cache.
    func run(cachedSQL sql: String, _ values: [SQLValue]) throws {
        _ = try cachedStatement(sql: sql).step(binding: values, in: self) { _ in () }
    }

    /// The first column of the first row of a query from the statement
    /// cache, as an integer; nil when there is no row or the value is NULL.
    func int64(cachedSQL sql: String, _ values: [SQLValue]) throws -> Int64? {
        try cachedStatement(sql: sql).step(binding: values, in: self) { handle in
            sqlite3_column_type(handle, 0) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, 0)
        } ?? nil
    }
}
