/// Finds configured words and phrases (`jalan`, `rumah sakit`) in a complaint.
///
/// Matching is on whole words, case-insensitive, so `jalanan` does not count
/// as `jalan` and `KTP,` counts as `ktp`.
public struct PhraseMatcher: Sendable {
    let phrases: [[String]]
    /// The phrases (by index) that begin with each word: a complaint's words
    /// are each looked up once rather than compared with every phrase.
    let byFirstWord: [String: [Int]]

    public init(_ phrases: [String]) {
        self.phrases = phrases.map(Self.tokens).filter { !$0.isEmpty }
        var byFirstWord: [String: [Int]] = [:]
        for (index, phrase) in self.phrases.enumerated() { byFirstWord[phrase[0], default: []].append(index) }
        self.byFirstWord = byFirstWord
    }

    /// The words of a text, lower-cased: letters and digits, anything else
    /// separates. Every complaint is tokenised on the ingest path; most are
    /// ASCII, which is split on the bytes rather than by Unicode properties.
    public static func tokens(_ text: String) -> [String] {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else {
            return text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
        }
        var words: [String] = []
        var word: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case 0x41...0x5A: word.append(byte | 0x20)
            case 0x61...0x7A, 0x30...0x39: word.append(byte)
            default:
                if !word.isEmpty {
                    words.append(String(decoding: word, as: UTF8.self))
                    word.removeAll(keepingCapacity: true)
                }
            }
        }
        if !word.isEmpty { words.append(String(decoding: word, as: UTF8.self)) }
        return words
    }

    /// How many of the phrases occur in the text (each counted once).
    public func hits(in text: String) -> Int {
        hits(inTokens: Self.tokens(text))
    }

    /// ``hits(in:)`` for a text already split by ``tokens(_:)``, when several
    /// matchers look at the same complaint.
    public func hits(inTokens words: [String]) -> Int {
        var found: Set<Int> = []
        for (start, word) in words.enumerated() {
            guard let candidates = byFirstWord[word] else { continue }
            for index in candidates where !found.contains(index) {
                let phrase = phrases[index]
                if start + phrase.count <= words.count, words[start..<(start + phrase.count)].elementsEqual(phrase) {
                    found.insert(index)
                }
            }
        }
        return found.count
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
        let words = PhraseMatcher.tokens(text)
        let scored = agencies.map { ($0.id, $0.matcher.hits(inTokens: words)) }.filter { $0.1 > 0 }
        guard let best = scored.max(by: { $0.1 < $1.1 }) else { return nil }
        let tied = scored.filter { $0.1 == best.1 }.count > 1
        return (best.0, !tied)
    }
}
