/// The kinds of SMS aduan sends; each has a template, configurable under `[templates]`.
public enum TemplateKind: String, Sendable, Codable, CaseIterable {
    case ack
    case duplicate
    case routeHelp = "route_help"
    case help
    case status
    case statusList = "status_list"
    case statusNone = "status_none"
    case forwarded
    case inProgress = "in_progress"
    case resolved
    case rejected
    case reopened
    case infoAck = "info_ack"
    case stopAck = "stop"
    case startAck = "start"
    case ratingPuas = "rating_puas"
    case ratingTidak = "rating_tidak"
    case deskAlert = "desk_alert"
    case agencyReminder = "agency_reminder"
    case escalation
    case citizenUpdate = "citizen_update"
    case survey

    /// Placeholders this kind may use. A template naming any other is a config error,
    /// so a typo like `{tiket}` is caught before a citizen reads it.
    public var placeholders: Set<String> {
        let common: Set<String> = ["shortcode", "region", "program"]
        switch self {
        case .ack: return common.union(["ticket", "due", "keyword"])
        case .duplicate: return common.union(["ticket", "keyword"])
        case .routeHelp: return common.union(["keyword"])
        case .help: return ["shortcode", "keywords"]
        case .status: return common.union(["ticket", "status", "agency", "due"])
        case .statusList: return ["shortcode", "tickets"]
        case .statusNone: return ["shortcode", "keywords"]
        case .forwarded, .inProgress, .reopened: return common.union(["ticket", "status", "agency"])
        case .resolved: return common.union(["ticket", "status", "agency", "answer"])
        case .rejected: return common.union(["ticket", "status", "reason"])
        case .infoAck, .ratingPuas, .ratingTidak: return common.union(["ticket"])
        case .stopAck, .startAck: return ["shortcode"]
        case .deskAlert, .agencyReminder, .escalation:
            return common.union(["ticket", "agency", "due", "summary", "since", "status"])
        case .citizenUpdate, .survey: return common.union(["ticket", "agency", "status"])
        }
    }

    /// Kinds the config may switch off with an empty text (§4: the
    /// in-progress SMS is optional per config).
    public var mayBeEmpty: Bool {
        self == .inProgress
    }

    /// Must be one GSM-7 segment at its longest (§5): the ack, and the short replies
    /// that answer the first message a citizen ever sends.
    public var mustBeSingleGSM7: Bool {
        self == .ack
    }

    public var defaultText: String {
        switch self {
        case .ack:
            "Aduan Anda untuk {region} diterima, no. {ticket}. Cek status: ketik STATUS {ticket} kirim ke {shortcode}."
        case .duplicate:
            "Aduan ini sudah kami terima dengan no. {ticket}. Cek status: ketik STATUS {ticket} kirim ke {shortcode}."
        case .routeHelp:
            "Format aduan {region}: {keyword} isi aduan, kirim ke {shortcode}. Contoh: {keyword} jalan rusak di desa ..."
        case .help:
            "Layanan aduan {shortcode}. Kirim: KATA KUNCI isi aduan. Kata kunci: {keywords}. Cek status: STATUS no. tiket."
        case .status:
            "Aduan {ticket} ({region}): {status}. {agency}"
        case .statusList:
            "Aduan Anda: {tickets}. Rincian: ketik STATUS no. tiket kirim ke {shortcode}."
        case .statusNone:
            "Tidak ada aduan dari nomor ini. Kirim: KATA KUNCI isi aduan ke {shortcode}. Kata kunci: {keywords}."
        case .forwarded:
            "Aduan {ticket} diteruskan ke {agency} untuk ditindaklanjuti."
        case .inProgress:
            "Aduan {ticket} sedang ditangani oleh {agency}."
        case .resolved:
            "Aduan {ticket} selesai: {answer}. Puas? Balas PUAS {ticket} atau TIDAK {ticket}."
        case .rejected:
            "Aduan {ticket} tidak dapat diproses: {reason}."
        case .reopened:
            "Aduan {ticket} dibuka kembali dan diteruskan ke {agency}."
        case .infoAck:
            "Tambahan untuk aduan {ticket} sudah kami catat. Terima kasih."
        case .stopAck:
            "Anda tidak akan menerima pengingat dan survei lagi dari {shortcode}. Kirim MULAI untuk mengaktifkan kembali."
        case .startAck:
            "Pengingat dan survei dari {shortcode} aktif kembali. Kirim STOP untuk berhenti."
        case .ratingPuas:
            "Terima kasih atas penilaian Anda untuk aduan {ticket}."
        case .ratingTidak:
            "Terima kasih. Aduan {ticket} akan ditinjau kembali oleh petugas."
        case .deskAlert:
            "Aduan {ticket} ({region}) belum diteruskan, batas respons {due}: {summary}"
        case .agencyReminder:
            "{agency}: aduan {ticket} ({region}) belum dijawab sejak {since}. {summary}"
        case .escalation:
            "Eskalasi {ticket} ({region}, {agency}) lewat batas {due}: {summary}"
        case .citizenUpdate:
            "Aduan {ticket} masih dalam penanganan {agency}. Terima kasih atas kesabaran Anda."
        case .survey:
            "Apakah Anda puas dengan penanganan aduan {ticket}? Balas PUAS {ticket} atau TIDAK {ticket} ke {shortcode}."
        }
    }
}

/// A parsed template: literal text with `{name}` placeholders.
public struct Template: Sendable, Hashable {
    enum Piece: Sendable, Hashable {
        case literal(String)
        case placeholder(String)
    }

    public let source: String
    let pieces: [Piece]

    public init(_ source: String) {
        self.source = source
        var pieces: [Piece] = []
        var literal = ""
        var rest = Substring(source)
        while let open = rest.firstIndex(of: "{") {
            literal += rest[..<open]
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(of: "}"),
               rest[afterOpen..<close].allSatisfy({ $0 == "_" || ($0.isASCII && $0.isLetter) }),
               afterOpen < close
            {
                if !literal.isEmpty { pieces.append(.literal(literal)); literal = "" }
                pieces.append(.placeholder(String(rest[afterOpen..<close])))
                rest = rest[rest.index(after: close)...]
            } else {
                literal.append("{")
                rest = rest[afterOpen...]
            }
        }
        literal += rest
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        self.pieces = pieces
    }

    /// The placeholder names the template uses, in order of appearance.
    public var placeholders: [String] {
        pieces.compactMap { if case .placeholder(let n) = $0 { n } else { nil } }
    }

    /// Fills every placeholder but `open`, and cuts the text where `open`
    /// goes: joined with its value, the parts are what ``render(_:)`` gives.
    /// The daemon renders an acknowledgement this way before its
    /// transaction, which has only the ticket to put in.
    public func render(_ values: [String: String], cutAt open: String) -> [String] {
        parts(values, cutAt: open)
    }

    /// Fills the placeholders; one with no value is left visible as `{name}`,
    /// which check-config prevents for configured templates.
    public func render(_ values: [String: String]) -> String {
        parts(values, cutAt: nil)[0]
    }

    /// The filled text, cut where each `open` placeholder goes (nowhere
    /// when nil).
    private func parts(_ values: [String: String], cutAt open: String?) -> [String] {
        var parts: [String] = []
        var out = ""
        for piece in pieces {
            switch piece {
            case .literal(let s): out += s
            case .placeholder(let n) where n == open:
                parts.append(out)
                out = ""
            case .placeholder(let n): out += values[n] ?? "{\(n)}"
            }
        }
        parts.append(out)
        return parts
    }
}

/// Every template kind's text, from the config or the built-in default.
public struct Templates: Sendable {
    var byKind: [TemplateKind: Template]

    public init(_ configured: [TemplateKind: String] = [:]) {
        var byKind: [TemplateKind: Template] = [:]
        for kind in TemplateKind.allCases {
            byKind[kind] = Template(configured[kind] ?? kind.defaultText)
        }
        self.byKind = byKind
    }

    public subscript(kind: TemplateKind) -> Template {
        byKind[kind] ?? Template(kind.defaultText)
    }

    /// An optional kind configured as "": that SMS is not sent.
    public func isSwitchedOff(_ kind: TemplateKind) -> Bool {
        kind.mayBeEmpty && self[kind].source.isEmpty
    }
}
