import AduanCore

/// What happens to a complaint after it arrives, each at its own instant.
enum Step {
    /// An operator's action at the desk.
    case desk(DeskStep)
    /// An hourly `aduan remind` run looking at one stage of the complaint.
    case reminderCheck(ReminderStage)
    /// The citizen asks `STATUS <ticket>` (or bare `STATUS`).
    case statusQuery(bare: Bool)
    /// The citizen adds to the complaint with `INFO <ticket> <text>`.
    case followUp
    /// The citizen answers the survey.
    case rating(satisfied: Bool)
    /// The citizen sends `STOP` (once per number that does).
    case optOut
}

enum DeskStep {
    case forward, progress, resolve, reject, reopen
}

/// A step due at an instant (milliseconds), for one complaint.
struct Scheduled {
    var at: Int64
    /// Insertion order: ties at the same millisecond keep the order they were planned in.
    var order: Int64
    var complaint: Int64
    var step: Step
}

/// A binary min-heap of scheduled steps, earliest first. The simulation is a
/// discrete-event replay of the year: rows are written in time order, so ids
/// grow with time as they do in a database that lived through the year.
struct EventQueue {
    private var items: [Scheduled] = []
    private var counter: Int64 = 0

    var count: Int { items.count }
    var nextTime: Int64? { items.first?.at }

    mutating func push(at: Int64, complaint: Int64, _ step: Step) {
        counter += 1
        items.append(Scheduled(at: at, order: counter, complaint: complaint, step: step))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.before(items[child], items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Scheduled? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let first = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count, Self.before(items[left], items[smallest]) { smallest = left }
            if right < items.count, Self.before(items[right], items[smallest]) { smallest = right }
            if smallest == parent { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }

    private static func before(_ a: Scheduled, _ b: Scheduled) -> Bool {
        a.at != b.at ? a.at < b.at : a.order < b.order
    }
}
