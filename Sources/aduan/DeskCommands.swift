import AduanConfig
import AduanCore
import AduanDaemon
import AduanStore
import ArgumentParser
import Foundation

/// `--as` and the ticket, shared by every desk action.
struct DeskOptions: ParsableArguments {
    @OptionGroup var config: ConfigOption
    @Argument(help: "The ticket, e.g. BJR-0042 (bjr42 works too).") var ticket: String
    @Option(name: .customLong("as"), help: "Who acts, for the history (default: your login name).") var actor: String?

    var who: String {
        if let actor, !actor.isEmpty { return actor }
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "uid \(geteuid())"
    }

    /// Performs the action, spools the citizen's SMS, prints one line.
    func perform(_ action: DeskAction) throws {
        guard let parsed = Ticket(ticket) else { throw CLIError("'\(ticket)' is not a ticket (like BJR-0042)") }
        let context = try CLIContext(config)
        let desk = ComplaintDesk(store: context.store, rules: context.rules, clock: context.clock)
        let outcome: ComplaintDesk.Outcome
        do {
            outcome = try desk.perform(action, on: parsed, actor: who)
        } catch let error as LifecycleError {
            throw CLIError(error.description)
        }
        var line = "\(outcome.complaint.ticket) \(action.eventKind)"
        if outcome.complaint.status.rawValue != action.eventKind { line += ", now \(outcome.complaint.status.rawValue)" }
        if let sms = outcome.sms {
            line += "; SMS to the citizen: \(sms)"
            if let spool = context.rules.config.outbound.first {
                do {
                    try Spooler(store: context.store, spool: spool, clock: context.clock).flush()
                } catch {
                    // Committed and queued: the daemon spools it when the fault clears.
                    line += " (queued; spooling failed: \(error))"
                }
                DaemonKick.poke(database: context.store.path)
            }
        }
        print(line)
    }
}

extension ComplaintsCommand {
    struct Forward: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Forward a complaint to an agency (OPD); tells the citizen.")
        @OptionGroup var options: DeskOptions
        @Option(help: "The agency's id from the config.") var agency: String
        @Option(help: "A note for the history.") var note: String?

        func run() throws { try options.perform(.forward(agency: agency, note: note)) }
    }

    struct Progress: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a complaint in progress (the agency is working on it).")
        @OptionGroup var options: DeskOptions
        func run() throws { try options.perform(.progress) }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record the answer and close the complaint; the citizen gets the answer.")
        @OptionGroup var options: DeskOptions
        @Option(help: "The answer the citizen reads.") var answer: String
        func run() throws { try options.perform(.resolve(answer: answer)) }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a complaint that cannot be handled; the citizen gets the reason.")
        @OptionGroup var options: DeskOptions
        @Option(help: "The reason the citizen reads.") var reason: String
        func run() throws { try options.perform(.reject(reason: reason)) }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reopen a resolved or rejected complaint (back to forwarded).")
        @OptionGroup var options: DeskOptions
        func run() throws { try options.perform(.reopen) }
    }

    struct Note: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a note to a complaint's history (no SMS).")
        @OptionGroup var options: DeskOptions
        @Argument(help: "The note.") var text: String
        func run() throws { try options.perform(.note(text)) }
    }
}
