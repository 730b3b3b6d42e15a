import AduanCore

/// gammu-smsd FILES-backend inbox files (`IN20261122_135900_00_+6281234567890_00.txt`).
///
/// What gammu 1.42 (`smsd/services/files.c`, `libgammu/service/backup/backtext.c`)
/// actually writes, which is not always what its manual says:
/// - `unicode` and `standard` write **one file per part**, with no UDH, so a part
///   file is returned as a message of its own (`part` nil). Only the RunOnReceive
///   argument list tells which part files belong together; their names do not,
///   because every part carries its own SMSC timestamp.
/// - `detail` writes one SMS-backup INI file per message, all parts in it,
///   named after the first part.
public enum GammuInbound {
    /// gammu's `InboxFormat`.
    public enum Format: String, Sendable, CaseIterable {
        case detail, unicode, standard
    }

    /// The parts of an inbox file name `IN<YYYYMMDD>_<HHMMSS>_<serial>_<sender>_<part>.<ext>`.
    public struct FileName: Sendable, Equatable {
        /// "20261122": the SMSC timestamp of the part, not the time of reception.
        public var date: String
        /// "135900"
        public var time: String
        /// Only tells apart files with the same timestamp and sender.
        public var serial: Int
        /// As received: "+6281…", national digits, or an alphanumeric ID that may
        /// contain `_` or `.`. gammu writes `*` as `X`; that is undone for numbers.
        public var sender: String
        /// 0-based index of the part within its message; always 0 for `detail`.
        public var part: Int
        /// "txt", "bin" (8-bit) or "smsbackup" (what gammu's manual promises for `detail`).
        public var ext: String

        public init(date: String, time: String, serial: Int, sender: String, part: Int, ext: String) {
            self.date = date
            self.time = time
            self.serial = serial
            self.sender = sender
            self.part = part
            self.ext = ext
        }
    }

    /// nil when the name is not one gammu writes; `parse` says why.
    public static func fileName(_ name: String) -> FileName? {
        guard case .success(let parts) = splitName(name) else { return nil }
        return parts
    }

    /// Parses one inbox file. Sender, SMSC timestamp and part index come from the name
    /// (for `detail`, the file's own Number/DateTime win when present).
    ///
    /// `unicode` and `standard` give exactly one message per file. `detail` gives
    /// one message when its parts form a complete concatenated set (joined in
    /// sequence order), else one message per part with `part` set, for the
    /// daemon's reassembly to finish: that happens when gammu gave up waiting
    /// (`MultipartTimeout`) and filed what it had.
    public static func parse(_ bytes: [UInt8], name: String, format: Format) -> Result<[InboundSMS], InboundRejection> {
        let file: FileName
        switch splitName(name) {
        case .success(let f): file = f
        case .failure(let rejection): return .failure(rejection)
        }
        if file.ext == "bin" {
            return .failure(InboundRejection("8-bit message, not text"))
        }
        let sentAt = "\(file.date)_\(file.time)"
        switch format {
        case .unicode, .standard:
            guard file.ext == "txt" else {
                return .failure(InboundRejection("a .\(file.ext) file in a \(format.rawValue) inbox, expected .txt"))
            }
            let decoded: (text: String, damaged: Bool)
            if format == .unicode {
                switch decodeUnicodeFile(bytes) {
                case .success(let d): decoded = d
                case .failure(let rejection): return .failure(rejection)
                }
            } else {
                let utf8 = TextDecoding.utf8(bytes)
                // gammu writes U+FFFD itself for half an emoji (a pair split between
                // part files), as valid UTF-8, so only the character tells.
                decoded = (utf8.text, utf8.damaged || utf8.text.unicodeScalars.contains("\u{FFFD}"))
            }
            return .success([InboundSMS(
                sender: file.sender,
                text: undoubledTildesIfUCS2(decoded.text),
                sentAt: sentAt,
                damaged: decoded.damaged
            )])
        case .detail:
            return parseDetail(bytes, file: file, sentAt: sentAt)
        }
    }

    // MARK: - File name

    /// Date, time and serial are split off the front and part and extension off the
    /// back, so that whatever is left is the sender: gammu writes an alphanumeric
    /// sender unescaped, `_` and `.` included (only `*` becomes `X`).
    private static func splitName(_ name: String) -> Result<FileName, InboundRejection> {
        let shape = "file name is not IN<date>_<time>_<serial>_<sender>_<part>.<ext>"
        let scalars = Array(name.unicodeScalars)
        guard scalars.count > 2, scalars[0] == "I", scalars[1] == "N" else {
            return .failure(InboundRejection("file name does not start with IN"))
        }
        var fields: [String] = []
        var start = 2
        for _ in 0..<3 {
            guard let underscore = scalars[start...].firstIndex(of: "_") else {
                return .failure(InboundRejection(shape))
            }
            fields.append(string(scalars[start..<underscore]))
            start = underscore + 1
        }
        let tail = scalars[start...]
        guard let dot = tail.lastIndex(of: "."),
              let underscore = tail[..<dot].lastIndex(of: "_")
        else { return .failure(InboundRejection(shape)) }
        let date = fields[0], time = fields[1]
        let sender = string(tail[..<underscore])
        let ext = string(tail[(dot + 1)...])

        guard date.utf8.count == 8, isDigits(date) else {
            return .failure(InboundRejection("date in file name is not YYYYMMDD"))
        }
        guard time.utf8.count == 6, isDigits(time) else {
            return .failure(InboundRejection("time in file name is not HHMMSS"))
        }
        guard let serial = smallNumber(fields[2]) else {
            return .failure(InboundRejection("serial in file name is not a number"))
        }
        guard let part = smallNumber(string(tail[(underscore + 1)..<dot])) else {
            return .failure(InboundRejection("part in file name is not a number"))
        }
        guard !sender.isEmpty else {
            return .failure(InboundRejection("no sender in file name"))
        }
        guard ["txt", "bin", "smsbackup"].contains(ext) else {
            return .failure(InboundRejection("extension .\(ext.prefix(20)) is not .txt, .bin or .smsbackup"))
        }
        return .success(FileName(
            date: date, time: time, serial: serial,
            sender: unescapedNumber(sender), part: part, ext: ext))
    }

    /// gammu writes `*` as `X` in every sender, but an alphanumeric ID ("XL", "XLCENTER")
    /// has real X's, so only something that otherwise looks like a number is unescaped.
    private static func unescapedNumber(_ sender: String) -> String {
        let numeric = sender.unicodeScalars.allSatisfy { "0123456789+#X".unicodeScalars.contains($0) }
        guard numeric, sender.unicodeScalars.contains(where: { ("0"..."9").contains($0) }) else { return sender }
        return String(sender.unicodeScalars.map { $0 == "X" ? "*" : Character($0) })
    }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars)
        return String(s)
    }

    private static func isDigits(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// gammu writes two digits; a few more are tolerated, an overflow is not.
    private static func smallNumber(_ s: String) -> Int? {
        guard isDigits(s), s.utf8.count <= 6 else { return nil }
        return Int(s)
    }

    // MARK: - unicode

    /// gammu writes the BOM even for an empty message, so a file without it was not
    /// written in this format (InboxFormat changed, or a stray file): decoding its
    /// UTF-8 as UTF-16 would give plausible CJK nonsense with nothing flagged.
    ///
    /// The length gammu writes is twice the text's length in its locale's bytes, so
    /// non-ASCII text is followed by its terminating U+0000 and then whatever was in
    /// the buffer; everything from the first U+0000 on is not text.
    private static func decodeUnicodeFile(_ bytes: [UInt8]) -> Result<(text: String, damaged: Bool), InboundRejection> {
        guard bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF else {
            return .failure(InboundRejection(bytes.isEmpty
                ? "empty file, not even a byte-order mark"
                : "no FE FF byte-order mark: not InboxFormat = unicode"))
        }
        let cut = cutAtNUL(utf16Units(bytes[2...]))
        return .success(decode(cut.units, damaged: cut.damaged))
    }

    // MARK: - detail

    private enum Coding {
        case gsm, ucs2, eightBit
    }

    /// One `[SMSBackupNNN]` section, decoded.
    private struct Part {
        var sender: String
        var sentAt: String
        var concatenation: ConcatenationPart?
        var coding: Coding
        /// UTF-16 code units, already cut and repaired.
        var units: [UInt16]
        var damaged: Bool
    }

    private static func parseDetail(_ bytes: [UInt8], file: FileName, sentAt: String) -> Result<[InboundSMS], InboundRejection> {
        let sections: [GammuBackupSection]
        switch GammuBackupSection.read(bytes) {
        case .success(let s): sections = s
        case .failure(let rejection): return .failure(rejection)
        }
        let backups = sections.filter { $0.name.lowercased().hasPrefix("smsbackup") }
        guard !backups.isEmpty else {
            return .failure(InboundRejection("no [SMSBackupNNN] section: not InboxFormat = detail"))
        }
        var parts: [Part] = []
        for section in backups {
            switch part(section, file: file, sentAt: sentAt) {
            case .success(let p): parts.append(p)
            case .failure(let rejection): return .failure(rejection)
            }
        }
        if parts.allSatisfy({ $0.coding == .eightBit }) {
            return .failure(InboundRejection("8-bit message, not text"))
        }
        if parts.contains(where: { $0.coding == .eightBit }) {
            return .failure(InboundRejection("8-bit part in a text message"))
        }

        if let ordered = completeSet(parts) {
            // Joined as code units, not strings: a phone may split a surrogate pair
            // between two parts, and each half alone would become U+FFFD.
            let first = ordered[0]
            let decoded = decode(ordered.flatMap(\.units), damaged: ordered.contains { $0.damaged })
            return .success([InboundSMS(
                sender: first.sender, text: decoded.text, sentAt: first.sentAt, damaged: decoded.damaged)])
        }
        return .success(parts.map { p in
            let decoded = decode(p.units, damaged: p.damaged)
            return InboundSMS(
                sender: p.sender, text: decoded.text, sentAt: p.sentAt,
                part: p.concatenation, damaged: decoded.damaged)
        })
    }

    /// The parts in sequence order when they are exactly one whole concatenated
    /// message: one sender, one reference, every sequence 1…total once.
    private static func completeSet(_ parts: [Part]) -> [Part]? {
        let concatenations = parts.compactMap(\.concatenation)
        guard concatenations.count == parts.count, let first = parts.first, let c = first.concatenation,
              c.total == parts.count,
              parts.allSatisfy({ $0.sender == first.sender }),
              concatenations.allSatisfy({ $0.reference == c.reference && $0.total == c.total }),
              Set(concatenations.map(\.sequence)) == Set(1...c.total)
        else { return nil }
        return parts.sorted { ($0.concatenation?.sequence ?? 0) < ($1.concatenation?.sequence ?? 0) }
    }

    private static func part(_ section: GammuBackupSection, file: FileName, sentAt: String) -> Result<Part, InboundRejection> {
        let label = "[\(section.name.prefix(40))]"
        if section.value("PDU")?.lowercased() == "status_report" {
            return .failure(InboundRejection("status report, not a message (set DeliveryReport = log in smsdrc)"))
        }
        guard let codingName = section.value("Coding") else {
            return .failure(InboundRejection("\(label) has no Coding"))
        }
        let coding: Coding
        switch codingName.lowercased() {
        case "default", "default_no_compression": coding = .gsm
        case "unicode", "unicode_no_compression": coding = .ucs2
        case "8bit": coding = .eightBit
        case "default_compression", "unicode_compression":
            return .failure(InboundRejection("\(label) Coding = \(codingName): compressed text cannot be decoded"))
        default:
            return .failure(InboundRejection("\(label) has unknown Coding = \(codingName.prefix(40))"))
        }

        // gammu's own reader would stop at the gap and keep a silently cut text.
        if let gap = section.textKeys.enumerated().first(where: { $0.element != $0.offset }) {
            return .failure(InboundRejection(
                "\(label) has Text\(twoDigits(gap.element)) but no Text\(twoDigits(gap.offset))"))
        }
        let hex = section.textKeys.map { section.value("Text\(twoDigits($0))") ?? "" }.joined()
        guard let raw = hexBytes(hex) else {
            return .failure(InboundRejection("\(label) Text is not hex"))
        }

        var damaged = false
        var units: [UInt16] = []
        if coding != .eightBit {
            // gammu writes `Length` code units, and for GSM text `Length` counts
            // septets: each escape (€, [, ~ …) pulls the terminator and then stale
            // buffer contents into the hex.
            let cut = cutAtNUL(utf16Units(raw[...]))
            units = cut.units
            damaged = cut.damaged
            if coding == .ucs2 {
                let repaired = undoubledTildes(units)
                units = repaired.units
                // The doubling lengthened the text but not `Length`: the tail is lost.
                damaged = damaged || repaired.found
            }
        }

        let udh = section.value("UDH").flatMap(hexBytes)
        return .success(Part(
            sender: number(section) ?? file.sender,
            sentAt: section.value("DateTime") ?? section.value("Sent") ?? sentAt,
            concatenation: udh.flatMap(UDH.concatenation),
            coding: coding,
            units: units,
            damaged: damaged))
    }

    /// `NumberUnicode` is hex UCS-2 and locale-proof; `Number` went through the
    /// daemon's locale and gammu's own escaping, so it is only the fallback.
    private static func number(_ section: GammuBackupSection) -> String? {
        if let hex = section.value("NumberUnicode"), let raw = hexBytes(hex) {
            let cut = cutAtNUL(utf16Units(raw[...]))
            let decoded = decode(cut.units, damaged: cut.damaged)
            if !decoded.damaged, !decoded.text.isEmpty { return decoded.text }
        }
        guard let quoted = section.value("Number") else { return nil }
        let plain = unescaped(quoted)
        return plain.isEmpty ? nil : plain
    }

    /// The inverse of gammu's EncodeSpecialChars: `\n`, `\r`, `\\`; any other
    /// escaped character stands for itself.
    private static func unescaped(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var escaping = false
        for scalar in s.unicodeScalars {
            if escaping {
                switch scalar {
                case "n": out.append("\n")
                case "r": out.append("\r")
                default: out.append(scalar)
                }
                escaping = false
            } else if scalar == "\\" {
                escaping = true
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    // MARK: - Text helpers

    private static func twoDigits(_ n: Int) -> String {
        n < 10 ? "0\(n)" : "\(n)"
    }

    /// Strict: gammu writes plain upper-case pairs; anything else is not its file.
    private static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let high = nibble(digits[i]), let low = nibble(digits[i + 1]) else { return nil }
            bytes.append(high << 4 | low)
            i += 2
        }
        return bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    /// Big-endian code units; a lone last byte becomes U+FFFD in place, so that
    /// parts joined after it stay aligned.
    private static func utf16Units(_ bytes: ArraySlice<UInt8>) -> (units: [UInt16], oddByte: Bool) {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2 + 1)
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex {
            units.append(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]))
            i += 2
        }
        let odd = bytes.count % 2 == 1
        if odd { units.append(0xFFFD) }
        return (units, odd)
    }

    /// A lone last byte after the cut is stale buffer, not damage.
    private static func cutAtNUL(_ decoded: (units: [UInt16], oddByte: Bool)) -> (units: [UInt16], damaged: Bool) {
        guard let nul = decoded.units.firstIndex(of: 0) else { return (decoded.units, decoded.oddByte) }
        return (Array(decoded.units[..<nul]), false)
    }

    /// Surrogate pairs are joined by TextDecoding; `damaged` carries what the units
    /// no longer show (a U+FFFD that stands for a lone byte looks like a real one).
    private static func decode(_ units: [UInt16], damaged: Bool) -> (text: String, damaged: Bool) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(units.count * 2)
        for unit in units {
            bytes.append(UInt8(unit >> 8))
            bytes.append(UInt8(unit & 0xFF))
        }
        let decoded = TextDecoding.utf16BE(bytes)
        return (decoded.text, decoded.damaged || damaged)
    }

    private static let tilde: UInt16 = 0x7E

    /// gammu's PDU decoder (DecodeUnicodeSpecialNOKIAChars, for UCS-2 text only)
    /// writes every `~` as `~~`; pairs are folded back. A lone `~` is either
    /// gammu's stand-in for U+0001 or half a pair cut off at the end: `~` either way.
    private static func undoubledTildes(_ units: [UInt16]) -> (units: [UInt16], found: Bool) {
        guard units.contains(tilde) else { return (units, false) }
        var out: [UInt16] = []
        out.reserveCapacity(units.count)
        var i = 0
        while i < units.count {
            out.append(units[i])
            i += units[i] == tilde && i + 1 < units.count && units[i + 1] == tilde ? 2 : 1
        }
        return (out, true)
    }

    /// `unicode` and `standard` files do not say how the part was coded, but a
    /// character outside GSM 03.38 proves UCS-2, and then every `~` was doubled
    /// (see `undoubledTildes`). Pure GSM-looking text is left alone: it may have
    /// been UCS-2 too, but then a real `~~` cannot be told from a doubled `~`.
    private static func undoubledTildesIfUCS2(_ text: String) -> String {
        guard text.contains("~"), text.contains(where: { GSM7.septets($0) == nil && $0 != gammuEscape }) else {
            return text
        }
        var units: [UInt16] = Array(text.utf16)
        units = undoubledTildes(units).units
        return String(decoding: units, as: UTF16.self)
    }

    /// What gammu's GSM decoder makes of an escape with no known extension character.
    private static let gammuEscape: Character = "\u{B9}"
}

/// The INI dialect of Gammu's SMS backup files, read the way gammu's own
/// INI_ReadFile does: `\r` and `\n` both end a line (gammu mixes them), `;` and
/// `#` start comments (gammu's decoded-text comment is in the daemon's locale,
/// never read), names are case-insensitive, an empty value counts as absent,
/// and a later duplicate key wins.
private struct GammuBackupSection {
    var name: String
    private var values: [String: String] = [:]
    /// Indexes of the `TextNN` keys present, ascending.
    private(set) var textKeys: [Int] = []

    init(name: String) {
        self.name = name
    }

    /// Surrounding quotes (`Number = "+62…"`) are not part of the value.
    func value(_ key: String) -> String? {
        guard var v = values[key.lowercased()] else { return nil }
        if v.utf8.count >= 2, v.hasPrefix("\""), v.hasSuffix("\"") {
            v = String(v.dropFirst().dropLast())
        }
        return v.isEmpty ? nil : v
    }

    static func read(_ bytes: [UInt8]) -> Result<[GammuBackupSection], InboundRejection> {
        var sections: [GammuBackupSection] = []
        var lineNumber = 0
        var lineStart = bytes.startIndex
        while lineStart < bytes.endIndex {
            lineNumber += 1
            let end = bytes[lineStart...].firstIndex { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") } ?? bytes.endIndex
            if case .failure(let rejection) = take(bytes[lineStart..<end], number: lineNumber, into: &sections) {
                return .failure(rejection)
            }
            // CRLF is one line break (numbered as an editor shows it), a lone CR another.
            var next = end + 1
            if end < bytes.endIndex, bytes[end] == UInt8(ascii: "\r"), next < bytes.endIndex, bytes[next] == UInt8(ascii: "\n") {
                next += 1
            }
            lineStart = next
        }
        return .success(sections)
    }

    private static func take(_ raw: ArraySlice<UInt8>, number: Int, into sections: inout [GammuBackupSection]) -> Result<Void, InboundRejection> {
        let line = trimmed(raw)
        guard let first = line.first else { return .success(()) }
        if first == UInt8(ascii: ";") || first == UInt8(ascii: "#") { return .success(()) }
        if line.contains(0) {
            return .failure(InboundRejection("NUL byte in line \(number)"))
        }
        if first == UInt8(ascii: "[") {
            guard let close = line.firstIndex(of: UInt8(ascii: "]")) else {
                return .failure(InboundRejection("line \(number) opens a section without ]"))
            }
            sections.append(GammuBackupSection(name: text(line[(line.startIndex + 1)..<close])))
            return .success(())
        }
        guard let equals = line.firstIndex(of: UInt8(ascii: "=")) else {
            return .failure(InboundRejection("line \(number) is not a [section], key = value or ; comment"))
        }
        // Keys before the first section are not part of any message.
        guard !sections.isEmpty else { return .success(()) }
        let key = text(trimmed(line[..<equals])).lowercased()
        let value = text(trimmed(line[(equals + 1)...]))
        sections[sections.count - 1].set(key, value)
        return .success(())
    }

    private mutating func set(_ key: String, _ value: String) {
        guard !value.isEmpty else { return }
        values[key] = value
        let digits = key.dropFirst(4)
        if key.hasPrefix("text"), !digits.isEmpty, digits.utf8.count <= 4,
           digits.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
           let index = Int(digits)
        {
            // Normalised so that `Text0` and `Text00` are the same key, as in gammu.
            values.removeValue(forKey: key)
            values["text" + (index < 10 ? "0\(index)" : "\(index)")] = value
            if !textKeys.contains(index) {
                textKeys.append(index)
                textKeys.sort()
            }
        }
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isSpace: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let start = bytes.firstIndex(where: { !isSpace($0) }),
              let end = bytes.lastIndex(where: { !isSpace($0) })
        else { return bytes[bytes.endIndex...] }
        return bytes[start...end]
    }

    /// Values are ASCII in practice; a legacy-locale `Number` is kept as Latin-9
    /// rather than replaced.
    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        String(validating: bytes, as: UTF8.self) ?? TextDecoding.latin9(bytes).text
    }
}
