import GRDB

// The hot path (reception, the spooler) runs the same few statements
// thousands of times a second. Preparing each anew (SQLite's parser plus
// GRDB's authorizer) cost more than running it, so these go through the
// connection's statement cache instead. Only for SQL whose text is fixed:
// the cache keeps every distinct string it sees.

extension Database {
    func execute(cachedSQL sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

extension Row {
    static func fetchOne(_ db: Database, cachedSQL sql: String, arguments: StatementArguments = StatementArguments()) throws -> Row? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func fetchAll(_ db: Database, cachedSQL sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Row] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    // `fetchOne`/`fetchAll` copy every row (each value and each column name)
    // before it is decoded; these decode each row where it lies in SQLite's
    // statement, for records read by position.

    /// The first row of a cached statement, decoded in place.
    static func decodeFirst<T>(_ db: Database, cachedSQL sql: String, arguments: StatementArguments = StatementArguments(),
                               _ decode: (Row) throws -> T) throws -> T? {
        let cursor = try fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        return try cursor.next().map(decode)
    }

    /// Every row of a cached statement, each decoded in place.
    static func decodeAll<T>(_ db: Database, cachedSQL sql: String, arguments: StatementArguments = StatementArguments(),
                             _ decode: @escaping (Row) throws -> T) throws -> [T] {
        try Array(fetchCursor(db.cachedStatement(sql: sql), arguments: arguments).map(decode))
    }
}

extension DatabaseValueConvertible {
    static func fetchOne(_ db: Database, cachedSQL sql: String, arguments: StatementArguments = StatementArguments()) throws -> Self? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }
}
