import Foundation

/// How long the daemon waits before trying again after a fault: the first
/// wait is `initial`, each further one twice the last, never more than `cap`.
public struct RetryPolicy: Sendable, Equatable {
    public var initial: Duration
    public var cap: Duration

    public init(initial: Duration, cap: Duration) {
        self.initial = initial
        self.cap = max(cap, initial)
    }

    /// Half a second, doubling up to a minute.
    public static let standard = RetryPolicy(initial: .milliseconds(500), cap: .seconds(60))
}

/// The back-off of one fault (the spool, the database, one file, one
/// directory): how long the next wait is, whether a try is scheduled, and a
/// token so that a timer left over from an earlier fault is recognised and
/// ignored.
struct Backoff {
    let policy: RetryPolicy
    /// The last wait; zero while nothing is failing.
    private(set) var wait: Duration = .zero
    /// Failures since the last success.
    private(set) var failures = 0
    /// When the scheduled try is due; nil when none is.
    private(set) var due: ContinuousClock.Instant?
    private(set) var token = 0

    init(_ policy: RetryPolicy) { self.policy = policy }

    var isScheduled: Bool { due != nil }

    /// The time left until the scheduled try, if one is.
    func remaining(now: ContinuousClock.Instant = .now) -> Duration? {
        due.map { max($0 - now, .zero) }
    }

    /// Records a failure. When no try is scheduled yet, the wait doubles and
    /// the caller sets a timer carrying `timer`; when one is (the same fault
    /// met again meanwhile), the wait is what remains until it.
    mutating func failure(now: ContinuousClock.Instant = .now) -> (wait: Duration, timer: Int?) {
        failures += 1
        if let due { return (max(due - now, .zero), nil) }
        wait = wait == .zero ? policy.initial : min(wait * 2, policy.cap)
        due = now + wait
        token += 1
        return (wait, token)
    }

    /// A timer went off: true when it is the one expected, which is then no
    /// longer scheduled.
    mutating func fire(_ timer: Int) -> Bool {
        guard due != nil, timer == token else { return false }
        due = nil
        return true
    }

    /// Success: the next failure waits `initial` again; a scheduled try is forgotten.
    mutating func reset() {
        wait = .zero
        failures = 0
        due = nil
        token += 1
    }
}

extension Duration {
    /// Seconds for a log line: `0.5s`, `2s`, `60s`, `0.125s`.
    var logText: String {
        let parts = components
        let seconds = Double(parts.seconds) + Double(parts.attoseconds) / 1e18
        var text = String(format: "%.3f", seconds)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text + "s"
    }
}
