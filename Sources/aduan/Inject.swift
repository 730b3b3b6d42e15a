import AduanConfig
import AduanCore
import AduanGateways
import ArgumentParser
import Foundation

struct Inject: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a message into an inbound spool exactly as the gateway would (demos, tests, load).",
        discussion: """
            smstools3 with incoming_utf8 = yes: a GSM-7 text is written with Alphabet: UTF-8, anything else \
            as raw UTF-16BE with Alphabet: UCS2, in place under a GSM1.XXXXXX name, like smsd does.
            """)

    @OptionGroup var options: ConfigOption

    @Option(help: "The sender, as the network gives it (e.g. 6281234567890 or +6281234567890).")
    var from: String

    @Option(help: "The [[inbound]] source to write into (default: the first).")
    var source: String?

    @Option(help: "The SMSC timestamp, yy-mm-dd hh:mm:ss (default: now). Two messages with the same sender, timestamp and text are one message.")
    var sent: String?

    @Argument(help: "The message text.")
    var text: String

    func run() throws {
        let config = try options.load()
        guard let inbound = source.map({ name in config.inbound.first { $0.name == name } }) ?? config.inbound.first else {
            throw CLIError("no inbound source named \(source ?? "")")
        }
        guard inbound.kind == .smstools else {
            throw CLIError("inbound \(inbound.name): inject writes smstools files only in this version")
        }
        try FileManager.default.createDirectory(atPath: inbound.path, withIntermediateDirectories: true)
        let sentAt = sent ?? Self.smstoolsTime(Date())
        let bytes = SmstoolsIncomingWriter.file(from: from, text: text, sent: sentAt, received: Self.smstoolsTime(Date()))
        let path = try SmstoolsIncomingWriter.writeInPlace(bytes, directory: inbound.path)
        print(path)
    }

    static func smstoolsTime(_ date: Date) -> String {
        var t = time_t(Int(date.timeIntervalSince1970))
        var parts = tm()
        localtime_r(&t, &parts)
        return String(format: "%02d-%02d-%02d %02d:%02d:%02d", parts.tm_year % 100, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
