import Foundation

/// The text a router reads, derived from what the citizen wrote.
///
/// Phones insert zero-width characters, send decomposed accents and pad with
/// odd whitespace; none of that may decide where a complaint goes. The
/// original text is stored untouched elsewhere.
public enum MessageText {
    static let zeroWidth: Set<Unicode.Scalar> = ["\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}", "\u{00AD}"]

    /// NFC, zero-width characters dropped, runs of whitespace collapsed to one
    /// space, trimmed.
    public static func normalise(_ text: String) -> String {
        // ASCII is already NFC and has no zero-width characters: the common
        // case is collapsed on the bytes, without Foundation's normaliser.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            var out: [UInt8] = []
            out.reserveCapacity(text.utf8.count)
            var pendingSpace = false
            for byte in text.utf8 {
                if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) || byte == 0 {
                    pendingSpace = !out.isEmpty
                    continue
                }
                if pendingSpace {
                    out.append(0x20)
                    pendingSpace = false
                }
                out.append(byte)
            }
            return String(decoding: out, as: UTF8.self)
        }
        let nfc = text.precomposedStringWithCanonicalMapping
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in nfc.unicodeScalars {
            if zeroWidth.contains(scalar) { continue }
            if scalar.properties.isWhitespace || scalar == "\u{0}" {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(" "); pendingSpace = false }
            out.append(scalar)
        }
        return String(out)
    }

    /// The key duplicates are compared by (§3.8): normalised, case-folded.
    public static func dedupeKey(_ text: String) -> String {
        normalise(text).lowercased()
    }

    /// Splits normalised text into words as a keyword parser sees them:
    /// whitespace and the separators of §3.3 both end a word. Each word
    /// carries the index where the text after it begins.
    ///
    /// `limit` stops after that many words that `counts` accepts: a router
    /// reads only the first few, and a complaint's body is long.
    static func words(_ text: String, limit: Int = .max,
                      counts: (Substring) -> Bool = { _ in true }) -> [(word: Substring, restStart: String.Index)] {
        text.utf8.allSatisfy({ $0 < 0x80 })
            ? asciiWords(text, limit: limit, counts: counts) : characterWords(text, limit: limit, counts: counts)
    }

    static func characterWords(_ text: String, limit: Int,
                               counts: (Substring) -> Bool) -> [(word: Substring, restStart: String.Index)] {
        split(text, as: text, limit: limit, counts: counts, isBreak: isBreak)
    }

    static func isBreak(_ c: Character) -> Bool {
        c.isWhitespace || Keyword.separators.contains(c)
    }

    /// ``words(_:limit:counts:)`` for ASCII text, on its bytes: the same
    /// breaks (ASCII whitespace and the separators) without Unicode's tables.
    static func asciiWords(_ text: String, limit: Int,
                           counts: (Substring) -> Bool) -> [(word: Substring, restStart: String.Index)] {
        split(text, as: text.utf8, limit: limit, counts: counts, isBreak: { asciiBreaks[Int($0)] })
    }

    /// The word split over one of the text's views (its Characters, or its
    /// bytes when they are ASCII), which share the text's indices.
    static func split<View: Collection>(_ text: String, as view: View, limit: Int, counts: (Substring) -> Bool,
                                        isBreak: (View.Element) -> Bool) -> [(word: Substring, restStart: String.Index)]
        where View.Index == String.Index {
        var result: [(Substring, String.Index)] = []
        var counted = 0
        var i = view.startIndex
        while i < view.endIndex, counted < limit {
            while i < view.endIndex, isBreak(view[i]) { i = view.index(after: i) }
            guard i < view.endIndex else { break }
            let start = i
            while i < view.endIndex, !isBreak(view[i]) { i = view.index(after: i) }
            let word = text[start..<i]
            // The rest starts after the separators and spaces that follow the word.
            var rest = i
            while rest < view.endIndex, isBreak(view[rest]) { rest = view.index(after: rest) }
            result.append((word, rest))
            if counts(word) { counted += 1 }
        }
        return result
    }

    /// Which ASCII bytes end a word, as ``isBreak(_:)`` decides for them.
    static let asciiBreaks: [Bool] = (0..<128).map { byte in
        isBreak(Character(Unicode.Scalar(UInt8(byte))))
    }
}
