import Testing
import AduanGateways

/// Builds a file from text parts and hex parts, so fixtures show the exact bytes smsd writes.
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

struct SmstoolsInboundCase: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    var expected: InboundSMS
    var testDescription: String { name }
}

struct SmstoolsRejectCase: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    var reason: String
    var testDescription: String { name }
}

/// The full header set of gateway-formats.md §1.2, as smsd 3.1.21 prints them.
private let fullHeaders = """
    From: 6281234567890
    From_TOA: 91 international, ISDN/telephone
    From_SMSC: 6281100000
    Sent: 26-11-22 14:00:00
    Received: 26-11-22 14:10:24
    Subject: GSM1
    Modem: GSM1
    Number: 1708
    IMSI: 510109876543210
    IMEI: 356938035643809
    Report: no

    """

private let ucs2Emoji = """
    00 4b 00 45 00 53 00 45 00 48 00 41 00 54 00 41 00 4e 00 20 00 70 00 75 00 73 00 6b \
    00 65 00 73 00 6d 00 61 00 73 00 20 00 74 00 75 00 74 00 75 00 70 00 20 d8 3d de 41 \
    00 20 00 73 00 65 00 f1 00 6f 00 72 00 20 00 63 00 61 00 66 00 e9
    """

@Suite struct SmstoolsInboundTests {
    static let accepted: [SmstoolsInboundCase] = [
        SmstoolsInboundCase(
            name: "§1.2 example, incoming_utf8 = yes (GSM 7-bit delivered as UTF-8)",
            bytes: file(.text(fullHeaders + "Alphabet: UTF-8\nLength: 35\n\nBANJAR jalan rusak di desa Sukamaju")),
            expected: InboundSMS(
                sender: "6281234567890", recipient: "1708",
                text: "BANJAR jalan rusak di desa Sukamaju", sentAt: "26-11-22 14:00:00")),
        SmstoolsInboundCase(
            name: "GSM 7-bit as UTF-8 with € and accented letters",
            bytes: file(.text("From: 6281234567890\nSent: 26-11-22 14:00:00\nAlphabet: UTF-8\nLength: 40\n\nBANJAR harga air naik €5, café @ pasar Ñ")),
            expected: InboundSMS(
                sender: "6281234567890",
                text: "BANJAR harga air naik €5, café @ pasar Ñ", sentAt: "26-11-22 14:00:00")),
        SmstoolsInboundCase(
            name: "ISO body is Latin-9 (A4 = €, E9 = é), not Latin-1",
            bytes: file(
                .text("From: 6281234567890\nSent: 26-11-22 14:00:00\nAlphabet: ISO\nLength: 31\nUDH: no\n\nBANJAR tiket "),
                .hex("a4"), .text("3 kaf"), .hex("e9"), .text(" "), .hex("a6 bd"), .text(" mahal")),
            expected: InboundSMS(
                sender: "6281234567890",
                text: "BANJAR tiket €3 kafé Šœ mahal", sentAt: "26-11-22 14:00:00")),
        SmstoolsInboundCase(
            name: "no Alphabet header means ISO (smstools' default)",
            bytes: file(.text("From: 6281234567890\n\nkaf"), .hex("e9 a4")),
            expected: InboundSMS(sender: "6281234567890", text: "kafé€")),
        SmstoolsInboundCase(
            name: "UCS2 body is raw UTF-16BE without BOM, emoji pair kept",
            bytes: file(
                .text("From: 6281234567890\nSent: 26-11-22 14:00:00\nAlphabet: UCS2\nLength: 39\n\n"),
                .hex(ucs2Emoji)),
            expected: InboundSMS(
                sender: "6281234567890",
                text: "KESEHATAN puskesmas tutup 🙁 señor café", sentAt: "26-11-22 14:00:00")),
        SmstoolsInboundCase(
            name: "Alphabet: GSM (cs_convert = no) holds unpacked septets; 00 is @, 1B 65 is €",
            bytes: file(
                .text("From: 6281234567890\nAlphabet: GSM\nLength: 18\n\nBANJAR 10"),
                .hex("1b 65 20 00 20 5d 0d 0a 7d 1b 28 78 1b 29")),
            expected: InboundSMS(sender: "6281234567890", text: "BANJAR 10€ @ Ñ\r\nñ{x}")),
        SmstoolsInboundCase(
            name: "internal_combine = no: UDH-DATA 8-bit reference",
            bytes: file(.text(
                "From: 6281234567890\nSent: 26-11-22 14:00:00\nAlphabet: UTF-8\n"
                    + "UDH-DATA: 05 00 03 A7 02 01 \n"
                    + "UDH-Type: Length=6, [00]Concatenated short messages, 8-bit reference number\n"
                    + "Length: 14\n\nBANJAR jalan r")),
            expected: InboundSMS(
                sender: "6281234567890", text: "BANJAR jalan r", sentAt: "26-11-22 14:00:00",
                part: ConcatenationPart(reference: 0xA7, total: 2, sequence: 1))),
        SmstoolsInboundCase(
            name: "UDH-DATA 16-bit reference",
            bytes: file(.text("From: 6281234567890\nAlphabet: UTF-8\nUDH-DATA: 06 08 04 12 34 03 02 \n\nusak parah")),
            expected: InboundSMS(
                sender: "6281234567890", text: "usak parah",
                part: ConcatenationPart(reference: 0x1234, total: 3, sequence: 2))),
        SmstoolsInboundCase(
            name: "UDH-DATA that is not hex gives no part, the text still counts",
            bytes: file(.text("From: 6281234567890\nAlphabet: UTF-8\nUDH-DATA: 05 00 03 ZZ 02 01 \n\nhalo")),
            expected: InboundSMS(sender: "6281234567890", text: "halo")),
        SmstoolsInboundCase(
            name: "CRLF headers; the body's own CRLF is kept",
            bytes: file(.text("From: +6281234567890\r\nSent: 26-11-22 14:00:00\r\nAlphabet: UTF-8\r\n\r\nBANJAR\r\njalan rusak\r\n")),
            expected: InboundSMS(
                sender: "+6281234567890", text: "BANJAR\r\njalan rusak\r\n", sentAt: "26-11-22 14:00:00")),
        SmstoolsInboundCase(
            name: "header names in any case, values trimmed",
            bytes: file(.text("FROM:   TELKOMSEL  \nalphabet: utf8\nsent:\n\nInfo pulsa")),
            expected: InboundSMS(sender: "TELKOMSEL", text: "Info pulsa")),
        SmstoolsInboundCase(
            name: "headers, blank line, empty body is an empty message",
            bytes: file(.text("From: 6281234567890\nAlphabet: UTF-8\n\n")),
            expected: InboundSMS(sender: "6281234567890", text: "")),
        SmstoolsInboundCase(
            name: "only the first blank line separates; body blank lines and trailing newline kept",
            bytes: file(.text("From: 6281234567890\nAlphabet: UTF-8\n\n\n  BANJAR  \n\n")),
            expected: InboundSMS(sender: "6281234567890", text: "\n  BANJAR  \n\n")),
        SmstoolsInboundCase(
            name: "sender with path characters is kept as written",
            bytes: file(.text("From: ../../etc/passwd\nAlphabet: UTF-8\n\nhalo")),
            expected: InboundSMS(sender: "../../etc/passwd", text: "halo")),
        SmstoolsInboundCase(
            name: "invalid UTF-8 becomes U+FFFD and is flagged",
            bytes: file(.text("From: 6281234567890\nAlphabet: UTF-8\n\nBANJAR jalan "), .hex("ff fe"), .text(" rusak caf"), .hex("c3")),
            expected: InboundSMS(
                sender: "6281234567890", text: "BANJAR jalan \u{FFFD}\u{FFFD} rusak caf\u{FFFD}", damaged: true)),
        SmstoolsInboundCase(
            name: "UTF-16 of odd length ends in U+FFFD",
            bytes: file(.text("From: 6281234567890\nAlphabet: UCS2\n\n"), .hex("00 48 00 69 00")),
            expected: InboundSMS(sender: "6281234567890", text: "Hi\u{FFFD}", damaged: true)),
        SmstoolsInboundCase(
            name: "NUL bytes in a UTF-8 body are dropped",
            bytes: file(.text("From: 6281234567890\nAlphabet: UTF-8\n\nBAN"), .hex("00"), .text("JAR"), .hex("00 00")),
            expected: InboundSMS(sender: "6281234567890", text: "BANJAR", damaged: true)),
        SmstoolsInboundCase(
            name: "NUL bytes in an ISO body are dropped",
            bytes: file(.text("From: 6281234567890\nAlphabet: ISO\n\nhalo"), .hex("00")),
            expected: InboundSMS(sender: "6281234567890", text: "halo", damaged: true)),
        SmstoolsInboundCase(
            name: "Latin-9 bytes in an alphanumeric sender are decoded, not replaced",
            bytes: file(.text("From: CAF"), .hex("c9"), .text("\nAlphabet: UTF-8\n\nx")),
            expected: InboundSMS(sender: "CAFÉ", text: "x")),
    ]

    @Test(arguments: accepted)
    func accepts(_ c: SmstoolsInboundCase) {
        #expect(SmstoolsInbound.parse(c.bytes) == .success(c.expected))
    }

    static let rejected: [SmstoolsRejectCase] = [
        SmstoolsRejectCase(name: "empty file", bytes: [], reason: "empty file"),
        SmstoolsRejectCase(
            name: "no From:",
            bytes: file(.text("Sent: 26-11-22 14:00:00\nAlphabet: UTF-8\n\nBANJAR jalan rusak")),
            reason: "no From: header"),
        SmstoolsRejectCase(
            name: "blank From:",
            bytes: file(.text("From:  \t \nAlphabet: UTF-8\n\nBANJAR jalan rusak")),
            reason: "no From: header"),
        SmstoolsRejectCase(
            name: "headers only",
            bytes: file(.text("From: 6281234567890\nAlphabet: UTF-8\nLength: 0\n")),
            reason: "headers only, no body"),
        SmstoolsRejectCase(
            name: "headers only, no final newline",
            bytes: file(.text("From: 6281234567890\nAlphabet: UTF-8")),
            reason: "headers only, no body"),
        SmstoolsRejectCase(
            name: "headers only, cut mid-line (file still being written)",
            bytes: file(.text("From: 6281234567890\nAlpha")),
            reason: "header line 2 has no colon"),
        SmstoolsRejectCase(
            name: "binary alphabet",
            bytes: file(.text("From: 6281234567890\nAlphabet: binary\nLength: 4\n\n"), .hex("de ad be ef")),
            reason: "binary message, not text"),
        SmstoolsRejectCase(
            name: "unknown alphabet",
            bytes: file(.text("From: 6281234567890\nAlphabet: XYZ\n\nhalo")),
            reason: "unknown Alphabet: XYZ"),
        SmstoolsRejectCase(
            name: "header line without colon",
            bytes: file(.text("From: 6281234567890\nSent: 26-11-22 14:00:00\nBANJAR jalan rusak\n\nhalo")),
            reason: "header line 3 has no colon"),
        SmstoolsRejectCase(
            name: "NUL inside a header",
            bytes: file(.text("From: 62812"), .hex("00"), .text("34\nAlphabet: UTF-8\n\nhalo")),
            reason: "NUL byte in header line 1"),
        SmstoolsRejectCase(
            name: "garbage: a PNG file",
            bytes: file(.hex("89 50 4e 47 0d 0a 1a 0a 00 00 00 0d 49 48 44 52")),
            reason: "header line 1 has no colon"),
        SmstoolsRejectCase(
            name: "garbage: random bytes with NUL",
            bytes: file(.hex("00 ff 13 37 0a 0a 41")),
            reason: "NUL byte in header line 1"),
        SmstoolsRejectCase(
            name: "garbage: one line of text",
            bytes: file(.text("hello")),
            reason: "header line 1 has no colon"),
        SmstoolsRejectCase(
            name: "undecodable PDU",
            bytes: file(.text("Error: Cannot decode PDU, see text part for details.\nFrom: 6281234567890\nAlphabet: ISO\n\nPosition 20,2: Invalid character(s)")),
            reason: "undecodable PDU (Error: header)"),
        SmstoolsRejectCase(
            name: "status report in incoming/",
            bytes: file(.text("From: 6281234567890\nAlphabet: ISO\n\nSMS STATUS REPORT\nMessage_id: 117\nStatus: 0,Ok,short message received by the SME")),
            reason: "status report, not a message (set `report` in smsd.conf)"),
    ]

    @Test(arguments: rejected)
    func rejects(_ c: SmstoolsRejectCase) {
        #expect(SmstoolsInbound.parse(c.bytes) == .failure(InboundRejection(c.reason)))
    }

    @Test func megabyteBodyParses() throws {
        let body = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20) + Array("🙁".utf8)
        let sms = try SmstoolsInbound.parse(file(.text("From: 6281234567890\nAlphabet: UTF-8\n\n")) + body).get()
        #expect(sms.text.utf8.count == (1 << 20) + 4)
        #expect(sms.text.hasSuffix("a🙁"))
        #expect(!sms.damaged)
    }

    @Test func megabyteUCS2BodyParses() throws {
        let body = Array(repeatElement([UInt8(0x00), 0x61], count: 1 << 19).joined())
        let sms = try SmstoolsInbound.parse(file(.text("From: 6281234567890\nAlphabet: UCS2\n\n")) + body).get()
        #expect(sms.text.unicodeScalars.count == 1 << 19)
        #expect(!sms.damaged)
    }
}

@Suite struct SmstoolsOutboundTests {
    @Test func rendersDigitsOnlyAndUTF8Body() {
        let bytes = SmstoolsOutbound.render(to: "+62 812-3456-7890", text: "Aduan #0001 (BANJAR) diterima ✓\n")
        #expect(bytes == Array("To: 6281234567890\nAlphabet: UTF-8\n\nAduan #0001 (BANJAR) diterima ✓\n".utf8))
    }

    @Test(arguments: [
        "Aduan BJR-0042 diterima. Cek status: ketik STATUS BJR-0042 kirim ke 1708.",
        "Jawaban Dinas PUPR: jalan sudah diperbaiki ’ 🙁\r\nterima kasih",
        "",
    ])
    func roundTrips(_ text: String) throws {
        let parsed = try #require(SmstoolsOutbound.parse(SmstoolsOutbound.render(to: "6281234567890", text: text)))
        #expect(parsed.to == "6281234567890")
        #expect(parsed.text == text)
    }

    @Test func readsSentFileWithSmsdHeaders() throws {
        let sent = Array((
            "To: 6281234567890\nAlphabet: UTF-8\nModem: GSM1\nSent: 26-11-22 14:12:53\n"
                + "Sending_time: 6\nIMSI: \nIMEI: \n"
                + "NOTICE: 1 characters outside the GSM alphabet, converting to UCS2\n\n"
                + "Aduan #0001 (BANJAR) diterima ✓ Terima kasih.").utf8)
        let parsed = try #require(SmstoolsOutbound.parse(sent))
        #expect(parsed.to == "6281234567890")
        #expect(parsed.text == "Aduan #0001 (BANJAR) diterima ✓ Terima kasih.")
    }

    @Test(arguments: [
        [UInt8](),
        Array("Alphabet: UTF-8\n\nno recipient".utf8),
        Array("To: 6281234567890\nAlphabet: UTF-8\n".utf8),
        Array("To: 6281234567890\nAlphabet: UTF-8\n\n".utf8) + [0xFF],
    ])
    func refusesWhatItDidNotWrite(_ bytes: [UInt8]) {
        #expect(SmstoolsOutbound.parse(bytes) == nil)
    }
}
