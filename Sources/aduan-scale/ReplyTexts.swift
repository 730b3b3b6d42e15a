import AduanConfig
import AduanCore
import AduanDaemon
import Foundation

/// The SMS texts of a generated year, from the config's real templates with
/// the values `Replies` gives them. `Replies` takes stored records, which only
/// the store makes; the generator holds its complaints in memory, so it fills
/// the same placeholders itself. The texts decide the size of the outbox, so
/// they are the real ones, not filler.
struct ReplyTexts {
    let rules: DeskRules
    let calendar: CachedCalendar
    private let base: [String: [String: String]]
    private let baseNoRoute: [String: String]

    init(rules: DeskRules, calendar: CachedCalendar) {
        self.rules = rules
        self.calendar = calendar
        var base: [String: [String: String]] = [:]
        for route in rules.config.routes + [rules.config.triage] {
            base[route.keyword] = rules.baseValues(route: route)
        }
        self.base = base
        baseNoRoute = rules.baseValues(route: nil)
    }

    var templates: Templates { rules.config.templates }

    private func values(_ c: SimComplaint) -> [String: String] {
        var values = base[c.route.keyword] ?? baseNoRoute
        values["ticket"] = c.ticket
        return values
    }

    func ack(_ c: SimComplaint) -> String {
        var v = values(c)
        v["due"] = calendar.display(c.firstResponseDue.date)
        return templates[.ack].render(v)
    }

    func status(_ c: SimComplaint) -> String {
        var v = values(c)
        v["status"] = rules.config.statusWord(c.status)
        v["agency"] = rules.agencyName(c.agency) ?? ""
        v["due"] = calendar.display(c.resolutionDue.date)
        return MessageText.normalise(templates[.status].render(v))
    }

    func statusList(_ c: SimComplaint) -> String {
        var v = baseNoRoute
        v["tickets"] = "\(c.ticket) (\(rules.config.statusWord(c.status)))"
        return templates[.statusList].render(v)
    }

    /// What the citizen is sent when the desk acts; nil for a kind switched off.
    func statusChange(_ c: SimComplaint, _ action: DeskAction) -> String? {
        var v = values(c)
        v["status"] = rules.config.statusWord(c.status)
        v["agency"] = rules.agencyName(c.agency) ?? "petugas"
        let kind: TemplateKind
        switch action {
        case .forward: kind = .forwarded
        case .progress: kind = .inProgress
        case .resolve(let answer):
            kind = .resolved
            v["answer"] = answer
        case .reject(let reason):
            kind = .rejected
            v["reason"] = reason
        case .reopen: kind = .reopened
        case .note: return nil
        }
        guard !templates.isSwitchedOff(kind) else { return nil }
        return templates[kind].render(v)
    }

    func citizen(_ kind: TemplateKind, ticket: String?) -> String {
        var v = baseNoRoute
        v["ticket"] = ticket ?? ""
        return templates[kind].render(v)
    }

    func reminder(_ stage: ReminderStage, _ c: SimComplaint) -> String {
        var v = values(c)
        v["agency"] = rules.agencyName(c.agency) ?? "petugas"
        v["status"] = rules.config.statusWord(c.status)
        v["summary"] = c.summary
        let kind: TemplateKind
        switch stage {
        case .deskAlert:
            kind = .deskAlert
            v["due"] = calendar.display(c.firstResponseDue.date)
        case .agencyReminder:
            kind = .agencyReminder
            v["since"] = calendar.display((c.forwardedAt ?? c.receivedAt).date)
        case .escalation:
            kind = .escalation
            v["due"] = calendar.display(c.resolutionDue.date)
        case .citizenUpdate: kind = .citizenUpdate
        case .survey: kind = .survey
        }
        return templates[kind].render(v)
    }
}
