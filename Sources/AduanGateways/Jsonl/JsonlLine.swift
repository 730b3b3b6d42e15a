/// One line of a shortcode/aggregator log (`kind = "jsonl"`):
/// `{"id":…, "from":…, "to":…, "text":…, "received_at":…, "udh":…}`.
///
/// Parsed by hand rather than with JSONSerialization, whose numbers go through Double
/// (an id like 12345678901234567890 would lose digits and two messages could share one)
/// and whose handling of lone surrogates differs between platforms.
///
/// Bytes that cannot be text (invalid UTF-8 inside a string, a lone `\uD83D`, NUL) are
/// replaced or dropped and `damaged` is set, as ``TextDecoding`` does for the other
/// gateways: a citizen's message with one bad byte is still a complaint. Anything that
/// leaves the message's structure in doubt is rejected instead.
public enum JsonlLine {
    /// Values of unknown keys are skipped, but a hostile line must not exhaust the stack.
    static let maximumDepth = 64

    /// - Parameter bytes: one line without its `\n`; a trailing `\r` is JSON whitespace.
    public static func parse(_ bytes: [UInt8]) -> Result<InboundSMS, InboundRejection> {
        var parser = Parser(bytes)
        do throws(InboundRejection) {
            return .success(try parser.message())
        } catch {
            return .failure(error)
        }
    }
}

// MARK: - Fields

extension JsonlLine {
    fileprivate enum Value {
        case string(String)
        /// As written, so no digit is lost; `integer` when it has no fraction or exponent.
        case number(String, integer: Bool)
        /// A boolean, object or array: never what a field wants.
        case other
        case null
    }

    fileprivate struct Fields {
        var id: Value?
        var from: Value?
        var to: Value?
        var text: Value?
        var receivedAt: Value?
        var udh: Value?

        func build() throws(InboundRejection) -> InboundSMS {
            guard let from else { throw InboundRejection(#"missing "from""#) }
            let sender: String
            switch from {
            case .string(let s): sender = s
            // Some aggregators emit MSISDNs as JSON numbers; their digits are the number.
            case .number(let digits, integer: true) where !digits.hasPrefix("-"): sender = digits
            default: throw InboundRejection(#""from" is not a string or a whole number"#)
            }
            guard !sender.isEmpty else { throw InboundRejection(#""from" is empty"#) }

            guard let text else { throw InboundRejection(#"missing "text""#) }
            guard case .string(let body) = text else { throw InboundRejection(#""text" is not a string"#) }

            let part: ConcatenationPart?
            switch udh {
            case nil, .null: part = nil
            // Malformed hex gives no part rather than a wrong one, as for smstools.
            case .string(let hex): part = SmstoolsInbound.hexBytes(hex).flatMap(UDH.concatenation)
            default: throw InboundRejection(#""udh" is not a string"#)
            }

            return InboundSMS(
                sender: sender,
                recipient: try Self.optionalText(to, key: "to"),
                text: body,
                sentAt: try Self.optionalText(receivedAt, key: "received_at"),
                part: part,
                externalID: try Self.optionalText(id, key: "id", allowNegative: true)
            )
        }

        /// An empty id is no id: treated as one, every id-less line would be a re-delivery
        /// of the first.
        private static func optionalText(_ value: Value?, key: String, allowNegative: Bool = false) throws(InboundRejection) -> String? {
            switch value {
            case nil, .null: return nil
            case .string(let s): return s.isEmpty ? nil : s
            case .number(let digits, integer: true) where allowNegative || !digits.hasPrefix("-"): return digits
            default: throw InboundRejection("\"\(key)\" is not a string or a whole number")
            }
        }
    }
}

// MARK: - Parser

extension JsonlLine {
    fileprivate struct Parser {
        private let bytes: [UInt8]
        private var index: Int
        private var damaged = false

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            // A BOM left by an editor or a Windows tool on the first line.
            index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        }

        mutating func message() throws(InboundRejection) -> InboundSMS {
            skipWhitespace()
            guard let first = peek() else { throw InboundRejection("empty line") }
            guard first == UInt8(ascii: "{") else { throw InboundRejection("not a JSON object") }
            index += 1

            var fields = Fields()
            skipWhitespace()
            if peek() == UInt8(ascii: "}") {
                index += 1
            } else {
                while true {
                    skipWhitespace()
                    guard peek() == UInt8(ascii: "\"") else { throw malformed("expected a key") }
                    let key = try string()
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"), "expected ':' after a key")
                    skipWhitespace()
                    try member(key, into: &fields)
                    skipWhitespace()
                    guard let next = peek() else { throw malformed("unterminated object") }
                    index += 1
                    if next == UInt8(ascii: "}") { break }
                    guard next == UInt8(ascii: ",") else { throw malformed("expected ',' or '}'", at: index - 1) }
                }
            }
            skipWhitespace()
            guard index == bytes.count else { throw malformed("data after the JSON object") }

            var sms = try fields.build()
            sms.damaged = damaged
            return sms
        }

        private mutating func member(_ key: String, into fields: inout Fields) throws(InboundRejection) {
            let slot: WritableKeyPath<Fields, Value?>
            switch key {
            case "id": slot = \.id
            case "from": slot = \.from
            case "to": slot = \.to
            case "text": slot = \.text
            case "received_at": slot = \.receivedAt
            case "udh": slot = \.udh
            default:
                // Aggregators add their own fields (operator, cost, dlr …).
                try skipValue(depth: 1)
                return
            }
            // Picking either copy could route or identify the message wrongly.
            guard fields[keyPath: slot] == nil else { throw InboundRejection("duplicate \"\(key)\"") }
            fields[keyPath: slot] = try scalar()
        }

        private mutating func scalar() throws(InboundRejection) -> Value {
            guard let c = peek() else { throw malformed("expected a value") }
            switch c {
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (text, integer) = try number()
                return .number(text, integer: integer)
            case UInt8(ascii: "n"):
                try literal("null")
                return .null
            case UInt8(ascii: "t"):
                try literal("true")
                return .other
            case UInt8(ascii: "f"):
                try literal("false")
                return .other
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                try skipValue(depth: 1)
                return .other
            default:
                throw malformed("expected a value")
            }
        }

        private mutating func skipValue(depth: Int) throws(InboundRejection) {
            guard depth <= JsonlLine.maximumDepth else { throw InboundRejection("JSON nested too deeply") }
            guard let c = peek() else { throw malformed("expected a value") }
            guard c == UInt8(ascii: "{") || c == UInt8(ascii: "[") else {
                _ = try scalar()
                return
            }
            let isObject = c == UInt8(ascii: "{")
            let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            index += 1
            skipWhitespace()
            if peek() == close {
                index += 1
                return
            }
            while true {
                skipWhitespace()
                if isObject {
                    guard peek() == UInt8(ascii: "\"") else { throw malformed("expected a key") }
                    _ = try string()
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"), "expected ':' after a key")
                    skipWhitespace()
                }
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard let next = peek() else { throw malformed(isObject ? "unterminated object" : "unterminated array") }
                index += 1
                if next == close { return }
                guard next == UInt8(ascii: ",") else { throw malformed("expected ',' or a closing bracket", at: index - 1) }
            }
        }

        // MARK: Strings

        /// The string starting at the opening quote under `index`.
        private mutating func string() throws(InboundRejection) -> String {
            let start = index
            index += 1
            var utf8: [UInt8] = []
            while true {
                guard index < bytes.count else { throw malformed("unterminated string", at: start) }
                let c = bytes[index]
                index += 1
                switch c {
                case UInt8(ascii: "\""):
                    if let text = String(validating: utf8, as: UTF8.self) { return text }
                    damaged = true
                    return String(decoding: utf8, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    try escape(into: &utf8)
                case 0:
                    // Dropped for the same reason as in TextDecoding: C tools downstream cut at it.
                    damaged = true
                default:
                    // Raw tabs and other control characters are invalid JSON, but a sloppy
                    // writer's tab must not cost a citizen's complaint.
                    utf8.append(c)
                }
            }
        }

        private mutating func escape(into utf8: inout [UInt8]) throws(InboundRejection) {
            guard index < bytes.count else { throw malformed("unterminated string") }
            let c = bytes[index]
            index += 1
            switch c {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(c)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                let unit = try hexUnit()
                let scalar: Unicode.Scalar?
                switch unit {
                case 0xD800...0xDBFF:
                    // An emoji arrives as a pair: \uD83D\uDE00.
                    if bytes[index...].starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "u")]) {
                        let mark = index
                        index += 2
                        let low = try hexUnit()
                        if (0xDC00...0xDFFF).contains(low) {
                            scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                        } else {
                            // Not a pair: the next escape is read again on its own.
                            index = mark
                            scalar = nil
                        }
                    } else {
                        scalar = nil
                    }
                case 0xDC00...0xDFFF:
                    scalar = nil
                default:
                    scalar = Unicode.Scalar(unit)
                }
                guard let scalar else {
                    damaged = true
                    utf8.append(contentsOf: [0xEF, 0xBF, 0xBD])  // U+FFFD
                    return
                }
                if scalar.value == 0 {
                    damaged = true
                    return
                }
                UTF8.encode(scalar) { utf8.append($0) }
            default:
                throw malformed("unknown escape", at: index - 2)
            }
        }

        /// The four digits after `\u`, which `index` has just passed.
        private mutating func hexUnit() throws(InboundRejection) -> UInt32 {
            let escapeStart = index - 2
            guard index + 4 <= bytes.count else { throw malformed("short \\u escape", at: escapeStart) }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[index]
                let nibble: UInt32
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = UInt32(c - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = UInt32(c - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = UInt32(c - UInt8(ascii: "A") + 10)
                default: throw malformed("bad \\u escape", at: escapeStart)
                }
                value = value << 4 | nibble
                index += 1
            }
            return value
        }

        // MARK: Numbers and literals

        private mutating func number() throws(InboundRejection) -> (String, integer: Bool) {
            let start = index
            if peek() == UInt8(ascii: "-") { index += 1 }
            guard let lead = peek(), isDigit(lead) else { throw malformed("bad number", at: start) }
            index += 1
            if lead != UInt8(ascii: "0") { skipDigits() }
            var integer = true
            if peek() == UInt8(ascii: ".") {
                integer = false
                index += 1
                guard skipDigits() > 0 else { throw malformed("bad number", at: start) }
            }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                integer = false
                index += 1
                if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
                guard skipDigits() > 0 else { throw malformed("bad number", at: start) }
            }
            // Only ASCII digits and signs were consumed.
            return (String(decoding: bytes[start..<index], as: UTF8.self), integer)
        }

        @discardableResult
        private mutating func skipDigits() -> Int {
            let start = index
            while let c = peek(), isDigit(c) { index += 1 }
            return index - start
        }

        private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

        private mutating func literal(_ word: String) throws(InboundRejection) {
            guard bytes[index...].starts(with: word.utf8) else { throw malformed("expected a value") }
            index += word.utf8.count
        }

        // MARK: Plumbing

        private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        private mutating func skipWhitespace() {
            while let c = peek(), c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { index += 1 }
        }

        private mutating func expect(_ c: UInt8, _ what: String) throws(InboundRejection) {
            guard peek() == c else { throw malformed(what) }
            index += 1
        }

        /// Column numbers let an operator find the fault with `cut -c`.
        private func malformed(_ what: String, at position: Int? = nil) -> InboundRejection {
            InboundRejection("malformed JSON at byte \((position ?? index) + 1): \(what)")
        }
    }
}
