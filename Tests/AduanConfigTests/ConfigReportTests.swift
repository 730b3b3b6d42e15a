import AduanConfig
import AduanCore
import Testing

@Suite struct ConfigReportTests {
    let config: Config

    init() throws {
        let routes = Fixture.banjar + "\n\n" + Fixture.route("MASBUPSIAGA", prefix: "PML", aliases: ["MAS BUP SIAGA"],
                                                               region: "Kabupaten Pemalang")
        let toml = Fixture.make(routes: routes, extra: """
            [[agencies]]
            id = "dpupr"
            name = "Dinas PUPR"

            [[agencies]]
            id = "dlh"
            name = "Dinas Lingkungan Hidup"
            """)
        config = try ConfigLoader.parse(text: toml, file: Fixture.file)
    }

    func rendering(_ kind: TemplateKind) throws -> (kind: TemplateKind, route: String?, text: String, length: SMSLength) {
        try #require(ConfigReport.longestRenderings(config).first { $0.kind == kind })
    }

    @Test func everyKindIsMeasured() {
        #expect(ConfigReport.longestRenderings(config).map(\.kind) == TemplateKind.allCases)
    }

    @Test func ackUsesTheLongestRoute() throws {
        let ack = try rendering(.ack)
        #expect(ack.route == "MASBUPSIAGA")
        #expect(ack.text == "Aduan Anda untuk Kabupaten Pemalang diterima, no. PML-999999. Cek status: ketik STATUS PML-999999 kirim ke 1708.")
        #expect(ack.length == SMSLength(encoding: .gsm7, units: 112, segments: 1))
    }

    @Test func routeHelpUsesTheLongestSpellingOfTheKeyword() throws {
        let help = try rendering(.routeHelp)
        #expect(help.route == "MASBUPSIAGA")
        #expect(help.text.contains("MAS BUP SIAGA isi aduan"))
    }

    @Test func globalPlaceholdersTakeTheirLongestValues() throws {
        let list = try rendering(.statusList)
        #expect(list.route == nil)
        #expect(list.text.hasPrefix("Aduan Anda: UMUM-999999 (DITERUSKAN), UMUM-999999 (DITERUSKAN), UMUM-999999 (DITERUSKAN)."))
        let help = try rendering(.help)
        #expect(help.text.contains("Kata kunci: BANJAR, MASBUPSIAGA."))
        let forwarded = try rendering(.forwarded)
        #expect(forwarded.text.contains("Dinas Lingkungan Hidup"))
        let status = try rendering(.status)
        #expect(status.text.contains("DITERUSKAN"))
    }

    @Test func deskTextIsMeasuredEmpty() throws {
        let resolved = try rendering(.resolved)
        #expect(resolved.text.contains("selesai: . Puas?"))
    }

    @Test func reportListsRoutesSpoolsAndTemplates() {
        let report = ConfigReport.render(config)
        let lines = report.split(separator: "\n").map(String.init)
        #expect(lines.first == "config \(Fixture.file)")
        #expect(lines.contains { $0.hasPrefix("  BANJAR ") && $0.contains(" BJR ") && $0.contains("Kabupaten Banjar")
            && $0.contains(" 3wd ") && $0.contains(" 14d ") && $0.hasSuffix(" no") })
        #expect(lines.contains { $0.hasPrefix("  MASBUPSIAGA ") && $0.contains("MAS BUP SIAGA") && $0.contains(" PML ") })
        #expect(lines.contains { $0.hasPrefix("  (triage) ") && $0.contains(" UMUM ") && $0.contains(" Umum ") })
        #expect(lines.contains { $0.hasPrefix("  in ") && $0.contains("modem1") && $0.hasSuffix("/etc/var/spool/incoming") })
        #expect(lines.contains { $0.hasPrefix("  out ") && $0.hasSuffix("/etc/var/spool/outgoing") })
        #expect(lines.map(squeezed).contains("ack GSM-7 112/160 1 SMS route MASBUPSIAGA, must be 1 GSM-7 SMS"))
        #expect(lines.contains { $0.hasPrefix("  resolved ") && $0.hasSuffix("+ desk text") })
        #expect(lines.contains { $0.hasPrefix("  rejected ") && $0.hasSuffix("+ desk text") })
    }

    @Test func multiPartAndUCS2RowsShowTheirCapacity() throws {
        let toml = Fixture.make(extra: """
            [templates]
            help = "\(String(repeating: "a", count: 170)) {shortcode}"
            forwarded = "Aduan {ticket} diteruskan ke {agency} ’"
            """)
        let report = ConfigReport.render(try ConfigLoader.parse(text: toml, file: Fixture.file))
        let rows = report.split(separator: "\n").map { squeezed(String($0)) }
        #expect(rows.contains("help GSM-7 175/306 2 SMS"))
        #expect(rows.contains("forwarded UCS-2 39/70 1 SMS route triage"))
    }
}

/// A report row with its column padding folded, so adding a template kind
/// (which widens the first column) does not change what a row says.
func squeezed(_ line: String) -> String {
    line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
}
