import AduanCore

/// `[templates]`: texts citizens read. A misspelt placeholder would reach a
/// citizen as a literal `{tiket}`, and an ack that spills into a second SMS or
/// into UCS-2 doubles the cost of every complaint (§5), so both are refused.
extension ConfigBuilder {
    mutating func readTemplates(_ r: TableReader) -> [TemplateKind: String] {
        guard let table = r.table else { return [:] }
        let known = TemplateKind.allCases.map(\.rawValue)
        var configured: [TemplateKind: String] = [:]
        for key in table.keys {
            guard let kind = TemplateKind(rawValue: key) else {
                var message = "unknown key '\(key)' in [templates]"
                if let guess = Suggestion.closest(to: key, in: known) { message += "; did you mean '\(guess)'?" }
                log.add(message, at: r.keyPath(key))
                continue
            }
            if kind.mayBeEmpty {
                guard let raw = r.string(key, &log) else { continue }
                if raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    // Empty switches this optional SMS off.
                    configured[kind] = ""
                    continue
                }
            }
            guard let text = r.text(key, &log) else { continue }
            checkPlaceholders(text, allowed: kind.placeholders, what: "template \(key)", at: r.keyPath(key))
            configured[kind] = text
        }
        return configured
    }

    mutating func checkPlaceholders(_ text: String, allowed: Set<String>, what: String, at path: String) {
        var reported: Set<String> = []
        for name in Template(text).placeholders where !allowed.contains(name) && !reported.contains(name) {
            reported.insert(name)
            var message = "\(what): unknown placeholder {\(name)}"
            if let guess = Suggestion.closest(to: name, in: allowed.sorted()) {
                message += "; did you mean {\(guess)}?"
            }
            log.add(message, at: path)
        }
    }

    /// Renders every single-SMS kind with each route's longest values.
    mutating func checkSingleSegmentTemplates(_ config: Config, configured: [TemplateKind: String],
                                              drafts: [RouteDraft])
    {
        for kind in TemplateKind.allCases where kind.mustBeSingleGSM7 {
            let templatePath = "templates.\(kind.rawValue)"
            for rendering in LongestValues.renderings(of: kind, in: config) {
                let owner: String
                let routePath: String?
                switch rendering.route {
                case nil:
                    owner = ""
                    routePath = nil
                case let route? where route.isTriage:
                    owner = "triage: "
                    routePath = "triage"
                case let route?:
                    owner = "route \(route.keyword): "
                    routePath = drafts.first { $0.keyword == route.keyword }?.path
                }
                let length = rendering.length
                if length.encoding == .ucs2 {
                    let foreign = Self.nonGSMCharacters(rendering.text)
                    // Point at the template when it holds the odd character, else at the route's values.
                    let inTemplate = configured[kind].map { t in foreign.contains { t.contains($0) } } ?? false
                    let at = inTemplate ? templatePath : (routePath ?? templatePath)
                    log.add("\(owner)template \(kind.rawValue) is UCS-2 (contains \(String(foreign.prefix(3)))), but it must be GSM-7 and one SMS",
                            at: at)
                } else if length.segments > 1 {
                    let at = configured[kind] != nil ? templatePath : (routePath ?? templatePath)
                    log.add("\(owner)template \(kind.rawValue) is \(length.units) GSM-7 characters, more than one SMS",
                            at: at)
                }
            }
        }
    }

    /// The characters that force UCS-2, each once, in order of appearance.
    static func nonGSMCharacters(_ text: String) -> [Character] {
        var seen: [Character] = []
        for c in text where GSM7.septets(c) == nil && !seen.contains(c) {
            seen.append(c)
        }
        return seen
    }
}
