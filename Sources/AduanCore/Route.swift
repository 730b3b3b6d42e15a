/// A keyword's destination: one regency's (or program's) complaint channel.
public struct Route: Sendable, Hashable {
    /// The primary keyword as configured, e.g. `BANJAR` or `MASBUPSIAGA`.
    public var keyword: String
    /// Other ways to write it, e.g. `MAS BUP SIAGA`, `BJR`.
    public var aliases: [String]
    public var region: String
    public var program: String
    /// Ticket prefix, 2–5 letters: `BJR` gives `BJR-0042`.
    public var prefix: String
    public var firstResponse: TimeSpan
    public var resolution: TimeSpan
    /// Shorter deadlines for urgent complaints; the `[urgent]` section's when nil.
    public var urgentFirstResponse: TimeSpan?
    public var urgentResolution: TimeSpan?
    /// Forward by itself to a single clear agency suggestion.
    public var autoForward: Bool
    /// The reply to a keyword sent without text; the `route_help` template when nil.
    public var formatHelp: String?

    public init(
        keyword: String, aliases: [String] = [], region: String, program: String, prefix: String,
        firstResponse: TimeSpan, resolution: TimeSpan,
        urgentFirstResponse: TimeSpan? = nil, urgentResolution: TimeSpan? = nil,
        autoForward: Bool = false, formatHelp: String? = nil
    ) {
        self.keyword = keyword
        self.aliases = aliases
        self.region = region
        self.program = program
        self.prefix = prefix
        self.firstResponse = firstResponse
        self.resolution = resolution
        self.urgentFirstResponse = urgentFirstResponse
        self.urgentResolution = urgentResolution
        self.autoForward = autoForward
        self.formatHelp = formatHelp
    }

    /// The route for messages whose keyword is unknown, in `triage` mode.
    /// Its keyword is empty: it is never matched, only fallen back to.
    public static func triage(prefix: String, region: String, program: String? = nil,
                              firstResponse: TimeSpan, resolution: TimeSpan) -> Route {
        Route(keyword: "", region: region, program: program ?? region, prefix: prefix,
              firstResponse: firstResponse, resolution: resolution)
    }

    public var isTriage: Bool { keyword.isEmpty }
}

/// A government agency (OPD) complaints are forwarded to.
public struct Agency: Sendable, Hashable {
    public var id: String
    public var name: String
    /// Focal points' phones, for reminders.
    public var numbers: [String]
    /// Words in a complaint that suggest this agency.
    public var words: [String]

    public init(id: String, name: String, numbers: [String] = [], words: [String] = []) {
        self.id = id
        self.name = name
        self.numbers = numbers
        self.words = words
    }
}

/// Words that make a complaint urgent, and the deadlines urgent complaints get.
public struct UrgentRule: Sendable, Hashable {
    public var words: [String]
    public var firstResponse: TimeSpan
    public var resolution: TimeSpan

    public init(words: [String], firstResponse: TimeSpan, resolution: TimeSpan) {
        self.words = words
        self.firstResponse = firstResponse
        self.resolution = resolution
    }
}

/// What to do with a message whose first word is no keyword.
public enum UnknownKeywordPolicy: String, Sendable, Codable {
    /// Store it under the triage route and acknowledge it with a ticket.
    case triage
    /// Store it and answer with the help text; no ticket.
    case help
}
