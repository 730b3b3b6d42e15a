import AduanCore
import Foundation

/// The smstools3 files a generated message arrived in and left as: the raw
/// bytes the database keeps of every inbound message (§2), and the outgoing
/// file names the spooler records. Formatted by hand, because a year of
/// messages through `DateFormatter` costs more than the database does.
enum SmstoolsFile {
    /// `26-11-23 09:00:05`, local time: how smsd writes `Sent:` and `Received:`.
    static func stamp(_ millis: Int64, local: LocalTime) -> String {
        let date = millis.date
        let (year, month, day) = civil(fromDays: local.day(date))
        let second = local.secondOfDay(date)
        return two(year % 100) + "-" + two(month) + "-" + two(day) + " "
            + two(second / 3600) + ":" + two(second / 60 % 60) + ":" + two(second % 60)
    }

    static func render(from sender: String, sent: String, received: String, text: String) -> [UInt8] {
        let latin = text.unicodeScalars.allSatisfy { $0.value < 0x80 }
        let header = """
            From: \(sender)
            From_SMSC: 6281100000
            Sent: \(sent)
            Received: \(received)
            Subject: GSM1
            Modem: GSM1
            IMSI: 510109876543210
            Report: no
            Alphabet: \(latin ? "ISO" : "UTF-8")
            Length: \(text.unicodeScalars.count)


            """
        return Array(header.utf8) + Array(text.utf8)
    }

    /// An incoming file name as smsd makes them: `GSM1.` and six random letters.
    static func name(_ random: inout SeededRandom) -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var name = "GSM1."
        for _ in 0..<6 { name.append(letters[random.below(letters.count)]) }
        return name
    }

    /// The spooler's name for an outbox row: `aduan-20261122T070005-0000000042` (UTC).
    static func outgoingName(createdAt: Int64, id: Int64) -> String {
        let seconds = Int((Double(createdAt) / 1000).rounded(.down))
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        let (year, month, day) = civil(fromDays: days)
        let second = seconds - days * 86_400
        let number = String(id)
        return "aduan-" + String(year) + two(month) + two(day) + "T" + two(second / 3600) + two(second / 60 % 60)
            + two(second % 60) + "-" + String(repeating: "0", count: max(0, 10 - number.count)) + number
    }

    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let date = CivilDate.fields(fromDays: days)
        return (date.year, date.month, date.day)
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0" + String(n) : String(n) }
}
