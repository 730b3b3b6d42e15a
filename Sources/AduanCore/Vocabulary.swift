/// Finds configured words and phrases (`jalan`, `rumah sakit`) in a complaint.
///
/// Matching is on whole words, case-insensitive, so `jalanan` does not count
/// as `jalan` and `KTP,` counts as `ktp`.
public struct PhraseMatcher: Sendable {
    let phrases: [[String]]

    public init(_ phrases: [String]) {
        self.phrases = phrases.map(Self.tokens).filter { !$0.isEmpty }
    }

    static func tokens(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    }

    /// How many of the phrases occur in the text (each counted once).
    public func hits(in text: String) -> Int {
        let words = Self.tokens(text)
        guard !words.isEmpty else { return 0 }
        var count = 0
        for phrase in phrases where phrase.count <= words.count {
            for start in 0...(words.count - phrase.count) where words[start..<(start + phrase.count)].elementsEqual(phrase) {
                count += 1
                break
            }
        }
        return count
    }

    public func matches(_ text: String) -> Bool { hits(in: text) > 0 }
}

/// Suggests the agency whose words a complaint mentions most (§3.10).
public struct AgencySuggester: Sendable {
    let agencies: [(id: String, matcher: PhraseMatcher)]

    public init(_ agencies: [Agency]) {
        self.agencies = agencies.map { ($0.id, PhraseMatcher($0.words)) }
    }

    /// The suggested agency, and whether it is a single clear suggestion (no tie).
    public func suggest(_ text: String) -> (agency: String, clear: Bool)? {
        let scored = agencies.map { ($0.id, $0.matcher.hits(in: text)) }.filter { $0.1 > 0 }
        guard let best = scored.max(by: { $0.1 < $1.1 }) else { return nil }
        let tied = scored.filter { $0.1 == best.1 }.count > 1
        return (best.0, !tied)
    }
}
