import Foundation

/// The stages `aduan remind` sends (§6). Each is sent at most once per
/// complaint, ever.
public enum ReminderStage: String, Sendable, CaseIterable, Codable {
    /// Not forwarded in time: alert the desk's numbers.
    case deskAlert = "desk_alert"
    /// Forwarded and unanswered: remind the agency's focal points.
    case agencyReminder = "agency_reminder"
    /// Past the resolution deadline: tell the inspectorate.
    case escalation
    /// Unchanged for a while: tell the citizen it is still being handled.
    case citizenUpdate = "citizen_update"
    /// Resolved: ask the citizen once for PUAS/TIDAK.
    case survey

    /// Stages addressed to the citizen, which a STOP silences.
    public var toCitizen: Bool { self == .citizenUpdate || self == .survey }
}

/// Text for officials about a citizen's complaint: the words, never the
/// number. Citizens often sign with their number, so runs of digits long
/// enough to be a phone number are blanked.
public enum ComplaintSummary {
    public static func of(_ text: String, limit: Int = 40) -> String {
        let out = blankingNumbers(MessageText.normalise(text))
        guard out.count > limit else { return out }
        return String(out.prefix(limit - 3)).trimmingCharacters(in: .whitespaces) + "..."
    }

    /// `text` with every run of at least `minimumDigits` digits (single
    /// spaces, dashes or dots between them allowed: `0812-3456 7890`)
    /// replaced by `[nomor]`, and nothing else changed.
    public static func blankingNumbers(_ text: String, minimumDigits: Int = 6) -> String {
        let chars = Array(text)
        func isDigit(_ i: Int) -> Bool { i < chars.count && chars[i].isASCII && chars[i].isNumber }
        var out = ""
        var i = 0
        while i < chars.count {
            guard isDigit(i) else {
                out.append(chars[i])
                i += 1
                continue
            }
            // A run of digits, allowing single separators between them (0812-3456 7890).
            var end = i
            var count = 0
            var j = i
            while j < chars.count, isDigit(j) || ((chars[j] == " " || chars[j] == "-" || chars[j] == ".") && isDigit(j + 1)) {
                if isDigit(j) {
                    count += 1
                    end = j
                }
                j += 1
            }
            if count >= minimumDigits {
                if out.last == "+" { out.removeLast() }
                out += "[nomor]"
            } else {
                out += String(chars[i...end])
            }
            i = end + 1
        }
        return out
    }
}

/// Quiet hours as local wall-clock minutes (§5): reminders and surveys wait
/// for the morning; acknowledgements and direct replies never do.
public struct QuietWindow: Sendable, Hashable {
    public var startMinute: Int
    public var endMinute: Int

    public init(startMinute: Int, endMinute: Int) {
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    /// Parses the config form `"21:00-07:00"`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let a = Self.minute(parts[0]), let b = Self.minute(parts[1]) else { return nil }
        self.init(startMinute: a, endMinute: b)
    }

    static func minute(_ s: Substring) -> Int? {
        let hm = s.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard hm.count == 2, hm[0].count == 2, hm[1].count == 2,
              let h = Int(hm[0]), let m = Int(hm[1]), (0..<24).contains(h), (0..<60).contains(m)
        else { return nil }
        return h * 60 + m
    }

    /// When the window that holds `instant` ends, or nil when `instant` is
    /// outside it. A window whose start is after its end wraps past midnight.
    public func holdUntil(_ instant: Date, in timeZone: TimeZone) -> Date? {
        guard startMinute != endMinute else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: instant)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        let inside = startMinute < endMinute
            ? (minute >= startMinute && minute < endMinute)
            : (minute >= startMinute || minute < endMinute)
        guard inside else { return nil }
        let day = calendar.startOfDay(for: instant)
        let endToday = calendar.date(byAdding: .minute, value: endMinute, to: day) ?? instant
        return endToday > instant ? endToday : calendar.date(byAdding: .day, value: 1, to: endToday) ?? endToday
    }
}
