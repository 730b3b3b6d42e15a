import Foundation

/// The time, injected so tests and back-fills control it.
public protocol Clock: Sendable {
    func now() -> Date
}

public struct SystemClock: Clock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that always answers the same instant (`ADUAN_NOW`, tests).
public struct FixedClock: Clock {
    public let instant: Date
    public init(_ instant: Date) { self.instant = instant }
    public func now() -> Date { instant }
}

public enum Clocks {
    /// `ADUAN_NOW=2026-11-23T09:00:00+07:00` pins the clock for demos and
    /// integration tests; otherwise the system clock.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> any Clock {
        if let text = environment["ADUAN_NOW"], let date = ISO8601DateFormatter().date(from: text) {
            return FixedClock(date)
        }
        return SystemClock()
    }
}
