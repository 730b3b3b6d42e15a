import AduanConfig
import Foundation
import Testing

/// Every class of mistake, with the exact message an operator reads and the
/// line it points at.
@Suite struct ConfigErrorTests {
    /// Cases whose message points at another line of the same file.
    static let inboundTwice: ErrorCase = {
        let toml = Fixture.make(
            inbound: Fixture.inbound + "\n[[inbound]]\nname = \"modem1\" # again\nkind = \"jsonl\"\npath = \"x.log\"")
        let first = Fixture.line(of: "[[inbound]]", in: toml) ?? 0
        return ErrorCase("two sources with one name", toml,
                         #"inbound[1].name: "modem1" is already the name of inbound[0] (line \#(first))"#, at: "# again")
    }()

    static let outboundTwice: ErrorCase = {
        let toml = Fixture.make(
            outbound: Fixture.outbound + "\n[[outbound]] # second\nkind = \"smstools\"\npath = \"o2\"")
        let first = Fixture.line(of: "[[outbound]]", in: toml) ?? 0
        return ErrorCase("two outbound spools with the default name", toml,
                         #"outbound[1]: name "smstools" is already used by outbound[0] (line \#(first)); give each [[outbound]] its own name"#,
                         at: "# second")
    }()

    static let agencyTwice: ErrorCase = {
        let toml = Fixture.make(
            extra: "[[agencies]]\nid = \"dpupr\"\nname = \"Dinas PUPR\"\n\n[[agencies]] # second\nid = \"DPUPR\" # dup")
        let first = Fixture.line(of: "[[agencies]]", in: toml) ?? 0
        return ErrorCase("agency id twice, agency without name", toml, [
            ("agencies[1].name is required", "# second"),
            ("agencies[1].id: agency id DPUPR is already used by agencies[0] (line \(first))", "# dup"),
        ])
    }()

    static let serviceCases: [ErrorCase] = [
        ErrorCase("misspelt service key", Fixture.make(service: #"dedup_window = "24h""#),
                  "unknown key 'dedup_window' in [service]; did you mean 'dedupe_window'?", at: "dedup_window"),
        ErrorCase("unknown key with no close match", Fixture.make(service: "colour = 1"),
                  "unknown key 'colour' in [service]", at: "colour"),
        ErrorCase("duration of the wrong type", Fixture.make(service: "dedupe_window = 24"),
                  #"service.dedupe_window must be a string like "24h""#, at: "dedupe_window"),
        ErrorCase("duration that does not parse", Fixture.make(service: #"dedupe_window = "1 day""#),
                  #"service.dedupe_window: "1 day" is not a duration; use "30m", "24h", "3d" or "5wd""#,
                  at: "dedupe_window"),
        ErrorCase("unknown time zone", Fixture.make(service: #"timezone = "Asia/Jakarat""#),
                  #"service.timezone: "Asia/Jakarat" is not a time zone; use "Asia/Jakarta" (WIB), "Asia/Makassar" (WITA) or "Asia/Jayapura" (WIT)"#,
                  at: "timezone"),
        ErrorCase("impossible holiday", Fixture.make(service: "holidays = [\n  \"2026-12-25\",\n  \"2026-02-30\", # bad\n]"),
                  #"service.holidays[1]: "2026-02-30" is not a date; write it as "YYYY-MM-DD""#, at: "# bad"),
        ErrorCase("holiday in another format", Fixture.make(service: #"holidays = ["25-12-2026"]"#),
                  #"service.holidays[0]: "25-12-2026" is not a date; write it as "YYYY-MM-DD""#, at: "holidays"),
        ErrorCase("quiet hours without minutes", Fixture.make(service: #"quiet_hours = "21-07""#),
                  #"service.quiet_hours: "21-07" is not a time window; write it like "21:00-07:00""#,
                  at: "quiet_hours"),
        ErrorCase("country code with a plus", Fixture.make(service: #"country_code = "+62""#),
                  #"service.country_code: "+62" must be 1 to 3 digits, like "62""#, at: "country_code"),
        ErrorCase("country code as a number", Fixture.make(service: "country_code = 62"),
                  #"service.country_code must be a string of digits, like "62""#, at: "country_code"),
        ErrorCase("shortcode with a letter", Fixture.make(head: "shortcode = \"17O8\"\ndatabase = \"a.db\""),
                  #"service.shortcode: "17O8" must be digits only, like "1708""#, at: "shortcode"),
        ErrorCase("missing shortcode", Fixture.make(head: #"database = "a.db""#),
                  "service.shortcode is required", at: "[service]"),
        ErrorCase("missing database", Fixture.make(head: #"shortcode = "1708""#),
                  "service.database is required", at: "[service]"),
        ErrorCase("empty database", Fixture.make(head: "shortcode = \"1708\"\ndatabase = \" \""),
                  "service.database must not be empty", at: "database"),
        ErrorCase("unknown keyword policy", Fixture.make(service: #"on_unknown_keyword = "tirage""#),
                  #"service.on_unknown_keyword: "tirage" must be "triage" or "help""#, at: "on_unknown_keyword"),
        ErrorCase("log level", Fixture.make(service: #"log_level = "verbose""#),
                  #"service.log_level: "verbose" must be "info" or "debug""#, at: "log_level"),
        ErrorCase("desk number with dashes", Fixture.make(service: #"desk_numbers = ["0812-3456-789"]"#),
                  #"service.desk_numbers[0]: "0812-3456-789" is not a phone number; write digits only, like "6281100000001""#,
                  at: "desk_numbers"),
        ErrorCase("no_reply not a list", Fixture.make(service: #"no_reply = "1708""#),
                  #"service.no_reply must be a list of strings, like ["6281100000001"]"#, at: "no_reply"),
    ]

    static let sectionCases: [ErrorCase] = [
        ErrorCase("misspelt section", Fixture.make(extra: "[reminder]\ndesk_after = \"1wd\""),
                  "unknown section [reminder]; did you mean [reminders]?", at: "[reminder]"),
        ErrorCase("misspelt array section", Fixture.make(extra: "[[route]]\nkeyword = \"KAUR\""),
                  "unknown section [[route]]; did you mean [[routes]]?", at: "[[route]]"),
        ErrorCase("key above every section",
                  "log_level = \"debug\"\n" + Fixture.make(),
                  "unknown key 'log_level' outside any section; it belongs under [service]", at: "log_level"),
        ErrorCase("routes as a single table",
                  Fixture.make(routes: "[routes]\nkeyword = \"BANJAR\""),
                  "routes must be a list of tables: write each one as [[routes]]", at: "[routes]"),
        ErrorCase("no service, inbound or outbound",
                  Fixture.banjar,
                  [("missing section [service]; it needs at least shortcode and database", nil),
                   ("no [[inbound]] source; add one for the gateway's incoming spool or log", nil),
                   ("no [[outbound]] spool; add one for the gateway's outgoing directory", nil)]),
        ErrorCase("limit of zero", Fixture.make(extra: "[limits]\ncomplaints_per_hour = 0"),
                  "limits.complaints_per_hour must be 1 or more", at: "complaints_per_hour"),
        ErrorCase("limit as a string", Fixture.make(extra: "[limits]\nreplies_per_day = \"20\""),
                  "limits.replies_per_day must be a whole number, like 5", at: "replies_per_day"),
        ErrorCase("urgent deadline", Fixture.make(extra: "[urgent]\nwords = [\"darurat\"]\nresolution = \"fast\""),
                  #"urgent.resolution: "fast" is not a duration; use "30m", "24h", "3d" or "5wd""#, at: "fast"),
        ErrorCase("empty urgent word", Fixture.make(extra: "[urgent]\nwords = [\"darurat\", \"\"]"),
                  "urgent.words[1] is empty; it would match every complaint", at: "darurat"),
        ErrorCase("reminder number", Fixture.make(extra: "[reminders]\nescalate_to = [\"inspektorat\"]"),
                  #"reminders.escalate_to[0]: "inspektorat" is not a phone number; write digits only, like "6281100000001""#,
                  at: "escalate_to"),
        ErrorCase("misspelt reminder key", Fixture.make(extra: "[reminders]\nsurvey_afer = \"1d\""),
                  "unknown key 'survey_afer' in [reminders]; did you mean 'survey_after'?", at: "survey_afer"),
        ErrorCase("status word for an unknown status", Fixture.make(extra: "[status_words]\ndone = \"SELESAI\""),
                  "unknown key 'done' in [status_words]", at: "done ="),
        ErrorCase("empty status word", Fixture.make(extra: "[status_words]\nresolved = \"\""),
                  "status_words.resolved must not be empty", at: "resolved ="),
        ErrorCase("zero triage deadline", Fixture.make(extra: "[triage]\nfirst_response = \"0h\""),
                  #"triage.first_response: "0h" must be longer than zero"#, at: "first_response = \"0h\""),
        ErrorCase("triage prefix with a digit", Fixture.make(extra: "[triage]\nprefix = \"U1\""),
                  #"triage: prefix "U1" must be 2 to 5 letters A-Z, like "BJR""#, at: "\"U1\""),
    ]

    static let spoolCases: [ErrorCase] = [
        ErrorCase("misspelt gateway kind",
                  Fixture.make(inbound: "[[inbound]]\nname = \"m\"\nkind = \"smstool\"\npath = \"in\"\nrejected = \"bad\""),
                  #"inbound[0].kind: "smstool" must be "smstools", "gammu" or "jsonl""#, at: "smstool\""),
        ErrorCase("spool without rejected directory",
                  Fixture.make(inbound: "[[inbound]] # here\nname = \"m\"\nkind = \"gammu\"\npath = \"inbox\""),
                  "inbound[0].rejected is required for a gammu spool: the directory unparseable files are moved to",
                  at: "# here"),
        ErrorCase("inbound without name or path",
                  Fixture.make(inbound: "[[inbound]] # here\nkind = \"jsonl\""),
                  [("inbound[0].name is required", "# here"), ("inbound[0].path is required", "# here")]),
        ErrorCase("jsonl with an archive",
                  Fixture.make(inbound: "[[inbound]]\nname = \"log\"\nkind = \"jsonl\"\npath = \"sms.log\"\narchive = \"old\""),
                  "inbound[0].archive: a jsonl log is tailed in place, never moved; remove archive", at: "archive"),
        ErrorCase("archive is the spool",
                  Fixture.make(inbound: "[[inbound]]\nname = \"m\"\nkind = \"smstools\"\npath = \"in\"\narchive = \"./in/\"\nrejected = \"bad\""),
                  "inbound[0].archive is the spool itself; archived files would be read again", at: "archive"),
        inboundTwice,
        ErrorCase("jsonl has no outbound side",
                  Fixture.make(outbound: "[[outbound]]\nkind = \"jsonl\"\npath = \"out\""),
                  #"outbound[0].kind: "jsonl" must be "smstools" or "gammu" (a jsonl log has no outbound side)"#,
                  at: "jsonl"),
        ErrorCase("outbound into the inbound spool",
                  Fixture.make(outbound: "[[outbound]]\nkind = \"smstools\"\npath = \"../var/spool/incoming\" # loop"),
                  "outbound[0].path is also inbound modem1's spool; aduan would read its own replies", at: "# loop"),
        outboundTwice,
    ]

    static let routeCases: [ErrorCase] = [
        ErrorCase("route deadline that does not parse",
                  Fixture.make(routes: Fixture.banjar + "\n" + Fixture.route("KAUR", prefix: "KUR")
                      .replacingOccurrences(of: #"resolution = "14d""#, with: #"resolution = "2 days""#)),
                  #"routes[1].resolution: "2 days" is not a duration; use "30m", "24h", "3d" or "5wd""#, at: "2 days"),
        ErrorCase("route without region",
                  Fixture.make(routes: "[[routes]] # here\nkeyword = \"KAUR\"\nprefix = \"KUR\"\nfirst_response = \"3wd\"\nresolution = \"14d\""),
                  "routes[0].region is required", at: "# here"),
        ErrorCase("route with nothing",
                  Fixture.make(routes: "[[routes]] # here\nprogram = \"P\""),
                  [("routes[0].keyword is required", "# here"), ("routes[0].region is required", "# here"),
                   ("routes[0].prefix is required", "# here"), ("routes[0].first_response is required", "# here"),
                   ("routes[0].resolution is required", "# here")]),
        ErrorCase("misspelt route key",
                  Fixture.make(routes: Fixture.banjar + "\nauto_foward = true"),
                  "unknown key 'auto_foward' in [[routes]]; did you mean 'auto_forward'?", at: "auto_foward"),
        ErrorCase("auto_forward as a string",
                  Fixture.make(routes: Fixture.banjar + "\nauto_forward = \"yes\""),
                  "routes[0].auto_forward must be true or false", at: "auto_forward"),
        ErrorCase("aliases as a string",
                  Fixture.make(routes: Fixture.banjar.replacingOccurrences(of: #"["BJR"]"#, with: #""BJR""#)),
                  #"routes[0].aliases must be a list of strings, like ["BJR"]"#, at: "aliases"),
        ErrorCase("prefix with a digit",
                  Fixture.make(routes: Fixture.banjar.replacingOccurrences(of: #"prefix = "BJR""#, with: #"prefix = "B1""#)),
                  #"route BANJAR: prefix "B1" must be 2 to 5 letters A-Z, like "BJR""#, at: "\"B1\""),
        ErrorCase("prefix too long",
                  Fixture.make(routes: Fixture.banjar.replacingOccurrences(of: #"prefix = "BJR""#, with: #"prefix = "BANJAR""#)),
                  #"route BANJAR: prefix "BANJAR" must be 2 to 5 letters A-Z, like "BJR""#, at: "prefix"),
        ErrorCase("zero route deadline",
                  Fixture.make(routes: Fixture.banjar.replacingOccurrences(of: #""3wd""#, with: #""0wd""#)),
                  #"routes[0].first_response: "0wd" must be longer than zero"#, at: "first_response"),
        ErrorCase("format help placeholder",
                  Fixture.make(routes: Fixture.banjar + "\nformat_help = \"Ketik {kyword} isi aduan\""),
                  "route BANJAR: format_help: unknown placeholder {kyword}; did you mean {keyword}?", at: "format_help"),
    ]

    static let otherCases: [ErrorCase] = [
        ErrorCase("template placeholder typo",
                  Fixture.make(extra: "[templates]\nack = \"Aduan diterima, no. {tiket}.\""),
                  "template ack: unknown placeholder {tiket}; did you mean {ticket}?", at: "ack ="),
        ErrorCase("placeholder another kind has",
                  Fixture.make(extra: "[templates]\nhelp = \"Tiket {ticket}\""),
                  "template help: unknown placeholder {ticket}", at: "help ="),
        ErrorCase("template for an unknown kind",
                  Fixture.make(extra: "[templates]\nacks = \"Diterima {ticket}\""),
                  "unknown key 'acks' in [templates]; did you mean 'ack'?", at: "acks"),
        ErrorCase("template not a string",
                  Fixture.make(extra: "[templates]\nhelp = 1"),
                  "templates.help must be a string", at: "help ="),
        agencyTwice,
        ErrorCase("agency id with a space",
                  Fixture.make(extra: "[[agencies]]\nid = \"dinas pu\"\nname = \"Dinas PU\""),
                  #"agencies[0].id: "dinas pu" may hold only letters, digits, - and _ (operators type it after --agency)"#,
                  at: "dinas pu"),
    ]

    @Test(arguments: serviceCases) func service(_ c: ErrorCase) { c.check() }
    @Test(arguments: sectionCases) func sections(_ c: ErrorCase) { c.check() }
    @Test(arguments: spoolCases) func spools(_ c: ErrorCase) { c.check() }
    @Test(arguments: routeCases) func routes(_ c: ErrorCase) { c.check() }
    @Test(arguments: otherCases) func templatesAndAgencies(_ c: ErrorCase) { c.check() }

    @Test func syntaxErrorStopsWithTOMLKitsLine() {
        let toml = Fixture.make(service: "dedupe_window = \"24h\nlog_level = \"info\"")
        let issues = Fixture.issues(toml)
        #expect(issues.count == 1)
        #expect(issues.first?.line == Fixture.line(of: "dedupe_window", in: toml))
        #expect(issues.first?.message.hasPrefix("TOML syntax: ") == true)
    }

    /// toml++ (inside TOMLKit 0.6.0) aborts on these; they must come back as issues.
    @Test(arguments: [
        ("[[[inbound]]", "'['"), ("[[ [routes]]", "'['"), ("[ [routes]]", "'['"), ("[=]", "'='"),
        ("[\n", "the end of the line"), ("[[\r\n", "the end of the line"), ("[ # x", "a comment"),
    ])
    func namelessHeaderIsASyntaxErrorNotACrash(_ header: String, _ found: String) {
        let toml = Fixture.make(extra: "# before\n" + header + "\nx = 1")
        let issues = Fixture.issues(toml)
        #expect(issues.map(\.message) == ["TOML syntax: a table header needs a name after its brackets, saw \(found)"])
        #expect(issues.first?.line == Fixture.line(of: "# before", in: toml).map { $0 + 1 })
    }

    @Test func braceInAListIsASyntaxErrorNotACrash() {
        let toml = Fixture.make(service: "no_reply = [\"1708\", } # here")
        let issues = Fixture.issues(toml)
        #expect(issues.map(\.message) == ["TOML syntax: a list holds '}' where a value or ']' should be"])
        #expect(issues.first?.line == Fixture.line(of: "# here", in: toml))
    }

    @Test func unquotedTextSaysToQuoteIt() {
        let toml = Fixture.make(service: "timezone = Asia/Makassar")
        let issues = Fixture.issues(toml)
        #expect(issues.map(\.message) == [#"TOML syntax: Asia/Makassar is not a TOML value; put text in quotes, like "Asia/Makassar""#])
        #expect(issues.first?.line == Fixture.line(of: "timezone", in: toml))
    }

    @Test func byteOrderMarkAndCRLFAreRead() {
        let toml = "\u{FEFF}" + Fixture.make(service: #"dedup_window = "24h""#).replacingOccurrences(of: "\n", with: "\r\n")
        let issues = Fixture.issues(toml)
        #expect(issues.map(\.message) == ["unknown key 'dedup_window' in [service]; did you mean 'dedupe_window'?"])
        #expect(issues.first?.line == 4)
    }

    @Test func bracketsInsideAStringAreNotHeaders() {
        let toml = Fixture.make(extra: "[templates]\nhelp = \"\"\"\n[[[ {shortcode}\n[\n{keywords}\"\"\"")
        #expect(Fixture.issues(toml).isEmpty)
    }

    @Test func duplicateKeyIsASyntaxError() {
        let toml = Fixture.make(service: "shortcode = \"1709\"")
        let issues = Fixture.issues(toml)
        #expect(issues.count == 1)
        #expect(issues.first?.line == Fixture.line(of: "1709", in: toml))
    }

    @Test func allIssuesAreReportedInFileOrder() throws {
        let toml = Fixture.make(
            service: "dedup_window = \"24h\"\ntimezone = \"Mars/Olympus\"",
            extra: "[templates]\nack = \"{tiket}\"")
        let issues = Fixture.issues(toml)
        #expect(issues.map(\.message) == [
            "unknown key 'dedup_window' in [service]; did you mean 'dedupe_window'?",
            #"service.timezone: "Mars/Olympus" is not a time zone; use "Asia/Jakarta" (WIB), "Asia/Makassar" (WITA) or "Asia/Jayapura" (WIT)"#,
            "template ack: unknown placeholder {tiket}; did you mean {ticket}?",
        ])
        let lines = issues.compactMap(\.line)
        #expect(lines == lines.sorted())
        #expect(lines.count == 3)
    }

    @Test func descriptionIsOneLinePerIssue() {
        let error = ConfigError(issues: [
            ConfigIssue(file: "/etc/aduan.toml", line: 3, message: "first"),
            ConfigIssue(file: "/etc/aduan.toml", line: nil, message: "second"),
        ])
        #expect(error.description == "/etc/aduan.toml:3: first\n/etc/aduan.toml: second")
    }
}
