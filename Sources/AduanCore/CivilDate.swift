/// Dates as day counts, and the zero-padded digits they print with.
///
/// Several hot or dependency-free places need a date's fields without
/// Foundation's calendar: deadlines in fixed-offset zones, gammu's file
/// names, log timestamps, the scale generator. They share this one copy.
public enum CivilDate {
    /// Year, month and day of a count of days since 1970-01-01 in the
    /// proleptic Gregorian calendar (H. Hinnant's `civil_from_days`).
    public static func fields(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Division rounding towards minus infinity, so instants before 1970 fall
    /// on the right day.
    public static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
    public static func floorMod(_ a: Int, _ b: Int) -> Int { a - floorDiv(a, b) * b }

    /// `value` in decimal, zero-padded to `width` digits (`%0<width>d`).
    /// `String(format:)` goes through Foundation's varargs formatting, which
    /// showed up in the ingest profile and in long listings.
    public static func padded(_ value: some BinaryInteger, width: Int = 2) -> String {
        let digits = String(value.magnitude)
        let padded = digits.count < width ? String(repeating: "0", count: width - digits.count) + digits : digits
        return value < 0 ? "-" + padded : padded
    }
}
