import AduanCore
import Foundation

/// gammu-smsd FILES-backend outbox files, as aduan writes them to `outbox/`.
///
/// smsd scans the outbox with `scandir(alphasort)` and sends the first
/// `OUT*.txt*` file each loop, one per second at best, so the name is the queue order.
public enum GammuOutbound {
    /// `utf16` is read the same under any locale; `utf8` only comes out right when
    /// smsd runs under a UTF-8 locale (Debian's unit sets none).
    public enum Encoding: String, Sendable, CaseIterable {
        case utf8 = "utf-8"
        case utf16 = "utf-16"
    }

    /// `OUT<priority><YYYYMMDD>_<HHMMSS>_<serial>_<number>_<tag>.txt`; date/time in UTC from `createdAt`;
    /// serial 00–99 from `id % 100`; number = "+" + digits (strip anything else); tag = "aduan" + id (unique per outbox row).
    /// Priority letter: "A" for acknowledgements, "B" for direct replies (help, status, duplicate), "C" for everything else
    /// (gammu takes the first name in alphabetical order, so acks go first).
    ///
    /// This is gammu's four-underscore form: it takes the number from between the
    /// third and fourth `_`, so nothing before the number may contain one. UTC keeps
    /// the order through a DST change or a TZ edit; fixed widths keep it under any
    /// collation, since date, time and serial are compared digit by digit.
    public static func fileName(id: Int64, kind: String, number: String, createdAt: Date) -> String {
        let t = utc(createdAt)
        let date = pad(t.year, 4) + pad(t.month, 2) + pad(t.day, 2)
        let time = pad(t.hour, 2) + pad(t.minute, 2) + pad(t.second, 2)
        let serial = pad(Int(((id % 100) + 100) % 100), 2)
        let digits = String(number.unicodeScalars.filter { ("0"..."9").contains($0) })
        return "OUT\(priority(kind))\(date)_\(time)_\(serial)_+\(digits)_aduan\(id).txt"
    }

    private static func priority(_ kind: String) -> String {
        switch kind {
        case "ack": "A"
        case "help", "status", "duplicate": "B"
        default: "C"
        }
    }

    /// The whole file is the text, no trailing newline; utf8 as is; utf16 = BOM FE FF + UTF-16BE.
    ///
    /// smsd sends every byte of the file, a trailing newline included, and takes
    /// UTF-16 by its BOM (FE FF or FF FE) before it consults the locale.
    public static func render(_ text: String, encoding: Encoding) -> [UInt8] {
        switch encoding {
        case .utf8:
            return Array(text.utf8)
        case .utf16:
            var bytes: [UInt8] = [0xFE, 0xFF]
            bytes.reserveCapacity(2 + text.utf16.count * 2)
            for unit in text.utf16 {
                bytes.append(UInt8(unit >> 8))
                bytes.append(UInt8(unit & 0xFF))
            }
            return bytes
        }
    }

    /// Inverse of both, for tests and tools: number from the name, text from the bytes (BOM-aware).
    ///
    /// Reads the number the way smsd does, so it also works on files others wrote
    /// (`OUT<number>.txt`, `OUT<prio>_<number>_<serial>.txt`, and `gammu-smsd-inject`'s
    /// long form), in `outbox/`, `sent/` or `error/`. Text that smsd would read
    /// differently from what it says (invalid UTF-8, broken UTF-16) gives nil.
    public static func parse(name: String, bytes: [UInt8]) -> (number: String, text: String)? {
        guard let number = number(fromName: name), !number.isEmpty,
              let text = text(bytes)
        else { return nil }
        return (number, text)
    }

    /// smsd's rule: count the underscores. 0 → `OUT<number>.ext`; 2 → between the
    /// first and second; 4 or more → between the third and fourth; 1 or 3 → error.
    private static func number(fromName name: String) -> String? {
        let scalars = Array(name.unicodeScalars)
        guard scalars.count > 3,
              String(String.UnicodeScalarView(scalars[0..<3])).uppercased() == "OUT",
              let dot = scalars.lastIndex(of: "."),
              String(String.UnicodeScalarView(scalars[(dot + 1)...])).lowercased().hasPrefix("txt")
        else { return nil }
        let underscores = scalars.indices.filter { scalars[$0] == "_" }
        let field: ArraySlice<Unicode.Scalar>
        switch underscores.count {
        case 0:
            guard let firstDot = scalars.firstIndex(of: ".") else { return nil }
            field = scalars[3..<firstDot]
        case 2:
            field = scalars[(underscores[0] + 1)..<underscores[1]]
        case 4...:
            field = scalars[(underscores[2] + 1)..<underscores[3]]
        default:
            return nil
        }
        // smsd writes `*` as `X` in names and reads it back the same way.
        return String(String.UnicodeScalarView(field.map { $0 == "X" ? "*" : $0 }))
    }

    private static func text(_ bytes: [UInt8]) -> String? {
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF {
            return strictUTF16(bytes[2...], bigEndian: true)
        }
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE {
            return strictUTF16(bytes[2...], bigEndian: false)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// smsd stops at the first U+0000, so text with one would not be what was sent.
    private static func strictUTF16(_ bytes: ArraySlice<UInt8>, bigEndian: Bool) -> String? {
        guard bytes.count % 2 == 0 else { return nil }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let (a, b) = (UInt16(bytes[i]), UInt16(bytes[i + 1]))
            let unit = bigEndian ? a << 8 | b : b << 8 | a
            guard unit != 0 else { return nil }
            units.append(unit)
            i += 2
        }
        return String(validating: units, as: UTF16.self)
    }

    // MARK: - UTC without a calendar

    /// Days-to-civil (H. Hinnant), so that no time zone database or locale is involved.
    private static func utc(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let interval = date.timeIntervalSince1970
        // Kept to years 0001–9999, where the name's fixed widths hold.
        let seconds = interval.isFinite ? Int64(min(max(interval, -62_135_596_800), 253_402_300_799).rounded(.down)) : 0
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 {
            rest += 86_400
            days -= 1
        }
        let (year, month, day) = CivilDate.fields(fromDays: Int(days))
        return (year, month, day, Int(rest / 3600), Int(rest % 3600 / 60), Int(rest % 60))
    }

    private static func pad(_ n: Int, _ width: Int) -> String { CivilDate.padded(n, width: width) }
}
