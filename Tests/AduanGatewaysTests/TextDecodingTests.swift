import Testing
import AduanGateways

private func hex(_ h: String) -> [UInt8] {
    h.split(separator: " ").compactMap { UInt8($0, radix: 16) }
}

struct TextDecodingCase: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    var text: String
    var damaged: Bool
    var testDescription: String { name }
}

@Suite struct TextDecodingTests {
    static let utf8Cases: [TextDecodingCase] = [
        TextDecodingCase(name: "plain", bytes: Array("BANJAR jalan rusak".utf8), text: "BANJAR jalan rusak", damaged: false),
        TextDecodingCase(name: "emoji and accents", bytes: hex("f0 9f 99 81 20 63 61 66 c3 a9"), text: "🙁 café", damaged: false),
        TextDecodingCase(name: "empty", bytes: [], text: "", damaged: false),
        TextDecodingCase(name: "stray continuation byte", bytes: hex("41 80 42"), text: "A\u{FFFD}B", damaged: true),
        TextDecodingCase(name: "truncated sequence at end", bytes: hex("63 61 66 c3"), text: "caf\u{FFFD}", damaged: true),
        TextDecodingCase(name: "overlong slash", bytes: hex("c0 af"), text: "\u{FFFD}\u{FFFD}", damaged: true),
        TextDecodingCase(name: "CESU surrogate is not UTF-8", bytes: hex("ed a0 bd"), text: "\u{FFFD}\u{FFFD}\u{FFFD}", damaged: true),
        TextDecodingCase(name: "NUL dropped", bytes: hex("41 00 42 00"), text: "AB", damaged: true),
        TextDecodingCase(name: "Latin-1 byte in a UTF-8 body", bytes: hex("63 61 66 e9"), text: "caf\u{FFFD}", damaged: true),
    ]

    @Test(arguments: utf8Cases)
    func utf8(_ c: TextDecodingCase) {
        let r = TextDecoding.utf8(c.bytes)
        #expect(r.text == c.text)
        #expect(r.damaged == c.damaged)
    }

    static let latin9Cases: [TextDecodingCase] = [
        TextDecodingCase(
            name: "the eight places Latin-9 differs from Latin-1",
            bytes: hex("a4 a6 a8 b4 b8 bc bd be"), text: "€ŠšŽžŒœŸ", damaged: false),
        TextDecodingCase(
            name: "the neighbours that stay Latin-1",
            bytes: hex("a3 a5 a7 e9 f1 ff c9"), text: "£¥§éñÿÉ", damaged: false),
        TextDecodingCase(name: "C1 controls pass through", bytes: hex("80 9f"), text: "\u{80}\u{9F}", damaged: false),
        TextDecodingCase(name: "NUL dropped", bytes: hex("61 00 62"), text: "ab", damaged: true),
        TextDecodingCase(name: "CRLF kept", bytes: hex("61 0d 0a"), text: "a\r\n", damaged: false),
    ]

    @Test(arguments: latin9Cases)
    func latin9(_ c: TextDecodingCase) {
        let r = TextDecoding.latin9(c.bytes)
        #expect(Array(r.text.unicodeScalars) == Array(c.text.unicodeScalars))
        #expect(r.damaged == c.damaged)
    }

    static let utf16Cases: [TextDecodingCase] = [
        TextDecodingCase(
            name: "smstools UCS2 fixture",
            bytes: hex("""
                00 4b 00 45 00 53 00 45 00 48 00 41 00 54 00 41 00 4e 00 20 00 70 00 75 00 73 00 6b \
                00 65 00 73 00 6d 00 61 00 73 00 20 00 74 00 75 00 74 00 75 00 70 00 20 d8 3d de 41 \
                00 20 00 73 00 65 00 f1 00 6f 00 72 00 20 00 63 00 61 00 66 00 e9
                """),
            text: "KESEHATAN puskesmas tutup 🙁 señor café", damaged: false),
        TextDecodingCase(name: "two emoji in a row", bytes: hex("d8 3d de 41 d8 3c df 89"), text: "🙁🎉", damaged: false),
        TextDecodingCase(name: "odd trailing byte", bytes: hex("00 48 00 69 00"), text: "Hi\u{FFFD}", damaged: true),
        TextDecodingCase(name: "single byte", bytes: hex("41"), text: "\u{FFFD}", damaged: true),
        TextDecodingCase(name: "lone high surrogate mid-text", bytes: hex("d8 3d 00 41"), text: "\u{FFFD}A", damaged: true),
        TextDecodingCase(name: "lone high surrogate at end", bytes: hex("00 41 d8 3d"), text: "A\u{FFFD}", damaged: true),
        TextDecodingCase(name: "lone low surrogate", bytes: hex("de 41 00 41"), text: "\u{FFFD}A", damaged: true),
        TextDecodingCase(name: "U+0000 dropped (gammu pads with them)", bytes: hex("00 41 00 00 00 00"), text: "A", damaged: true),
        TextDecodingCase(name: "a BOM is not stripped: smstools writes none", bytes: hex("fe ff 00 41"), text: "\u{FEFF}A", damaged: false),
        TextDecodingCase(name: "empty", bytes: [], text: "", damaged: false),
    ]

    @Test(arguments: utf16Cases)
    func utf16BE(_ c: TextDecodingCase) {
        let r = TextDecoding.utf16BE(c.bytes)
        #expect(Array(r.text.unicodeScalars) == Array(c.text.unicodeScalars))
        #expect(r.damaged == c.damaged)
    }

    static let gsmCases: [TextDecodingCase] = [
        TextDecodingCase(name: "ASCII letters and digits", bytes: Array("BANJAR 42 jalan".utf8), text: "BANJAR 42 jalan", damaged: false),
        TextDecodingCase(name: "00 is @, not NUL", bytes: hex("00 41"), text: "@A", damaged: false),
        TextDecodingCase(
            name: "non-ASCII basic characters",
            bytes: hex("01 02 03 05 1c 1d 1f 40 5b 5d 60 7b 7d 7f 24 10"),
            text: "£$¥éÆæÉ¡ÄÑ¿äñà¤Δ", damaged: false),
        TextDecodingCase(
            name: "every extension character",
            bytes: hex("1b 0a 1b 14 1b 28 1b 29 1b 2f 1b 3c 1b 3d 1b 3e 1b 40 1b 65"),
            text: "\u{0C}^{}\\[~]|€", damaged: false),
        TextDecodingCase(name: "unknown extension code is one U+FFFD", bytes: hex("1b 41 42"), text: "\u{FFFD}B", damaged: true),
        TextDecodingCase(name: "escape at the end", bytes: hex("41 1b"), text: "A\u{FFFD}", damaged: true),
        TextDecodingCase(name: "byte above 7 bits", bytes: hex("41 80 ff"), text: "A\u{FFFD}\u{FFFD}", damaged: true),
        TextDecodingCase(name: "CR LF", bytes: hex("41 0d 0a 42"), text: "A\r\nB", damaged: false),
    ]

    @Test(arguments: gsmCases)
    func gsm7Unpacked(_ c: TextDecodingCase) {
        let r = TextDecoding.gsm7Unpacked(c.bytes)
        #expect(Array(r.text.unicodeScalars) == Array(c.text.unicodeScalars))
        #expect(r.damaged == c.damaged)
    }

    @Test func slicesDecodeLikeArrays() {
        let bytes = hex("ff 00 41 c3 a9 00")
        let slice = bytes[2..<5]
        #expect(TextDecoding.utf8(slice) == ("Aé", false))
        #expect(TextDecoding.latin9(slice).text == "AÃ©")
        #expect(TextDecoding.utf16BE(bytes[1..<3]) == ("\u{41}", false))
        #expect(TextDecoding.gsm7Unpacked(bytes[1..<3]) == ("@A", false))
    }
}
