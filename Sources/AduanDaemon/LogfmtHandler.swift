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
        var line = "ts="
        line.reserveCapacity(256)
        line += Self.timestamp()
        line += " level="
        line += event.level.rawValue
        line += " event="
        line += Self.quote(event.message.description)
        // One line per message ingested: no merged copy when the handler
        // has no metadata of its own (the daemon's never has).
        let merged: Logger.Metadata
        if metadata.isEmpty {
            merged = event.metadata ?? [:]
        } else {
            merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            line += " "
            line += key
            line += "="
            line += Self.quote(PhoneMask.maskRuns(value.description))
        }
        if let error = event.error { line += " error=\(Self.quote(PhoneMask.maskRuns("\(error)")))" }
        output(line)
    }

    /// Values with spaces, quotes or `=` are quoted; newlines never reach the
    /// log, so one event stays one line. One pass over the bytes: most values
    /// need nothing, and this runs for every value of every line.
    static func quote(_ value: String) -> String {
        var quoted = value.isEmpty
        var plain = true
        for byte in value.utf8 {
            switch byte {
            case 0x20, 0x09, 0x3D: quoted = true
            case 0x22: quoted = true; plain = false
            case 0x0A, 0x0D, 0x5C: plain = false
            default: continue
            }
        }
        if plain { return quoted ? "\"" + value + "\"" : value }
        var out: [UInt8] = quoted ? [0x22] : []
        out.reserveCapacity(value.utf8.count + 8)
        for byte in value.utf8 {
            switch byte {
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            // Escaped only inside quotes, as an unquoted value is read verbatim.
            case 0x5C where quoted, 0x22 where quoted: out += [0x5C, byte]
            default: out.append(byte)
            }
        }
        if quoted { out.append(0x22) }
        return String(decoding: out, as: UTF8.self)
    }

    /// `2026-11-22T14:00:00.123Z`, written digit by digit: one per line.
    static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = time_t(ts.tv_sec)
        var parts = tm()
        gmtime_r(&t, &parts)
        var out = Array("0000-00-00T00:00:00.000Z".utf8)
        func put(_ value: Int32, at start: Int, width: Int) {
            var value = Int(max(0, value))
            for index in stride(from: start + width - 1, through: start, by: -1) {
                out[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(parts.tm_year + 1900, at: 0, width: 4)
        put(parts.tm_mon + 1, at: 5, width: 2)
        put(parts.tm_mday, at: 8, width: 2)
        put(parts.tm_hour, at: 11, width: 2)
        put(parts.tm_min, at: 14, width: 2)
        put(parts.tm_sec, at: 17, width: 2)
        put(Int32(ts.tv_nsec / 1_000_000), at: 20, width: 3)
        return String(decoding: out, as: UTF8.self)
    }

    public static let stderr: @Sendable (String) -> Void = { line in
        var text = line
        text += "\n"
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}
