/// A ticket number the citizen can type back: the route's prefix, a dash and
/// the route's own sequence number, padded to at least four digits (`BJR-0042`).
public struct Ticket: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var prefix: String
    public var number: Int

    public init(prefix: String, number: Int) {
        self.prefix = prefix.uppercased()
        self.number = number
    }

    public var description: String {
        let digits = String(number)
        return prefix + "-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    public static func < (a: Ticket, b: Ticket) -> Bool {
        (a.prefix, a.number) < (b.prefix, b.number)
    }

    /// Reads a ticket the way citizens type it back: `bjr42`, `BJR 0042`,
    /// `Bjr-42`, `#BJR.0042`. Returns the ticket and the text after it, or nil
    /// when the text does not start with one.
    public static func parse(_ text: Substring) -> (ticket: Ticket, rest: Substring)? {
        var i = text.startIndex
        func skip(_ allowed: (Character) -> Bool) {
            while i < text.endIndex, allowed(text[i]) { i = text.index(after: i) }
        }
        skip { $0.isWhitespace || $0 == "#" }
        let letterStart = i
        skip { $0.isASCII && $0.isLetter }
        let letters = text[letterStart..<i]
        guard (2...5).contains(letters.count) else { return nil }
        // At most a couple of separators between the letters and the digits.
        let sepStart = i
        skip { $0 == " " || $0 == "-" || $0 == "_" || $0 == "." || $0 == "/" || $0 == "#" }
        guard text.distance(from: sepStart, to: i) <= 2 else { return nil }
        let digitStart = i
        skip { $0.isASCII && $0.isNumber }
        let digits = text[digitStart..<i]
        guard (1...9).contains(digits.count), let number = Int(digits), number > 0 else { return nil }
        // A ticket is a whole word: `BJR-42abc` is not `BJR-42`.
        if i < text.endIndex {
            let next = text[i]
            guard next.isWhitespace || Keyword.separators.contains(next) || next == "?" || next == "!" else { return nil }
        }
        var rest = text[i...]
        while let f = rest.first, f.isWhitespace || Keyword.separators.contains(f) { rest = rest.dropFirst() }
        return (Ticket(prefix: String(letters), number: number), rest)
    }

    /// Parses a ticket that should be the whole text (CLI arguments).
    public init?(_ text: String) {
        guard let (ticket, rest) = Ticket.parse(Substring(text)), rest.isEmpty else { return nil }
        self = ticket
    }
}
