/// How a keyword was recognised; stored with the complaint (§3.4).
public enum MatchKind: String, Sendable, Codable {
    case exact
    case alias
    case fuzzy
    /// No keyword: the message went to triage.
    case none
}

/// What a message asks for, decided from its text alone.
public enum Intent: Sendable, Equatable {
    /// A complaint for a route; `body` is the text after the keyword (the whole
    /// text for triage).
    case complaint(route: Route, match: MatchKind, body: String)
    /// A route keyword with nothing after it: answer with that route's format help.
    case routeHelp(route: Route, match: MatchKind)
    /// `INFO`, `BANTUAN` or `HELP` alone, or an empty message.
    case help
    /// No keyword matched and the config says to answer with help.
    case unknownKeyword
    /// `STATUS` / `CEK`, with the ticket when one was given.
    case status(Ticket?)
    /// `INFO <ticket> <text>`: the citizen adds to their complaint.
    case info(Ticket, text: String)
    /// `STOP`, `BERHENTI`, `UNREG`.
    case optOut
    /// `MULAI`, `START`, `REG`.
    case optIn
    /// `PUAS <ticket>` / `TIDAK [PUAS] <ticket>`; alone, without a ticket,
    /// it answers the survey of the sender's latest resolved complaint.
    case rating(Ticket?, satisfied: Bool, comment: String)

    /// The stable name stored with the inbound message.
    public var name: String {
        switch self {
        case .complaint: "complaint"
        case .routeHelp: "route_help"
        case .help: "help"
        case .unknownKeyword: "unknown_keyword"
        case .status: "status"
        case .info: "info"
        case .optOut: "stop"
        case .optIn: "start"
        case .rating: "rating"
        }
    }
}

/// Turns message text into an `Intent` (§3 steps 2–7). Pure: the same text
/// and routes always give the same answer.
public struct Router: Sendable {
    public let routes: [Route]
    public let triage: Route
    public let onUnknown: UnknownKeywordPolicy

    struct Entry: Sendable {
        var route: Route
        var isAlias: Bool
    }

    /// Canonical keyword or alias → its route.
    let index: [String: Entry]
    /// How many words the longest keyword form may be typed as.
    let maxWords: Int
    /// Real words the config knows (urgent words, agency words): a typo match
    /// would turn `banjir` (flood) into `BANJAR`, so these never match fuzzily.
    let vocabulary: Set<String>

    public init(routes: [Route], triage: Route, onUnknown: UnknownKeywordPolicy, vocabulary: [String] = []) {
        self.routes = routes
        self.triage = triage
        self.onUnknown = onUnknown
        var index: [String: Entry] = [:]
        var maxWords = 1
        for route in routes {
            for (form, isAlias) in [(route.keyword, false)] + route.aliases.map({ ($0, true) }) {
                let key = Keyword.canonical(form)
                maxWords = max(maxWords, MessageText.words(form).count)
                guard !key.isEmpty, index[key] == nil else { continue }
                index[key] = Entry(route: route, isAlias: isAlias)
            }
        }
        self.index = index
        self.maxWords = maxWords + 1
        self.vocabulary = Set(vocabulary.flatMap(PhraseMatcher.tokens).map { Keyword.canonical($0) })
    }

    static let commandWords: [String: Command] = [
        "STATUS": .status, "CEK": .status,
        "INFO": .info, "BANTUAN": .help, "HELP": .help,
        "STOP": .stop, "BERHENTI": .stop, "UNREG": .stop,
        "MULAI": .start, "START": .start, "REG": .start,
        "PUAS": .satisfied, "TIDAK": .unsatisfied, "TIDAKPUAS": .unsatisfied,
    ]

    enum Command { case status, info, help, stop, start, satisfied, unsatisfied }

    public func route(_ original: String) -> Intent {
        let text = MessageText.normalise(original)
        // Leading words without a letter or digit (emoji, stray symbols) are
        // read like the separators of §3.3: `😡 BANJAR jalan` is for BANJAR.
        // A command takes two words and a keyword at most maxWords.
        let hasLetterOrDigit = { (word: Substring) in !Keyword.canonical(String(word)).isEmpty }
        let words = Array(MessageText.words(text, limit: max(2, maxWords), counts: hasLetterOrDigit)
            .drop { !hasLetterOrDigit($0.word) })
        guard !words.isEmpty else { return .help }

        if let intent = command(text: text, words: words) { return intent }

        if let (entry, used) = exactMatch(words) {
            return intent(for: entry.route, match: entry.isAlias ? .alias : .exact, rest: text[words[used - 1].restStart...])
        }
        if let (route, used) = fuzzyMatch(words) {
            return intent(for: route, match: .fuzzy, rest: text[words[used - 1].restStart...])
        }
        switch onUnknown {
        case .triage: return .complaint(route: triage, match: .none, body: text)
        case .help: return .unknownKeyword
        }
    }

    func intent(for route: Route, match: MatchKind, rest: Substring) -> Intent {
        rest.isEmpty ? .routeHelp(route: route, match: match) : .complaint(route: route, match: match, body: String(rest))
    }

    /// Citizen commands (§3.5). Words that also begin ordinary sentences
    /// (`stop pungli…`, `tidak ada air…`) are commands only in their command
    /// form: STOP/MULAI alone, PUAS/TIDAK alone or followed by a ticket. Anything else
    /// falls through to the routes, so no complaint is swallowed.
    func command(text: String, words: [(word: Substring, restStart: String.Index)]) -> Intent? {
        var used = 1
        var cmd = Self.commandWords[Keyword.canonical(String(words[0].word))]
        if words.count >= 2, Keyword.canonical(String(words[0].word) + String(words[1].word)) == "TIDAKPUAS" {
            cmd = .unsatisfied
            used = 2
        }
        guard let cmd else { return nil }
        let rest = text[words[used - 1].restStart...]
        switch cmd {
        case .status:
            return .status(Ticket.parse(rest)?.ticket)
        case .help:
            return .help
        case .info:
            if rest.isEmpty { return .help }
            if let (ticket, more) = Ticket.parse(rest) { return .info(ticket, text: String(more)) }
            return .help
        case .stop:
            return rest.isEmpty ? .optOut : nil
        case .start:
            return rest.isEmpty ? .optIn : nil
        case .satisfied, .unsatisfied:
            if rest.isEmpty { return .rating(nil, satisfied: cmd == .satisfied, comment: "") }
            guard let (ticket, more) = Ticket.parse(rest) else { return nil }
            return .rating(ticket, satisfied: cmd == .satisfied, comment: String(more))
        }
    }

    /// The longest run of leading words that spells a keyword or alias, so
    /// `MAS BUP SIAGA`, `MASBUP SIAGA` and `masbupsiaga` all match. Whole words
    /// only: `BANJARMASIN` never matches `BANJAR`.
    func exactMatch(_ words: [(word: Substring, restStart: String.Index)]) -> (Entry, Int)? {
        var joined = ""
        var found: (Entry, Int)?
        for k in 1...min(maxWords, words.count) {
            joined += Keyword.canonical(String(words[k - 1].word))
            if let entry = index[joined] { found = (entry, k) }
        }
        return found
    }

    /// One typo away from exactly one route's keyword of 5+ letters (§3.4).
    /// An ambiguous typo matches nothing: a wrong region is worse than triage.
    func fuzzyMatch(_ words: [(word: Substring, restStart: String.Index)]) -> (Route, Int)? {
        var joined = ""
        for k in 1...min(maxWords, words.count) {
            joined += Keyword.canonical(String(words[k - 1].word))
            guard joined.count >= 4, !(k == 1 && vocabulary.contains(joined)) else { continue }
            var candidates: [String: Route] = [:]
            for (key, entry) in index where key.count >= 5 && abs(key.count - joined.count) <= 1 {
                if EditDistance.between(joined, key) == 1 { candidates[entry.route.keyword] = entry.route }
            }
            if candidates.count == 1, let route = candidates.values.first { return (route, k) }
            if candidates.count > 1 { return nil }
        }
        return nil
    }
}
