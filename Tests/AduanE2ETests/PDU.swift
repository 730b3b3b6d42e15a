import Foundation

// SMS-DELIVER PDUs (3GPP TS 23.040 §9.2.2.1), built the way a modem hands them
// over in PDU mode, SMSC address first: what smstools' `pdu_from_file` reads
// (one line of hex per file, `mode = new`).
//
// This is deliberately independent of AduanCore: its own GSM 03.38 table, its
// own packing. If the builder were wrong, smsd would decode something other
// than the text the test injected and the test would fail.

/// How the user data is coded (TP-DCS 0x00 or 0x08).
enum SMSCoding: Sendable {
    case gsm7
    case ucs2
}

struct PDUError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// GSM 03.38 default alphabet and extension table, written out from the
/// standard (3GPP TS 23.038 §6.2.1).
enum GSMAlphabet {
    static let basic: [Character] = [
        "@", "£", "$", "¥", "è", "é", "ù", "ì", "ò", "Ç", "\n", "Ø", "ø", "\r", "Å", "å",
        "Δ", "_", "Φ", "Γ", "Λ", "Ω", "Π", "Ψ", "Σ", "Θ", "Ξ", "\u{1B}", "Æ", "æ", "ß", "É",
        " ", "!", "\"", "#", "¤", "%", "&", "'", "(", ")", "*", "+", ",", "-", ".", "/",
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ":", ";", "<", "=", ">", "?",
        "¡", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O",
        "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z", "Ä", "Ö", "Ñ", "Ü", "§",
        "¿", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
        "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z", "ä", "ö", "ñ", "ü", "à",
    ]
    /// Character → second septet after the escape 0x1B.
    static let extended: [Character: UInt8] = [
        "\u{0C}": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F,
        "[": 0x3C, "~": 0x3D, "]": 0x3E, "|": 0x40, "€": 0x65,
    ]
    static let index: [Character: UInt8] = {
        var map: [Character: UInt8] = [:]
        for (i, c) in basic.enumerated() where i != 0x1B { map[c] = UInt8(i) }
        return map
    }()

    /// The septets of one character: one, or the escape and one.
    static func septets(_ c: Character) -> [UInt8]? {
        if let s = index[c] { return [s] }
        if let s = extended[c] { return [0x1B, s] }
        return nil
    }

    static func septets(_ text: String) throws -> [UInt8] {
        try text.flatMap { c -> [UInt8] in
            guard let s = septets(c) else { throw PDUError("\(c.unicodeScalars.map { "U+" + String($0.value, radix: 16) }) is not GSM-7") }
            return s
        }
    }

    static func canEncode(_ text: String) -> Bool {
        text.allSatisfy { septets($0) != nil }
    }
}

/// TP-SCTS: the SMSC's timestamp, two-digit year, zone in quarter hours.
struct SCTS: Sendable, Equatable {
    var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    /// Offset from UTC in quarters of an hour (WIB, +07:00, is 28).
    var zoneQuarters: Int = 28

    /// Seven swapped semi-octets; the sign of the zone is bit 3 of the last octet.
    var octets: [UInt8] {
        func swapped(_ n: Int) -> UInt8 { UInt8((n % 10) << 4 | (n / 10) % 10) }
        let zone = abs(zoneQuarters)
        var tz = swapped(zone)
        if zoneQuarters < 0 { tz |= 0x08 }
        return [swapped(year % 100), swapped(month), swapped(day), swapped(hour), swapped(minute), swapped(second), tz]
    }

    /// The time `date` in the zone `zoneQuarters` quarter hours east of UTC.
    static func at(_ date: Date, zoneQuarters: Int = 28) -> SCTS {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: zoneQuarters * 15 * 60) ?? .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return SCTS(year: (c.year ?? 2000) % 100, month: c.month ?? 1, day: c.day ?? 1, hour: c.hour ?? 0,
                    minute: c.minute ?? 0, second: c.second ?? 0, zoneQuarters: zoneQuarters)
    }

    /// `yy-mm-dd hh:mm:ss`, as smstools prints `Sent:`.
    var smstools: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(year % 100))-\(two(month))-\(two(day)) \(two(hour)):\(two(minute)):\(two(second))"
    }

    /// `YYYYMMDDTHHMMSS`, as a Gammu SMS-backup file writes `Sent`.
    var gammu: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "20\(two(year % 100))\(two(month))\(two(day))T\(two(hour))\(two(minute))\(two(second))"
    }
}

enum PDU {
    /// Address field (TP-OA): digit count, type of address, BCD with swapped
    /// nibbles and an F filler. A leading `+` means international (0x91);
    /// otherwise `type` says (0x81 unknown/national, …).
    static func address(_ number: String, type: UInt8? = nil) -> [UInt8] {
        let digits = number.hasPrefix("+") ? String(number.dropFirst()) : number
        let toa = type ?? (number.hasPrefix("+") ? 0x91 : 0x81)
        return [UInt8(digits.count), toa] + bcd(digits)
    }

    /// The SMSC address that starts the PDU: its length counts octets (type included).
    static func smscAddress(_ number: String) -> [UInt8] {
        let a = address(number)
        return [UInt8(a.count - 1)] + a.dropFirst()
    }

    static func bcd(_ digits: String) -> [UInt8] {
        var nibbles = digits.map { c -> UInt8 in
            switch c {
            case "*": 0xA
            case "#": 0xB
            default: UInt8(c.wholeNumberValue!)
            }
        }
        if nibbles.count % 2 == 1 { nibbles.append(0xF) }
        return stride(from: 0, to: nibbles.count, by: 2).map { nibbles[$0 + 1] << 4 | nibbles[$0] }
    }

    /// Packs septets LSB first, after `fillBits` zero bits (the padding that
    /// puts the first character on a septet boundary after a UDH).
    static func pack(_ septets: [UInt8], fillBits: Int = 0) -> [UInt8] {
        var out: [UInt8] = []
        var acc: UInt32 = 0
        var bits = fillBits
        for s in septets {
            acc |= UInt32(s & 0x7F) << UInt32(bits)
            bits += 7
            while bits >= 8 {
                out.append(UInt8(acc & 0xFF))
                acc >>= 8
                bits -= 8
            }
        }
        if bits > 0 { out.append(UInt8(acc & 0xFF)) }
        return out
    }

    /// TP-UDL and TP-UD. `udh` holds the information elements without the
    /// UDHL octet (`00 03 ref total seq` for concatenation); empty means no UDH.
    /// For GSM-7 the UDL counts septets, header and fill included; for UCS-2, octets.
    static func userData(_ text: String, coding: SMSCoding, udh: [UInt8] = []) throws -> [UInt8] {
        let header: [UInt8] = udh.isEmpty ? [] : [UInt8(udh.count)] + udh
        switch coding {
        case .gsm7:
            let septets = try GSMAlphabet.septets(text)
            let headerBits = header.count * 8
            let fill = (7 - headerBits % 7) % 7
            let udl = (headerBits + fill) / 7 + septets.count
            guard udl <= 160 else { throw PDUError("\(udl) septets do not fit one SMS") }
            return [UInt8(udl)] + header + pack(septets, fillBits: fill)
        case .ucs2:
            let body = text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
            let udl = header.count + body.count
            guard udl <= 140 else { throw PDUError("\(udl) octets do not fit one SMS") }
            return [UInt8(udl)] + header + body
        }
    }

    /// One SMS-DELIVER with the SMSC address in front.
    static func deliver(smsc: String, sender: String, senderType: UInt8? = nil, sent: SCTS,
                        coding: SMSCoding, text: String, udh: [UInt8] = []) throws -> [UInt8] {
        // MTI 00 = SMS-DELIVER, 0x04 = TP-MMS (no more messages waiting), 0x40 = TP-UDHI.
        let firstOctet: UInt8 = 0x04 | (udh.isEmpty ? 0 : 0x40)
        let dcs: UInt8 = coding == .gsm7 ? 0x00 : 0x08
        return smscAddress(smsc) + [firstOctet] + address(sender, type: senderType) + [0x00, dcs]
            + sent.octets + (try userData(text, coding: coding, udh: udh))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02X", $0) }.joined()
    }
}

/// Splits a text as a phone does for a concatenated SMS: 153 septets (GSM-7)
/// or 67 UTF-16 units (UCS-2) per part, never cutting an escape sequence or
/// a surrogate pair.
enum SMSParts {
    static func split(_ text: String, coding: SMSCoding) -> [String] {
        let capacity = coding == .gsm7 ? 153 : 67
        var parts: [String] = []
        var current = "", used = 0
        for scalar in text.unicodeScalars {
            let c = Character(scalar)
            let cost = coding == .gsm7 ? (GSMAlphabet.septets(c)?.count ?? 1) : String(scalar).utf16.count
            if used + cost > capacity {
                parts.append(current)
                current = ""
                used = 0
            }
            current.unicodeScalars.append(scalar)
            used += cost
        }
        parts.append(current)
        return parts
    }

    /// `05 00 03 ref total seq` without the UDHL octet, which `PDU.userData` adds.
    static func concatenationUDH(reference: UInt8, total: Int, sequence: Int) -> [UInt8] {
        [0x00, 0x03, reference, UInt8(total), UInt8(sequence)]
    }
}
