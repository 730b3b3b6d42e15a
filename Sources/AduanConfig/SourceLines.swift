/// Where each key of a TOML document was written.
///
/// TOMLKit gives values but no positions, and a config error without a line
/// number sends the operator hunting. This is a small scanner over the raw
/// text that notes positions. Syntax errors are TOMLKit's to report, so the
/// scanner is lenient: on anything it does not follow it skips to the next
/// line rather than failing.
///
/// Paths look like `service.dedupe_window`, `routes[2].keyword`,
/// `routes[2].aliases[1]` (indices count from 0, as in the parsed arrays).
public struct SourceLines: Sendable {
    private var lines: [String: Int] = [:]

    /// Mistakes that the toml++ inside TOMLKit 0.6.0 does not report but
    /// aborts the whole process on (a failed assertion; toml++ PR #301 fixed
    /// the first upstream): a table header with no name after its brackets
    /// (`[[[routes]]`, a `[` ending its line), a `}` where a list expects a
    /// value (`["a", }`), and malformed bare values (`2026-01-01t:0`, see
    /// `TOMLScalar`). A typo must not kill a daemon reloading on SIGHUP, so
    /// the loader refuses these itself, before TOMLKit sees the text.
    public private(set) var parserTraps: [(line: Int, message: String)] = []

    public init(_ text: String) {
        var scanner = Scanner(bytes: Array(text.utf8))
        scanner.run()
        lines = scanner.lines
        parserTraps = scanner.parserTraps
    }

    /// The line of `path`, or of its nearest enclosing key or table that was
    /// written down: a missing key is reported at its table's header.
    public func line(_ path: String) -> Int? {
        var current = Substring(path)
        while !current.isEmpty {
            if let line = lines[String(current)] { return line }
            current = Self.parent(of: current)
        }
        return nil
    }

    /// The line of exactly this path, with no fallback.
    public func exactLine(_ path: String) -> Int? {
        lines[path]
    }

    static func parent(of path: Substring) -> Substring {
        guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { return "" }
        return path[..<cut]
    }

    static func join(_ base: String, _ key: String) -> String {
        base.isEmpty ? key : base + "." + key
    }
}

extension SourceLines {
    /// A byte-level walk of TOML's grammar, just deep enough to know which key
    /// each line belongs to: headers, dotted and quoted keys, strings that span
    /// lines, arrays and inline tables (whose elements are noted too).
    fileprivate struct Scanner {
        let bytes: [UInt8]
        var pos = 0
        var line = 1
        var lines: [String: Int] = [:]
        /// How many `[[name]]` tables each array has had so far.
        var arrayCounts: [String: Int] = [:]
        var table = ""
        var parserTraps: [(line: Int, message: String)] = []

        init(bytes: [UInt8]) {
            self.bytes = bytes
            // Windows editors may save a byte-order mark; TOML allows it, so skip it too.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { pos = 3 }
        }

        var atEnd: Bool { pos >= bytes.count }

        func peek(_ offset: Int = 0) -> UInt8? {
            pos + offset < bytes.count ? bytes[pos + offset] : nil
        }

        mutating func advance() {
            if bytes[pos] == UInt8(ascii: "\n") { line += 1 }
            pos += 1
        }

        mutating func note(_ path: String, _ at: Int) {
            if lines[path] == nil { lines[path] = at }
        }

        mutating func run() {
            while !atEnd {
                skipBlanks()
                guard let c = peek() else { return }
                switch c {
                case UInt8(ascii: "\n"):
                    advance()
                case UInt8(ascii: "#"):
                    skipLine()
                case UInt8(ascii: "["):
                    header()
                    skipLine()
                default:
                    keyValue(in: table)
                    skipLine()
                }
            }
        }

        mutating func header() {
            let at = line
            advance()
            let isArray = peek() == UInt8(ascii: "[")
            if isArray { advance() }
            // Only spaces and tabs, as toml++ skips: to it a `\r` here is no blank (fuzzer: `[[\r`).
            while let b = peek(), b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") { advance() }
            if let c = peek(), !Self.isBare(c), c != UInt8(ascii: "\""), c != UInt8(ascii: "'"), c != UInt8(ascii: "]") {
                parserTraps.append((at, "a table header needs a name after its brackets, saw \(Self.describe(c))"))
            }
            guard let keys = keyPath(), !keys.isEmpty else { return }
            var base = ""
            for key in keys.dropLast() {
                base = SourceLines.join(base, key)
                if let count = arrayCounts[base] { base += "[\(count - 1)]" }
            }
            base = SourceLines.join(base, keys[keys.count - 1])
            if isArray {
                let index = arrayCounts[base, default: 0]
                arrayCounts[base] = index + 1
                note(base, at)
                table = base + "[\(index)]"
            } else {
                table = base
            }
            note(table, at)
        }

        /// `a.b."c d" = value`, recording the key and the tables it implies.
        mutating func keyValue(in base: String) {
            let at = line
            guard let keys = keyPath(), !keys.isEmpty else { return }
            skipBlanks()
            guard peek() == UInt8(ascii: "=") else { return }
            advance()
            var path = base
            for key in keys {
                path = SourceLines.join(path, key)
                note(path, at)
            }
            value(at: path)
        }

        /// Dotted key; nil when the text is no key at all.
        mutating func keyPath() -> [String]? {
            var keys: [String] = []
            while true {
                skipBlanks()
                guard let key = simpleKey() else { return nil }
                keys.append(key)
                skipBlanks()
                guard peek() == UInt8(ascii: ".") else { return keys }
                advance()
            }
        }

        mutating func simpleKey() -> String? {
            guard let c = peek() else { return nil }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                advance()
                var raw: [UInt8] = []
                while let b = peek(), b != c, b != UInt8(ascii: "\n") {
                    if c == UInt8(ascii: "\""), b == UInt8(ascii: "\\"), let next = peek(1), next != UInt8(ascii: "\n") {
                        advance()
                        raw.append(next)
                    } else {
                        raw.append(b)
                    }
                    advance()
                }
                guard peek() == c else { return nil }
                advance()
                return String(decoding: raw, as: UTF8.self)
            }
            let start = pos
            while let b = peek(), Self.isBare(b) { advance() }
            guard pos > start else { return nil }
            return String(decoding: bytes[start..<pos], as: UTF8.self)
        }

        static func isBare(_ b: UInt8) -> Bool {
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
        }

        mutating func value(at path: String) {
            skipBlanks()
            guard let c = peek() else { return }
            switch c {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                string(quote: c)
            case UInt8(ascii: "["):
                array(at: path)
            case UInt8(ascii: "{"):
                inlineTable(at: path)
            default:
                let (start, at) = (pos, line)
                while let b = peek(), !Self.endsScalar(b) { advance() }
                var end = pos
                while end > start, [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r")].contains(bytes[end - 1]) {
                    end -= 1
                }
                let text = String(decoding: bytes[start..<end], as: UTF8.self)
                if !TOMLScalar.isValid(text) {
                    let hint = text.isEmpty ? "a value is missing" : "\(text) is not a TOML value; put text in quotes, like \"\(text)\""
                    parserTraps.append((at, hint))
                }
            }
        }

        static func describe(_ b: UInt8) -> String {
            switch b {
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"): "the end of the line"
            case UInt8(ascii: "#"): "a comment"
            case 0x21...0x7E: "'\(Character(Unicode.Scalar(b)))'"
            default: "a character that cannot start a name"
            }
        }

        static func endsScalar(_ b: UInt8) -> Bool {
            b == UInt8(ascii: ",") || b == UInt8(ascii: "]") || b == UInt8(ascii: "}")
                || b == UInt8(ascii: "\n") || b == UInt8(ascii: "#")
        }

        /// Basic or literal, single- or multi-line; multi-line strings are why
        /// a line-by-line reading would mistake their contents for keys.
        mutating func string(quote: UInt8) {
            let escapes = quote == UInt8(ascii: "\"")
            if peek(1) == quote, peek(2) == quote {
                advance(); advance(); advance()
                while !atEnd {
                    if escapes, peek() == UInt8(ascii: "\\") {
                        advance()
                        if !atEnd { advance() }
                        continue
                    }
                    if peek() == quote, peek(1) == quote, peek(2) == quote {
                        advance(); advance(); advance()
                        // A closing delimiter may carry up to two quotes of content before it.
                        if peek() == quote { advance() }
                        if peek() == quote { advance() }
                        return
                    }
                    advance()
                }
                return
            }
            advance()
            while let b = peek(), b != quote, b != UInt8(ascii: "\n") {
                if escapes, b == UInt8(ascii: "\\"), peek(1) != nil, peek(1) != UInt8(ascii: "\n") { advance() }
                advance()
            }
            if peek() == quote { advance() }
        }

        mutating func array(at path: String) {
            advance()
            var index = 0
            while true {
                skipBlanksAndComments()
                guard let c = peek() else { return }
                if c == UInt8(ascii: "]") { advance(); return }
                if c == UInt8(ascii: "}") {
                    parserTraps.append((line, "a list holds '}' where a value or ']' should be"))
                    return
                }
                let element = path + "[\(index)]"
                note(element, line)
                value(at: element)
                index += 1
                skipBlanksAndComments()
                // Each turn either passes a comma or ends, so malformed input cannot loop.
                guard peek() == UInt8(ascii: ",") else {
                    if peek() == UInt8(ascii: "]") { advance() }
                    return
                }
                advance()
            }
        }

        mutating func inlineTable(at path: String) {
            advance()
            while true {
                skipBlanksAndComments()
                guard let c = peek() else { return }
                if c == UInt8(ascii: "}") { advance(); return }
                keyValue(in: path)
                skipBlanksAndComments()
                guard peek() == UInt8(ascii: ",") else {
                    if peek() == UInt8(ascii: "}") { advance() }
                    return
                }
                advance()
            }
        }

        mutating func skipBlanks() {
            while let b = peek(), b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") {
                advance()
            }
        }

        mutating func skipBlanksAndComments() {
            while let b = peek() {
                if b == UInt8(ascii: "#") {
                    while let c = peek(), c != UInt8(ascii: "\n") { advance() }
                } else if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r")
                    || b == UInt8(ascii: "\n")
                {
                    advance()
                } else {
                    return
                }
            }
        }

        /// Past the end of the current line: trailing comments, or whatever the
        /// scanner did not understand.
        mutating func skipLine() {
            while let b = peek(), b != UInt8(ascii: "\n") { advance() }
            if !atEnd { advance() }
        }
    }
}
