import AduanConfig
import AduanCore
import AduanDaemon
import AduanGateways
import AduanStore
import Foundation

/// A year at the complaint desk, replayed in time order as the rows a real
/// database would hold after it.
///
/// Complaints arrive over the year (more on weekdays and in the morning and
/// evening, fewer at night); each is routed by the real router, gets its
/// priority, agency suggestion and deadlines from the real rules, its ticket
/// from its route's sequence, and its acknowledgement from the real template.
/// Then the desk works it: forwards it (mostly within the first-response
/// deadline, sometimes late), marks progress, resolves or rejects it, a few
/// never. Citizens ask `STATUS`, add `INFO`, answer the survey (`TIDAK` may
/// reopen it), and some send `STOP`. The hourly `aduan remind` sends each
/// stage when it comes due, exactly when the real one would: the check runs at
/// the first whole hour at or after the stage's due time (computed with the
/// real calendar), on the state the complaint has then.
///
/// Every step becomes rows at its instant, handed to the writer in time
/// order, so ids grow with time and the open complaints at the end are the
/// ones a real desk would still have open.
final class YearSimulation {
    struct Settings {
        var complaints: Int
        var seed: UInt64
        var end: Date
        var days = 365
    }

    /// What the year produced, for the report and the tests.
    struct Summary {
        var complaints = 0
        var byStatus: [ComplaintStatus: Int] = [:]
        var overdue = 0
        var events = 0
        var inbound = 0
        var outbox = 0
        var reminders = 0
        var optOuts = 0
        /// Generated texts the router did not read as a complaint (a typo that
        /// became a command, say); they are rewritten with the plain keyword.
        var rerouted = 0
    }

    let settings: Settings
    let rules: DeskRules
    let calendar: CachedCalendar
    let texts: ReplyTexts
    let channel: RowChannel
    let startMillis: Int64
    let endMillis: Int64
    private(set) var summary = Summary()

    /// Rows not yet handed to the writer.
    private var batch: [RowOp] = []

    private var queue = EventQueue()
    private var live: [Int64: SimComplaint] = [:]
    private var sequences: [String: Int] = [:]
    private var stopped: [String: Int64] = [:]
    /// Repeat senders already seen: their STOP, if any, follows their first complaint.
    private var seenRepeatSenders = Set<Int>()
    private var nextInboundID: Int64 = 1
    private var nextOutboxID: Int64 = 1
    private let spoolName: String
    private let source: String
    private let repeatSenders: Int

    init(settings: Settings, rules: DeskRules, channel: RowChannel) {
        self.settings = settings
        self.rules = rules
        self.channel = channel
        calendar = CachedCalendar(rules.calendar)
        texts = ReplyTexts(rules: rules, calendar: calendar)
        endMillis = Millis.from(settings.end)
        startMillis = endMillis - Int64(settings.days) * 86_400_000
        spoolName = rules.config.outbound.first?.name ?? "smstools"
        source = rules.config.inbound.first?.name ?? "modem1"
        repeatSenders = max(20, settings.complaints / 20)
    }

    /// Runs the year, handing its rows to the channel in time order.
    func run(prefetch: Int = 10_000, progress: (Int) -> Void = { _ in }) throws {
        let n = settings.complaints
        let arrivals = Arrivals(seed: settings.seed, count: n, rules: rules,
                                times: ArrivalTimes(start: startMillis, days: settings.days, calendar: calendar))
        var next: Arrivals.Prefetch? = Arrivals.Prefetch(arrivals, 0..<min(n, prefetch))
        var done = 0
        while let current = next {
            let ready = current.wait()
            let following = done + ready.count
            next = following < n ? Arrivals.Prefetch(arrivals, following..<min(n, following + prefetch)) : nil
            for arrival in ready {
                try runSteps(before: arrival.at)
                try arrive(arrival)
            }
            done = following
            if done % 100_000 == 0 || done == n { progress(done) }
        }
        try runSteps(before: endMillis)
        for c in live.values.sorted(by: { $0.id < $1.id }) { try finish(c) }
        live.removeAll()
        for (prefix, last) in sequences.sorted(by: { $0.key < $1.key }) {
            try emit(.sequence(prefix: prefix, last: last))
        }
        try channel.send(batch)
        batch = []
    }

    private func emit(_ op: RowOp) throws {
        batch.append(op)
        if batch.count >= 4096 {
            try channel.send(batch)
            batch = []
            batch.reserveCapacity(4096)
        }
    }

    // MARK: The queue

    private func schedule(_ c: SimComplaint, at: Int64, _ step: Step) {
        // What would happen after the year's end has not happened.
        guard at < endMillis else { return }
        c.pending += 1
        queue.push(at: at, complaint: c.id, step)
    }

    private func runSteps(before limit: Int64) throws {
        while let next = queue.nextTime, next < limit, let item = queue.pop() {
            guard let c = live[item.complaint] else { continue }
            c.pending -= 1
            try perform(item.step, on: c, at: item.at)
            if c.pending == 0 {
                try finish(c)
                live[c.id] = nil
            }
        }
    }

    private func finish(_ c: SimComplaint) throws {
        if c.changed {
            try emit(.complaintState(ComplaintStateRow(
                id: c.id, status: c.status, agency: c.agency, forwardedAt: c.forwardedAt,
                firstResponseAt: c.firstResponseAt, closedAt: c.closedAt, answer: c.answer, rating: c.rating,
                flagged: c.flagged, updatedAt: c.updatedAt)))
        }
        summary.byStatus[c.status, default: 0] += 1
        if c.isOverdue(at: endMillis) { summary.overdue += 1 }
    }

    private func perform(_ step: Step, on c: SimComplaint, at: Int64) throws {
        switch step {
        case .desk(let action): try desk(action, c, at: at)
        case .reminderCheck(let stage): try check(stage, c, at: at)
        case .statusQuery(let bare): try statusQuery(c, bare: bare, at: at)
        case .followUp: try followUp(c, at: at)
        case .rating(let satisfied): try rate(c, satisfied: satisfied, at: at)
        case .optOut: try optOut(c, at: at)
        }
    }

    // MARK: Arrival

    private func arrive(_ a: Arrival) throws {
        let due = deadlines(a.route, a.priority, from: a.at)
        let seq = (sequences[a.route.prefix] ?? 0) + 1
        sequences[a.route.prefix] = seq
        let c = SimComplaint(
            id: Int64(a.index + 1), ticket: Ticket(prefix: a.route.prefix, number: seq).description, route: a.route,
            sender: a.sender, senderIndex: a.senderIndex, text: a.body, summary: a.summary, priority: a.priority,
            receivedAt: a.at, firstResponseDue: due.firstResponse, resolutionDue: due.resolution,
            agencySuggested: a.agencySuggested, random: a.random)
        live[c.id] = c
        summary.complaints += 1
        if a.rerouted { summary.rerouted += 1 }

        // In Reception's order: the complaint and its first event, the message, the ack.
        try emit(.complaint(ComplaintRow(
            id: c.id, ticket: c.ticket, prefix: a.route.prefix, seq: seq, route: c.routeKeyword, region: a.route.region,
            sender: c.sender, text: c.text, dedupeKey: a.dedupeKey, matchKind: a.match, receivedAt: a.at,
            priority: a.priority, agencySuggested: a.agencySuggested, firstResponseDue: c.firstResponseDue,
            resolutionDue: c.resolutionDue)))
        try event(c, at: a.at, "received", actor: "aduan", note: a.priority == .urgent ? "urgent" : nil)
        let inboundID = try record(InboundRow(
            id: 0, identity: a.identity, source: source, sourceRef: a.sourceRef, receivedAt: a.at, sender: a.sender,
            text: a.text, raw: a.raw, intent: "complaint", matchKind: a.match, route: c.routeKeyword, complaintID: c.id))
        try send(to: c.sender, .ack, texts.ack(c), complaint: c, inbound: inboundID, at: a.at)

        planDesk(c)
        planCitizen(c)
        scheduleChecks(c, at: a.at)
    }

    /// `DeskRules.deadlines`, with the calendar's day arithmetic remembered.
    private func deadlines(_ route: Route, _ priority: Priority, from start: Int64) -> (firstResponse: Int64, resolution: Int64) {
        let spans = rules.spans(for: route, priority: priority)
        return (Millis.from(calendar.due(from: start.date, after: spans.firstResponse)),
                Millis.from(calendar.due(from: start.date, after: spans.resolution)))
    }

    // MARK: The desk

    /// The first round of the desk's work, decided on arrival from the
    /// complaint's own dice: who answers, how fast relative to the deadline,
    /// and the few that are never answered.
    private func planDesk(_ c: SimComplaint) {
        var r = c.random
        defer { c.random = r }
        if r.chance(0.005) { return }  // lost at the desk: never forwarded
        // Most are triaged within hours of office time; some wait past the deadline.
        let hour = 3_600_000.0
        let delay = r.chance(0.9)
            ? r.logNormal(median: (c.priority == .urgent ? 1.5 : 3) * hour, spread: 1)
            : Double(c.firstResponseDue - c.receivedAt) * r.between(1.05, 2.5)
        let answered = officeTime(c.receivedAt + Int64(delay), c, &r)
        if r.chance(0.07) {
            schedule(c, at: answered, .desk(.reject))
            return
        }
        schedule(c, at: answered, .desk(.forward))
        planResolution(c, after: answered, &r)
    }

    /// Progress and resolution after a forward, relative to what is left of
    /// the resolution deadline; a few are never resolved (the backlog that
    /// makes a desk's overdue list).
    private func planResolution(_ c: SimComplaint, after forwarded: Int64, _ r: inout SeededRandom) {
        if r.chance(c.round == 0 ? 0.025 : 0.1) {
            if r.chance(0.5) { schedule(c, at: officeTime(forwarded + Int64(r.between(2, 48) * 3_600_000), c, &r), .desk(.progress)) }
            return
        }
        let left = Double(max(c.resolutionDue - forwarded, 2 * 3_600_000))
        let fraction = r.chance(0.88) ? min(0.95, r.logNormal(median: 0.35, spread: 0.6)) : r.between(1.05, 3)
        let resolved = officeTime(forwarded + Int64(left * fraction), c, &r)
        if r.chance(0.55) {
            let progress = officeTime(forwarded + Int64(Double(resolved - forwarded) * r.between(0.1, 0.5)), c, &r)
            if progress < resolved { schedule(c, at: progress, .desk(.progress)) }
        }
        schedule(c, at: max(resolved, forwarded + 60_000), .desk(.resolve))
    }

    /// The desk works on working days, 07:30–16:00; urgent complaints are
    /// handled whenever they come.
    private func officeTime(_ t: Int64, _ c: SimComplaint, _ r: inout SeededRandom) -> Int64 {
        if c.priority == .urgent { return t }
        let opens = 27_000, closes = 57_600
        let second = calendar.secondOfDay(t.date)
        if calendar.isWorkingDay(t.date), second >= opens, second < closes { return t }
        var day = t - Int64(second) * 1000
        if second >= opens || !calendar.isWorkingDay(t.date) { day += 86_400_000 }
        while !calendar.isWorkingDay(day.date) { day += 86_400_000 }
        return day + Int64(opens) * 1000 + Int64(r.between(0, 4 * 3600) * 1000)
    }

    private func desk(_ step: DeskStep, _ c: SimComplaint, at: Int64) throws {
        let action: DeskAction
        switch step {
        case .forward:
            guard c.status == .received else { return }
            var r = c.random
            let agency = c.agencySuggested ?? r.pick(rules.config.agencies.map(\.id))
            c.random = r
            action = .forward(agency: agency)
            c.status = .forwarded
            c.agency = agency
            c.forwardedAt = at
        case .progress:
            guard c.status == .forwarded else { return }
            action = .progress
            c.status = .inProgress
        case .resolve:
            guard c.isOpen else { return }
            action = .resolve(answer: c.random.pick(Population.answers))
            c.status = .resolved
            c.closedAt = at
        case .reject:
            guard c.isOpen else { return }
            action = .reject(reason: c.random.pick(Population.reasons))
            c.status = .rejected
            c.closedAt = at
        case .reopen:
            guard !c.isOpen else { return }
            action = .reopen
            c.status = .forwarded
            c.closedAt = nil
            c.flagged = false
            c.forwardedAt = at
            c.round += 1
        }
        // As Complaints.apply: the answer or reason, the first response, the time.
        if case .resolve(let text) = action { c.answer = text }
        if case .reject(let text) = action { c.answer = text }
        if step != .reopen, c.firstResponseAt == nil { c.firstResponseAt = at }
        c.updatedAt = at
        c.changed = true
        let note: String? = switch action {
        case .forward(let agency, _): agency
        case .resolve(let text), .reject(let text), .note(let text): text
        case .progress, .reopen: nil
        }
        try event(c, at: at, action.eventKind, actor: c.random.pick(Population.operators), note: note)
        if let text = texts.statusChange(c, action) {
            try send(to: c.sender, .status, text, complaint: c, inbound: nil, at: at)
        }
        if step == .reopen {
            var r = c.random
            planResolution(c, after: at, &r)
            c.random = r
        }
        scheduleChecks(c, at: at)
    }

    // MARK: The citizen

    /// Status questions, follow-ups and opt-outs, decided on arrival.
    private func planCitizen(_ c: SimComplaint) {
        var r = c.random
        defer { c.random = r }
        let questions = r.pick([(0, 0.72), (1, 0.2), (2, 0.06), (3, 0.02)])
        let horizon = Double(max(c.resolutionDue - c.receivedAt, 86_400_000)) * 1.5 + 2 * 86_400_000
        for _ in 0..<questions {
            schedule(c, at: c.receivedAt + Int64(r.between(3_600_000, horizon)), .statusQuery(bare: r.chance(0.1)))
        }
        if r.chance(0.04) {
            schedule(c, at: c.receivedAt + Int64(r.logNormal(median: 6 * 3_600_000, spread: 1)), .followUp)
        }
        // A number sends STOP once, after its first complaint, or never.
        let isRepeat = c.senderIndex < repeatSenders
        if !isRepeat || seenRepeatSenders.insert(c.senderIndex).inserted {
            var own = SeededRandom(seed: settings.seed, stream: UInt64(c.senderIndex), salt: 0x53544F50)
            if own.chance(0.012) {
                schedule(c, at: c.receivedAt + Int64(own.between(1, 48) * 3_600_000), .optOut)
            }
        }
    }

    private func statusQuery(_ c: SimComplaint, bare: Bool, at: Int64) throws {
        guard let ticket = Ticket(c.ticket) else { return }
        var r = c.random
        let text = bare ? r.pick(["STATUS", "CEK", "status"]) : Population.statusText(ticket: ticket, random: &r)
        c.random = r
        let inboundID = try receive(c, text: text, at: at, intent: "status", complaintID: nil)
        try send(to: c.sender, .status, bare ? texts.statusList(c) : texts.status(c), complaint: nil, inbound: inboundID, at: at)
    }

    private func followUp(_ c: SimComplaint, at: Int64) throws {
        let note = c.random.pick(Population.followUps)
        let inboundID = try receive(c, text: "INFO \(c.ticket) \(note)", at: at, intent: "info",
                                    complaintID: c.id)
        try event(c, at: at, "info", actor: "citizen", note: note)
        try send(to: c.sender, .status, texts.citizen(.infoAck, ticket: c.ticket), complaint: c, inbound: inboundID, at: at)
    }

    private func rate(_ c: SimComplaint, satisfied: Bool, at: Int64) throws {
        let inboundID = try receive(c, text: (satisfied ? "PUAS " : "TIDAK ") + c.ticket, at: at, intent: "rating",
                                    complaintID: c.id)
        // As Complaints.rate.
        c.rating = satisfied ? "puas" : "tidak"
        c.flagged = !satisfied
        c.updatedAt = at
        c.changed = true
        try event(c, at: at, satisfied ? "rated_puas" : "rated_tidak", actor: "citizen", note: nil)
        try send(to: c.sender, .status, texts.citizen(satisfied ? .ratingPuas : .ratingTidak, ticket: c.ticket),
                 complaint: c, inbound: inboundID, at: at)
        if !satisfied, c.round == 0, c.random.chance(0.45) {
            var r = c.random
            schedule(c, at: officeTime(at + Int64(r.between(0.5, 3) * 86_400_000), c, &r), .desk(.reopen))
            c.random = r
        }
        scheduleChecks(c, at: at)
    }

    private func optOut(_ c: SimComplaint, at: Int64) throws {
        let inboundID = try receive(c, text: c.random.pick(["STOP", "stop", "BERHENTI", "UNREG"]), at: at, intent: "stop",
                                    complaintID: nil)
        try emit(.optOut(number: c.sender, at: at))
        if stopped[c.sender] == nil { summary.optOuts += 1 }
        stopped[c.sender] = min(stopped[c.sender] ?? at, at)
        try send(to: c.sender, .help, texts.citizen(.stopAck, ticket: nil), complaint: nil, inbound: inboundID, at: at)
    }

    // MARK: Reminders

    /// The hourly timer's runs: on the hour, and only before the year's end
    /// (the measured `aduan remind --now <end>` is the next one).
    private func nextRun(atOrAfter t: Int64) -> Int64 {
        let hour: Int64 = 3_600_000
        return (t + hour - 1) / hour * hour
    }

    /// When each stage not yet claimed would come due if nothing changed,
    /// checked at the first run from then. A later change queues new checks;
    /// a check that finds the state changed does nothing.
    private func scheduleChecks(_ c: SimComplaint, at now: Int64) {
        for stage in ReminderStage.allCases where !c.claimed.contains(stage) {
            guard let due = dueTime(stage, c) else { continue }
            let run = nextRun(atOrAfter: max(due, now))
            if let queued = c.nextCheck[stage], queued <= run { continue }
            c.nextCheck[stage] = run
            schedule(c, at: run, .reminderCheck(stage))
        }
    }

    /// `Reminders.isDue` turned around: the instant the stage becomes due in
    /// the complaint's present state, or nil when it cannot.
    private func dueTime(_ stage: ReminderStage, _ c: SimComplaint) -> Int64? {
        let settings = rules.config.reminders
        func due(_ from: Int64, _ span: TimeSpan) -> Int64 { Millis.from(calendar.due(from: from.date, after: span)) }
        switch stage {
        case .deskAlert:
            guard c.status == .received else { return nil }
            return min(c.firstResponseDue, due(c.receivedAt, settings.deskAfter))
        case .agencyReminder:
            guard c.status == .forwarded || c.status == .inProgress, let forwarded = c.forwardedAt else { return nil }
            return due(forwarded, settings.agencyAfter)
        case .escalation:
            return c.isOpen ? c.resolutionDue : nil
        case .citizenUpdate:
            return c.isOpen ? due(c.updatedAt, settings.citizenUpdateAfter) : nil
        case .survey:
            guard c.status == .resolved, c.rating == nil, let closed = c.closedAt else { return nil }
            return due(closed, settings.surveyAfter)
        }
    }

    private func check(_ stage: ReminderStage, _ c: SimComplaint, at run: Int64) throws {
        if c.nextCheck[stage] == run { c.nextCheck[stage] = nil }
        guard !c.claimed.contains(stage), let due = dueTime(stage, c) else { return }
        guard due <= run else {
            scheduleChecks(c, at: run)
            return
        }
        // As Reminders.handle: who gets it, or why nobody does.
        var outcome = "sent"
        let recipients: [String]
        switch stage {
        case .deskAlert: recipients = rules.config.service.deskNumbers
        case .agencyReminder: recipients = rules.config.agencies.first { $0.id == c.agency }?.numbers ?? []
        case .escalation: recipients = rules.config.reminders.escalateTo
        case .citizenUpdate, .survey:
            if let stop = stopped[c.sender], stop <= run {
                recipients = []
                outcome = "stopped"
            } else {
                recipients = [c.sender]
            }
        }
        // Nobody configured to read it: not claimed, as the real run does.
        if recipients.isEmpty, outcome == "sent" { return }
        c.claimed.insert(stage)
        try emit(.reminder(ReminderRow(complaintID: c.id, stage: stage, at: run, outcome: outcome)))
        summary.reminders += 1
        let kind: OutboundKind = switch stage {
        case .escalation: .escalation
        case .survey: .survey
        default: .reminder
        }
        let held = rules.config.service.quietHours.holdUntil(run.date, in: rules.calendar.timeZone).map(Millis.from)
        let text = texts.reminder(stage, c)
        for number in recipients {
            try send(to: number, kind, text, complaint: c, inbound: nil, at: run, heldUntil: held)
        }
        if stage == .survey, outcome == "sent", c.random.chance(0.25) {
            // Read when it arrives, after any quiet-hours hold.
            let answered = (held ?? run) + Int64(c.random.logNormal(median: 2 * 3_600_000, spread: 1.2))
            schedule(c, at: answered, .rating(satisfied: c.random.chance(0.78)))
        }
    }

    // MARK: Rows

    private func event(_ c: SimComplaint, at: Int64, _ kind: String, actor: String, note: String?) throws {
        try emit(.event(EventRow(complaintID: c.id, at: at, kind: kind, actor: actor, note: note)))
        summary.events += 1
    }

    /// The inbound row of a later message from the complaint's citizen, with
    /// the smstools file it arrived in as its raw bytes and the identity
    /// `Reception` gives it.
    private func receive(_ c: SimComplaint, text: String, at: Int64, intent: String, complaintID: Int64?) throws -> Int64 {
        let sent = SmstoolsFile.stamp(at - Int64(c.random.between(2_000, 40_000)), local: calendar.local)
        let raw = SmstoolsFile.render(from: c.sender, sent: sent, received: SmstoolsFile.stamp(at, local: calendar.local),
                                      text: text)
        let sms = InboundSMS(sender: c.sender, text: text, sentAt: sent)
        return try record(InboundRow(
            id: 0, identity: Reception.identity(sender: c.sender, sms: sms, raw: raw), source: source,
            sourceRef: SmstoolsFile.name(&c.random), receivedAt: at, sender: c.sender, text: text, raw: raw,
            intent: intent, matchKind: nil, route: nil, complaintID: complaintID))
    }

    private func record(_ message: InboundRow) throws -> Int64 {
        var message = message
        message.id = nextInboundID
        nextInboundID += 1
        try emit(.inbound(message))
        summary.inbound += 1
        return message.id
    }

    /// An outbox row as the spooler leaves it: spooled a moment after it was
    /// queued, or after its quiet-hours hold; still waiting if that is after
    /// the end of the year.
    private func send(to recipient: String, _ kind: OutboundKind, _ text: String, complaint: SimComplaint?,
                      inbound: Int64?, at: Int64, heldUntil: Int64? = nil) throws {
        let id = nextOutboxID
        nextOutboxID += 1
        let spooledAt = max(at, heldUntil ?? at) + Int64.random(in: 20...400, using: &writerDice)
        let done = spooledAt < endMillis
        try emit(.outbox(OutboxRow(
            id: id, recipient: recipient, kind: kind, text: text,
            state: done ? .spooled : (heldUntil == nil ? .pending : .held),
            complaintID: complaint?.id, ticket: complaint?.ticket, inboundID: inbound, createdAt: at,
            notBefore: heldUntil, spooledAt: done ? spooledAt : nil, spool: done ? spoolName : nil,
            file: done ? SmstoolsFile.outgoingName(createdAt: at, id: id) : nil)))
        summary.outbox += 1
    }

    private lazy var writerDice = SeededRandom(seed: settings.seed, stream: 0, salt: 0x53504F4F4C)
}
