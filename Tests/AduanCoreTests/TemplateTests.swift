import AduanCore
import Testing

@Test func templateRendersPlaceholders() {
    let t = Template("Aduan {ticket} untuk {region} diterima.")
    #expect(t.placeholders == ["ticket", "region"])
    #expect(t.render(["ticket": "BJR-0042", "region": "Kabupaten Banjar"]) == "Aduan BJR-0042 untuk Kabupaten Banjar diterima.")
}

@Test func missingValueStaysVisible() {
    #expect(Template("no. {ticket}").render([:]) == "no. {ticket}")
}

@Test("braces that are not placeholders are text", arguments: [
    ("harga {100}", "harga {100}"), ("{ open", "{ open"), ("{}", "{}"), ("a}b", "a}b"), ("{{ticket}}", "{BJR-1}"),
])
func bracesAreLiteral(_ source: String, _ expected: String) {
    #expect(Template(source).render(["ticket": "BJR-1"]) == expected)
}

@Test func everyDefaultTemplateUsesOnlyItsPlaceholders() {
    for kind in TemplateKind.allCases {
        let unknown = Set(Template(kind.defaultText).placeholders).subtracting(kind.placeholders)
        #expect(unknown.isEmpty, "\(kind.rawValue) uses \(unknown)")
    }
}

@Test func defaultAckIsOneGSM7SegmentForTheLongestShippedRegion() {
    let text = Templates()[.ack].render(["region": "Kabupaten Pemalang", "ticket": "UMUM-999999", "shortcode": "1708"])
    let length = SMSText.measure(text)
    #expect(length.encoding == .gsm7)
    #expect(length.segments == 1)
}

@Test("durations (§9)", arguments: [
    ("30m", TimeSpan.minutes(30)), ("24h", .hours(24)), ("3d", .days(3)), ("5wd", .workingDays(5)), (" 1WD ", .workingDays(1)),
])
func durations(_ text: String, _ expected: TimeSpan) {
    #expect(TimeSpan(text) == expected)
}

@Test("not durations", arguments: ["", "3", "d", "2 days", "-1d", "1.5h", "3w", "1234567d"])
func notDurations(_ text: String) {
    #expect(TimeSpan(text) == nil)
}

@Test("edit distance", arguments: [
    ("BANJAR", "BANJR", 1), ("BANJAR", "BNAJAR", 1), ("BANJAR", "BANJAR", 0), ("BANJAR", "BANJIR", 1),
    ("BANJAR", "BANAJRR", 2), ("", "ABC", 3), ("CA", "ABC", 3),
])
func editDistance(_ a: String, _ b: String, _ d: Int) {
    #expect(EditDistance.between(a, b) == d)
}

@Test("sha-256 test vectors", arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
])
func sha256(_ input: String, _ hex: String) {
    #expect(SHA256.hex(Array(input.utf8)) == hex)
}

@Test func phraseMatcherFindsWholeWordsAndPhrases() {
    let m = PhraseMatcher(["jalan", "rumah sakit", "KTP"])
    #expect(m.hits(in: "Jalan rusak dekat Rumah  Sakit") == 2)
    #expect(m.hits(in: "jalanan licin") == 0)
    #expect(m.hits(in: "ktp, kk hilang") == 1)
}

@Test func agencySuggestionNeedsAClearWinner() {
    let s = AgencySuggester([Agency(id: "dpupr", name: "Dinas PUPR", words: ["jalan", "jembatan"]),
                             Agency(id: "dinkes", name: "Dinas Kesehatan", words: ["puskesmas"])])
    #expect(s.suggest("jalan dan jembatan rusak")?.agency == "dpupr")
    #expect(s.suggest("jalan dan jembatan rusak")?.clear == true)
    #expect(s.suggest("jalan ke puskesmas rusak")?.clear == false)
    #expect(s.suggest("lampu mati") == nil)
}
