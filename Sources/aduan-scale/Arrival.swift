import AduanConfig
import AduanCore
import AduanDaemon
import AduanGateways
import Dispatch
import Foundation

/// A complaint's arrival: everything about it that follows from the seed and
/// its number alone, before the desk sees it. The text work the real pipeline
/// does per message (routing, reading the words, the identity hash) needs
/// nothing from the database, so it runs a batch ahead on another core
/// (`Arrivals.Prefetch`) while the simulation writes the batch before.
struct Arrival: Sendable {
    var index: Int
    var at: Int64
    var senderIndex: Int
    var sender: String
    /// What the citizen sent.
    var text: String
    var raw: [UInt8]
    var identity: String
    var sourceRef: String
    /// What the real router made of it.
    var route: Route
    var match: MatchKind
    var body: String
    var priority: Priority
    var agencySuggested: String?
    var dedupeKey: String
    var summary: String
    /// The text was rewritten because the router did not read it as a complaint.
    var rerouted: Bool
    /// The complaint's own dice, for the rest of its life.
    var random: SeededRandom
}

struct Arrivals: Sendable {
    let seed: UInt64
    let count: Int
    let rules: DeskRules
    let times: ArrivalTimes
    let local: LocalTime
    /// Senders below this index write again and again; above it, once.
    let repeatSenders: Int
    let source: String
    let catalog: TextCatalog
    private let routes: [String: Route]

    init(seed: UInt64, count: Int, rules: DeskRules, times: ArrivalTimes) {
        catalog = TextCatalog(seed: seed, complaints: count, rules: rules)
        self.seed = seed
        self.count = count
        self.rules = rules
        self.times = times
        local = LocalTime(rules.calendar)
        repeatSenders = max(20, count / 20)
        source = rules.config.inbound.first?.name ?? "modem1"
        routes = Dictionary(rules.config.routes.map { ($0.keyword, $0) }, uniquingKeysWith: { a, _ in a })
    }

    func make(_ index: Int) -> Arrival {
        var random = SeededRandom(seed: seed, stream: UInt64(index) + 1)
        // Stratified: the i-th arrival lies in the i-th n-th of the year's
        // weight, so arrivals come out in time order without a sort.
        let at = times.time(forQuantile: (Double(index) + random.unit()) / Double(count))
        let senderIndex = random.chance(0.3) ? random.below(repeatSenders) : repeatSenders + index
        let sender = Population.phone(seed: seed, sender: senderIndex)
        let keyword = random.pick(Population.routeWeights)
        let route = keyword.isEmpty ? rules.config.triage : (routes[keyword] ?? rules.config.triage)
        let entry = random.below(catalog.perRegion)
        let body = catalog.body(region: route.region, index: entry)
        var text = route.isTriage ? body : Population.keyword(route, random: &random) + body
        var intent = rules.router.route(text)
        var rerouted = false
        if case .complaint = intent {} else {
            rerouted = true
            text = (route.isTriage ? rules.config.routes.first?.keyword ?? "" : route.keyword) + " " + body
            intent = rules.router.route(text)
        }
        let routed: Route, match: MatchKind, routedBody: String
        if case .complaint(let r, let m, let b) = intent {
            (routed, match, routedBody) = (r, m, b)
        } else {
            (routed, match, routedBody) = (rules.config.triage, .none, text)
        }
        let reading = catalog.read(routedBody, region: route.region, index: entry)
        let sent = SmstoolsFile.stamp(at - Int64(random.between(2_000, 40_000)), local: local)
        let raw = SmstoolsFile.render(from: sender, sent: sent, received: SmstoolsFile.stamp(at, local: local), text: text)
        return Arrival(
            index: index, at: at, senderIndex: senderIndex, sender: sender, text: text, raw: raw,
            identity: Reception.identity(sender: sender, sms: InboundSMS(sender: sender, text: text, sentAt: sent), raw: raw),
            sourceRef: SmstoolsFile.name(&random), route: routed, match: match, body: routedBody,
            priority: reading.priority, agencySuggested: reading.agencySuggested, dedupeKey: reading.dedupeKey,
            summary: reading.summary, rerouted: rerouted, random: random)
    }

    /// One batch of arrivals, made on a background thread; `wait()` hands
    /// them over. The semaphore orders the write before the read.
    final class Prefetch: @unchecked Sendable {
        private let ready = DispatchSemaphore(value: 0)
        private var batch: [Arrival] = []

        init(_ arrivals: Arrivals, _ range: Range<Int>) {
            DispatchQueue.global().async {
                self.batch = range.map(arrivals.make)
                self.ready.signal()
            }
        }

        func wait() -> [Arrival] {
            ready.wait()
            return batch
        }
    }
}
