import AduanStore
import GRDB
import Testing

/// `Statement.step(binding:in:read:)` stores each kind of value as GRDB's own
/// binding would, an empty blob included (not NULL, which a `NOT NULL`
/// column such as `inbound_messages.raw` refuses).
@Suite struct DirectBindingTests {
    @Test(arguments: [
        (SQLValue.int(-42), "integer", "-42"),
        (SQLValue.text("jalan rusak ✓"), "text", "jalan rusak ✓"),
        (SQLValue.text(""), "text", ""),
        (SQLValue.blob([0x00, 0xff, 0x0a]), "blob", "00FF0A"),
        (SQLValue.blob([]), "blob", ""),
        (SQLValue.null, "null", "-"),
    ])
    func valuesAreStoredAsBound(value: SQLValue, type: String, shown: String) throws {
        let fixture = try StoreFixture()
        let stored = try fixture.store.pool.write { db in
            try db.execute(sql: "CREATE TEMP TABLE bound (v)")
            let insert = try db.makeStatement(sql: "INSERT INTO bound (v) VALUES (?)")
            #expect(try insert.step(binding: [value], in: db) { _ in true } == nil)
            return try Row.fetchOne(db, sql: """
                SELECT typeof(v) AS type, CASE typeof(v) WHEN 'blob' THEN hex(v) ELSE coalesce(CAST(v AS TEXT), '-') END AS shown FROM bound
                """)
        }
        #expect(stored?["type"] as String? == type)
        #expect(stored?["shown"] as String? == shown)
    }

    @Test func aFailedStepThrowsAndLeavesTheStatementReusable() throws {
        let fixture = try StoreFixture()
        try fixture.store.pool.write { db in
            try db.execute(sql: "CREATE TEMP TABLE once (v TEXT NOT NULL UNIQUE)")
            let insert = try db.makeStatement(sql: "INSERT INTO once (v) VALUES (?)")
            _ = try insert.step(binding: [.text("a")], in: db) { _ in () }
            #expect(throws: DatabaseError.self) { try insert.step(binding: [.text("a")], in: db) { _ in () } }
            #expect(throws: DatabaseError.self) { try insert.step(binding: [.null], in: db) { _ in () } }
            _ = try insert.step(binding: [.text("b")], in: db) { _ in () }
            #expect(try String.fetchAll(db, sql: "SELECT v FROM once ORDER BY v") == ["a", "b"])
        }
    }
}
