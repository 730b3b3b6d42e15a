import Foundation

/// smstools3 incoming message files (`incoming/GSM1.8zcZcN`): headers, one
/// empty line, the body, in the encoding its `Alphabet:` header names.
public enum SmstoolsInbound {
    public static func parse(_ bytes: [UInt8]) -> Result<InboundSMS, InboundRejection> {
        let file: SmstoolsFile
        switch SmstoolsFile.split(bytes) {
        case .success(let f): file = f
        case .failure(let rejection): return .failure(rejection)
        }

        // smstools writes these instead of a message; taking them as complaints
        // would ticket and answer a PDU error or a delivery receipt.
        if file.header("Error") != nil {
            return .failure(InboundRejection("undecodable PDU (Error: header)"))
        }
        if file.body.starts(with: statusReportMarker) {
            return .failure(InboundRejection("status report, not a message (set `report` in smsd.conf)"))
        }

        guard let sender = file.header("From"), !sender.isEmpty else {
            return .failure(InboundRejection("no From: header"))
        }

        let decoded: (text: String, damaged: Bool)
        switch SmstoolsFile.decodeBody(file.body, alphabet: file.header("Alphabet")) {
        case .success(let d): decoded = d
        case .failure(let rejection): return .failure(rejection)
        }

        return .success(InboundSMS(
            sender: sender,
            // `Number:` is the receiving modem's own number, from smsd.conf.
            recipient: file.header("Number").flatMap { $0.isEmpty ? nil : $0 },
            text: decoded.text,
            sentAt: file.header("Sent").flatMap { $0.isEmpty ? nil : $0 },
            part: file.header("UDH-DATA").flatMap(hexBytes).flatMap(UDH.concatenation),
            damaged: decoded.damaged
        ))
    }

    private static let statusReportMarker = Array("SMS STATUS REPORT\nMessage_id:".utf8)

    /// `05 00 03 A7 02 01 ` as smstools writes it; spacing is not trusted, only
    /// pairs of hex digits. Malformed hex gives no part rather than a wrong one.
    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = text.unicodeScalars.filter { $0 != " " && $0 != "\t" }
        guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var high: UInt8?
        for scalar in digits {
            guard scalar.isASCII, let nibble = UInt8(String(scalar), radix: 16) else { return nil }
            if let h = high {
                bytes.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return bytes
    }
}

/// The header/body split shared by smstools' incoming and outgoing files.
struct SmstoolsFile {
    /// Each header line's name and value, trimmed, as bytes of the file: a
    /// file has a dozen headers and a reader wants a few, so only those
    /// become text (``header(_:)``).
    var headers: [(name: ArraySlice<UInt8>, value: ArraySlice<UInt8>)]
    var body: ArraySlice<UInt8>

    /// The first header of that name; smstools' default English names, any case.
    func header(_ name: String) -> String? {
        headers.first { Self.equalIgnoringASCIICase($0.name, name.utf8) }.map { Self.headerText($0.value) }
    }

    /// Header names are ASCII; comparing bytes avoids Foundation's Unicode
    /// comparison, which cost more than the rest of the parse.
    static func equalIgnoringASCIICase(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { p, q in
            p == q || ((p >= 0x41 && p <= 0x5A) ? p | 0x20 : p) == ((q >= 0x41 && q <= 0x5A) ? q | 0x20 : q)
        }
    }

    static func split(_ bytes: [UInt8]) -> Result<SmstoolsFile, InboundRejection> {
        if bytes.isEmpty {
            return .failure(InboundRejection("empty file"))
        }
        var headers: [(name: ArraySlice<UInt8>, value: ArraySlice<UInt8>)] = []
        var lineStart = bytes.startIndex
        var lineNumber = 0
        while lineStart < bytes.endIndex {
            lineNumber += 1
            // A last line without newline is still checked, so garbage gets a precise reason.
            let newline = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n"))
            var line = bytes[lineStart..<(newline ?? bytes.endIndex)]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.isEmpty, let newline {
                return .success(SmstoolsFile(headers: headers, body: bytes[(newline + 1)...]))
            }
            if line.contains(0) {
                return .failure(InboundRejection("NUL byte in header line \(lineNumber)"))
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                return .failure(InboundRejection("header line \(lineNumber) has no colon"))
            }
            headers.append((name: trimmed(line[..<colon]), value: trimmed(line[(colon + 1)...])))
            guard let newline else { break }
            lineStart = newline + 1
        }
        return .failure(InboundRejection("headers only, no body"))
    }

    /// Without the spaces and tabs around it.
    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var trimmed = bytes
        while let first = trimmed.first, first == 0x20 || first == 0x09 { trimmed = trimmed.dropFirst() }
        while let last = trimmed.last, last == 0x20 || last == 0x09 { trimmed = trimmed.dropLast() }
        return trimmed
    }

    /// Header values are ASCII in practice, but an alphanumeric sender may come
    /// through in the modem's Latin-9; either way the bytes are kept, not replaced.
    private static func headerText(_ bytes: ArraySlice<UInt8>) -> String {
        // Spaces and tabs were trimmed on the bytes; only a value that still
        // starts or ends beyond ASCII (a no-break space) needs Unicode's idea
        // of whitespace.
        let text = String(validating: bytes, as: UTF8.self) ?? TextDecoding.latin9(bytes).text
        if let first = bytes.first, let last = bytes.last, first < 0x80, last < 0x80 { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    static func decodeBody(_ body: ArraySlice<UInt8>, alphabet: String?) -> Result<(text: String, damaged: Bool), InboundRejection> {
        switch alphabet?.lowercased() ?? "" {
        case "utf-8", "utf8":
            return .success(TextDecoding.utf8(body))
        // smstools' default: GSM converted to ISO-8859-15 (cs_convert = yes).
        case "", "iso", "latin":
            return .success(TextDecoding.latin9(body))
        case "ucs2", "ucs-2", "unicode":
            return .success(TextDecoding.utf16BE(body))
        // Only with cs_convert = no: the unpacked septets, one per byte, unconverted
        // (smsd.c received2file writes pdu2text's output as is).
        case "gsm":
            return .success(TextDecoding.gsm7Unpacked(body))
        case "binary":
            return .failure(InboundRejection("binary message, not text"))
        default:
            // Cut, so a garbage header cannot flood the log line.
            return .failure(InboundRejection("unknown Alphabet: \(alphabet?.prefix(40) ?? "")"))
        }
    }
}
