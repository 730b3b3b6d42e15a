import AduanCore
import AduanStore
import Foundation

/// The texts of automatic replies, composed from templates. Pure: rules and
/// records in, text out.
public struct Replies: Sendable {
    public let rules: DeskRules

    public init(_ rules: DeskRules) { self.rules = rules }

    var templates: Templates { rules.config.templates }

    public func ack(_ complaint: ComplaintRecord, route: Route) -> String {
        ackAwaitingTicket(route: route, firstResponseDue: complaint.firstResponseDue).joined(separator: complaint.ticket)
    }

    /// The acknowledgement with everything but its ticket: joined with the
    /// ticket, it is ``ack(_:route:)``. Worked out before the transaction
    /// that draws the ticket.
    public func ackAwaitingTicket(route: Route, firstResponseDue: Date) -> [String] {
        var values = rules.baseValues(route: route)
        values["due"] = rules.calendar.display(firstResponseDue)
        return templates[.ack].render(values, cutAt: "ticket")
    }

    public func duplicate(of complaint: ComplaintRecord, route: Route) -> String {
        var values = rules.baseValues(route: route)
        values["ticket"] = complaint.ticket
        return templates[.duplicate].render(values)
    }

    public func routeHelp(_ route: Route) -> String {
        if let custom = route.formatHelp { return Template(custom).render(rules.baseValues(route: route)) }
        return templates[.routeHelp].render(rules.baseValues(route: route))
    }

    public func help() -> String {
        templates[.help].render(rules.baseValues(route: nil))
    }

    public func status(_ complaint: ComplaintRecord) -> String {
        let route = rules.route(keyword: complaint.route)
        var values = rules.baseValues(route: route)
        values["ticket"] = complaint.ticket
        values["status"] = rules.config.statusWord(complaint.status)
        values["agency"] = rules.agencyName(complaint.agency) ?? ""
        values["due"] = rules.calendar.display(complaint.resolutionDue)
        return MessageText.normalise(templates[.status].render(values))
    }

    /// The sender's own latest tickets, or the "none" text; what a STATUS for a
    /// ticket that is not theirs gets, so it reveals nothing (§3.5).
    public func statusList(_ complaints: [ComplaintRecord]) -> String {
        guard !complaints.isEmpty else { return templates[.statusNone].render(rules.baseValues(route: nil)) }
        var values = rules.baseValues(route: nil)
        values["tickets"] = complaints.map { "\($0.ticket) (\(rules.config.statusWord($0.status)))" }.joined(separator: ", ")
        return templates[.statusList].render(values)
    }

    /// The SMS a desk action sends the citizen; nil for a note, or for an
    /// optional kind the config switched off.
    public func statusChange(_ complaint: ComplaintRecord, action: DeskAction) -> String? {
        let kind: TemplateKind
        var values = rules.baseValues(route: rules.route(keyword: complaint.route))
        values["ticket"] = complaint.ticket
        values["status"] = rules.config.statusWord(complaint.status)
        values["agency"] = rules.agencyName(complaint.agency) ?? "petugas"
        switch action {
        case .forward: kind = .forwarded
        case .progress: kind = .inProgress
        case .resolve(let answer):
            kind = .resolved
            values["answer"] = answer
        case .reject(let reason):
            kind = .rejected
            values["reason"] = reason
        case .reopen: kind = .reopened
        case .note: return nil
        }
        guard !templates.isSwitchedOff(kind) else { return nil }
        return templates[kind].render(values)
    }

    public func citizen(_ kind: TemplateKind, ticket: String?) -> String {
        var values = rules.baseValues(route: nil)
        values["ticket"] = ticket ?? ""
        return templates[kind].render(values)
    }

    /// Reminder texts. Officials get the ticket and a summary of the words,
    /// never the citizen's number (§6).
    public func reminder(_ stage: ReminderStage, _ c: ComplaintRecord) -> String {
        var values = rules.baseValues(route: rules.route(keyword: c.route))
        values["ticket"] = c.ticket
        values["agency"] = rules.agencyName(c.agency) ?? "petugas"
        values["status"] = rules.config.statusWord(c.status)
        values["summary"] = ComplaintSummary.of(c.text)
        let kind: TemplateKind
        switch stage {
        case .deskAlert:
            kind = .deskAlert
            values["due"] = rules.calendar.display(c.firstResponseDue)
        case .agencyReminder:
            kind = .agencyReminder
            values["since"] = rules.calendar.display(c.forwardedAt ?? c.receivedAt)
        case .escalation:
            kind = .escalation
            values["due"] = rules.calendar.display(c.resolutionDue)
        case .citizenUpdate: kind = .citizenUpdate
        case .survey: kind = .survey
        }
        return templates[kind].render(values)
    }
}
