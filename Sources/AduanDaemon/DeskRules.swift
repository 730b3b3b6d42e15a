import AduanConfig
import AduanCore
import Foundation

/// The configuration compiled for the pipeline: the router, templates,
/// calendar and limits, built once per load and swapped whole on SIGHUP.
/// Immutable, and a class: every message's reception and replies hold it,
/// and copying its dozen references each time showed in the profile.
public final class DeskRules: Sendable {
    public let config: Config
    public let router: Router
    public let calendar: WorkCalendar
    public let urgent: PhraseMatcher
    public let agencies: AgencySuggester
    /// Normalised numbers never answered (§3.1).
    public let noReply: Set<String>
    public let routesByKeyword: [String: Route]
    /// Every route's keyword, for the `{keywords}` of any reply.
    public let keywordList: String

    public init(_ config: Config) {
        self.config = config
        let vocabulary = config.urgent.words + config.agencies.flatMap(\.words)
        router = Router(routes: config.routes, triage: config.triage,
                        onUnknown: config.service.onUnknownKeyword, vocabulary: vocabulary)
        calendar = WorkCalendar(timeZone: TimeZone(identifier: config.service.timezone) ?? .current,
                                holidays: config.service.holidays)
        urgent = PhraseMatcher(config.urgent.words)
        agencies = AgencySuggester(config.agencies)
        var noReply = Set(config.service.noReply.map { Sender(raw: $0, countryCode: config.service.countryCode).stored })
        noReply.insert(config.service.shortcode)
        self.noReply = noReply
        keywordList = config.routes.map(\.keyword).joined(separator: ", ")
        routesByKeyword = Dictionary(config.routes.map { ($0.keyword, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The number to answer, or nil when this sender must never be answered.
    public func replyNumber(for sender: Sender) -> String? {
        guard let number = sender.replyNumber, !noReply.contains(number) else { return nil }
        return number
    }

    public func deadlines(for route: Route, priority: Priority, from start: Date) -> (firstResponse: Date, resolution: Date) {
        let spans = spans(for: route, priority: priority)
        return (calendar.due(from: start, after: spans.firstResponse), calendar.due(from: start, after: spans.resolution))
    }

    /// The route's two spans for the priority: its own, or for an urgent
    /// complaint its urgent ones, falling back to `[urgent]`.
    public func spans(for route: Route, priority: Priority) -> (firstResponse: TimeSpan, resolution: TimeSpan) {
        switch priority {
        case .normal:
            (route.firstResponse, route.resolution)
        case .urgent:
            (route.urgentFirstResponse ?? config.urgent.firstResponse, route.urgentResolution ?? config.urgent.resolution)
        }
    }

    /// Values every template can use.
    public func baseValues(route: Route?) -> [String: String] {
        var values = ["shortcode": config.service.shortcode, "keywords": keywordList]
        if let route {
            values["region"] = route.region
            values["program"] = route.program
            values["keyword"] = route.isTriage ? "" : route.keyword
        }
        return values
    }


    public func agencyName(_ id: String?) -> String? {
        guard let id else { return nil }
        return config.agencies.first { $0.id == id }?.name ?? id
    }

    /// The route a stored complaint belongs to (triage when its keyword is gone from the config).
    public func route(keyword: String?) -> Route {
        keyword.flatMap { routesByKeyword[$0] } ?? config.triage
    }
}
