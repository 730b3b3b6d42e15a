/// Keyword text as the router compares it.
///
/// Citizens write `MAS BUP SIAGA`, `masbupsiaga` and `Mas-Bup-Siaga` for the
/// same thing, so keywords are compared in a canonical form: letters and
/// digits only, upper-cased.
public enum Keyword {
    /// Characters that separate a keyword from the text after it (§3.3), beside whitespace.
    public static let separators: Set<Character> = ["#", ".", ",", ":", ";", "*", "-", "/", "_"]

    /// `"Mas Bup Siaga"` → `"MASBUPSIAGA"`.
    public static func canonical(_ text: String) -> String {
        // Nearly every keyword is typed in ASCII: upper-cased and filtered on
        // the bytes, without Unicode's property tables.
        var ascii: [UInt8] = []
        ascii.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): ascii.append(byte - 0x20)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): ascii.append(byte)
            case 0x80...: return String(text.uppercased().filter { $0.isLetter || $0.isNumber })
            default: continue
            }
        }
        return String(decoding: ascii, as: UTF8.self)
    }

    /// Canonical words that citizens' commands use (§3.5); no route may take them.
    public static let reserved: Set<String> = [
        "STATUS", "CEK", "INFO", "BANTUAN", "HELP",
        "STOP", "BERHENTI", "UNREG", "MULAI", "START", "REG",
        "PUAS", "TIDAK", "TIDAKPUAS",
    ]
}
