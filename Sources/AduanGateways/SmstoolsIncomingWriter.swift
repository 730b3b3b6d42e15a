import AduanCore
import Foundation

/// Writes incoming files the way smsd does (for `aduan inject`, tests and the
/// benchmark): headers, a blank line, the body; a GSM-7 text as UTF-8, any
/// other text as raw UTF-16BE (`incoming_utf8 = yes`, `decode_unicode_text = no`).
/// Written in place, not atomically, because that is what the daemon must cope with.
public enum SmstoolsIncomingWriter {
    public static func file(from sender: String, text: String, sent: String, received: String, modem: String = "GSM1") -> [UInt8] {
        let number = sender.hasPrefix("+") ? String(sender.dropFirst()) : sender
        let gsm = SMSText.isGSM7(text)
        let body: [UInt8] = gsm ? Array(text.utf8) : text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        let header = """
            From: \(number)
            From_TOA: 91 international, ISDN/telephone
            From_SMSC: 6281100000
            Sent: \(sent)
            Received: \(received)
            Subject: \(modem)
            Modem: \(modem)
            IMSI: 
            IMEI: 
            Report: no
            Alphabet: \(gsm ? "UTF-8" : "UCS2")
            Length: \(gsm ? text.count : text.utf16.count)


            """
        return Array(header.utf8) + body
    }

    /// Creates `<directory>/GSM1.XXXXXX` with mkstemp and writes it in place.
    /// Returns the path.
    public static func writeInPlace(_ bytes: [UInt8], directory: String, modem: String = "GSM1") throws -> String {
        var template = Array((directory + "/" + modem + ".XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw SpoolError(operation: "create", path: directory, errno: errno) }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { close(fd) }
        fchmod(fd, 0o640)
        if let failure = bytes.withUnsafeBytes({ DurableFile.writeAll(fd, $0) }) {
            throw SpoolError(operation: "write", path: path, errno: failure)
        }
        return path
    }
}
