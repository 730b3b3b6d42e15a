import AduanCore

/// The whole validated configuration. Built only by `ConfigLoader`, so every
/// value here has passed validation; paths are absolute.
public struct Config: Sendable {
    /// Absolute path of the file this was loaded from.
    public var file: String
    public var service: ServiceSettings
    public var limits: Limits
    public var inbound: [InboundSource]
    public var outbound: [OutboundSpool]
    /// The route unknown keywords fall back to (keyword "" — never matched).
    public var triage: Route
    public var routes: [Route]
    public var urgent: UrgentRule
    public var agencies: [Agency]
    public var reminders: ReminderSettings
    public var templates: Templates
    /// Words citizens read for each status (`[status_words]`).
    public var statusWords: [ComplaintStatus: String]

    public init(
        file: String, service: ServiceSettings, limits: Limits, inbound: [InboundSource],
        outbound: [OutboundSpool], triage: Route, routes: [Route], urgent: UrgentRule,
        agencies: [Agency], reminders: ReminderSettings, templates: Templates,
        statusWords: [ComplaintStatus: String]
    ) {
        self.file = file
        self.service = service
        self.limits = limits
        self.inbound = inbound
        self.outbound = outbound
        self.triage = triage
        self.routes = routes
        self.urgent = urgent
        self.agencies = agencies
        self.reminders = reminders
        self.templates = templates
        self.statusWords = statusWords
    }

    public func statusWord(_ status: ComplaintStatus) -> String {
        statusWords[status] ?? status.defaultWord
    }
}

public struct ServiceSettings: Sendable {
    public var shortcode: String
    /// Digits, no `+`, e.g. "62".
    public var countryCode: String
    /// IANA name, e.g. "Asia/Jakarta" (WIB), "Asia/Makassar" (WITA), "Asia/Jayapura" (WIT).
    public var timezone: String
    /// Absolute path of the SQLite database.
    public var database: String
    public var onUnknownKeyword: UnknownKeywordPolicy
    public var dedupeWindow: TimeSpan
    /// Local wall-clock window, minutes after midnight; `start > end` wraps past midnight.
    public var quietHours: QuietWindow
    /// Numbers never answered, as configured (normalised by the router).
    public var noReply: [String]
    public var deskNumbers: [String]
    /// Local dates "YYYY-MM-DD".
    public var holidays: [String]
    /// `"info"` or `"debug"`.
    public var logLevel: String
    /// How long the parts of a concatenated SMS are held for the missing ones
    /// before the parts present are joined with a marker (default 10 minutes).
    public var multipartTimeout: TimeSpan

    public init(
        shortcode: String, countryCode: String, timezone: String, database: String,
        onUnknownKeyword: UnknownKeywordPolicy, dedupeWindow: TimeSpan, quietHours: QuietWindow,
        noReply: [String], deskNumbers: [String], holidays: [String], logLevel: String = "info",
        multipartTimeout: TimeSpan = .minutes(10)
    ) {
        self.multipartTimeout = multipartTimeout
        self.shortcode = shortcode
        self.countryCode = countryCode
        self.timezone = timezone
        self.database = database
        self.onUnknownKeyword = onUnknownKeyword
        self.dedupeWindow = dedupeWindow
        self.quietHours = quietHours
        self.noReply = noReply
        self.deskNumbers = deskNumbers
        self.holidays = holidays
        self.logLevel = logLevel
    }
}

public struct Limits: Sendable {
    public var complaintsPerHour: Int
    public var repliesPerDay: Int

    public init(complaintsPerHour: Int = 5, repliesPerDay: Int = 20) {
        self.complaintsPerHour = complaintsPerHour
        self.repliesPerDay = repliesPerDay
    }
}

public enum GatewayKind: String, Sendable, Codable, CaseIterable {
    case smstools
    case gammu
    case jsonl
}

/// One inbound spool or log, named so the database can say where a message came from.
public struct InboundSource: Sendable {
    public var name: String
    public var kind: GatewayKind
    /// Absolute path: a directory (smstools, gammu) or a file (jsonl).
    public var path: String
    /// Absolute path; nil means processed files are deleted.
    public var archive: String?
    /// Absolute path of the directory unparseable files are moved to.
    public var rejected: String
    /// gammu-smsd's `InboxFormat` (gammu sources only).
    public var format: GammuInboxFormat

    public init(name: String, kind: GatewayKind, path: String, archive: String?, rejected: String,
                format: GammuInboxFormat = .detail) {
        self.format = format
        self.name = name
        self.kind = kind
        self.path = path
        self.archive = archive
        self.rejected = rejected
    }
}

public struct OutboundSpool: Sendable {
    public var name: String
    /// smstools or gammu (jsonl has no outbound side).
    public var kind: GatewayKind
    /// Absolute path of the gateway's outgoing directory.
    public var path: String
    /// How gammu outbox files are encoded (gammu spools only).
    public var encoding: GammuOutboxEncoding

    public init(name: String, kind: GatewayKind, path: String, encoding: GammuOutboxEncoding = .utf8) {
        self.encoding = encoding
        self.name = name
        self.kind = kind
        self.path = path
    }
}

/// gammu-smsd's `InboxFormat`: `detail` keeps every part with its UDH and is
/// locale-proof; `unicode` and `standard` write one file per part.
public enum GammuInboxFormat: String, Sendable, CaseIterable {
    case detail
    case unicode
    case standard
}

/// UTF-8 needs gammu-smsd under a UTF-8 locale; UTF-16 with a BOM is read the
/// same under any locale.
public enum GammuOutboxEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case utf16 = "utf-16"
}

public struct ReminderSettings: Sendable {
    public var deskAfter: TimeSpan
    public var agencyAfter: TimeSpan
    public var escalateTo: [String]
    public var citizenUpdateAfter: TimeSpan
    public var surveyAfter: TimeSpan

    public init(
        deskAfter: TimeSpan = .workingDays(1), agencyAfter: TimeSpan = .workingDays(3),
        escalateTo: [String] = [], citizenUpdateAfter: TimeSpan = .days(7), surveyAfter: TimeSpan = .days(1)
    ) {
        self.deskAfter = deskAfter
        self.agencyAfter = agencyAfter
        self.escalateTo = escalateTo
        self.citizenUpdateAfter = citizenUpdateAfter
        self.surveyAfter = surveyAfter
    }
}

import Foundation
