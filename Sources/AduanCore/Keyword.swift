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
        String(text.uppercased().filter { $0.isLetter || $0.isNumber })
    }

    /// Canonical words that citizens' commands use (§3.5); no route may take them.
    public static let reserved: Set<String> = [
        "STATUS", "CEK", "INFO", "BANTUAN", "HELP",
        "STOP", "BERHENTI", "UNREG", "MULAI", "START", "REG",
        "PUAS", "TIDAK", "TIDAKPUAS",
    ]
}
