import AduanConfig
import AduanCore
import Testing

/// The ack must be one GSM-7 SMS with every route's longest values (§5).
@Suite struct TemplateSizeTests {
    static let cases: [ErrorCase] = {
        var cases: [ErrorCase] = []
        // The default ack is 70 characters of text, two tickets (BJR-999999) and the shortcode: 94 + region.
        let longRegion = "Kabupaten " + String(repeating: "x", count: 67)
        var toml = Fixture.make(routes: Fixture.route("BANJAR", prefix: "BJR", region: longRegion, note: "long"))
        cases.append(ErrorCase("default ack too long for one route", toml,
            "route BANJAR: template ack is 171 GSM-7 characters, more than one SMS", at: "[[routes]]"))

        toml = Fixture.make(
            service: #"on_unknown_keyword = "help""#,
            extra: "[templates]\nack = \"Aduan Anda diterima, no. {ticket}. Terima kasih telah menghubungi layanan pengaduan {program} di {region}. Cek status: ketik STATUS {ticket} ke {shortcode}.\"")
        cases.append(ErrorCase("configured ack too long", toml,
            "route BANJAR: template ack is 168 GSM-7 characters, more than one SMS", at: "ack ="))

        toml = Fixture.make(extra: "[templates]\nack = \"Aduan Anda diterima, no. {ticket}. Kami ’kan jawab.\"")
        cases.append(ErrorCase("curly apostrophe in the ack", toml, [
            ("route BANJAR: template ack is UCS-2 (contains ’), but it must be GSM-7 and one SMS", "ack ="),
            ("triage: template ack is UCS-2 (contains ’), but it must be GSM-7 and one SMS", "ack ="),
        ]))

        toml = Fixture.make(routes: Fixture.route("BANJAR", prefix: "BJR", region: "Kabupaten Ma’luk ✓"))
        cases.append(ErrorCase("non-GSM region", toml,
            "route BANJAR: template ack is UCS-2 (contains ’✓), but it must be GSM-7 and one SMS", at: "[[routes]]"))

        toml = Fixture.make(extra: "[triage]\nregion = \"Umum – lainnya\"")
        cases.append(ErrorCase("non-GSM triage region", toml,
            "triage: template ack is UCS-2 (contains –), but it must be GSM-7 and one SMS", at: "[triage]"))
        return cases
    }()

    @Test(arguments: cases) func ack(_ c: ErrorCase) { c.check() }

    @Test func triageIsNotMeasuredWhenUnknownKeywordsGetHelp() {
        let toml = Fixture.make(service: #"on_unknown_keyword = "help""#,
                                extra: "[triage]\nregion = \"Umum – lainnya\"")
        #expect(Fixture.issues(toml).isEmpty)
    }

    @Test func otherKindsMayTakeSeveralSMS() throws {
        let long = String(repeating: "Panjang sekali. ", count: 20)
        let toml = Fixture.make(extra: "[templates]\nhelp = \"\(long){keywords}\"")
        let config = try ConfigLoader.parse(text: toml, file: Fixture.file)
        let help = try #require(ConfigReport.longestRenderings(config).first { $0.kind == .help })
        #expect(help.length.segments == 3)
        #expect(help.route == nil)
    }
}
