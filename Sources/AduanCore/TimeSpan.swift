/// A configured duration: `"30m"`, `"24h"`, `"3d"` (calendar days) or `"5wd"` (working days).
///
/// Working days cannot be turned into seconds without a calendar, so the span
/// keeps its unit and `Deadline` does the arithmetic.
public enum TimeSpan: Sendable, Hashable, CustomStringConvertible {
    case minutes(Int)
    case hours(Int)
    case days(Int)
    case workingDays(Int)

    /// Parses the config form; nil when the text is not one of the four forms.
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = t.prefix(while: { $0.isASCII && $0.isNumber })
        let unit = t.dropFirst(digits.count)
        guard !digits.isEmpty, digits.count <= 6, let n = Int(digits) else { return nil }
        switch unit {
        case "m": self = .minutes(n)
        case "h": self = .hours(n)
        case "d": self = .days(n)
        case "wd": self = .workingDays(n)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .minutes(let n): "\(n)m"
        case .hours(let n): "\(n)h"
        case .days(let n): "\(n)d"
        case .workingDays(let n): "\(n)wd"
        }
    }

    /// The span in seconds when it has a fixed length (not working days).
    public var fixedSeconds: Int? {
        switch self {
        case .minutes(let n): n * 60
        case .hours(let n): n * 3600
        case .days(let n): n * 86_400
        case .workingDays: nil
        }
    }
}

import Foundation
