@testable import AduanCore
import Testing

@Test("normalising collapses whitespace, drops zero-width characters, composes accents", arguments: [
    ("  BANJAR\t\tjalan \n rusak  ", "BANJAR jalan rusak"),
    ("\u{0}a\u{0}\u{0}b\u{0}", "a b"),
    ("", ""),
    ("a\u{0B}\u{0C}\u{0D}b", "a b"),
    // Not whitespace in Unicode: kept.
    ("a\u{1C}b", "a\u{1C}b"),
    ("de\u{0301}sa\u{200B} rusak", "d\u{00E9}sa rusak"),
    ("\u{00A0}BANJAR\u{00A0}\u{00A0}jalan\u{2003}", "BANJAR jalan"),
])
func normalise(_ text: String, _ expected: String) {
    #expect(Array(MessageText.normalise(text).unicodeScalars) == Array(expected.unicodeScalars))
}

@Test("senders are trimmed whatever their ends", arguments: [
    ("  +6281234567890 ", "6281234567890"),
    ("\t081234567890\n", "6281234567890"),
    ("\u{00A0}081234567890\u{00A0}", "6281234567890"),
])
func senderTrimming(_ raw: String, _ stored: String) {
    #expect(Sender(raw: raw, countryCode: "62").stored == stored)
}

/// The byte-level word split of ASCII text must cut where the Character
/// one does.
@Test("ASCII words split as Characters do", arguments: [
    "BANJAR jalan rusak", "MAS-BUP#SIAGA: jalan", "a,b.c;d*e/f_g:h", "  lead\ttrail \r\n x", "", "---", "x\u{1C}y z",
])
func asciiWordsSplitAsCharactersDo(_ text: String) {
    for limit in [1, 2, .max] {
        let fast = MessageText.asciiWords(text, limit: limit, counts: { _ in true })
        let slow = MessageText.characterWords(text, limit: limit, counts: { _ in true })
        #expect(fast.map { String($0.word) } == slow.map { String($0.word) })
        #expect(fast.map(\.restStart) == slow.map(\.restStart))
    }
}
