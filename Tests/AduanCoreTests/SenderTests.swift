import AduanCore
import Testing

struct SenderCase: Sendable, CustomTestStringConvertible {
    var raw: String
    var expected: Sender
    var testDescription: String { raw.debugDescription }
}

@Test("sender normalisation (§3.1)", arguments: [
    SenderCase(raw: "+6281234567890", expected: .number("6281234567890")),
    SenderCase(raw: "6281234567890", expected: .number("6281234567890")),
    SenderCase(raw: "081234567890", expected: .number("6281234567890")),
    SenderCase(raw: "006281234567890", expected: .number("6281234567890")),
    SenderCase(raw: "81234567890", expected: .number("6281234567890")),
    SenderCase(raw: "+62 812-3456-7890", expected: .number("6281234567890")),
    SenderCase(raw: " 0812 3456 7890\n", expected: .number("6281234567890")),
    SenderCase(raw: "+60123456789", expected: .number("60123456789")),
    SenderCase(raw: "1708", expected: .short("1708")),
    SenderCase(raw: "3636", expected: .short("3636")),
    SenderCase(raw: "+62812", expected: .short("62812")),
    SenderCase(raw: "TELKOMSEL", expected: .alphanumeric("TELKOMSEL")),
    SenderCase(raw: "BNI46", expected: .alphanumeric("BNI46")),
    SenderCase(raw: "../../etc/passwd", expected: .alphanumeric("../../etc/passwd")),
    SenderCase(raw: "", expected: .alphanumeric("")),
    SenderCase(raw: "+", expected: .alphanumeric("+")),
])
func senderNormalisation(_ c: SenderCase) {
    #expect(Sender(raw: c.raw, countryCode: "62") == c.expected)
}

@Test func onlyFullNumbersAreAnswerable() {
    #expect(Sender(raw: "081234567890", countryCode: "62").replyNumber == "6281234567890")
    #expect(Sender(raw: "1708", countryCode: "62").replyNumber == nil)
    #expect(Sender(raw: "TELKOMSEL", countryCode: "62").replyNumber == nil)
}

@Test("masking keeps no number whole (§8)", arguments: [
    ("6281234567890", "62812****7890"),
    ("62812345678", "62812**5678"),
    ("1708", "****"),
    ("1234567", "1**4567"),
    ("1234567890", "1234**7890"),
    // Not ASCII: masked by character, the same way.
    ("١٢٣٤٥٦٧٨٩٠", "١٢٣٤**٧٨٩٠"),
])
func masking(_ digits: String, _ masked: String) {
    #expect(PhoneMask.mask(digits) == masked)
}

@Test func sanitisedSenderTextIsSafeForOneLogLine() {
    #expect(PhoneMask.sanitise("evil\nsender=x") == "evil_sender_x")
    #expect(PhoneMask.sanitise("+62 812 3456 7890") == "62812****7890")
}
