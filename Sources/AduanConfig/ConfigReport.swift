import AduanCore

/// What `aduan check-config` prints for a config that loaded: enough for an
/// operator to confirm that the routes, spools and SMS costs are what they meant.
public enum ConfigReport {
    public static func render(_ config: Config) -> String {
        var out: [String] = []
        out.append("config \(config.file)")
        out.append("")
        out += serviceLines(config)
        out.append("")
        out += routeLines(config)
        out.append("")
        out += spoolLines(config)
        if !config.agencies.isEmpty {
            out.append("")
            out += agencyLines(config)
        }
        out.append("")
        out += templateLines(config)
        return out.joined(separator: "\n") + "\n"
    }

    /// Each template kind at its costliest, with the route that makes it so.
    /// Desk-written text (`{answer}`, `{reason}`) is measured as empty.
    public static func longestRenderings(_ config: Config)
        -> [(kind: TemplateKind, route: String?, text: String, length: SMSLength)]
    {
        TemplateKind.allCases.compactMap { kind in
            LongestValues.worst(LongestValues.renderings(of: kind, in: config)).map {
                (kind: kind, route: $0.routeLabel, text: $0.text, length: $0.length)
            }
        }
    }

    static func serviceLines(_ config: Config) -> [String] {
        let s = config.service
        return ["service"] + columns([
            ["shortcode", s.shortcode],
            ["country code", s.countryCode],
            ["time zone", s.timezone],
            ["database", s.database],
            ["unknown keyword", s.onUnknownKeyword.rawValue],
            ["dedupe window", s.dedupeWindow.description],
            ["quiet hours", "\(clock(s.quietHours.startMinute))-\(clock(s.quietHours.endMinute))"],
            ["limits", "\(config.limits.complaintsPerHour) complaints/hour, \(config.limits.repliesPerDay) replies/day"],
            ["urgent", "\(config.urgent.firstResponse)/\(config.urgent.resolution), \(config.urgent.words.count) words"],
        ])
    }

    static func routeLines(_ config: Config) -> [String] {
        var rows = [["KEYWORD", "ALIASES", "PREFIX", "REGION", "PROGRAM", "FIRST", "RESOLUTION", "URGENT", "AUTO_FORWARD"]]
        for route in config.routes {
            rows.append(routeRow(route, config: config, keyword: route.keyword))
        }
        var triage = routeRow(config.triage, config: config, keyword: "(triage)")
        if config.service.onUnknownKeyword == .help { triage[0] = "(triage, unused)" }
        rows.append(triage)
        return ["routes"] + columns(rows)
    }

    static func routeRow(_ r: Route, config: Config, keyword: String) -> [String] {
        let urgentFirst = r.urgentFirstResponse ?? config.urgent.firstResponse
        let urgentResolution = r.urgentResolution ?? config.urgent.resolution
        return [
            keyword, r.aliases.isEmpty ? "-" : r.aliases.joined(separator: ", "), r.prefix, r.region, r.program,
            r.firstResponse.description, r.resolution.description, "\(urgentFirst)/\(urgentResolution)",
            r.autoForward ? "yes" : "no",
        ]
    }

    static func spoolLines(_ config: Config) -> [String] {
        var rows: [[String]] = []
        for source in config.inbound {
            rows.append(["in", source.name, source.kind.rawValue, source.path])
            rows.append(["", "", "archive", source.archive ?? "(none: processed files are deleted)"])
            rows.append(["", "", "rejected", source.rejected])
        }
        for spool in config.outbound {
            rows.append(["out", spool.name, spool.kind.rawValue, spool.path])
        }
        return ["spools"] + columns(rows)
    }

    static func agencyLines(_ config: Config) -> [String] {
        let rows = config.agencies.map { a in
            [a.id, a.name, "\(a.numbers.count) number\(a.numbers.count == 1 ? "" : "s")", a.words.joined(separator: ", ")]
        }
        return ["agencies"] + columns(rows)
    }

    static func templateLines(_ config: Config) -> [String] {
        let measured = longestRenderings(config)
        let sizes = measured.map { r -> (units: String, capacity: String) in
            let perPart = r.length.encoding == .gsm7
                ? (r.length.segments == 1 ? SMSText.gsm7Single : SMSText.gsm7Part)
                : (r.length.segments == 1 ? SMSText.ucs2Single : SMSText.ucs2Part)
            return (String(r.length.units), String(perPart * r.length.segments))
        }
        // Aligned on the slash, so the eye compares lengths and capacities down the column.
        let unitsWidth = sizes.map(\.units.count).max() ?? 0
        let capacityWidth = sizes.map(\.capacity.count).max() ?? 0
        let rows = zip(measured, sizes).map { r, size -> [String] in
            var notes: [String] = []
            if let route = r.route { notes.append("route \(route)") }
            if config.templates[r.kind].placeholders.contains(where: LongestValues.deskText.contains) {
                notes.append("+ desk text")
            }
            if r.kind.mustBeSingleGSM7 { notes.append("must be 1 GSM-7 SMS") }
            if config.templates.isSwitchedOff(r.kind) { return [r.kind.rawValue, "off", "", "", "not sent (empty template)"] }
            let fraction = String(repeating: " ", count: unitsWidth - size.units.count) + size.units + "/"
                + size.capacity + String(repeating: " ", count: capacityWidth - size.capacity.count)
            return [r.kind.rawValue, r.length.encoding.rawValue, fraction, "\(r.length.segments) SMS",
                    notes.joined(separator: ", ")]
        }
        return ["templates at their longest (ticket \(LongestValues.ticketNumber), due \"\(LongestValues.due)\")"]
            + columns(rows)
    }

    static func clock(_ minute: Int) -> String {
        let h = minute / 60, m = minute % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }

    /// Rows padded into aligned columns, indented under their heading.
    static func columns(_ rows: [[String]]) -> [String] {
        let count = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: count)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        return rows.map { row in
            var line = "  "
            for (i, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                let isLast = i == row.count - 1
                line += cell + (isLast ? "" : pad)
                if !isLast { line += "  " }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }
}
