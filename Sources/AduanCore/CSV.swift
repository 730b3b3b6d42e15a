/// RFC 4180 CSV, as spreadsheet programs read it.
///
/// Fields are quoted only when they must be, so simple exports stay readable
/// in a text editor. Line ends are CRLF (the RFC's, and what Excel writes);
/// line breaks inside a field are kept as they are, inside the quotes.
public enum CSV {
    /// The UTF-8 byte order mark. Without it Excel opens a UTF-8 file in the
    /// local ANSI code page and Indonesian text with `é` or emoji turns to mojibake.
    public static let bom = "\u{FEFF}"

    /// One field: quoted, with quotes doubled, when it holds a comma, a
    /// quote, CR or LF; otherwise as it is.
    public static func field(_ value: String) -> String {
        // Scalars, not Characters: "\r\n" is one Character in Swift and
        // would slip past a Character search for "\n".
        let needsQuotes = value.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        guard needsQuotes else { return value }
        var out = "\""
        out.unicodeScalars.reserveCapacity(value.unicodeScalars.count + 2)
        for scalar in value.unicodeScalars {
            if scalar == "\"" { out.unicodeScalars.append("\"") }
            out.unicodeScalars.append(scalar)
        }
        out.unicodeScalars.append("\"")
        return out
    }

    /// One record, CRLF-terminated.
    public static func row(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    /// Text from outside (a citizen's SMS) that a spreadsheet would run as a
    /// formula (`=HYPERLINK(…)`, `+`, `-`, `@`) gets a leading `'`, which
    /// spreadsheets show as text. A prankster's SMS must not run on the desk's PC.
    public static func inert(_ value: String) -> String {
        guard let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) else { return value }
        return "'" + value
    }
}
