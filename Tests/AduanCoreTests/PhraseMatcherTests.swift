import AduanCore
import Testing

/// The byte-level split of ASCII text must give the same words as the
/// Unicode one it stands in for.
@Test("ASCII tokens match the Unicode split", arguments: [
    "BANJAR jalan rusak di desa Sungai Tabuk RT 05",
    "KTP,belum jadi!!! 3 bulan (sejak 2026-08-01)",
    "  ",
    "",
    "a-b_c.d/e\\f\tg\nh",
    "Jalan2 rusak...parah;;;RS umum",
    "\u{7f}x\u{1}y",
])
func asciiTokensMatchUnicodeSplit(_ text: String) {
    let unicode = text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    #expect(PhraseMatcher.tokens(text) == unicode)
}

@Test func nonASCIITextIsSplitByUnicodeProperties() {
    #expect(PhraseMatcher.tokens("Jalan RUSAK di désa—Ünter 2²") == ["jalan", "rusak", "di", "désa", "ünter", "2²"])
}

@Test func matchersShareOneSplit() {
    let matcher = PhraseMatcher(["rumah sakit", "jalan"])
    let words = PhraseMatcher.tokens("Rumah Sakit dan JALAN, jalanan")
    #expect(matcher.hits(inTokens: words) == 2)
    #expect(matcher.hits(in: "jalanan rumah") == 0)
}

/// The indexed count against the plain definition: each phrase that occurs
/// anywhere as consecutive whole words counts once.
@Test("phrase hits", arguments: [
    ("rumah sakit rumah sakit", 2), ("rumah", 1), ("sakit rumah", 1), ("rumah sakit umum daerah", 3),
    ("jalan jalan jalan", 1), ("", 0), ("umum daerah rumah", 1), ("rumah sakit umum", 2),
])
func phraseHits(_ text: String, _ expected: Int) {
    let phrases = ["rumah sakit", "rumah", "sakit umum daerah", "jalan", "rumah sakit umum daerah baru"]
    let words = PhraseMatcher.tokens(text)
    let plain = phrases.map(PhraseMatcher.tokens).filter { phrase in
        phrase.count <= words.count && (0...(words.count - phrase.count)).contains { words[$0..<($0 + phrase.count)].elementsEqual(phrase) }
    }.count
    #expect(plain == expected)
    #expect(PhraseMatcher(phrases).hits(inTokens: words) == expected)
}
