import AduanCore
import Foundation
import TOMLKit

/// The sections with no cross-checks of their own: each read into its value,
/// with the spec's defaults (§3, §5, §9) for what the file leaves out.
extension ConfigBuilder {
    static let serviceKeys = [
        "shortcode", "country_code", "timezone", "database", "on_unknown_keyword", "dedupe_window",
        "quiet_hours", "no_reply", "desk_numbers", "holidays", "log_level", "multipart_timeout",
    ]
    static let limitsKeys = ["complaints_per_hour", "replies_per_day"]
    static let inboundKeys = ["name", "kind", "path", "archive", "rejected", "format"]
    static let outboundKeys = ["name", "kind", "path", "encoding"]
    static let triageKeys = ["prefix", "region", "program", "first_response", "resolution"]
    static let urgentKeys = ["words", "first_response", "resolution"]
    static let agencyKeys = ["id", "name", "numbers", "words"]
    static let reminderKeys = ["desk_after", "agency_after", "escalate_to", "citizen_update_after", "survey_after"]

    /// Which section a key belongs to, for a key written outside any section.
    static var sectionKeys: [(title: String, keys: [String])] {
        [("[service]", serviceKeys), ("[limits]", limitsKeys), ("[urgent]", urgentKeys),
         ("[reminders]", reminderKeys), ("[[routes]]", routeKeys), ("[[inbound]]", inboundKeys)]
    }

    // MARK: [service]

    mutating func readService(_ root: TOMLTable) -> ServiceSettings {
        let r = TableReader.section("service", in: root, &log)
        if root["service"] == nil {
            log.add("missing section [service]; it needs at least shortcode and database")
        }
        r.rejectUnknown(Self.serviceKeys, &log)
        let present = r.table != nil

        if present { r.requireKey("shortcode", &log) }
        var shortcode = ""
        if let s = r.string("shortcode", &log, hint: #"a string of digits, like "1708""#) {
            if isDigits(s) {
                shortcode = s
            } else {
                log.add(#"service.shortcode: "\#(s)" must be digits only, like "1708""#, at: "service.shortcode")
            }
        }

        var countryCode = "62"
        if let s = r.string("country_code", &log, hint: #"a string of digits, like "62""#) {
            if isDigits(s), (1...3).contains(s.count) {
                countryCode = s
            } else {
                log.add(#"service.country_code: "\#(s)" must be 1 to 3 digits, like "62""#, at: "service.country_code")
            }
        }

        var timezone = "Asia/Jakarta"
        if let s = r.string("timezone", &log, hint: #"a string like "Asia/Jakarta""#) {
            if TimeZone(identifier: s) != nil {
                timezone = s
            } else {
                log.add(#"service.timezone: "\#(s)" is not a time zone; use "Asia/Jakarta" (WIB), "Asia/Makassar" (WITA) or "Asia/Jayapura" (WIT)"#,
                        at: "service.timezone")
            }
        }

        if present { r.requireKey("database", &log) }
        var database = ""
        if let s = r.text("database", &log) { database = resolved(s) }

        var policy = UnknownKeywordPolicy.triage
        if let s = r.string("on_unknown_keyword", &log) {
            if let p = UnknownKeywordPolicy(rawValue: s) {
                policy = p
            } else {
                log.add(#"service.on_unknown_keyword: "\#(s)" must be "triage" or "help""#,
                        at: "service.on_unknown_keyword")
            }
        }

        let dedupe = r.duration("dedupe_window", &log, example: "24h") ?? .hours(24)

        var quiet = QuietWindow(startMinute: 21 * 60, endMinute: 7 * 60)
        if let s = r.string("quiet_hours", &log, hint: #"a string like "21:00-07:00""#) {
            if let q = QuietWindow(s) {
                quiet = q
            } else {
                log.add(#"service.quiet_hours: "\#(s)" is not a time window; write it like "21:00-07:00""#,
                        at: "service.quiet_hours")
            }
        }

        let noReply = phoneNumbers("no_reply", in: r)
        let desk = phoneNumbers("desk_numbers", in: r)
        let holidays = readHolidays(r)

        var logLevel = "info"
        if let s = r.string("log_level", &log) {
            if s == "info" || s == "debug" {
                logLevel = s
            } else {
                log.add(#"service.log_level: "\#(s)" must be "info" or "debug""#, at: "service.log_level")
            }
        }

        let multipart = r.duration("multipart_timeout", &log, example: "10m", allowZero: false) ?? .minutes(10)
        if case .workingDays = multipart {
            log.add(#"service.multipart_timeout: parts wait in minutes or hours, not working days; write it like "10m""#,
                    at: "service.multipart_timeout")
        }

        return ServiceSettings(
            shortcode: shortcode, countryCode: countryCode, timezone: timezone, database: database,
            onUnknownKeyword: policy, dedupeWindow: dedupe, quietHours: quiet, noReply: noReply,
            deskNumbers: desk, holidays: holidays, logLevel: logLevel, multipartTimeout: multipart)
    }

    /// Holidays as `"YYYY-MM-DD"` strings; a bare TOML date (`2026-12-25`) is
    /// accepted too, since that is what an operator writing TOML may well type.
    mutating func readHolidays(_ r: TableReader) -> [String] {
        guard let value = r.table?["holidays"] else { return [] }
        guard let array = value.array else {
            log.add(#"service.holidays must be a list of dates, like ["2026-12-25"]"#, at: "service.holidays")
            return []
        }
        var days: [String] = []
        for (i, element) in array.enumerated() {
            let at = "service.holidays[\(i)]"
            if let d = element.date {
                days.append(Self.dayString(year: d.year, month: d.month, day: d.day))
            } else if let s = element.string, let day = Self.parseDay(s) {
                days.append(day)
            } else if let s = element.string {
                log.add(#"\#(at): "\#(s)" is not a date; write it as "YYYY-MM-DD""#, at: at)
            } else {
                log.add("\(at) must be a date string like \"2026-12-25\"", at: at)
            }
        }
        return days
    }

    static func parseDay(_ s: String) -> String? {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m)
        else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...lengths[m - 1]).contains(d) else { return nil }
        return s
    }

    static func dayString(year: Int, month: Int, day: Int) -> String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Phone numbers as configured; the router normalises them. Only digits
    /// (an optional leading `+`) pass, so a stray letter cannot turn a desk
    /// phone into a number nobody has.
    mutating func phoneNumbers(_ key: String, in r: TableReader) -> [String] {
        guard let numbers = r.strings(key, &log, example: #"["6281100000001"]"#) else { return [] }
        var result: [String] = []
        for (i, raw) in numbers.enumerated() {
            let n = raw.trimmingCharacters(in: .whitespaces)
            let digits = n.hasPrefix("+") ? String(n.dropFirst()) : n
            if isDigits(digits), (3...15).contains(digits.count) {
                result.append(n)
            } else {
                let at = "\(r.keyPath(key))[\(i)]"
                log.add(#"\#(at): "\#(raw)" is not a phone number; write digits only, like "6281100000001""#, at: at)
            }
        }
        return result
    }

    func isDigits(_ s: String) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber }
    }

    // MARK: [limits]

    mutating func readLimits(_ r: TableReader) -> Limits {
        r.rejectUnknown(Self.limitsKeys, &log)
        var limits = Limits()
        if let n = positive("complaints_per_hour", in: r) { limits.complaintsPerHour = n }
        if let n = positive("replies_per_day", in: r) { limits.repliesPerDay = n }
        return limits
    }

    mutating func positive(_ key: String, in r: TableReader) -> Int? {
        guard let n = r.int(key, &log, hint: "a whole number, like 5") else { return nil }
        guard n >= 1 else {
            log.add("\(r.keyPath(key)) must be 1 or more", at: r.keyPath(key))
            return nil
        }
        return n
    }

    // MARK: [[inbound]] and [[outbound]]

    struct InboundDraft {
        var source: InboundSource
        var path: String
    }

    struct OutboundDraft {
        var spool: OutboundSpool
        var path: String
    }

    mutating func readInbound(_ root: TOMLTable) -> [InboundDraft] {
        let readers = TableReader.arrayOfTables("inbound", in: root, &log)
        if root["inbound"] == nil {
            log.add("no [[inbound]] source; add one for the gateway's incoming spool or log")
        }
        var drafts: [InboundDraft] = []
        var names: [String: String] = [:]
        for r in readers {
            r.rejectUnknown(Self.inboundKeys, &log)
            let name = r.text("name", &log, required: true)
            if let name {
                if let first = names[name] {
                    log.add("\(r.keyPath("name")): \"\(name)\" is already the name of \(first)", at: r.keyPath("name"))
                } else {
                    names[name] = r.path + lineSuffix(r.path)
                }
            }
            let kind = gatewayKind(r, allowed: [.smstools, .gammu, .jsonl])
            let path = r.text("path", &log, required: true).map(resolved)
            var archive = r.text("archive", &log).map(resolved)
            var rejected = r.text("rejected", &log).map(resolved)
            if kind == .jsonl, archive != nil {
                log.add("\(r.keyPath("archive")): a jsonl log is tailed in place, never moved; remove archive",
                        at: r.keyPath("archive"))
                archive = nil
            }
            if rejected == nil, let kind, kind != .jsonl {
                // A spool directory's bad files must go somewhere an operator looks;
                // guessing a directory could drop them into the gateway's own tree.
                log.add("\(r.keyPath("rejected")) is required for a \(kind.rawValue) spool: the directory unparseable files are moved to",
                        at: r.keyPath("rejected"))
            }
            if let path {
                if archive == path {
                    log.add("\(r.keyPath("archive")) is the spool itself; archived files would be read again",
                            at: r.keyPath("archive"))
                }
                if rejected == path {
                    log.add("\(r.keyPath("rejected")) is the spool itself; rejected files would be read again",
                            at: r.keyPath("rejected"))
                }
                if rejected == nil, kind == .jsonl {
                    // A log has no bad files to move, only bad lines; they are kept beside it.
                    rejected = ConfigPaths.directory(of: path) + "/rejected"
                }
            }
            let format = choice("format", in: r, of: GammuInboxFormat.self, only: kind == .gammu, kind: kind) ?? .detail
            guard let name, let kind, let path, let rejected else { continue }
            drafts.append(InboundDraft(
                source: InboundSource(name: name, kind: kind, path: path, archive: archive, rejected: rejected,
                                      format: format),
                path: r.path))
        }
        return drafts
    }

    mutating func readOutbound(_ root: TOMLTable) -> [OutboundDraft] {
        let readers = TableReader.arrayOfTables("outbound", in: root, &log)
        if root["outbound"] == nil {
            log.add("no [[outbound]] spool; add one for the gateway's outgoing directory")
        }
        var drafts: [OutboundDraft] = []
        var names: [String: String] = [:]
        for r in readers {
            r.rejectUnknown(Self.outboundKeys, &log)
            let kind = gatewayKind(r, allowed: [.smstools, .gammu])
            let path = r.text("path", &log, required: true).map(resolved)
            let name = r.text("name", &log) ?? kind?.rawValue
            if let name {
                if let first = names[name] {
                    log.add("\(r.path): name \"\(name)\" is already used by \(first); give each [[outbound]] its own name",
                            at: r.has("name") ? r.keyPath("name") : r.path)
                } else {
                    names[name] = r.path + lineSuffix(r.path)
                }
            }
            let encoding = choice("encoding", in: r, of: GammuOutboxEncoding.self, only: kind == .gammu, kind: kind) ?? .utf8
            guard let name, let kind, let path else { continue }
            drafts.append(OutboundDraft(spool: OutboundSpool(name: name, kind: kind, path: path, encoding: encoding),
                                        path: r.path))
        }
        return drafts
    }

    /// A key that takes one of an enum's values and applies to one gateway kind only.
    mutating func choice<Choice: RawRepresentable & CaseIterable>(
        _ key: String, in r: TableReader, of _: Choice.Type, only applies: Bool, kind: GatewayKind?
    ) -> Choice? where Choice.RawValue == String {
        guard let s = r.string(key, &log) else { return nil }
        guard applies else {
            log.add("\(r.keyPath(key)) applies to gammu only, not to \(kind?.rawValue ?? "this kind"); remove it",
                    at: r.keyPath(key))
            return nil
        }
        guard let value = Choice(rawValue: s) else {
            let names = Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            log.add("\(r.keyPath(key)): \"\(s)\" must be one of \(names)", at: r.keyPath(key))
            return nil
        }
        return value
    }

    mutating func gatewayKind(_ r: TableReader, allowed: [GatewayKind]) -> GatewayKind? {
        r.requireKey("kind", &log)
        guard let s = r.string("kind", &log) else { return nil }
        let names = allowed.map { "\"\($0.rawValue)\"" }
        let list = names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
        guard let kind = GatewayKind(rawValue: s), allowed.contains(kind) else {
            let why = GatewayKind(rawValue: s) == .jsonl ? " (a jsonl log has no outbound side)" : ""
            log.add("\(r.keyPath("kind")): \"\(s)\" must be \(list)\(why)", at: r.keyPath("kind"))
            return nil
        }
        return kind
    }

    /// A reply written where an inbound source reads would come back as a complaint.
    mutating func checkSpoolOverlap(inbound: [InboundDraft], outbound: [OutboundDraft]) {
        for out in outbound {
            for source in inbound.map(\.source) {
                let taken = [(source.path, "spool"), (source.archive, "archive"), (source.rejected, "rejected directory")]
                for (dir, what) in taken where dir == out.spool.path {
                    log.add("\(out.path).path is also inbound \(source.name)'s \(what); aduan would read its own replies",
                            at: "\(out.path).path")
                }
            }
        }
    }

    /// ` (line N)` for pointing from one issue to the other key involved.
    func lineSuffix(_ path: String) -> String {
        log.lines.line(path).map { " (line \($0))" } ?? ""
    }

    // MARK: [triage]

    struct TriageDraft {
        var route: Route
        /// Whether the prefix passed its checks, so collisions with it mean something.
        var prefixValid: Bool
    }

    mutating func readTriage(_ r: TableReader) -> TriageDraft {
        r.rejectUnknown(Self.triageKeys, &log)
        var prefixValid = true
        var prefix = "UMUM"
        if let s = r.string("prefix", &log) {
            if let p = validPrefix(s, at: r.keyPath("prefix"), owner: "triage") {
                prefix = p
            } else {
                prefixValid = false
            }
        }
        let region = r.text("region", &log) ?? "Umum"
        let program = r.text("program", &log)
        let first = r.duration("first_response", &log, example: "3wd", allowZero: false) ?? .workingDays(3)
        let resolution = r.duration("resolution", &log, example: "14d", allowZero: false) ?? .days(14)
        let route = Route.triage(prefix: prefix, region: region, program: program,
                                 firstResponse: first, resolution: resolution)
        return TriageDraft(route: route, prefixValid: prefixValid)
    }

    // MARK: [urgent]

    mutating func readUrgent(_ r: TableReader) -> UrgentRule {
        r.rejectUnknown(Self.urgentKeys, &log)
        let words = nonEmptyWords("words", in: r)
        let first = r.duration("first_response", &log, example: "4h", allowZero: false) ?? .hours(4)
        let resolution = r.duration("resolution", &log, example: "24h", allowZero: false) ?? .hours(24)
        return UrgentRule(words: words, firstResponse: first, resolution: resolution)
    }

    /// Word lists for matching; an empty word would match every complaint.
    mutating func nonEmptyWords(_ key: String, in r: TableReader) -> [String] {
        guard let words = r.strings(key, &log, example: #"["jalan", "jembatan"]"#) else { return [] }
        var result: [String] = []
        for (i, word) in words.enumerated() {
            let trimmed = word.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                let at = "\(r.keyPath(key))[\(i)]"
                log.add("\(at) is empty; it would match every complaint", at: at)
            } else {
                result.append(trimmed)
            }
        }
        return result
    }

    // MARK: [[agencies]]

    mutating func readAgencies(_ readers: [TableReader]) -> [Agency] {
        var agencies: [Agency] = []
        var ids: [String: String] = [:]
        for r in readers {
            r.rejectUnknown(Self.agencyKeys, &log)
            var id = r.text("id", &log, required: true)
            if let s = id {
                if !s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
                    log.add(#"\#(r.keyPath("id")): "\#(s)" may hold only letters, digits, - and _ (operators type it after --agency)"#,
                            at: r.keyPath("id"))
                    id = nil
                } else if let first = ids[s.lowercased()] {
                    log.add("\(r.keyPath("id")): agency id \(s) is already used by \(first)", at: r.keyPath("id"))
                    id = nil
                } else {
                    ids[s.lowercased()] = r.path + lineSuffix(r.path)
                }
            }
            let name = r.text("name", &log, required: true)
            let numbers = phoneNumbers("numbers", in: r)
            let words = nonEmptyWords("words", in: r)
            guard let id, let name else { continue }
            agencies.append(Agency(id: id, name: name, numbers: numbers, words: words))
        }
        return agencies
    }

    // MARK: [reminders]

    mutating func readReminders(_ r: TableReader) -> ReminderSettings {
        r.rejectUnknown(Self.reminderKeys, &log)
        var s = ReminderSettings()
        if let d = r.duration("desk_after", &log, example: "1wd") { s.deskAfter = d }
        if let d = r.duration("agency_after", &log, example: "3wd") { s.agencyAfter = d }
        s.escalateTo = phoneNumbers("escalate_to", in: r)
        if let d = r.duration("citizen_update_after", &log, example: "7d") { s.citizenUpdateAfter = d }
        if let d = r.duration("survey_after", &log, example: "1d") { s.surveyAfter = d }
        return s
    }

    // MARK: [status_words]

    mutating func readStatusWords(_ r: TableReader) -> [ComplaintStatus: String] {
        guard let table = r.table else { return [:] }
        var words: [ComplaintStatus: String] = [:]
        let known = ComplaintStatus.allCases.map(\.rawValue)
        for key in table.keys {
            guard let status = ComplaintStatus(rawValue: key) else {
                var message = "unknown key '\(key)' in [status_words]"
                if let guess = Suggestion.closest(to: key, in: known) { message += "; did you mean '\(guess)'?" }
                log.add(message, at: r.keyPath(key))
                continue
            }
            if let word = r.text(key, &log) { words[status] = word }
        }
        return words
    }
}
