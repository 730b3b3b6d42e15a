import AduanConfig
import AduanCore
import Testing

/// Keywords, aliases and prefixes that two routes (or a route and a citizen
/// command) would both claim.
@Suite struct CollisionTests {
    static let cases: [ErrorCase] = {
        func routes(_ parts: String...) -> String { parts.joined(separator: "\n\n") }
        var cases: [ErrorCase] = []

        var toml = Fixture.make(routes: routes(
            Fixture.banjar, Fixture.route("BANJAR", prefix: "BJM", note: "second")))
        cases.append(ErrorCase("keyword twice", toml,
            "route BANJAR: keyword BANJAR collides with route BANJAR's keyword BANJAR (line \(Fixture.line(of: "keyword = \"BANJAR\"", in: toml) ?? 0))",
            at: "\"BANJAR\" # second"))

        toml = Fixture.make(routes: routes(
            Fixture.route("MASBUPSIAGA", prefix: "PML"),
            Fixture.route("PEMALANG", prefix: "PEM", aliases: ["MAS BUP SIAGA"])))
        cases.append(ErrorCase("alias against a keyword, by canonical form", toml,
            "route PEMALANG: alias MAS BUP SIAGA collides with route MASBUPSIAGA's keyword MASBUPSIAGA (line \(Fixture.line(of: "MASBUPSIAGA", in: toml) ?? 0))",
            at: "MAS BUP SIAGA"))

        toml = Fixture.make(routes: routes(
            Fixture.banjar, Fixture.route("bjr", prefix: "BJB", note: "second")))
        cases.append(ErrorCase("keyword against an earlier alias", toml,
            "route bjr: keyword bjr collides with route BANJAR's alias BJR (line \(Fixture.line(of: "aliases", in: toml) ?? 0))",
            at: "\"bjr\" # second"))

        toml = Fixture.make(routes: routes(
            Fixture.route("KAUR", prefix: "KUR", aliases: ["Kaur-Bengkulu"]),
            Fixture.route("BENGKULU", prefix: "BKL", aliases: ["KAUR BENGKULU"])))
        cases.append(ErrorCase("alias against alias, punctuation ignored", toml,
            "route BENGKULU: alias KAUR BENGKULU collides with route KAUR's alias Kaur-Bengkulu (line \(Fixture.line(of: "Kaur-Bengkulu", in: toml) ?? 0))",
            at: "\"KAUR BENGKULU\""))

        toml = Fixture.make(routes: routes(
            Fixture.banjar, Fixture.route("KOTABARU", prefix: "bjr")))
        cases.append(ErrorCase("prefix twice, any case", toml,
            "route KOTABARU: prefix BJR collides with route BANJAR's prefix (line \(Fixture.line(of: "prefix = \"BJR\"", in: toml) ?? 0))",
            at: "prefix = \"bjr\""))

        toml = Fixture.make(routes: routes(Fixture.banjar, Fixture.route("UMUM", prefix: "UMUM")),
                            extra: "[triage]\nprefix = \"Umum\"")
        cases.append(ErrorCase("prefix against the triage prefix", toml,
            "route UMUM: prefix UMUM collides with the triage prefix (line \(Fixture.line(of: "prefix = \"Umum\"", in: toml) ?? 0))",
            at: "prefix = \"UMUM\""))

        toml = Fixture.make(routes: routes(Fixture.banjar, Fixture.route("UMUM", prefix: "UMUM")))
        cases.append(ErrorCase("prefix against the default triage prefix", toml,
            "route UMUM: prefix UMUM collides with the default triage prefix; set another under [triage]",
            at: "prefix = \"UMUM\""))

        toml = Fixture.make(routes: Fixture.route("STATUS", prefix: "STS"))
        cases.append(ErrorCase("reserved word as keyword", toml,
            "route STATUS: keyword STATUS is a reserved command word", at: "keyword"))

        toml = Fixture.make(routes: Fixture.route("BANJAR", prefix: "BJR", aliases: ["cek"]))
        cases.append(ErrorCase("reserved word as alias", toml,
            "route BANJAR: alias cek is a reserved command word", at: "aliases"))

        toml = Fixture.make(routes: Fixture.route("BANJAR", prefix: "BJR", aliases: ["TIDAK PUAS"]))
        cases.append(ErrorCase("TIDAK PUAS as alias", toml,
            "route BANJAR: alias TIDAK PUAS is a reserved command word", at: "aliases"))

        toml = Fixture.make(routes: Fixture.route("Berhenti!", prefix: "BRH"))
        cases.append(ErrorCase("reserved word behind punctuation", toml,
            "route Berhenti!: keyword Berhenti! is a reserved command word", at: "keyword"))

        toml = Fixture.make(routes: Fixture.route("X", prefix: "XX"))
        cases.append(ErrorCase("keyword of one letter", toml,
            #"route X: keyword "X" needs at least 2 letters or digits"#, at: "keyword"))

        toml = Fixture.make(routes: Fixture.route("BANJAR", prefix: "BJR", aliases: ["BJR", "- -"]))
        cases.append(ErrorCase("alias of punctuation only", toml,
            #"route BANJAR: alias "- -" needs at least 2 letters or digits"#, at: "aliases"))
        return cases
    }()

    @Test(arguments: cases) func collision(_ c: ErrorCase) { c.check() }

    @Test func aliasMaySpellItsOwnKeyword() throws {
        // §9's own example: MASBUPSIAGA with the alias "MAS BUP SIAGA".
        let toml = Fixture.make(routes: Fixture.route("MASBUPSIAGA", prefix: "PML", aliases: ["MAS BUP SIAGA"]))
        let config = try ConfigLoader.parse(text: toml, file: Fixture.file)
        #expect(config.routes.first?.aliases == ["MAS BUP SIAGA"])
    }

    @Test func prefixesAreStoredUpperCased() throws {
        let toml = Fixture.make(routes: Fixture.route("BANJAR", prefix: "bjr"), extra: "[triage]\nprefix = \"umum\"")
        let config = try ConfigLoader.parse(text: toml, file: Fixture.file)
        #expect(config.routes.first?.prefix == "BJR")
        #expect(config.triage.prefix == "UMUM")
    }

    @Test func keywordsAndPrefixesAreSeparateNames() throws {
        // LAPAKADUAN's alias BMS and a prefix BMS elsewhere do not collide.
        let toml = Fixture.make(routes: Fixture.route("LAPAKADUAN", prefix: "BYM", aliases: ["BMS"]) + "\n\n"
            + Fixture.route("BOMBANA", prefix: "BMS"))
        #expect(Fixture.issues(toml).isEmpty)
    }
}
