import AduanCore
import Testing

func L(_ e: SMSEncoding, _ units: Int, _ segments: Int) -> SMSLength {
    SMSLength(encoding: e, units: units, segments: segments)
}

let lengthCases: [(String, SMSLength)] = [
    ("", L(.gsm7, 0, 1)),
    (String(repeating: "a", count: 160), L(.gsm7, 160, 1)),
    (String(repeating: "a", count: 161), L(.gsm7, 161, 2)),
    (String(repeating: "a", count: 306), L(.gsm7, 306, 2)),
    (String(repeating: "a", count: 307), L(.gsm7, 307, 3)),
    ("Biaya €5 [lunas]", L(.gsm7, 19, 1)),
    (String(repeating: "€", count: 80), L(.gsm7, 160, 1)),
    // an escape pair never straddles two parts
    (String(repeating: "a", count: 152) + "€" + String(repeating: "a", count: 152), L(.gsm7, 306, 3)),
    ("Jawaban dinas’", L(.ucs2, 14, 1)),
    (String(repeating: "é", count: 200), L(.gsm7, 200, 2)),
    (String(repeating: "ê", count: 70), L(.ucs2, 70, 1)),
    (String(repeating: "ê", count: 71), L(.ucs2, 71, 2)),
    ("jalan rusak 😡", L(.ucs2, 14, 1)),
    // a surrogate pair never straddles two parts
    (String(repeating: "ê", count: 66) + "😡" + "ê", L(.ucs2, 69, 1)),
    (String(repeating: "ê", count: 66) + "😡" + String(repeating: "ê", count: 66), L(.ucs2, 134, 3)),
]

@Test("segments and encoding", arguments: lengthCases)
func smsLength(_ text: String, _ expected: SMSLength) {
    #expect(SMSText.measure(text) == expected)
}

@Test func gsmAlphabetHas128CodesWithEscape() {
    #expect(GSM7.basic.count == 128)
    #expect(GSM7.basic[0x1B] == "\u{1B}")
    #expect(GSM7.septets("@") == 1)
    #expect(GSM7.septets("{") == 2)
    #expect(GSM7.septets("’") == nil)
}
