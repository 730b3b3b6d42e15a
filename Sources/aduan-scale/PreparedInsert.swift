import Foundation
import GRDB
#if canImport(GRDBSQLite)
import GRDBSQLite
#else
import SQLite3
#endif

/// One INSERT or UPDATE prepared by GRDB, bound and stepped through the
/// SQLite C API. GRDB's `execute(arguments:)` boxes every value into a
/// `DatabaseValue` first, which is a third of the generator's database time
/// at ten rows per complaint; binding straight from Swift values is not.
/// Constraint and trigger failures surface as `DatabaseError`, as through GRDB.
final class PreparedInsert {
    enum Value {
        case int(Int64)
        case text(String)
        case blob([UInt8])
        case null
    }

    private let statement: Statement
    private let db: Database

    init(_ db: Database, sql: String) throws {
        self.db = db
        statement = try db.makeStatement(sql: sql)
    }

    func run(_ values: [Value]) throws {
        let handle = statement.sqliteStatement
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32 = switch value {
            case .int(let n): sqlite3_bind_int64(handle, index, n)
            case .text(let s): sqlite3_bind_text(handle, index, s, -1, Self.transient)
            case .blob(let bytes): bytes.withUnsafeBytes {
                sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), Self.transient)
            }
            case .null: sqlite3_bind_null(handle, index)
            }
            guard code == SQLITE_OK else { throw error(code) }
        }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else { throw error(code) }
    }

    private func error(_ code: Int32) -> DatabaseError {
        let message = db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
    }

    /// SQLite copies the bytes before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

extension PreparedInsert.Value {
    static func int(_ n: Int64?) -> Self { n.map { .int($0) } ?? .null }
    static func int(_ n: Int) -> Self { .int(Int64(n)) }
    static func text(_ s: String?) -> Self { s.map { .text($0) } ?? .null }
    static func bool(_ b: Bool) -> Self { .int(b ? 1 : 0) }
}
