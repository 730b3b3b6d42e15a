import AduanCore

/// Body decoders shared by every gateway format.
///
/// They never fail: a citizen's message with one bad byte is still a complaint,
/// so bad input becomes U+FFFD (or is dropped, for NUL) and `damaged` says so.
/// NUL is dropped because it truncates text in C tools, logs and terminals downstream.
public enum TextDecoding {
    public static func utf8(_ bytes: some Collection<UInt8>) -> (text: String, damaged: Bool) {
        var damaged = false
        var clean = Array(bytes)
        if clean.contains(0) {
            clean.removeAll { $0 == 0 }
            damaged = true
        }
        if let text = String(validating: clean, as: UTF8.self) {
            return (text, damaged)
        }
        return (String(decoding: clean, as: UTF8.self), true)
    }

    /// ISO-8859-15, smstools' "ISO" alphabet. It differs from Latin-1 in eight
    /// places, € at A4 being the one Indonesian texts actually use (prices).
    public static func latin9(_ bytes: some Collection<UInt8>) -> (text: String, damaged: Bool) {
        // Copied once so the loop runs on a concrete array, not through a generic witness.
        let bytes = Array(bytes)
        var scalars = String.UnicodeScalarView()
        var damaged = false
        for byte in bytes {
            if byte == 0 {
                damaged = true
                continue
            }
            scalars.append(latin9Scalar(byte))
        }
        return (String(scalars), damaged)
    }

    static func latin9Scalar(_ byte: UInt8) -> Unicode.Scalar {
        switch byte {
        case 0xA4: "\u{20AC}"
        case 0xA6: "\u{0160}"
        case 0xA8: "\u{0161}"
        case 0xB4: "\u{017D}"
        case 0xB8: "\u{017E}"
        case 0xBC: "\u{0152}"
        case 0xBD: "\u{0153}"
        case 0xBE: "\u{0178}"
        default: Unicode.Scalar(byte)
        }
    }

    /// Raw UTF-16BE without BOM, as smstools writes UCS2 bodies. Phones send
    /// real UTF-16 (emoji as surrogate pairs), not strict UCS-2, so pairs are joined.
    public static func utf16BE(_ bytes: some Collection<UInt8>) -> (text: String, damaged: Bool) {
        let bytes = Array(bytes)
        var scalars = String.UnicodeScalarView()
        var damaged = false
        let units = bytes.count / 2
        var i = 0
        while i < units {
            let unit = UInt16(bytes[2 * i]) << 8 | UInt16(bytes[2 * i + 1])
            i += 1
            switch unit {
            case 0:
                damaged = true
            case 0xD800...0xDBFF:
                if i < units {
                    let low = UInt16(bytes[2 * i]) << 8 | UInt16(bytes[2 * i + 1])
                    if (0xDC00...0xDFFF).contains(low) {
                        i += 1
                        let value = 0x10000 + (UInt32(unit - 0xD800) << 10) + UInt32(low - 0xDC00)
                        scalars.append(Unicode.Scalar(value) ?? replacement)
                        continue
                    }
                }
                scalars.append(replacement)
                damaged = true
            case 0xDC00...0xDFFF:
                scalars.append(replacement)
                damaged = true
            default:
                scalars.append(Unicode.Scalar(unit) ?? replacement)
            }
        }
        if bytes.count % 2 == 1 {
            scalars.append(replacement)
            damaged = true
        }
        return (String(scalars), damaged)
    }

    /// GSM 03.38 septets, one per byte, as smstools writes `Alphabet: GSM`
    /// bodies. 0x00 is "@" here, not NUL, so nothing is dropped.
    public static func gsm7Unpacked(_ bytes: some Collection<UInt8>) -> (text: String, damaged: Bool) {
        let bytes = Array(bytes)
        var text = ""
        text.reserveCapacity(bytes.count)
        var damaged = false
        var i = 0
        while i < bytes.count {
            let septet = bytes[i]
            i += 1
            if septet == 0x1B {
                if i < bytes.count, let c = GSM7.extensionTable[bytes[i]] {
                    text.append(c)
                } else {
                    text.unicodeScalars.append(replacement)
                    damaged = true
                }
                // The escape and its code are one character, even when the code is unknown.
                i += 1
            } else if septet < 0x80 {
                text.append(GSM7.basic[Int(septet)])
            } else {
                text.unicodeScalars.append(replacement)
                damaged = true
            }
        }
        return (text, damaged)
    }

    static let replacement: Unicode.Scalar = "\u{FFFD}"
}
