import Testing
import AduanGateways

/// Builds a file from text parts and hex parts, so fixtures show the exact bytes gammu-smsd writes.
private enum Chunk {
    case text(String)
    case hex(String)
}

private func file(_ chunks: Chunk...) -> [UInt8] {
    chunks.flatMap { chunk -> [UInt8] in
        switch chunk {
        case .text(let s): Array(s.utf8)
        case .hex(let h): h.split(separator: " ").compactMap { UInt8($0, radix: 16) }
        }
    }
}

struct GammuInboundCase: Sendable, CustomTestStringConvertible {
    var name: String
    var fileName: String
    var format: GammuInbound.Format
    var bytes: [UInt8]
    var expected: [InboundSMS]
    var testDescription: String { name }
}

struct GammuRejectCase: Sendable, CustomTestStringConvertible {
    var name: String
    var fileName: String
    var format: GammuInbound.Format
    var bytes: [UInt8]
    var reason: String
    var testDescription: String { name }
}

// MARK: - Fixtures

private let numberHex = "002B0036003200380031003200330034003500360037003800390030"

/// What gammu 1.42 writes before the first section (SaveSMSBackupTextFile, LF line ends).
private let preamble = """
    ; This file format was designed for Gammu and is compatible with Gammu+
    ; See <http://www.gammu.org> for more info
    ; Saved 20261122T140202 (Min 22 Nov 2026 14:02:02 WIB)


    """

/// A detail file exactly as gammu-smsd 1.42 writes a one-part GSM message: values
/// written through SaveBackupText and SaveLinkedBackupText end in CRLF, the rest in LF.
private let gsmDetail = preamble + """
    [SMSBackup000]
    ; BANJAR jalan rusak di desa Sukamaju
    SMSC = "+6281100000"\r
    SMSCUnicode = 002B0036003200380031003100300030003000300030\r
    PDU = Deliver
    DateTime = 20261122T140137Z\r
    State = UnRead
    Number = "+6281234567890"\r
    NumberUnicode = 002B0036003200380031003200330034003500360037003800390030\r
    Name = ""\r
    NameUnicode = \r
    Text00 = 00420041004E004A004100520020006A0061006C0061006E00200072007500730061006B00200064006900200064006500730061002000530075006B0061006D0061006A0075\r
    Coding = Default_No_Compression
    Folder = 1
    Length = 35
    Class = -1
    ReplySMSC = False
    RejectDuplicates = False
    ReplaceMessage = 0
    MessageReference = 0


    """

/// One `[SMSBackupNNN]` section in gammu's layout and line ends.
private func section(
    _ index: Int,
    comment: String = "; (decoded text, in the daemon's locale)",
    dateTime: String? = "20261122T140137Z",
    number: String = "\"+6281234567890\"",
    numberUnicode: String? = numberHex,
    pdu: String = "Deliver",
    udh: String? = nil,
    text: [String],
    coding: String = "Default_No_Compression",
    length: Int = 0
) -> String {
    let index = String(repeating: "0", count: max(0, 3 - String(index).count)) + String(index)
    var s = "[SMSBackup\(index)]\n"
    if !comment.isEmpty { s += comment + "\n" }
    s += "SMSC = \"+6281100000\"\r\nSMSCUnicode = 002B0036003200380031003100300030003000300030\r\n"
    s += "PDU = \(pdu)\n"
    if let dateTime { s += "DateTime = \(dateTime)\r\n" }
    s += "State = UnRead\n"
    s += "Number = \(number)\r\n"
    if let numberUnicode { s += "NumberUnicode = \(numberUnicode)\r\n" }
    s += "Name = \"\"\r\nNameUnicode = \r\n"
    if let udh { s += "UDH = \(udh)\n" }
    for (i, chunk) in text.enumerated() { s += "Text0\(i) = \(chunk)\r\n" }
    s += "Coding = \(coding)\nFolder = 1\nLength = \(length)\nClass = -1\n"
    s += "ReplySMSC = False\nRejectDuplicates = False\nReplaceMessage = 0\nMessageReference = 0\n\n"
    return s
}

private func detail(_ sections: String...) -> [UInt8] {
    Array((preamble + sections.joined()).utf8)
}

/// 153 GSM characters, split by gammu into four 200-digit TextNN lines.
private let longPart1 = [
    "00420041004E004A004100520020006A0061006C0061006E00200072007500730061006B00200070006100720061006800200064006900200064006500730061002000530075006B0061006D0061006A00750020006B006500630061006D006100740061",
    "006E00200043006900620065006200650072002000730065006A0061006B002000620075006C0061006E0020006C0061006C0075002C002000730075006400610068002000740069006700610020006D006F0074006F00720020006A0061007400750068",
    "0020006D0069006E00670067007500200069006E0069002E0020004D006F0068006F006E0020007300650067006500720061002000640069007000650072006200610069006B006900200073006500620065006C0075006D0020006D007500730069006D",
    "002000680075",
]
private let longPart2 = ["006A0061006E00200064006100740061006E0067002E00200054006500720069006D00610020006B0061007300690068002E"]
private let longText =
    "BANJAR jalan rusak parah di desa Sukamaju kecamatan Cibeber sejak bulan lalu, sudah tiga motor jatuh minggu ini. "
    + "Mohon segera diperbaiki sebelum musim hujan datang. Terima kasih."

/// A UCS-2 message whose emoji the sending phone split between the parts: 67 units
/// ending in the high surrogate D83D, then the low surrogate DE41.
private let splitEmojiPart1 = [
    "004B0045005300450048004100540041004E0020007000750073006B00650073006D0061007300200043006900620065006200650072002000740075007400750070002000730065006A0061006B00200070006100670069002C00200070006100730069",
    "0065006E0020006D0065006E0075006E0067006700750020006C0061006D0061D83D",
]
private let splitEmojiPart2 = ["DE4100200074006F006C006F006E006700200064006900620075006B006100202019"]

private let emojiHex = "004B0045005300450048004100540041004E0020007000750073006B00650073006D006100730020007400750074007500700020D83DDE4100200073006500F1006F0072002000630061006600E9"

// MARK: - Tests

@Suite struct GammuInboundTests {
    static let accepted: [GammuInboundCase] = [
        // unicode
        GammuInboundCase(
            name: "§2.2 example: unicode, BOM then UTF-16BE, name gives sender and timestamp",
            fileName: "IN20261122_135900_00_+6281234567890_00.txt",
            format: .unicode,
            bytes: file(.hex("""
                fe ff 00 42 00 41 00 4e 00 4a 00 41 00 52 00 20 00 6a 00 61 00 6c 00 61 00 6e 00 20 00 72 00 75 \
                00 73 00 61 00 6b 00 20 00 64 00 69 00 20 00 64 00 65 00 73 00 61 00 20 00 53 00 75 00 6b 00 61 \
                00 6d 00 61 00 6a 00 75
                """)),
            expected: [InboundSMS(
                sender: "+6281234567890", text: "BANJAR jalan rusak di desa Sukamaju", sentAt: "20261122_135900")]),
        GammuInboundCase(
            name: "unicode: the terminator and stale buffer after it (gammu's length bug) are cut, emoji kept",
            fileName: "IN20261122_140159_00_+6281234567890_01.txt",
            format: .unicode,
            // 🙁 ñ é take 4 more UTF-8 bytes than UTF-16 units, so gammu wrote 4 units too many:
            // 0000 and three stale units, one of them a lone low surrogate.
            bytes: file(.hex("""
                fe ff 00 4b 00 45 00 53 00 45 00 48 00 41 00 54 00 41 00 4e 00 20 00 74 00 75 00 74 00 75 00 70 \
                00 20 d8 3d de 41 00 20 00 73 00 65 00 f1 00 6f 00 72 00 20 00 63 00 61 00 66 00 e9 \
                00 00 00 4b de 41 00 62
                """)),
            expected: [InboundSMS(
                sender: "+6281234567890", text: "KESEHATAN tutup 🙁 señor café", sentAt: "20261122_140159")]),
        GammuInboundCase(
            name: "unicode: only NULs after the text (the doc's café example)",
            fileName: "IN20261122_135900_01_+6281234567890_00.txt",
            format: .unicode,
            bytes: file(.hex("fe ff 00 63 00 61 00 66 00 e9 00 00 00 00 00 00 00 00")),
            expected: [InboundSMS(sender: "+6281234567890", text: "café", sentAt: "20261122_135900")]),
        GammuInboundCase(
            name: "unicode: only a BOM is an empty message",
            fileName: "IN20261122_135900_00_+6281234567890_00.txt",
            format: .unicode,
            bytes: file(.hex("fe ff")),
            expected: [InboundSMS(sender: "+6281234567890", text: "", sentAt: "20261122_135900")]),
        GammuInboundCase(
            name: "unicode: odd last byte with no terminator is flagged",
            fileName: "IN20261122_135900_00_+6281234567890_00.txt",
            format: .unicode,
            bytes: file(.hex("fe ff 00 48 00 69 00")),
            expected: [InboundSMS(sender: "+6281234567890", text: "Hi\u{FFFD}", sentAt: "20261122_135900", damaged: true)]),
        GammuInboundCase(
            name: "unicode: a lone surrogate before the terminator is flagged",
            fileName: "IN20261122_135900_00_+6281234567890_00.txt",
            format: .unicode,
            bytes: file(.hex("fe ff 00 48 d8 3d 00 69 00 00 de 41")),
            expected: [InboundSMS(sender: "+6281234567890", text: "H\u{FFFD}i", sentAt: "20261122_135900", damaged: true)]),
        GammuInboundCase(
            name: "unicode: UCS-2 proven by ’, so gammu's doubled ~~ is one ~",
            fileName: "IN20261122_135900_00_+6281234567890_00.txt",
            format: .unicode,
            bytes: file(.hex("fe ff 00 68 00 61 00 72 00 67 00 61 00 20 00 7e 00 7e 00 35 00 72 00 62 00 20 20 19 00 00 00 00")),
            expected: [InboundSMS(sender: "+6281234567890", text: "harga ~5rb ’", sentAt: "20261122_135900")]),
        GammuInboundCase(
            name: "unicode: GSM-only text keeps ~~ (cannot tell a doubled ~ from a real pair)",
            fileName: "IN20261122_135900_00_+6281234567890_00.txt",
            format: .unicode,
            bytes: file(.hex("fe ff 00 61 00 7e 00 7e 00 62")),
            expected: [InboundSMS(sender: "+6281234567890", text: "a~~b", sentAt: "20261122_135900")]),

        // standard
        GammuInboundCase(
            name: "standard: UTF-8 under a UTF-8 locale, no BOM, no newline",
            fileName: "IN20261122_140000_01_+6281234567890_00.txt",
            format: .standard,
            bytes: file(.text("BANJAR jalan rusak 🙁 café €5")),
            expected: [InboundSMS(sender: "+6281234567890", text: "BANJAR jalan rusak 🙁 café €5", sentAt: "20261122_140000")]),
        GammuInboundCase(
            name: "standard: each part file is a message of its own, part left nil",
            fileName: "IN20261122_140200_00_+6281234567890_01.txt",
            format: .standard,
            bytes: file(.text("jan datang. Terima kasih.")),
            expected: [InboundSMS(sender: "+6281234567890", text: "jan datang. Terima kasih.", sentAt: "20261122_140200")]),
        GammuInboundCase(
            name: "standard: invalid UTF-8 (smsd under a Latin-1 locale) becomes U+FFFD, flagged",
            fileName: "IN20261122_140000_00_+6281234567890_00.txt",
            format: .standard,
            bytes: file(.text("kaf"), .hex("e9"), .text(" tutup")),
            expected: [InboundSMS(sender: "+6281234567890", text: "kaf\u{FFFD} tutup", sentAt: "20261122_140000", damaged: true)]),
        GammuInboundCase(
            name: "standard: gammu's own U+FFFD for half an emoji split between part files is flagged",
            fileName: "IN20261122_140159_00_+6281234567891_00.txt",
            format: .standard,
            // As gammu-smsd 1.42 wrote it under C.UTF-8: part 1 of a UCS-2 message ending in D83D.
            bytes: file(.text("KESEHATAN puskesmas Cibeber tutup sejak pagi, pasien menunggu lama"), .hex("ef bf bd")),
            expected: [InboundSMS(
                sender: "+6281234567891",
                text: "KESEHATAN puskesmas Cibeber tutup sejak pagi, pasien menunggu lama\u{FFFD}",
                sentAt: "20261122_140159", damaged: true)]),
        GammuInboundCase(
            name: "unicode: the same split emoji leaves a lone surrogate in each part file, flagged",
            fileName: "IN20261122_140200_00_+6281234567891_01.txt",
            format: .unicode,
            bytes: file(.hex("fe ff de 41 00 20 00 6f 00 6b")),
            expected: [InboundSMS(
                sender: "+6281234567891", text: "\u{FFFD} ok", sentAt: "20261122_140200", damaged: true)]),
        GammuInboundCase(
            name: "standard: empty file is an empty message",
            fileName: "IN20261122_140000_00_+6281234567890_00.txt",
            format: .standard,
            bytes: [],
            expected: [InboundSMS(sender: "+6281234567890", text: "", sentAt: "20261122_140000")]),
        GammuInboundCase(
            name: "standard: UCS-2 proven by 🙁, so ~~ is one ~",
            fileName: "IN20261122_140000_00_+6281234567890_00.txt",
            format: .standard,
            bytes: file(.text("jalan ~~ rusak 🙁")),
            expected: [InboundSMS(sender: "+6281234567890", text: "jalan ~ rusak 🙁", sentAt: "20261122_140000")]),

        // senders in names
        GammuInboundCase(
            name: "alphanumeric sender",
            fileName: "IN20261122_140000_00_TELKOMSEL_00.txt",
            format: .standard,
            bytes: file(.text("Sisa pulsa Anda Rp5.000")),
            expected: [InboundSMS(sender: "TELKOMSEL", text: "Sisa pulsa Anda Rp5.000", sentAt: "20261122_140000")]),
        GammuInboundCase(
            name: "alphanumeric sender with _ (gammu writes it unescaped)",
            fileName: "IN20261122_140000_03_INFO_PLN_00.txt",
            format: .standard,
            bytes: file(.text("Token listrik")),
            expected: [InboundSMS(sender: "INFO_PLN", text: "Token listrik", sentAt: "20261122_140000")]),
        GammuInboundCase(
            name: "alphanumeric sender with . and _ together",
            fileName: "IN20261122_140000_00_M.BCA_01_02.txt",
            format: .standard,
            bytes: file(.text("x")),
            expected: [InboundSMS(sender: "M.BCA_01", text: "x", sentAt: "20261122_140000")]),
        GammuInboundCase(
            name: "X in an alphanumeric sender is a real X",
            fileName: "IN20261122_140000_00_XL_00.txt",
            format: .standard,
            bytes: file(.text("Promo")),
            expected: [InboundSMS(sender: "XL", text: "Promo", sentAt: "20261122_140000")]),
        GammuInboundCase(
            name: "X in a numeric sender was *",
            fileName: "IN20261122_140000_00_X123#_00.txt",
            format: .standard,
            bytes: file(.text("Info")),
            expected: [InboundSMS(sender: "*123#", text: "Info", sentAt: "20261122_140000")]),
        GammuInboundCase(
            name: "national number kept as written",
            fileName: "IN20261122_140000_00_081234567890_00.txt",
            format: .standard,
            bytes: file(.text("halo")),
            expected: [InboundSMS(sender: "081234567890", text: "halo", sentAt: "20261122_140000")]),

        // detail
        GammuInboundCase(
            name: "detail: one GSM part, mixed CRLF/LF, comments ignored",
            fileName: "IN20261122_140137_00_+6281234567890_00.txt",
            format: .detail,
            bytes: Array(gsmDetail.utf8),
            expected: [InboundSMS(
                sender: "+6281234567890", text: "BANJAR jalan rusak di desa Sukamaju", sentAt: "20261122T140137Z")]),
        GammuInboundCase(
            name: "detail: the same file with LF only",
            fileName: "IN20261122_140137_00_+6281234567890_00.txt",
            format: .detail,
            bytes: Array(gsmDetail.replacing("\r\n", with: "\n").utf8),
            expected: [InboundSMS(
                sender: "+6281234567890", text: "BANJAR jalan rusak di desa Sukamaju", sentAt: "20261122T140137Z")]),
        GammuInboundCase(
            name: "detail: the same file with CRLF only",
            fileName: "IN20261122_140137_00_+6281234567890_00.txt",
            format: .detail,
            bytes: Array(gsmDetail.replacing("\r\n", with: "\n").replacing("\n", with: "\r\n").utf8),
            expected: [InboundSMS(
                sender: "+6281234567890", text: "BANJAR jalan rusak di desa Sukamaju", sentAt: "20261122T140137Z")]),
        GammuInboundCase(
            name: "detail: GSM escapes make Length (septets) exceed the text; terminator and stale units cut",
            fileName: "IN20261122_140137_00_+6281234567890_00.txt",
            format: .detail,
            bytes: detail(section(
                0, text: ["00420041004E004A004100520020007B00740069006B00650074007D002020AC0033000000410042"], length: 20)),
            expected: [InboundSMS(sender: "+6281234567890", text: "BANJAR {tiket} €3", sentAt: "20261122T140137Z")]),
        GammuInboundCase(
            name: "detail: Unicode coding with emoji, DateTime without Z (SMSC in UTC+7)",
            fileName: "IN20261122_210137_00_+6281234567890_00.txt",
            format: .detail,
            bytes: detail(section(
                0, dateTime: "20261122T210137", text: [emojiHex], coding: "Unicode_No_Compression", length: 39)),
            expected: [InboundSMS(
                sender: "+6281234567890", text: "KESEHATAN puskesmas tutup 🙁 señor café", sentAt: "20261122T210137")]),
        GammuInboundCase(
            name: "detail: two GSM parts (UDH 050003A70201/02) joined into one message, TextNN lines concatenated",
            fileName: "IN20261122_140159_00_+6281234567890_00.txt",
            format: .detail,
            bytes: detail(
                section(0, dateTime: "20261122T140159Z", udh: "050003A70201", text: longPart1, length: 153),
                section(1, dateTime: "20261122T140200Z", udh: "050003A70202", text: longPart2, length: 25)),
            expected: [InboundSMS(sender: "+6281234567890", text: longText, sentAt: "20261122T140159Z")]),
        GammuInboundCase(
            name: "detail: parts out of order are joined in sequence order, timestamp from part 1",
            fileName: "IN20261122_140200_00_+6281234567890_00.txt",
            format: .detail,
            bytes: detail(
                section(0, dateTime: "20261122T140200Z", udh: "050003A70202", text: longPart2, length: 25),
                section(1, dateTime: "20261122T140159Z", udh: "050003A70201", text: longPart1, length: 153)),
            expected: [InboundSMS(sender: "+6281234567890", text: longText, sentAt: "20261122T140159Z")]),
        GammuInboundCase(
            name: "detail: an emoji split across two UCS-2 parts survives the join",
            fileName: "IN20261122_140159_00_+6281234567890_00.txt",
            format: .detail,
            bytes: detail(
                section(0, udh: "06080412340201", text: splitEmojiPart1,
                        coding: "Unicode_No_Compression", length: 67),
                section(1, udh: "06080412340202", text: splitEmojiPart2,
                        coding: "Unicode_No_Compression", length: 17)),
            expected: [InboundSMS(
                sender: "+6281234567890",
                text: "KESEHATAN puskesmas Cibeber tutup sejak pagi, pasien menunggu lama🙁 tolong dibuka ’",
                sentAt: "20261122T140137Z")]),
        GammuInboundCase(
            name: "detail: incomplete set after MultipartTimeout, parts returned for reassembly",
            fileName: "IN20261122_140159_00_+6281234567890_00.txt",
            format: .detail,
            bytes: detail(
                section(0, dateTime: "20261122T140159Z", udh: "050003A70301",
                        text: ["00420041004E004A004100520020"], length: 7),
                section(1, dateTime: "20261122T140201Z", udh: "050003A70303",
                        text: ["0073006500670065007200610021"], length: 7)),
            expected: [
                InboundSMS(sender: "+6281234567890", text: "BANJAR ", sentAt: "20261122T140159Z",
                           part: ConcatenationPart(reference: 0xA7, total: 3, sequence: 1)),
                InboundSMS(sender: "+6281234567890", text: "segera!", sentAt: "20261122T140201Z",
                           part: ConcatenationPart(reference: 0xA7, total: 3, sequence: 3)),
            ]),
        GammuInboundCase(
            name: "detail: one part of two on its own keeps its part",
            fileName: "IN20261122_140200_00_+6281234567890_00.txt",
            format: .detail,
            bytes: detail(section(0, dateTime: "20261122T140200Z", udh: "050003A70202", text: longPart2, length: 25)),
            expected: [InboundSMS(
                sender: "+6281234567890", text: "jan datang. Terima kasih.", sentAt: "20261122T140200Z",
                part: ConcatenationPart(reference: 0xA7, total: 2, sequence: 2))]),
        GammuInboundCase(
            name: "detail: two parts with different references are not one message",
            fileName: "IN20261122_140200_00_+6281234567890_00.txt",
            format: .detail,
            bytes: detail(
                section(0, udh: "050003A70201", text: ["0061"], length: 1),
                section(1, udh: "050003A80202", text: ["0062"], length: 1)),
            expected: [
                InboundSMS(sender: "+6281234567890", text: "a", sentAt: "20261122T140137Z",
                           part: ConcatenationPart(reference: 0xA7, total: 2, sequence: 1)),
                InboundSMS(sender: "+6281234567890", text: "b", sentAt: "20261122T140137Z",
                           part: ConcatenationPart(reference: 0xA8, total: 2, sequence: 2)),
            ]),
        GammuInboundCase(
            name: "detail: a part that arrived twice is not a complete set",
            fileName: "IN20261122_140200_00_+6281234567890_00.txt",
            format: .detail,
            bytes: detail(
                section(0, udh: "050003A70201", text: ["0061"], length: 1),
                section(1, udh: "050003A70201", text: ["0061"], length: 1)),
            expected: [
                InboundSMS(sender: "+6281234567890", text: "a", sentAt: "20261122T140137Z",
                           part: ConcatenationPart(reference: 0xA7, total: 2, sequence: 1)),
                InboundSMS(sender: "+6281234567890", text: "a", sentAt: "20261122T140137Z",
                           part: ConcatenationPart(reference: 0xA7, total: 2, sequence: 1)),
            ]),
        GammuInboundCase(
            name: "detail: a repeated part makes three sections for two parts: not one message",
            fileName: "IN20261122_140200_00_+6281234567890_00.txt",
            format: .detail,
            bytes: detail(
                section(0, udh: "050003A70201", text: ["0061"], length: 1),
                section(1, udh: "050003A70202", text: ["0062"], length: 1),
                section(2, udh: "050003A70202", text: ["0062"], length: 1)),
            expected: [
                InboundSMS(sender: "+6281234567890", text: "a", sentAt: "20261122T140137Z",
                           part: ConcatenationPart(reference: 0xA7, total: 2, sequence: 1)),
                InboundSMS(sender: "+6281234567890", text: "b", sentAt: "20261122T140137Z",
                           part: ConcatenationPart(reference: 0xA7, total: 2, sequence: 2)),
                InboundSMS(sender: "+6281234567890", text: "b", sentAt: "20261122T140137Z",
                           part: ConcatenationPart(reference: 0xA7, total: 2, sequence: 2)),
            ]),
        GammuInboundCase(
            name: "detail: parts from two senders are not one message",
            fileName: "IN20261122_140200_00_+6281234567890_00.txt",
            format: .detail,
            bytes: detail(
                section(0, udh: "050003A70201", text: ["0061"], length: 1),
                section(1, number: "\"TELKOMSEL\"", numberUnicode: nil, udh: "050003A70202", text: ["0062"], length: 1)),
            expected: [
                InboundSMS(sender: "+6281234567890", text: "a", sentAt: "20261122T140137Z",
                           part: ConcatenationPart(reference: 0xA7, total: 2, sequence: 1)),
                InboundSMS(sender: "TELKOMSEL", text: "b", sentAt: "20261122T140137Z",
                           part: ConcatenationPart(reference: 0xA7, total: 2, sequence: 2)),
            ]),
        GammuInboundCase(
            name: "detail: UCS-2 ~ doubled by gammu with the old Length: folded back, lost tail flagged",
            fileName: "IN20261122_140137_00_+6281234567890_00.txt",
            format: .detail,
            // Sent: "harga ~5rb ’ok" (14 units). gammu decoded "harga ~~5rb ’ok" and wrote 14 units.
            bytes: detail(section(
                0, text: ["006800610072006700610020007E007E00350072006200202019006F"],
                coding: "Unicode_No_Compression", length: 14)),
            expected: [InboundSMS(
                sender: "+6281234567890", text: "harga ~5rb ’o", sentAt: "20261122T140137Z", damaged: true)]),
        GammuInboundCase(
            name: "detail: a GSM ~ is not doubled",
            fileName: "IN20261122_140137_00_+6281234567890_00.txt",
            format: .detail,
            bytes: detail(section(0, text: ["0061007E0062"], length: 4)),
            expected: [InboundSMS(sender: "+6281234567890", text: "a~b", sentAt: "20261122T140137Z")]),
        GammuInboundCase(
            name: "detail: the dummy driver's input form (Sent, Coding = Default, Number only)",
            fileName: "IN20261122_135900_00_+6281234567890_00.txt",
            format: .detail,
            bytes: file(.text("""
                [SMSBackup000]
                SMSC = "+6281100000"
                Sent = 20261122T135900
                PDU = Deliver
                State = UnRead
                Number = "+6281234567890"
                Text00 = 00420041004E004A004100520020006A0061006C0061006E00200072007500730061006B
                Coding = Default
                Folder = 1
                Length = 18
                Class = -1
                """)),
            expected: [InboundSMS(sender: "+6281234567890", text: "BANJAR jalan rusak", sentAt: "20261122T135900")]),
        GammuInboundCase(
            name: "detail: NumberUnicode wins over Number, which went through the locale",
            fileName: "IN20261122_140137_00_INFO_PLN_00.txt",
            format: .detail,
            bytes: detail(section(
                0, number: "\"INFO?PLN\"", numberUnicode: "0049004E0046004F005F0050004C004E", text: ["0078"], length: 1)),
            expected: [InboundSMS(sender: "INFO_PLN", text: "x", sentAt: "20261122T140137Z")]),
        GammuInboundCase(
            name: "detail: the file's Number wins over the name's X-escaped sender",
            fileName: "IN20261122_140137_00_X123#_00.txt",
            format: .detail,
            bytes: detail(section(0, number: "\"*123#\"", numberUnicode: nil, text: ["0078"], length: 1)),
            expected: [InboundSMS(sender: "*123#", text: "x", sentAt: "20261122T140137Z")]),
        GammuInboundCase(
            name: "detail: Number unescaped as gammu escapes it (\\\\, \\n)",
            fileName: "IN20261122_140137_00_AB_00.txt",
            format: .detail,
            bytes: detail(section(0, number: "\"A\\\\B\\nC\"", numberUnicode: nil, text: ["0078"], length: 1)),
            expected: [InboundSMS(sender: "A\\B\nC", text: "x", sentAt: "20261122T140137Z")]),
        GammuInboundCase(
            name: "detail: no Number and no DateTime fall back to the name",
            fileName: "IN20261122_140137_00_+6281234567890_00.txt",
            format: .detail,
            bytes: file(.text("[SMSBackup000]\r\nText00 = 0078\r\nCoding = Default_No_Compression\r\n")),
            expected: [InboundSMS(sender: "+6281234567890", text: "x", sentAt: "20261122_140137")]),
        GammuInboundCase(
            name: "detail: empty message (gammu writes `Text00 = ` with nothing after it)",
            fileName: "IN20261122_140137_00_+6281234567890_00.txt",
            format: .detail,
            bytes: detail(section(0, text: [""], length: 0)),
            expected: [InboundSMS(sender: "+6281234567890", text: "", sentAt: "20261122T140137Z")]),
        GammuInboundCase(
            name: "detail: the .smsbackup extension the manual promises is accepted too",
            fileName: "IN20261122_140137_00_+6281234567890_00.smsbackup",
            format: .detail,
            bytes: Array(gsmDetail.utf8),
            expected: [InboundSMS(
                sender: "+6281234567890", text: "BANJAR jalan rusak di desa Sukamaju", sentAt: "20261122T140137Z")]),
        GammuInboundCase(
            name: "detail: section and key names in any case, later duplicate key wins, non-SMS sections ignored",
            fileName: "IN20261122_140137_00_+6281234567890_00.txt",
            format: .detail,
            bytes: file(.text("""
                [Checksum]
                MD5 = 0123
                [smsbackup000]
                TEXT00 = 0061
                DateTime = 20261122T000000Z
                coding = Unicode
                text00 = 0062
                DATETIME = 20261122T140137Z
                """)),
            expected: [InboundSMS(sender: "+6281234567890", text: "b", sentAt: "20261122T140137Z")]),
    ]

    @Test(arguments: accepted)
    func accepts(_ c: GammuInboundCase) {
        #expect(GammuInbound.parse(c.bytes, name: c.fileName, format: c.format) == .success(c.expected))
    }

    static let rejected: [GammuRejectCase] = [
        // names
        GammuRejectCase(
            name: "8-bit message (.bin)", fileName: "IN20261122_140000_00_+6281234567890_00.bin",
            format: .unicode, bytes: file(.hex("0b 05 04 15 82")), reason: "8-bit message, not text"),
        GammuRejectCase(
            name: "8-bit first part names a detail file .bin", fileName: "IN20261122_140000_00_+6281234567890_00.bin",
            format: .detail, bytes: detail(section(0, text: ["0B0504158200"], coding: "8bit", length: 6)),
            reason: "8-bit message, not text"),
        GammuRejectCase(
            name: "not an inbox name", fileName: "OUTA20261122_140000_00_+6281234567890_aduan1.txt",
            format: .standard, bytes: file(.text("x")), reason: "file name does not start with IN"),
        GammuRejectCase(
            name: "too few fields", fileName: "IN20261122_140000_00.txt",
            format: .standard, bytes: file(.text("x")),
            reason: "file name is not IN<date>_<time>_<serial>_<sender>_<part>.<ext>"),
        GammuRejectCase(
            name: "no extension", fileName: "IN20261122_140000_00_+6281234567890_00",
            format: .standard, bytes: file(.text("x")),
            reason: "file name is not IN<date>_<time>_<serial>_<sender>_<part>.<ext>"),
        GammuRejectCase(
            name: "short date", fileName: "IN2026112_140000_00_+6281234567890_00.txt",
            format: .standard, bytes: file(.text("x")), reason: "date in file name is not YYYYMMDD"),
        GammuRejectCase(
            name: "time with letters", fileName: "IN20261122_14h000_00_+6281234567890_00.txt",
            format: .standard, bytes: file(.text("x")), reason: "time in file name is not HHMMSS"),
        GammuRejectCase(
            name: "serial not a number", fileName: "IN20261122_140000_ab_+6281234567890_00.txt",
            format: .standard, bytes: file(.text("x")), reason: "serial in file name is not a number"),
        GammuRejectCase(
            name: "part not a number", fileName: "IN20261122_140000_00_+6281234567890_0x.txt",
            format: .standard, bytes: file(.text("x")), reason: "part in file name is not a number"),
        GammuRejectCase(
            name: "editor backup of an inbox file", fileName: "IN20261122_140000_00_+6281234567890_00.txt~",
            format: .standard, bytes: file(.text("x")), reason: "extension .txt~ is not .txt, .bin or .smsbackup"),
        GammuRejectCase(
            name: "empty sender", fileName: "IN20261122_140000_00__00.txt",
            format: .standard, bytes: file(.text("x")), reason: "no sender in file name"),
        GammuRejectCase(
            name: ".smsbackup in a unicode inbox", fileName: "IN20261122_140000_00_+6281234567890_00.smsbackup",
            format: .unicode, bytes: file(.hex("fe ff 00 78")), reason: "a .smsbackup file in a unicode inbox, expected .txt"),

        // unicode
        GammuRejectCase(
            name: "unicode: UTF-8 file (InboxFormat = standard, aduan configured unicode)",
            fileName: "IN20261122_140000_00_+6281234567890_00.txt",
            format: .unicode, bytes: file(.text("BANJAR jalan rusak")),
            reason: "no FE FF byte-order mark: not InboxFormat = unicode"),
        GammuRejectCase(
            name: "unicode: little-endian BOM is not what gammu writes",
            fileName: "IN20261122_140000_00_+6281234567890_00.txt",
            format: .unicode, bytes: file(.hex("ff fe 42 00")),
            reason: "no FE FF byte-order mark: not InboxFormat = unicode"),
        GammuRejectCase(
            name: "unicode: empty file", fileName: "IN20261122_140000_00_+6281234567890_00.txt",
            format: .unicode, bytes: [], reason: "empty file, not even a byte-order mark"),

        // detail
        GammuRejectCase(
            name: "detail: all parts 8-bit", fileName: "IN20261122_140000_00_+6281234567890_00.txt",
            format: .detail,
            bytes: detail(
                section(0, udh: "050003A70201", text: ["C0FFEE"], coding: "8bit", length: 3),
                section(1, udh: "050003A70202", text: ["BEEF"], coding: "8bit", length: 2)),
            reason: "8-bit message, not text"),
        GammuRejectCase(
            name: "detail: an 8-bit part among text parts", fileName: "IN20261122_140000_00_+6281234567890_00.txt",
            format: .detail,
            bytes: detail(
                section(0, udh: "050003A70201", text: ["0061"], length: 1),
                section(1, udh: "050003A70202", text: ["BEEF"], coding: "8bit", length: 2)),
            reason: "8-bit part in a text message"),
        GammuRejectCase(
            name: "detail: status report", fileName: "IN20261122_140000_00_+6281234567890_00.txt",
            format: .detail,
            bytes: detail(section(0, pdu: "Status_Report", text: ["00440065006C006900760065007200650064"],
                                  coding: "Unicode_No_Compression", length: 9)),
            reason: "status report, not a message (set DeliveryReport = log in smsdrc)"),
        GammuRejectCase(
            name: "detail: a standard-format file", fileName: "IN20261122_140000_00_+6281234567890_00.txt",
            format: .detail, bytes: file(.text("BANJAR jalan rusak")),
            reason: "line 1 is not a [section], key = value or ; comment"),
        GammuRejectCase(
            name: "detail: a unicode-format file (NUL in line 1)", fileName: "IN20261122_140000_00_+6281234567890_00.txt",
            format: .detail, bytes: file(.hex("fe ff 00 42 00 41")), reason: "NUL byte in line 1"),
        GammuRejectCase(
            name: "detail: comments only", fileName: "IN20261122_140000_00_+6281234567890_00.txt",
            format: .detail, bytes: Array(preamble.utf8), reason: "no [SMSBackupNNN] section: not InboxFormat = detail"),
        GammuRejectCase(
            name: "detail: empty file", fileName: "IN20261122_140000_00_+6281234567890_00.txt",
            format: .detail, bytes: [], reason: "no [SMSBackupNNN] section: not InboxFormat = detail"),
        GammuRejectCase(
            name: "detail: cut mid-line while being written", fileName: "IN20261122_140000_00_+6281234567890_00.txt",
            format: .detail, bytes: Array((String(gsmDetail.split(separator: "State = ", maxSplits: 1)[0]) + "Sta").utf8),
            reason: "line 11 is not a [section], key = value or ; comment"),
        GammuRejectCase(
            name: "detail: section header cut", fileName: "IN20261122_140000_00_+6281234567890_00.txt",
            format: .detail, bytes: file(.text("; x\r\n[SMSBack")), reason: "line 2 opens a section without ]"),
        GammuRejectCase(
            name: "detail: no Coding", fileName: "IN20261122_140000_00_+6281234567890_00.txt",
            format: .detail, bytes: file(.text("[SMSBackup000]\nNumber = \"+62\"\nText00 = 0061\n")),
            reason: "[SMSBackup000] has no Coding"),
        GammuRejectCase(
            name: "detail: compressed coding", fileName: "IN20261122_140000_00_+6281234567890_00.txt",
            format: .detail, bytes: detail(section(0, text: ["0061"], coding: "Default_Compression", length: 1)),
            reason: "[SMSBackup000] Coding = Default_Compression: compressed text cannot be decoded"),
        GammuRejectCase(
            name: "detail: unknown coding", fileName: "IN20261122_140000_00_+6281234567890_00.txt",
            format: .detail, bytes: detail(section(0, text: ["0061"], coding: "UTF-7", length: 1)),
            reason: "[SMSBackup000] has unknown Coding = UTF-7"),
        GammuRejectCase(
            name: "detail: Text not hex", fileName: "IN20261122_140000_00_+6281234567890_00.txt",
            format: .detail, bytes: detail(section(0, text: ["00G1"], length: 1)),
            reason: "[SMSBackup000] Text is not hex"),
        GammuRejectCase(
            name: "detail: Text with an odd number of digits", fileName: "IN20261122_140000_00_+6281234567890_00.txt",
            format: .detail, bytes: detail(section(0, text: ["00610"], length: 1)),
            reason: "[SMSBackup000] Text is not hex"),
        GammuRejectCase(
            name: "detail: a TextNN line missing", fileName: "IN20261122_140000_00_+6281234567890_00.txt",
            format: .detail,
            bytes: file(.text("[SMSBackup000]\r\nText00 = 0061\r\nText02 = 0062\r\nCoding = Default\n")),
            reason: "[SMSBackup000] has Text02 but no Text01"),
        GammuRejectCase(
            name: "detail: NUL outside a comment", fileName: "IN20261122_140000_00_+6281234567890_00.txt",
            format: .detail, bytes: file(.text("[SMSBackup000]\nCoding = Default\nText00 = 00"), .hex("00"), .text("61\n")),
            reason: "NUL byte in line 3"),
    ]

    @Test(arguments: rejected)
    func rejects(_ c: GammuRejectCase) {
        #expect(GammuInbound.parse(c.bytes, name: c.fileName, format: c.format) == .failure(InboundRejection(c.reason)))
    }

    @Test func rejectionsOfNamesDoNotDependOnFormat() {
        for format in GammuInbound.Format.allCases {
            #expect(GammuInbound.parse([], name: "IN20261122_140000_00__00.txt", format: format)
                == .failure(InboundRejection("no sender in file name")))
        }
    }

    // MARK: File names

    @Test(arguments: [
        ("IN20261122_135900_00_+6281234567890_00.txt",
         GammuInbound.FileName(date: "20261122", time: "135900", serial: 0, sender: "+6281234567890", part: 0, ext: "txt")),
        ("IN20261122_140200_07_+6281234567890_01.txt",
         GammuInbound.FileName(date: "20261122", time: "140200", serial: 7, sender: "+6281234567890", part: 1, ext: "txt")),
        ("IN20261122_140000_99_INFO_PLN_12.bin",
         GammuInbound.FileName(date: "20261122", time: "140000", serial: 99, sender: "INFO_PLN", part: 12, ext: "bin")),
        ("IN20261122_140000_00_M.BCA_00.smsbackup",
         GammuInbound.FileName(date: "20261122", time: "140000", serial: 0, sender: "M.BCA", part: 0, ext: "smsbackup")),
        ("IN20261122_140000_00_XLX_00.txt",
         GammuInbound.FileName(date: "20261122", time: "140000", serial: 0, sender: "XLX", part: 0, ext: "txt")),
        ("IN20261122_140000_00_AXIS5X_00.txt",
         GammuInbound.FileName(date: "20261122", time: "140000", serial: 0, sender: "AXIS5X", part: 0, ext: "txt")),
        ("IN20261122_140000_00_X121_00.txt",
         GammuInbound.FileName(date: "20261122", time: "140000", serial: 0, sender: "*121", part: 0, ext: "txt")),
        ("IN20261122_140000_00_BANK BRI_00.txt",
         GammuInbound.FileName(date: "20261122", time: "140000", serial: 0, sender: "BANK BRI", part: 0, ext: "txt")),
        ("IN20261122_140000_00_CAFÉ_00.txt",
         GammuInbound.FileName(date: "20261122", time: "140000", serial: 0, sender: "CAFÉ", part: 0, ext: "txt")),
    ])
    func splitsNames(_ name: String, _ expected: GammuInbound.FileName) {
        #expect(GammuInbound.fileName(name) == expected)
    }

    @Test(arguments: [
        "", "IN", "in20261122_135900_00_+6281234567890_00.txt", ".IN20261122_135900_00_+6281234567890_00.txt",
        "IN20261122_135900_00_+6281234567890_00", "IN20261122_135900_00_+6281234567890.txt",
        "IN20261122_135900_00__00.txt", "IN20261122_135900_+6281234567890_00.txt",
        "IN20261122_135900_00_+6281234567890_00.TXT", "IN20261122_135900_00_+6281234567890_00.txt.swp",
        "IN20261122_135900_1234567_+6281234567890_00.txt", "IN２０261122_135900_00_+62_00.txt",
    ])
    func refusesNames(_ name: String) {
        #expect(GammuInbound.fileName(name) == nil)
    }

    // MARK: Size

    @Test func largeDetailFileParses() throws {
        // 255 parts of 67 UCS-2 units, the most a concatenated SMS can have.
        let unit = "D83DDE41"  // 🙁, two units
        let partText = [String](repeating: unit, count: 33).joined() + "0061"
        let sections = (1...255).map { i -> String in
            let seq = String(i, radix: 16, uppercase: true)
            return section(i - 1, udh: "050003FF" + "FF" + (seq.count == 1 ? "0" + seq : seq),
                           text: [String(partText.prefix(200)), String(partText.dropFirst(200))],
                           coding: "Unicode_No_Compression", length: 67)
        }
        let bytes = Array((preamble + sections.joined()).utf8)
        let messages = try GammuInbound.parse(bytes, name: "IN20261122_140000_00_+6281234567890_00.txt", format: .detail).get()
        #expect(messages.count == 1)
        #expect(messages.first?.text == String(repeating: String(repeating: "🙁", count: 33) + "a", count: 255))
        #expect(messages.first?.damaged == false)
    }
}
