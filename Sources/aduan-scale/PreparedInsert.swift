import AduanStore
import GRDB

/// One INSERT or UPDATE prepared once for the whole run, bound and stepped
/// through SQLite's C API (``AduanStore/SQLValue``): GRDB's
/// `execute(arguments:)` boxes every value into a `DatabaseValue` first,
/// which was a third of the generator's database time at ten rows per
/// complaint. Constraint and trigger failures surface as `DatabaseError`.
final class PreparedInsert {
    typealias Value = SQLValue

    private let statement: Statement
    private let db: Database

    init(_ db: Database, sql: String) throws {
        self.db = db
        statement = try db.makeStatement(sql: sql)
    }

    func run(_ values: [Value]) throws {
        _ = try statement.step(binding: values, in: db) { _ in () }
    }
}
