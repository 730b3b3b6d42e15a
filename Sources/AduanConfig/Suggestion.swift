import AduanCore

/// "Did you mean …?" for misspelt keys and placeholders: the point of refusing
/// unknown keys is to catch typos, so the message should name the fix.
enum Suggestion {
    /// The candidate closest to `word` within edit distance 2, if one is clearly closest.
    static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        var best: (name: String, distance: Int)?
        var tied = false
        for candidate in candidates {
            let d = EditDistance.between(word.lowercased(), candidate.lowercased())
            guard d <= 2 else { continue }
            if let b = best, d >= b.distance {
                if d == b.distance { tied = true }
                continue
            }
            best = (candidate, d)
            tied = false
        }
        guard let best, !tied else { return nil }
        return best.name
    }
}
