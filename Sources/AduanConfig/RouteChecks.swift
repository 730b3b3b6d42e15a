import Foundation
import AduanCore

/// `[[routes]]`: each route read on its own, then checked against the others,
/// because a keyword that two routes claim, or that a citizen command owns,
/// would send complaints to the wrong desk without anyone noticing (§3.5).
extension ConfigBuilder {
    static let routeKeys = [
        "keyword", "aliases", "region", "program", "prefix", "first_response", "resolution",
        "urgent_first_response", "urgent_resolution", "auto_forward", "format_help",
    ]

    /// What could be read of one route, enough for the collision checks even
    /// when another of its keys is wrong.
    struct RouteDraft {
        /// `routes[i]`.
        var path: String
        var keyword: String?
        var aliases: [String]
        /// Upper-cased, and only when it is a valid prefix.
        var prefix: String?
        /// The whole route, when every required key was valid.
        var route: Route?

        /// How messages name the route: by its keyword, as the operator knows it.
        var name: String { keyword ?? path }
    }

    mutating func readRoutes(_ readers: [TableReader]) -> [RouteDraft] {
        readers.map { readRoute($0) }
    }

    mutating func readRoute(_ r: TableReader) -> RouteDraft {
        r.rejectUnknown(Self.routeKeys, &log)
        let keyword = r.text("keyword", &log, required: true)
        let owner = "route \(keyword ?? r.path)"
        var aliases: [String] = []
        for (i, alias) in (r.strings("aliases", &log, example: #"["BJR"]"#) ?? []).enumerated() {
            let trimmed = alias.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                log.add("\(owner): alias \(i + 1) is empty", at: "\(r.keyPath("aliases"))[\(i)]")
            } else {
                aliases.append(trimmed)
            }
        }
        let region = r.text("region", &log, required: true)
        let program = r.text("program", &log) ?? region
        r.requireKey("prefix", &log)
        let prefix = r.string("prefix", &log).flatMap { validPrefix($0, at: r.keyPath("prefix"), owner: owner) }
        let first = r.duration("first_response", &log, example: "3wd", allowZero: false, required: true)
        let resolution = r.duration("resolution", &log, example: "14d", allowZero: false, required: true)
        let urgentFirst = r.duration("urgent_first_response", &log, example: "4h", allowZero: false)
        let urgentResolution = r.duration("urgent_resolution", &log, example: "24h", allowZero: false)
        let autoForward = r.bool("auto_forward", &log) ?? false
        let formatHelp = r.text("format_help", &log)
        if let formatHelp {
            checkPlaceholders(formatHelp, allowed: TemplateKind.routeHelp.placeholders,
                              what: "\(owner): format_help", at: r.keyPath("format_help"))
        }

        var draft = RouteDraft(path: r.path, keyword: keyword, aliases: aliases, prefix: prefix, route: nil)
        if let keyword, let region, let program, let prefix, let first, let resolution {
            draft.route = Route(
                keyword: keyword, aliases: aliases, region: region, program: program, prefix: prefix,
                firstResponse: first, resolution: resolution, urgentFirstResponse: urgentFirst,
                urgentResolution: urgentResolution, autoForward: autoForward, formatHelp: formatHelp)
        }
        return draft
    }

    /// A ticket prefix: 2–5 ASCII letters, so tickets stay short and easy to
    /// type back on a keypad (§4). Stored upper-cased.
    mutating func validPrefix(_ text: String, at path: String, owner: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard (2...5).contains(trimmed.count), trimmed.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            log.add(#"\#(owner): prefix "\#(text)" must be 2 to 5 letters A-Z, like "BJR""#, at: path)
            return nil
        }
        return trimmed.uppercased()
    }

    mutating func checkCollisions(_ drafts: [RouteDraft], triage: TriageDraft) {
        checkKeywords(drafts)
        checkPrefixes(drafts, triage: triage)
    }

    /// Keywords and aliases share one namespace, compared as the router
    /// compares them (`MAS BUP SIAGA` is `MASBUPSIAGA`).
    mutating func checkKeywords(_ drafts: [RouteDraft]) {
        struct Claim {
            var route: String
            var routePath: String
            var what: String
            var text: String
            var at: String
        }
        var claims: [String: Claim] = [:]
        for draft in drafts {
            var names: [(what: String, text: String, at: String)] = []
            if let keyword = draft.keyword { names.append(("keyword", keyword, "\(draft.path).keyword")) }
            for (i, alias) in draft.aliases.enumerated() {
                names.append(("alias", alias, "\(draft.path).aliases[\(i)]"))
            }
            for name in names {
                let canonical = Keyword.canonical(name.text)
                if canonical.count < 2 {
                    log.add("route \(draft.name): \(name.what) \"\(name.text)\" needs at least 2 letters or digits",
                            at: name.at)
                    continue
                }
                if Keyword.reserved.contains(canonical) {
                    log.add("route \(draft.name): \(name.what) \(name.text) is a reserved command word", at: name.at)
                    continue
                }
                if let prior = claims[canonical] {
                    // A route may spell its own keyword again (§9 itself gives
                    // MASBUPSIAGA the alias "MAS BUP SIAGA"): harmless, it routes the same.
                    if prior.routePath != draft.path {
                        log.add("route \(draft.name): \(name.what) \(name.text) collides with route \(prior.route)'s \(prior.what) \(prior.text)\(lineSuffix(prior.at))",
                                at: name.at)
                    }
                    continue
                }
                claims[canonical] = Claim(route: draft.name, routePath: draft.path, what: name.what,
                                          text: name.text, at: name.at)
            }
        }
    }

    /// Prefixes make tickets; two routes with one prefix would hand out the
    /// same ticket twice. Triage's prefix is in the same namespace.
    mutating func checkPrefixes(_ drafts: [RouteDraft], triage: TriageDraft) {
        var owners: [String: String] = [:]
        if triage.prefixValid {
            owners[triage.route.prefix] = log.lines.exactLine("triage.prefix") == nil
                ? "the default triage prefix; set another under [triage]"
                : "the triage prefix\(lineSuffix("triage.prefix"))"
        }
        for draft in drafts {
            guard let prefix = draft.prefix else { continue }
            let at = "\(draft.path).prefix"
            if let owner = owners[prefix] {
                log.add("route \(draft.name): prefix \(prefix) collides with \(owner)", at: at)
            } else {
                owners[prefix] = "route \(draft.name)'s prefix\(lineSuffix(at))"
            }
        }
    }
}
