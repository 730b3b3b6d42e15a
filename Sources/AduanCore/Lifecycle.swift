/// What the desk can do to a complaint (§4, §7).
public enum DeskAction: Sendable, Equatable {
    case forward(agency: String, note: String? = nil)
    case progress
    case resolve(answer: String)
    case reject(reason: String)
    case reopen
    case note(String)

    /// The event kind recorded in the history.
    public var eventKind: String {
        switch self {
        case .forward: "forwarded"
        case .progress: "in_progress"
        case .resolve: "resolved"
        case .reject: "rejected"
        case .reopen: "reopened"
        case .note: "note"
        }
    }

    public var commandName: String {
        switch self {
        case .forward: "forward"
        case .progress: "progress"
        case .resolve: "resolve"
        case .reject: "reject"
        case .reopen: "reopen"
        case .note: "note"
        }
    }
}

/// A transition that makes no sense, with the reason an operator reads.
public struct LifecycleError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The status lifecycle as a pure function: the status a complaint moves to,
/// or why it cannot.
public enum Lifecycle {
    public static func next(from status: ComplaintStatus, _ action: DeskAction, ticket: String) -> Result<ComplaintStatus, LifecycleError> {
        let closed = status == .resolved || status == .rejected
        func refuse(_ why: String) -> Result<ComplaintStatus, LifecycleError> {
            .failure(LifecycleError("\(ticket) is \(status.rawValue): \(why)"))
        }
        switch action {
        case .forward:
            return closed ? refuse("reopen it first (aduan complaints reopen \(ticket))") : .success(.forwarded)
        case .progress:
            if closed { return refuse("reopen it first (aduan complaints reopen \(ticket))") }
            if status == .inProgress { return refuse("it is already in progress") }
            return .success(.inProgress)
        case .resolve(let answer):
            if closed { return refuse("it is already closed; reopen it to answer again") }
            if answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return refuse("the answer is empty") }
            return .success(.resolved)
        case .reject(let reason):
            if closed { return refuse("it is already closed; reopen it first") }
            if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return refuse("the reason is empty") }
            return .success(.rejected)
        case .reopen:
            return closed ? .success(.forwarded) : refuse("only a resolved or rejected complaint can be reopened")
        case .note(let text):
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return refuse("the note is empty") }
            return .success(status)
        }
    }
}

import Foundation
