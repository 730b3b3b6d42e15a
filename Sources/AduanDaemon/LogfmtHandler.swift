import AduanCore
import Foundation
import Logging

/// One line per event, `key=value`, to stderr (journald adds the time there;
/// the line still carries `ts` for plain files):
///
///     ts=2026-11-22T07:00:05.120Z level=info event=ingested source=modem1 sender=62812****7890 ticket=BJR-0001
///
/// The message is the event name; everything else is metadata. Callers mask
/// phone numbers before they get here (`Sender.masked`); any run of digits
/// long enough to be one that still arrives (a gammu file name carries its
/// sender) is masked here, in every value and in the error.
public struct LogfmtHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String
    let output: @Sendable (String) -> Void

    public init(label: String, level: Logger.Level = .info, output: @escaping @Sendable (String) -> Void = LogfmtHandler.stderr) {
        self.label = label
        self.logLevel = level
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = "ts=\(Self.timestamp()) level=\(event.level) event=\(Self.quote(event.message.description))"
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        for key in merged.keys.sorted() {
            guard let value = merged[key] else { continue }
            line += " \(key)=\(Self.quote(PhoneMask.maskRuns("\(value)")))"
        }
        if let error = event.error { line += " error=\(Self.quote(PhoneMask.maskRuns("\(error)")))" }
        output(line)
    }

    /// Values with spaces, quotes or `=` are quoted; newlines never reach the
    /// log, so one event stays one line.
    static func quote(_ value: String) -> String {
        let flat = value.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
        if flat.isEmpty || flat.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\t" }) {
            return "\"" + flat.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return flat
    }

    static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = time_t(ts.tv_sec)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec, Int(ts.tv_nsec / 1_000_000))
    }

    public static let stderr: @Sendable (String) -> Void = { line in
        let bytes = Array((line + "\n").utf8)
        bytes.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }
}
