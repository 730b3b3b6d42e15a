/// Who sent a message, as far as replying is concerned.
///
/// `+62812…`, `62812…` and `0812…` are one person, so numbers are kept as
/// international digits without `+`. Anything that is not a full phone number
/// is never answered: replying to a carrier's alphanumeric sender or a short
/// service number is how auto-reply loops start.
public enum Sender: Sendable, Hashable {
    /// A full phone number, international digits without `+`.
    case number(String)
    /// A short service number (e.g. the shortcode itself, `3636`).
    case short(String)
    /// Letters: a carrier or bank sender ID, or something the gateway mangled.
    case alphanumeric(String)

    /// Normalises what the gateway wrote.
    /// Trimmed of whitespace and newlines; Foundation only when an end is
    /// not plain ASCII (a sender is parsed for every message and log line).
    static func trimmed(_ raw: String) -> String {
        if let first = raw.utf8.first, let last = raw.utf8.last, first < 0x80, last < 0x80,
           first != 0x20, last != 0x20, !(0x09...0x0D).contains(first), !(0x09...0x0D).contains(last) {
            return raw
        }
        return raw.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public init(raw: String, countryCode: String) {
        let trimmed = Self.trimmed(raw)
        var text = trimmed
        text.removeAll { $0 == " " || $0 == "-" || $0 == "(" || $0 == ")" || $0 == "." }
        var international = false
        if text.hasPrefix("+") {
            international = true
            text.removeFirst()
        } else if text.hasPrefix("00") {
            international = true
            text.removeFirst(2)
        }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            self = .alphanumeric(trimmed)
            return
        }
        // Indonesian subscriber numbers have 9–13 digits after the 0; anything
        // much shorter is a service number, whatever its form.
        if text.count < 8 {
            self = .short(text)
        } else if international {
            self = .number(text)
        } else if text.hasPrefix("0") {
            self = .number(countryCode + text.dropFirst())
        } else if text.hasPrefix(countryCode) {
            self = .number(text)
        } else {
            // A national number written without its leading 0 (`812…`).
            self = .number(countryCode + text)
        }
    }

    /// The value stored in the database: digits for numbers, the text otherwise.
    public var stored: String {
        switch self {
        case .number(let d), .short(let d), .alphanumeric(let d): d
        }
    }

    public var kind: String {
        switch self {
        case .number: "number"
        case .short: "short"
        case .alphanumeric: "alphanumeric"
        }
    }

    /// The number to answer, when answering is allowed at all.
    public var replyNumber: String? {
        if case .number(let d) = self { d } else { nil }
    }

    /// For logs: never the whole number (§8).
    public var masked: String {
        switch self {
        case .number(let d): PhoneMask.mask(d)
        case .short(let d): d
        case .alphanumeric(let s): PhoneMask.sanitise(s)
        }
    }
}

public enum PhoneMask {
    /// `6281234567890` → `62812****7890`: enough to tell two reporters apart in
    /// a log, not enough to call them.
    public static func mask(_ digits: String) -> String {
        // Digits are ASCII: bytes, not characters (this runs for every log line).
        if digits.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes = Array(digits.utf8)
            for index in hidden(count: bytes.count) { bytes[index] = UInt8(ascii: "*") }
            return String(decoding: bytes, as: UTF8.self)
        }
        var chars = Array(digits)
        for index in hidden(count: chars.count) { chars[index] = "*" }
        return String(chars)
    }

    /// The positions ``mask(_:)`` hides: all of six digits or fewer, else
    /// all but up to five in front and the last four.
    private static func hidden(count: Int) -> Range<Int> {
        count > 6 ? min(5, count - 6)..<(count - 4) : 0..<count
    }

    /// Makes arbitrary sender text safe for a one-line log: digits masked,
    /// control and separator characters replaced.
    public static func sanitise(_ text: String) -> String {
        let cleaned = String(text.prefix(32).map { c -> Character in
            (c.isLetter || c.isNumber || c == "-" || c == "+") && c.isASCII ? c : "_"
        })
        let digits = cleaned.filter(\.isNumber).count
        return digits >= 7 ? mask(String(cleaned.filter(\.isNumber))) : cleaned
    }
}

import Foundation
