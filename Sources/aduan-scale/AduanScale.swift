import ArgumentParser
import Foundation

// aduan-scale: a year of stored complaints, and the §10 figures on it.
//
//   swift build -c release
//   dir=$(mktemp -d)
//   .build/release/aduan-scale generate --complaints 1000000 --database $dir/aduan.db
//   .build/release/aduan-scale measure --database $dir/aduan.db
//
// `generate` replays a year at the desk into a database with the real schema;
// `measure` prints key=value lines: the size, a STATUS reply's database time,
// the wall time and peak memory of the real `aduan remind` and
// `aduan complaints list --overdue` processes, and the query plans of the hot
// queries.
@main
struct AduanScale: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aduan-scale",
        abstract: "Generate a year of complaints and measure aduan on it (§10).",
        subcommands: [Generate.self, Measure.self])

    /// A Monday morning, 09:00 WIB: the desk has opened and the hourly
    /// reminder run is due. Fixed, so a seed gives the same database on any day.
    static let defaultEnd = "2026-11-23T09:00:00+07:00"

    static func instant(_ text: String) throws -> Date {
        guard let date = ISO8601DateFormatter().date(from: text) else {
            throw ValidationError("'\(text)' is not an ISO 8601 instant (like \(defaultEnd))")
        }
        return date
    }
}

/// A failure with the one-line reason the operator reads.
struct ScaleError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Seconds on a clock that only goes forward.
func monotonic() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// The size of a file, 0 when it does not exist.
func fileSize(_ path: String) -> Int64 {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
}

/// A key=value line, the tool's output format; unbuffered, so a long run
/// shows each figure as it is measured.
func report(_ key: String, _ value: CustomStringConvertible) {
    FileHandle.standardOutput.write(Data("\(key)=\(value)\n".utf8))
}

func milliseconds(_ seconds: Double) -> String { String(format: "%.3f", seconds * 1000) }
