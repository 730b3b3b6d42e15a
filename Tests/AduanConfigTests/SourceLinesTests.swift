import AduanConfig
import Testing

@Suite struct SourceLinesTests {
    static let text = """
        # comment = not a key
        title = "x"

        [service]
        shortcode = "1708"   # trailing comment
        "quoted key" = 1
        'literal.key' = 2
        site.name = "a"
        note = \"\"\"
        keyword = "inside a string"
        [not.a.header]
        \"\"\"
        raw = '''
        x = 1'''

        [[routes]]
        keyword = "A"
        aliases = [
          "one",   # first
          "two, three",
        ]

        [[routes]]
        keyword = "B"
        limits = { a = 1, b = [1, 2] }

        [templates]
        ack = "has [brackets] and {braces}"
        after = 1
        """

    let lines = SourceLines(text)

    @Test(arguments: [
        ("title", 2), ("service", 4), ("service.shortcode", 5), ("service.quoted key", 6),
        ("service.literal.key", 7), ("service.site", 8), ("service.site.name", 8), ("service.note", 9),
        ("service.raw", 13), ("routes", 16), ("routes[0]", 16), ("routes[0].keyword", 17),
        ("routes[0].aliases", 18), ("routes[0].aliases[0]", 19), ("routes[0].aliases[1]", 20),
        ("routes[1]", 23), ("routes[1].keyword", 24), ("routes[1].limits.b", 25), ("routes[1].limits.b[1]", 25),
        ("templates.ack", 28), ("templates.after", 29),
    ])
    func exact(_ path: String, _ line: Int) {
        #expect(lines.exactLine(path) == line)
    }

    @Test func stringContentsAreNotKeys() {
        #expect(lines.exactLine("service.keyword") == nil)
        #expect(lines.exactLine("not.a.header") == nil)
        #expect(lines.exactLine("service.x") == nil)
        #expect(lines.exactLine("comment") == nil)
    }

    @Test func missingKeysFallBackToTheirTable() {
        #expect(lines.line("routes[1].region") == 23)
        #expect(lines.line("service.database") == 4)
        #expect(lines.line("routes[0].aliases[7]") == 18)
        #expect(lines.line("urgent.words") == nil)
    }

    @Test func nestedArraysOfTablesCountWithinTheirParent() {
        let nested = SourceLines("""
            [[a]]
            [[a.b]]
            [[a.b]]
            [[a]]
            [[a.b]]
            [a.c]
            x = 1
            """)
        #expect(nested.exactLine("a[0].b[1]") == 3)
        #expect(nested.exactLine("a[1].b[0]") == 5)
        #expect(nested.exactLine("a[1].c.x") == 7)
    }

    @Test func parserTrapsAreFoundOnlyWhereTOMLWouldMeetThem() {
        let ok = SourceLines("x = [\n[1, 2],\n[\n3]\n]\ns = \"\"\"\n[[[\n\"\"\"\nt = { a = [1] }\ny = \"[}\"\n[a]\n[[b]]\n[ \"c\" ]")
        #expect(ok.parserTraps.isEmpty)
        let bad = SourceLines("a = 1\n[[[b]]\n[\"ok\"]\n[=]\nz = [1,\n }]\nw = [{ v = [}] }]")
        #expect(bad.parserTraps.map(\.line) == [2, 4, 6, 7])
        #expect(bad.parserTraps.map(\.message) == [
            "a table header needs a name after its brackets, saw '['",
            "a table header needs a name after its brackets, saw '='",
            "a list holds '}' where a value or ']' should be",
            "a list holds '}' where a value or ']' should be",
        ])
    }

    /// Every bare value form of TOML 1.0 passes; what toml++ would refuse (or trap on) does not.
    @Test(arguments: [
        "true", "false", "0", "+1", "-17", "1_000", "0xDEAD_beef", "0o755", "0b1101", "3.14", "-0.01", "5e+22",
        "1e06", "-2E-2", "6.626e-34", "224_617.445_991", "inf", "+inf", "-nan", "1979-05-27T07:32:00Z",
        "1979-05-27T00:32:00-07:00", "1979-05-27T00:32:00.999999-07:00", "1979-05-27 07:32:00Z",
        "1979-05-27T07:32:00", "1979-05-27", "07:32:00", "00:32:00.999999", "1979-05-27t07:32:00z",
    ])
    func bareValuesOfTOML(_ value: String) {
        #expect(SourceLines("x = \(value) # c\ny = [\(value), \(value)]").parserTraps.isEmpty)
    }

    @Test(arguments: [
        "Asia/Jakarta", "yes", "01", "1__0", "_1", "1_", "0x", "1.e5", ".5", "1.", "2026-1-1", "07:32", "True",
        "2026-01-01t:0", "2026-01-01true",
    ])
    func notBareValues(_ value: String) {
        let traps = SourceLines("x = \(value)").parserTraps
        #expect(traps.map(\.message) == ["\(value) is not a TOML value; put text in quotes, like \"\(value)\""])
    }

    @Test func survivesArbitraryText() {
        // Deterministic noise from TOML's own punctuation: the scanner must end, and never trap.
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        let alphabet = Array("[]{}=\"'\\.,#\n \tab1-_")
        for _ in 0..<2000 {
            var text = ""
            for _ in 0..<40 {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                text.append(alphabet[Int(state % UInt64(alphabet.count))])
            }
            _ = SourceLines(text).line("a.b")
        }
    }

    @Test func survivesMalformedText() {
        let broken = SourceLines("[unclosed\nkey = [1, {\n\"open\nz = 3\n")
        #expect(broken.exactLine("z") == 4 || broken.exactLine("z") == nil)
    }
}
