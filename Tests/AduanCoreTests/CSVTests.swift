import AduanCore
import Testing

@Test("CSV fields (RFC 4180)", arguments: [
    ("", ""),
    ("jalan rusak", "jalan rusak"),
    ("BJR-0001", "BJR-0001"),
    // Spaces are part of a field under RFC 4180: kept, and no reason to quote.
    ("  di desa  ", "  di desa  "),
    ("jalan rusak, berlubang", "\"jalan rusak, berlubang\""),
    ("kata pak RT \"segera\"", "\"kata pak RT \"\"segera\"\"\""),
    ("\"", "\"\"\"\""),
    ("baris satu\nbaris dua", "\"baris satu\nbaris dua\""),
    // CRLF is a single Character in Swift; it must still be seen.
    ("baris satu\r\nbaris dua", "\"baris satu\r\nbaris dua\""),
    ("a\rb", "\"a\rb\""),
    ("sampah 🗑️ menumpuk", "sampah 🗑️ menumpuk"),
    ("air PDAM mati 3 hari 😡, tolong", "\"air PDAM mati 3 hari 😡, tolong\""),
    // Only the four characters of the RFC force quotes; others pass through.
    ("tab\there; semi", "tab\there; semi"),
    ("'=1+1", "'=1+1"),
])
func csvField(_ input: String, _ expected: String) {
    #expect(CSV.field(input) == expected)
}

@Test("CSV rows", arguments: [
    (["a", "b", "c"], "a,b,c\r\n"),
    (["", "", ""], ",,\r\n"),
    (["BJR-0001", "", "jalan, \"rusak\""], "BJR-0001,,\"jalan, \"\"rusak\"\"\"\r\n"),
    (["x\ny", "z"], "\"x\ny\",z\r\n"),
])
func csvRow(_ fields: [String], _ expected: String) {
    #expect(CSV.row(fields) == expected)
}

@Test func csvBOMIsTheUTF8ByteOrderMark() {
    #expect(Array(CSV.bom.utf8) == [0xEF, 0xBB, 0xBF])
}

/// Whatever goes in comes back out through a strict RFC 4180 reader.
@Test func csvRoundTrips() throws {
    let records = [
        ["ticket", "text"],
        ["BJR-0001", "jalan rusak, \"parah\"\r\nsudah 3 bulan 🙏"],
        ["", "\""],
        ["UMUM-0002", "\n"],
        // Decomposed: String's == would call it equal to "é"; the bytes must not change.
        ["e\u{301}", ",,,"],
    ]
    let text = records.map(CSV.row).joined()
    let bytes = { (rs: [[String]]) in rs.map { $0.map { Array($0.utf8) } } }
    #expect(bytes(try readCSV(text)) == bytes(records))
}

/// A strict reader: a quote inside an unquoted field, or text after a closing
/// quote, is an error rather than guessed at.
func readCSV(_ text: String) throws -> [[String]] {
    struct Malformed: Error {}
    var records: [[String]] = []
    var record: [String] = []
    var field = String.UnicodeScalarView()
    var scalars = Array(text.unicodeScalars)[...]
    var quoted = false
    var afterQuote = false
    while let s = scalars.popFirst() {
        if quoted {
            if s == "\"" {
                if scalars.first == "\"" { field.append("\""); scalars.removeFirst() } else { quoted = false; afterQuote = true }
            } else {
                field.append(s)
            }
            continue
        }
        switch s {
        case "\"":
            guard field.isEmpty, !afterQuote else { throw Malformed() }
            quoted = true
        case ",":
            record.append(String(field)); field = .init(); afterQuote = false
        case "\r":
            guard scalars.popFirst() == "\n" else { throw Malformed() }
            record.append(String(field)); field = .init(); afterQuote = false
            records.append(record); record = []
        default:
            guard !afterQuote, s != "\n" else { throw Malformed() }
            field.append(s)
        }
    }
    guard !quoted, field.isEmpty, record.isEmpty else { throw Malformed() }
    return records
}

@Test("citizen text never runs as a spreadsheet formula", arguments: [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+62812", "'+62812"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("jalan rusak", "jalan rusak"), ("", ""), ("a=b", "a=b"),
] as [(String, String)])
func inert(_ value: String, _ expected: String) {
    #expect(CSV.inert(value) == expected)
}
