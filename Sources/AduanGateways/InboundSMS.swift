import Foundation

/// One message as a gateway delivered it, decoded but otherwise untouched.
public struct InboundSMS: Sendable, Equatable {
    /// As the gateway wrote it: "6281234567890", "+62…", "TELKOMSEL"; may contain anything.
    public var sender: String
    /// The number it was sent to, when the file says.
    public var recipient: String?
    /// Decoded body, not normalised: the original text is what gets stored.
    public var text: String
    /// SMSC timestamp exactly as written, because it takes part in the message's identity.
    public var sentAt: String?
    /// Concatenation info, when the gateway kept the UDH instead of joining the parts.
    public var part: ConcatenationPart?
    /// True when decoding had to replace or drop bytes (invalid UTF-8, odd UTF-16, NUL).
    public var damaged: Bool
    /// The gateway's own message id, when it has one (a shortcode log's `id`):
    /// the surest way to recognise a re-delivery.
    public var externalID: String?

    public init(
        sender: String,
        recipient: String? = nil,
        text: String,
        sentAt: String? = nil,
        part: ConcatenationPart? = nil,
        damaged: Bool = false,
        externalID: String? = nil
    ) {
        self.externalID = externalID
        self.sender = sender
        self.recipient = recipient
        self.text = text
        self.sentAt = sentAt
        self.part = part
        self.damaged = damaged
    }
}

/// Where one part sits in a concatenated SMS (3GPP TS 23.040 IE 0x00 / 0x08).
public struct ConcatenationPart: Sendable, Equatable, Hashable {
    public var reference: Int
    public var total: Int
    /// 1-based.
    public var sequence: Int

    public init(reference: Int, total: Int, sequence: Int) {
        self.reference = reference
        self.total = total
        self.sequence = sequence
    }
}

/// Why an inbound file cannot be turned into a message; the text is for the operator's log.
public struct InboundRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

/// User Data Header parsing (3GPP TS 23.040 §9.2.3.24).
public enum UDH {
    /// The concatenation element of a whole UDH, length byte first.
    ///
    /// Other elements (port addressing, language shift) may precede it, so the
    /// elements are walked rather than matched at a fixed offset. Anything that
    /// does not add up returns nil: a wrong part number would join the wrong texts.
    public static func concatenation(_ bytes: [UInt8]) -> ConcatenationPart? {
        guard let declared = bytes.first else { return nil }
        let end = 1 + Int(declared)
        guard bytes.count >= end else { return nil }
        var i = 1
        while i < end {
            guard i + 1 < end else { return nil }
            let id = bytes[i]
            let length = Int(bytes[i + 1])
            let start = i + 2
            guard start + length <= end else { return nil }
            switch (id, length) {
            case (0x00, 3):
                return validated(
                    reference: Int(bytes[start]),
                    total: Int(bytes[start + 1]),
                    sequence: Int(bytes[start + 2]))
            case (0x08, 4):
                return validated(
                    reference: Int(bytes[start]) << 8 | Int(bytes[start + 1]),
                    total: Int(bytes[start + 2]),
                    sequence: Int(bytes[start + 3]))
            case (0x00, _), (0x08, _):
                return nil
            default:
                i = start + length
            }
        }
        return nil
    }

    private static func validated(reference: Int, total: Int, sequence: Int) -> ConcatenationPart? {
        guard total > 0, sequence > 0, sequence <= total else { return nil }
        return ConcatenationPart(reference: reference, total: total, sequence: sequence)
    }
}
