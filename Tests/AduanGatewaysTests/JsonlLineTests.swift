import Testing
import AduanGateways

struct JsonlCase: Sendable, CustomTestStringConvertible {
    var name: String
    var line: [UInt8]
    var expected: Result<InboundSMS, InboundRejection>
    var testDescription: String { name }

    init(_ name: String, _ line: String, _ expected: Result<InboundSMS, InboundRejection>) {
        self.init(name, Array(line.utf8), expected)
    }

    init(_ name: String, _ line: [UInt8], _ expected: Result<InboundSMS, InboundRejection>) {
        self.name = name
        self.line = line
        self.expected = expected
    }
}

private func accepted(
    _ sender: String, _ text: String, to recipient: String? = nil, at sentAt: String? = nil,
    part: ConcatenationPart? = nil, damaged: Bool = false, id: String? = nil
) -> Result<InboundSMS, InboundRejection> {
    .success(InboundSMS(sender: sender, recipient: recipient, text: text, sentAt: sentAt,
                        part: part, damaged: damaged, externalID: id))
}

private func rejected(_ reason: String) -> Result<InboundSMS, InboundRejection> {
    .failure(InboundRejection(reason))
}

@Suite struct JsonlLineTests {
    static let good: [JsonlCase] = [
        JsonlCase(
            "every field",
            #"{"id":"a1b2","from":"6281234567890","to":"1708","text":"BANJAR jalan rusak","received_at":"2024-05-01T08:30:00+07:00"}"#,
            accepted("6281234567890", "BANJAR jalan rusak", to: "1708", at: "2024-05-01T08:30:00+07:00", id: "a1b2")),
        JsonlCase("only from and text", #"{"from":"+6281234567890","text":"halo"}"#, accepted("+6281234567890", "halo")),
        JsonlCase("empty text", #"{"from":"62812","text":""}"#, accepted("62812", "")),
        JsonlCase(
            "integer id beyond 64 bits keeps every digit",
            #"{"id":12345678901234567890,"from":"62812","text":"x"}"#, accepted("62812", "x", id: "12345678901234567890")),
        JsonlCase(
            "ids differing in the last digit stay different",
            #"{"id":12345678901234567891,"from":"62812","text":"x"}"#, accepted("62812", "x", id: "12345678901234567891")),
        JsonlCase("negative integer id", #"{"id":-7,"from":"62812","text":"x"}"#, accepted("62812", "x", id: "-7")),
        JsonlCase("empty id is no id", #"{"id":"","from":"62812","text":"x"}"#, accepted("62812", "x")),
        JsonlCase("null id is no id", #"{"id":null,"from":"62812","text":"x"}"#, accepted("62812", "x")),
        JsonlCase(
            "numeric sender and recipient become their digits",
            #"{"from":6281234567890,"to":1708,"text":"x"}"#, accepted("6281234567890", "x", to: "1708")),
        JsonlCase("epoch received_at keeps its digits", #"{"from":"1","text":"x","received_at":1714527000}"#, accepted("1", "x", at: "1714527000")),
        JsonlCase("null and empty optionals are absent", #"{"from":"1","to":null,"received_at":"","udh":null,"text":"x"}"#, accepted("1", "x")),
        JsonlCase("emoji as a surrogate pair", #"{"from":"1","text":"jalan \uD83D\uDE00 rusak"}"#, accepted("1", "jalan 😀 rusak")),
        JsonlCase("lower-case surrogate pair", #"{"from":"1","text":"\ud83d\ude4f"}"#, accepted("1", "🙏")),
        JsonlCase("raw UTF-8 emoji", #"{"from":"1","text":"tolong 🙏 Pak"}"#, accepted("1", "tolong 🙏 Pak")),
        JsonlCase("BMP escape", #"{"from":"1","text":"Rp 5.000 \u20AC caf\u00e9"}"#, accepted("1", "Rp 5.000 € café")),
        JsonlCase(
            "simple escapes", #"{"from":"1","text":"a\"b\\c\/d\ne\tf\rg\bh\fi"}"#,
            accepted("1", "a\"b\\c/d\ne\tf\rg\u{08}h\u{0C}i")),
        JsonlCase("escaped key", #"{"fr\u006fm":"1","text":"x"}"#, accepted("1", "x")),
        JsonlCase(
            "udh gives the part", #"{"from":"1","text":"bagian satu","udh":"050003A70201"}"#,
            accepted("1", "bagian satu", part: ConcatenationPart(reference: 0xA7, total: 2, sequence: 1))),
        JsonlCase(
            "udh with spaces and 16-bit reference", #"{"from":"1","text":"x","udh":"06 08 04 12 34 03 02"}"#,
            accepted("1", "x", part: ConcatenationPart(reference: 0x1234, total: 3, sequence: 2))),
        JsonlCase("malformed udh gives no part", #"{"from":"1","text":"x","udh":"05000"}"#, accepted("1", "x")),
        JsonlCase(
            "unknown keys of every kind are skipped",
            #"{"operator":"TSEL","cost":0.05,"flags":[1,{"a":[true,false,null]}],"meta":{"x":{"y":"}"}},"from":"1","text":"x","dlr":true}"#,
            accepted("1", "x")),
        JsonlCase("trailing CR", "{\"from\":\"1\",\"text\":\"x\"}\r", accepted("1", "x")),
        JsonlCase("whitespace around tokens", " { \"from\" : \"1\" ,\t\"text\" : \"x\" } ", accepted("1", "x")),
        JsonlCase("UTF-8 BOM", [0xEF, 0xBB, 0xBF] + Array(#"{"from":"1","text":"x"}"#.utf8), accepted("1", "x")),
        JsonlCase("raw tab inside a string", "{\"from\":\"1\",\"text\":\"a\tb\"}", accepted("1", "a\tb")),
        JsonlCase("keys in any order", #"{"text":"x","to":"1708","from":"1"}"#, accepted("1", "x", to: "1708")),
    ]

    /// Text that cannot be represented is repaired and flagged, as the other gateways do.
    static let damaged: [JsonlCase] = [
        JsonlCase("lone high surrogate", #"{"from":"1","text":"a\uD83Db"}"#, accepted("1", "a\u{FFFD}b", damaged: true)),
        JsonlCase("lone low surrogate", #"{"from":"1","text":"a\uDE00b"}"#, accepted("1", "a\u{FFFD}b", damaged: true)),
        JsonlCase(
            "high surrogate followed by a non-surrogate escape", #"{"from":"1","text":"\uD83D\u0041"}"#,
            accepted("1", "\u{FFFD}A", damaged: true)),
        JsonlCase("escaped NUL is dropped", #"{"from":"1","text":"a\u0000b"}"#, accepted("1", "ab", damaged: true)),
        JsonlCase("raw NUL is dropped", Array(#"{"from":"1","text":"a"#.utf8) + [0] + Array(#"b"}"#.utf8), accepted("1", "ab", damaged: true)),
        JsonlCase(
            "invalid UTF-8 inside the text", Array(#"{"from":"1","text":"caf"#.utf8) + [0xE9] + Array(#""}"#.utf8),
            accepted("1", "caf\u{FFFD}", damaged: true)),
    ]

    static let bad: [JsonlCase] = [
        JsonlCase("missing from", #"{"text":"x"}"#, rejected(#"missing "from""#)),
        JsonlCase("missing text", #"{"from":"1"}"#, rejected(#"missing "text""#)),
        JsonlCase("empty object", "{}", rejected(#"missing "from""#)),
        JsonlCase("empty from", #"{"from":"","text":"x"}"#, rejected(#""from" is empty"#)),
        JsonlCase("null from", #"{"from":null,"text":"x"}"#, rejected(#""from" is not a string or a whole number"#)),
        JsonlCase("fractional from", #"{"from":62.5,"text":"x"}"#, rejected(#""from" is not a string or a whole number"#)),
        JsonlCase("negative from", #"{"from":-62,"text":"x"}"#, rejected(#""from" is not a string or a whole number"#)),
        JsonlCase("object from", #"{"from":{"n":"1"},"text":"x"}"#, rejected(#""from" is not a string or a whole number"#)),
        JsonlCase("numeric text", #"{"from":"1","text":42}"#, rejected(#""text" is not a string"#)),
        JsonlCase("null text", #"{"from":"1","text":null}"#, rejected(#""text" is not a string"#)),
        JsonlCase("array text", #"{"from":"1","text":["a"]}"#, rejected(#""text" is not a string"#)),
        JsonlCase("boolean to", #"{"from":"1","to":true,"text":"x"}"#, rejected(#""to" is not a string or a whole number"#)),
        JsonlCase("exponent id", #"{"id":1e3,"from":"1","text":"x"}"#, rejected(#""id" is not a string or a whole number"#)),
        JsonlCase("object received_at", #"{"from":"1","text":"x","received_at":{}}"#, rejected(#""received_at" is not a string or a whole number"#)),
        JsonlCase("numeric udh", #"{"from":"1","text":"x","udh":5}"#, rejected(#""udh" is not a string"#)),
        JsonlCase("duplicate from", #"{"from":"1","from":"2","text":"x"}"#, rejected(#"duplicate "from""#)),
        JsonlCase("array", #"[{"from":"1","text":"x"}]"#, rejected("not a JSON object")),
        JsonlCase("bare string", #""hello""#, rejected("not a JSON object")),
        JsonlCase("plain text", "6281234567890 BANJAR", rejected("not a JSON object")),
        JsonlCase("empty line", "", rejected("empty line")),
        JsonlCase("blank line", " \r", rejected("empty line")),
        JsonlCase("invalid UTF-8 outside strings", [0xFF, 0xFE], rejected("not a JSON object")),
        JsonlCase("cut short", #"{"from":"1","text":"x"#, rejected("malformed JSON at byte 20: unterminated string")),
        JsonlCase("cut after a value", #"{"from":"1""#, rejected("malformed JSON at byte 12: unterminated object")),
        JsonlCase("two objects", #"{"from":"1","text":"x"}{"from":"2","text":"y"}"#, rejected("malformed JSON at byte 24: data after the JSON object")),
        JsonlCase("trailing comma", #"{"from":"1","text":"x",}"#, rejected("malformed JSON at byte 24: expected a key")),
        JsonlCase("unquoted key", #"{from:"1","text":"x"}"#, rejected("malformed JSON at byte 2: expected a key")),
        JsonlCase("missing colon", #"{"from" "1","text":"x"}"#, rejected("malformed JSON at byte 9: expected ':' after a key")),
        JsonlCase("single quotes", #"{'from':'1'}"#, rejected("malformed JSON at byte 2: expected a key")),
        JsonlCase("unknown escape", #"{"from":"1","text":"\x41"}"#, rejected("malformed JSON at byte 21: unknown escape")),
        JsonlCase("short unicode escape", #"{"from":"1","text":"\u12"#, rejected("malformed JSON at byte 21: short \\u escape")),
        JsonlCase("bad hex in unicode escape", #"{"from":"1","text":"\u12G4"}"#, rejected("malformed JSON at byte 21: bad \\u escape")),
        JsonlCase("leading zero", #"{"id":012,"from":"1","text":"x"}"#, rejected("malformed JSON at byte 8: expected ',' or '}'")),
        JsonlCase("bad literal", #"{"from":"1","text":"x","ok":nope}"#, rejected("malformed JSON at byte 29: expected a value")),
        JsonlCase("bad number in an unknown key", #"{"cost":-,"from":"1","text":"x"}"#, rejected("malformed JSON at byte 9: bad number")),
        JsonlCase("unterminated nested array", #"{"x":[1,2"#, rejected("malformed JSON at byte 10: unterminated array")),
    ]

    @Test(arguments: good) func acceptsGoodLines(_ c: JsonlCase) {
        #expect(JsonlLine.parse(c.line) == c.expected)
    }

    @Test(arguments: damaged) func repairsAndFlagsUnrepresentableText(_ c: JsonlCase) {
        #expect(JsonlLine.parse(c.line) == c.expected)
    }

    @Test(arguments: bad) func rejectsBadLinesWithAReason(_ c: JsonlCase) {
        #expect(JsonlLine.parse(c.line) == c.expected)
    }

    /// A hostile line nested millions deep must be refused, not overflow the stack.
    @Test func deepNestingIsRejectedNotRecursedInto() {
        let depth = 4_000_000
        let line = #"{"from":"1","text":"x","junk":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        #expect(JsonlLine.parse(Array(line.utf8)) == rejected("JSON nested too deeply"))
    }

    @Test func nestingWithinTheLimitIsSkipped() {
        let depth = 60
        let line = #"{"from":"1","text":"x","junk":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        #expect(JsonlLine.parse(Array(line.utf8)) == accepted("1", "x"))
    }

    /// Every byte sequence must produce a result, never a trap.
    @Test func arbitraryBytesNeverTrap() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array(#"{}[]":,\u0123456789abcdefDE-+.e tnrfl"#.utf8) + [0, 0xC3, 0xA9, 0xFF, 0xED, 0xA0, 0x80]
        let seed = Array(#"{"id":1,"from":"1","text":"\uD83D\uDE00","udh":"050003A70201"}"#.utf8)
        for _ in 0..<20_000 {
            var line = seed
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let at = Int.random(in: 0..<line.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: line[at] = alphabet.randomElement(using: &generator) ?? 0
                case 1: line.remove(at: at)
                default: line.insert(alphabet.randomElement(using: &generator) ?? 0, at: at)
                }
            }
            _ = JsonlLine.parse(line)
            _ = JsonlLine.parse(Array(line.prefix(Int.random(in: 0...line.count, using: &generator))))
        }
    }
}
