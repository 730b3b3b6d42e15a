import Foundation

/// When complaints arrive over the year: an hourly weight (people text in the
/// morning and the evening, little at night), fewer on weekends and holidays,
/// more in the rainy season (November to March: floods, landslides, roads).
/// `time(forQuantile:)` inverts the cumulative weight, so evenly spread
/// quantiles give arrivals in time order.
struct ArrivalTimes {
    private let start: Int64
    /// Cumulative weight at the end of each hour of the year, normalised to 1.
    private let cumulative: [Double]

    static let hourWeights: [Double] = [
        0.15, 0.1, 0.08, 0.08, 0.15, 0.4, 0.8, 1.3, 1.6, 1.6, 1.5, 1.4,
        1.3, 1.3, 1.3, 1.2, 1.1, 1.1, 1.3, 1.6, 1.7, 1.4, 0.9, 0.4,
    ]

    init(start: Int64, days: Int, calendar: CachedCalendar) {
        self.start = start
        var total = 0.0
        var cumulative: [Double] = []
        cumulative.reserveCapacity(days * 24)
        for hour in 0..<(days * 24) {
            let instant = (start + Int64(hour) * 3_600_000).date
            let localHour = calendar.secondOfDay(instant) / 3600
            let (_, month, _) = SmstoolsFile.civil(fromDays: calendar.localDay(instant))
            var weight = Self.hourWeights[localHour]
            if !calendar.isWorkingDay(instant) { weight *= 0.55 }
            if month >= 11 || month <= 3 { weight *= 1.15 }
            total += weight
            cumulative.append(total)
        }
        self.cumulative = cumulative.map { $0 / total }
    }

    /// The instant (milliseconds) below which a share `q` of the year's complaints arrive.
    func time(forQuantile q: Double) -> Int64 {
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] < q { low = mid + 1 } else { high = mid }
        }
        let before = low == 0 ? 0 : cumulative[low - 1]
        let width = cumulative[low] - before
        let within = width > 0 ? min(max((q - before) / width, 0), 1) : 0
        return start + Int64(low) * 3_600_000 + Int64(within * 3_599_999)
    }
}
