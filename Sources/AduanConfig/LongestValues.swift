import AduanCore

/// One template rendered with the longest values its placeholders can take.
struct Rendering {
    var kind: TemplateKind
    /// The route whose values were used; nil when no route's values matter.
    var route: Route?
    var text: String
    var length: SMSLength

    /// How reports name the route: its keyword, or `triage`.
    var routeLabel: String? {
        route.map { $0.isTriage ? "triage" : $0.keyword }
    }
}

/// The worst case for every placeholder under a config, so `check-config`
/// measures what the costliest real SMS will be, not a sample (§5).
enum LongestValues {
    /// Longest date form with the longest zone abbreviation (WIB, WITA, WIT).
    static let due = "31-12-2026 23:59 WITA"
    /// A route's millionth complaint; tickets pad to 4 digits and grow past that.
    static let ticketNumber = "999999"
    static let fallbackAgency = "Dinas"
    static let routePlaceholders: Set<String> = ["ticket", "region", "program", "keyword"]
    /// Filled in by an operator at the desk: unbounded, measured as empty.
    static let deskText: Set<String> = ["answer", "reason"]

    static func ticket(prefix: String) -> String {
        prefix + "-" + ticketNumber
    }

    /// The longest as the SMS counts it (an extension character costs two).
    static func longest(_ values: some Sequence<String>) -> String? {
        var best: (String, Int)?
        for v in values {
            let units = SMSText.measure(v).units
            if let b = best, units <= b.1 { continue }
            best = (v, units)
        }
        return best?.0
    }

    /// Routes that can produce tickets: triage only when unknown keywords go there.
    static func ticketRoutes(_ config: Config) -> [Route] {
        config.routes + (config.service.onUnknownKeyword == .triage ? [config.triage] : [])
    }

    static func values(_ config: Config, route: Route?) -> [String: String] {
        let everyRoute = config.routes + [config.triage]
        let everyKeyword = config.routes.flatMap { [$0.keyword] + $0.aliases }
        let status = longest(ComplaintStatus.allCases.map { config.statusWord($0) }) ?? ""
        let longestTicket = longest(everyRoute.map { ticket(prefix: $0.prefix) }) ?? ""
        var v: [String: String] = [
            "shortcode": config.service.shortcode,
            "agency": longest(config.agencies.map(\.name)) ?? fallbackAgency,
            "status": status,
            "due": due,
            "keywords": config.routes.map(\.keyword).joined(separator: ", "),
            "tickets": Array(repeating: "\(longestTicket) (\(status))", count: 3).joined(separator: ", "),
            "answer": "",
            "reason": "",
            // ComplaintSummary cuts officials' summaries at 40 characters.
            "summary": String(repeating: "x", count: 40),
            "since": due,
        ]
        if let route {
            v["ticket"] = ticket(prefix: route.prefix)
            v["region"] = route.region
            v["program"] = route.program
            // Triage answers whatever word the citizen sent; the longest keyword stands in.
            v["keyword"] = longest(route.isTriage ? everyKeyword : [route.keyword] + route.aliases) ?? ""
        } else {
            v["ticket"] = longestTicket
            v["region"] = longest(everyRoute.map(\.region)) ?? ""
            v["program"] = longest(everyRoute.map(\.program)) ?? ""
            v["keyword"] = longest(everyKeyword) ?? ""
        }
        return v
    }

    /// One rendering per route whose values matter to `kind`, else a single one.
    static func renderings(of kind: TemplateKind, in config: Config) -> [Rendering] {
        let template = config.templates[kind]
        func render(_ t: Template, _ route: Route?) -> Rendering {
            let text = t.render(values(config, route: route))
            return Rendering(kind: kind, route: route, text: text, length: SMSText.measure(text))
        }
        guard !kind.placeholders.isDisjoint(with: routePlaceholders) else { return [render(template, nil)] }
        if kind == .routeHelp {
            // Format help answers a bare keyword, so triage never sends it; a route may bring its own text.
            guard !config.routes.isEmpty else { return [render(template, nil)] }
            return config.routes.map { render($0.formatHelp.map(Template.init) ?? template, $0) }
        }
        let routes = ticketRoutes(config)
        guard !routes.isEmpty else { return [render(template, nil)] }
        return routes.map { render(template, $0) }
    }

    /// The costliest: most segments, then UCS-2 over GSM-7, then most units.
    static func worst(_ renderings: [Rendering]) -> Rendering? {
        func cost(_ r: Rendering) -> (Int, Int, Int) {
            (r.length.segments, r.length.encoding == .ucs2 ? 1 : 0, r.length.units)
        }
        var best: Rendering?
        for r in renderings where best.map({ cost(r) > cost($0) }) ?? true {
            best = r
        }
        return best
    }
}
