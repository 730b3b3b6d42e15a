import AduanCore
import Testing

/// The shipped regencies, as the router sees them.
let banjar = Route(keyword: "BANJAR", aliases: ["BJR"], region: "Kabupaten Banjar", program: "LAPOR!", prefix: "BJR",
                   firstResponse: .workingDays(3), resolution: .days(14))
let pemalang = Route(keyword: "MASBUPSIAGA", aliases: ["MAS BUP SIAGA"], region: "Kabupaten Pemalang",
                     program: "Mas Bup Siaga", prefix: "PML", firstResponse: .hours(24), resolution: .hours(48))
let bombana = Route(keyword: "DUMAS", region: "Kabupaten Bombana", program: "Pojok Pengaduan", prefix: "BMB",
                    firstResponse: .workingDays(3), resolution: .days(14))
let banyumas = Route(keyword: "LAPAKADUAN", aliases: ["BMS"], region: "Kabupaten Banyumas", program: "Lapak Aduan",
                     prefix: "BYM", firstResponse: .workingDays(1), resolution: .days(7))
let kaur = Route(keyword: "KAUR", region: "Kabupaten Kaur", program: "Pengaduan", prefix: "KUR",
                 firstResponse: .workingDays(3), resolution: .days(14))
let triageRoute = Route.triage(prefix: "UMUM", region: "Umum", firstResponse: .workingDays(3), resolution: .days(14))
let vocabulary = ["darurat", "bpjs", "rumah sakit", "ambulans", "banjir", "kebakaran", "jalan", "jembatan", "sampah"]

func router(_ policy: UnknownKeywordPolicy = .triage, routes: [Route] = [banjar, pemalang, bombana, banyumas, kaur]) -> Router {
    Router(routes: routes, triage: triageRoute, onUnknown: policy, vocabulary: vocabulary)
}

/// A compact, comparable rendering of an intent.
func describe(_ intent: Intent) -> String {
    switch intent {
    case .complaint(let route, let match, let body):
        return route.isTriage ? "triage |\(body)" : "\(route.keyword) \(match.rawValue) |\(body)"
    case .routeHelp(let route, let match): return "route_help \(route.keyword) \(match.rawValue)"
    case .help: return "help"
    case .unknownKeyword: return "unknown"
    case .status(let t): return "status \(t.map(\.description) ?? "-")"
    case .info(let t, let text): return "info \(t) |\(text)"
    case .optOut: return "stop"
    case .optIn: return "start"
    case .rating(let t, let satisfied, _): return "rating \(t.map(\.description) ?? "-") \(satisfied ? "puas" : "tidak")"
    }
}

struct RoutingCase: CustomTestStringConvertible, Sendable {
    var text: String
    var expected: String
    var policy: UnknownKeywordPolicy = .triage
    var testDescription: String { "\(text.debugDescription) → \(expected)" }
}

let routingCases: [RoutingCase] = [
    // §3.3: every punctuation form between keyword and text
    .init(text: "BANJAR jalan rusak di desa Sungai Tabuk", expected: "BANJAR exact |jalan rusak di desa Sungai Tabuk"),
    .init(text: "banjar jalan rusak", expected: "BANJAR exact |jalan rusak"),
    .init(text: "Banjar#jalan rusak", expected: "BANJAR exact |jalan rusak"),
    .init(text: "BANJAR.jalan rusak", expected: "BANJAR exact |jalan rusak"),
    .init(text: "  banjar: jalan rusak", expected: "BANJAR exact |jalan rusak"),
    .init(text: "#BANJAR jalan rusak", expected: "BANJAR exact |jalan rusak"),
    .init(text: "BANJAR,jalan rusak", expected: "BANJAR exact |jalan rusak"),
    .init(text: "BANJAR;jalan rusak", expected: "BANJAR exact |jalan rusak"),
    .init(text: "BANJAR*jalan rusak", expected: "BANJAR exact |jalan rusak"),
    .init(text: "BANJAR-jalan rusak", expected: "BANJAR exact |jalan rusak"),
    .init(text: "BANJAR/jalan rusak", expected: "BANJAR exact |jalan rusak"),
    .init(text: "BANJAR_jalan rusak", expected: "BANJAR exact |jalan rusak"),
    .init(text: "BANJAR # jalan rusak", expected: "BANJAR exact |jalan rusak"),
    .init(text: "..BANJAR..jalan", expected: "BANJAR exact |jalan"),
    .init(text: "BANJAR    jalan\n\nrusak\tparah", expected: "BANJAR exact |jalan rusak parah"),
    .init(text: "BJR lampu jalan mati", expected: "BANJAR alias |lampu jalan mati"),
    // multi-word keywords, with or without spaces
    .init(text: "MASBUPSIAGA sampah menumpuk", expected: "MASBUPSIAGA exact |sampah menumpuk"),
    .init(text: "masbupsiaga sampah menumpuk", expected: "MASBUPSIAGA exact |sampah menumpuk"),
    .init(text: "MAS BUP SIAGA sampah menumpuk", expected: "MASBUPSIAGA exact |sampah menumpuk"),
    .init(text: "mas bup siaga: sampah", expected: "MASBUPSIAGA exact |sampah"),
    .init(text: "Mas-Bup-Siaga sampah", expected: "MASBUPSIAGA exact |sampah"),
    .init(text: "masbup siaga sampah", expected: "MASBUPSIAGA exact |sampah"),
    .init(text: "LAPAK ADUAN jalan berlubang", expected: "LAPAKADUAN exact |jalan berlubang"),
    .init(text: "BMS jalan berlubang", expected: "LAPAKADUAN alias |jalan berlubang"),
    .init(text: "DUMAS pungli di kantor desa", expected: "DUMAS exact |pungli di kantor desa"),
    .init(text: "kaur lampu mati", expected: "KAUR exact |lampu mati"),
    // a keyword never matches the start of a longer word
    .init(text: "BANJARMASIN jalan rusak", expected: "triage |BANJARMASIN jalan rusak"),
    .init(text: "MASBUPSIAGAjalan rusak", expected: "triage |MASBUPSIAGAjalan rusak"),
    .init(text: "KAURAN lampu", expected: "triage |KAURAN lampu"),
    .init(text: "BJRX lampu", expected: "triage |BJRX lampu"),
    // typos that match (one edit, 5+ letters, one candidate)
    .init(text: "BANJR jalan rusak", expected: "BANJAR fuzzy |jalan rusak"),
    .init(text: "BNAJAR jalan rusak", expected: "BANJAR fuzzy |jalan rusak"),
    .init(text: "BANJARR jalan", expected: "BANJAR fuzzy |jalan"),
    .init(text: "BAMJAR jalan", expected: "BANJAR fuzzy |jalan"),
    .init(text: "DUMSA pungli", expected: "DUMAS fuzzy |pungli"),
    .init(text: "MASBUPSIGA sampah", expected: "MASBUPSIAGA fuzzy |sampah"),
    .init(text: "LAPAKADUN sampah", expected: "LAPAKADUAN fuzzy |sampah"),
    // typos that must not match
    .init(text: "KAUT lampu", expected: "triage |KAUT lampu"),
    .init(text: "BJT lampu", expected: "triage |BJT lampu"),
    .init(text: "BANJIR di desa Sukamaju", expected: "triage |BANJIR di desa Sukamaju"),
    .init(text: "BNJR jalan", expected: "triage |BNJR jalan"),
    .init(text: "BANAJRR jalan", expected: "triage |BANAJRR jalan"),
    // empty and blank bodies
    .init(text: "", expected: "help"),
    .init(text: "   \n ", expected: "help"),
    .init(text: "\u{200B}\u{FEFF}", expected: "help"),
    .init(text: "BANJAR", expected: "route_help BANJAR exact"),
    .init(text: "banjar.", expected: "route_help BANJAR exact"),
    .init(text: "BANJAR ####", expected: "route_help BANJAR exact"),
    .init(text: "MAS BUP SIAGA", expected: "route_help MASBUPSIAGA exact"),
    .init(text: "BJR", expected: "route_help BANJAR alias"),
    // unknown keyword, both modes
    .init(text: "HALO pak jalan rusak", expected: "triage |HALO pak jalan rusak"),
    .init(text: "HALO pak jalan rusak", expected: "unknown", policy: .help),
    .init(text: "BANJARMASIN jalan", expected: "unknown", policy: .help),
    .init(text: "BANJAR jalan", expected: "BANJAR exact |jalan", policy: .help),
    // citizen commands (§3.5) and every ticket input form
    .init(text: "STATUS BJR-0042", expected: "status BJR-0042"),
    .init(text: "status bjr42", expected: "status BJR-0042"),
    .init(text: "CEK BJR 0042", expected: "status BJR-0042"),
    .init(text: "cek Bjr-42", expected: "status BJR-0042"),
    .init(text: "Cek #BJR.0042?", expected: "status BJR-0042"),
    .init(text: "STATUS", expected: "status -"),
    .init(text: "status aduan saya", expected: "status -"),
    .init(text: "INFO", expected: "help"),
    .init(text: "bantuan", expected: "help"),
    .init(text: "HELP", expected: "help"),
    .init(text: "INFO BJR-0042 jalannya baru ditambal sebagian", expected: "info BJR-0042 |jalannya baru ditambal sebagian"),
    .init(text: "STOP", expected: "stop"),
    .init(text: "berhenti", expected: "stop"),
    .init(text: "UNREG", expected: "stop"),
    .init(text: "MULAI", expected: "start"),
    .init(text: "reg", expected: "start"),
    .init(text: "START", expected: "start"),
    .init(text: "PUAS BJR-0042", expected: "rating BJR-0042 puas"),
    .init(text: "TIDAK pml7", expected: "rating PML-0007 tidak"),
    .init(text: "TIDAK PUAS BJR-0042 jalan belum diperbaiki", expected: "rating BJR-0042 tidak"),
    .init(text: "PUAS", expected: "rating - puas"),
    // command words that begin ordinary complaints are not swallowed
    .init(text: "STOP pungli di kantor desa", expected: "triage |STOP pungli di kantor desa"),
    .init(text: "tidak ada air bersih di desa", expected: "triage |tidak ada air bersih di desa"),
    // UCS-2 text, emoji, zero-width and decomposed characters
    .init(text: "BANJAR jalan rusak 😡🙏", expected: "BANJAR exact |jalan rusak 😡🙏"),
    .init(text: "😡 BANJAR jalan", expected: "BANJAR exact |jalan"),
    .init(text: "🙏🙏", expected: "help"),
    .init(text: "KESEHATAN puskesmas tutup 🙁 señor café", expected: "triage |KESEHATAN puskesmas tutup 🙁 señor café"),
    .init(text: "BANJAR\u{200B} jalan rusak", expected: "BANJAR exact |jalan rusak"),
    .init(text: "B\u{200B}ANJAR jalan", expected: "BANJAR exact |jalan"),
    .init(text: "BANJAR kafe\u{0301} tutup", expected: "BANJAR exact |kafé tutup"),
    .init(text: "1234 jalan", expected: "triage |1234 jalan"),
    // the router reads only the first words; symbols do not use them up
    .init(text: "😡 🙏 ! MAS 😡 BUP - SIAGA jalan", expected: "MASBUPSIAGA exact |jalan"),
    .init(text: "MAS BUP SIAGA", expected: "route_help MASBUPSIAGA exact"),
    .init(text: "mas bup siaga " + String(repeating: "jalan rusak ", count: 40) + "!",
          expected: "MASBUPSIAGA exact |" + String(repeating: "jalan rusak ", count: 40) + "!"),
]

@Test("canonical keyword form", arguments: [
    ("Mas-Bup Siaga", "MASBUPSIAGA"), ("bAnJaR9", "BANJAR9"), ("#.,:;*-/_ ", ""), ("😡", ""),
    ("straße", "STRASSE"), ("kafé", "KAFÉ"), ("Ｂanjar", "ＢANJAR"), ("", ""),
])
func canonicalKeyword(_ text: String, _ expected: String) {
    #expect(Keyword.canonical(text) == expected)
}

@Test("routing", arguments: routingCases)
func routing(_ c: RoutingCase) {
    #expect(describe(router(c.policy).route(c.text)) == c.expected)
}

@Test func routingTableIsLarge() {
    #expect(routingCases.count >= 60)
}

@Test func ambiguousTypoMatchesNothing() {
    let banten = Route(keyword: "BANTEN", region: "Banten", program: "P", prefix: "BTN", firstResponse: .hours(1), resolution: .hours(2))
    let bintan = Route(keyword: "BINTAN", region: "Bintan", program: "P", prefix: "BTA", firstResponse: .hours(1), resolution: .hours(2))
    let r = router(routes: [banten, bintan])
    #expect(describe(r.route("BANTAN jalan")) == "triage |BANTAN jalan")
    #expect(describe(r.route("BANTEM jalan")) == "BANTEN fuzzy |jalan")
}

@Test func matchKindSeparatesKeywordAndAlias() {
    #expect(describe(router().route("BJR jalan")) == "BANJAR alias |jalan")
    #expect(describe(router().route("BANJAR jalan")) == "BANJAR exact |jalan")
}
