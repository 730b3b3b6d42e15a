/// How an SMS body goes over the air, and how many parts it costs.
///
/// A single character outside GSM 03.38 turns the whole message into UCS-2
/// and can triple its cost, so every template is measured before it is used.
public enum SMSEncoding: String, Sendable, Codable, CaseIterable {
    case gsm7 = "GSM-7"
    case ucs2 = "UCS-2"
}

/// The measured size of one SMS text.
public struct SMSLength: Sendable, Equatable, CustomStringConvertible {
    public var encoding: SMSEncoding
    /// Septets for GSM-7 (an extension character counts two), UTF-16 code units for UCS-2.
    public var units: Int
    public var segments: Int

    public init(encoding: SMSEncoding, units: Int, segments: Int) {
        self.encoding = encoding
        self.units = units
        self.segments = segments
    }

    public var description: String {
        "\(units) \(encoding.rawValue) characters, \(segments) SMS"
    }
}

/// GSM 03.38: the default alphabet and its extension table.
public enum GSM7 {
    /// The 128 characters of the default alphabet, in code order; index 0x1B is the escape.
    public static let basic: [Character] = [
        "@", "£", "$", "¥", "è", "é", "ù", "ì", "ò", "Ç", "\n", "Ø", "ø", "\r", "Å", "å",
        "Δ", "_", "Φ", "Γ", "Λ", "Ω", "Π", "Ψ", "Σ", "Θ", "Ξ", "\u{1B}", "Æ", "æ", "ß", "É",
        " ", "!", "\"", "#", "¤", "%", "&", "'", "(", ")", "*", "+", ",", "-", ".", "/",
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ":", ";", "<", "=", ">", "?",
        "¡", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O",
        "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z", "Ä", "Ö", "Ñ", "Ü", "§",
        "¿", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
        "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z", "ä", "ö", "ñ", "ü", "à",
    ]

    /// Extension characters, reached by the escape 0x1B, keyed by their second septet.
    public static let extensionTable: [UInt8: Character] = [
        0x0A: "\u{0C}", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\",
        0x3C: "[", 0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€",
    ]

    static let basicSet: Set<Character> = Set(basic).subtracting(["\u{1B}"])
    static let extensionSet: Set<Character> = Set(extensionTable.values)

    /// Septets the character costs in GSM-7, or nil when it is not in the alphabet.
    public static func septets(_ c: Character) -> Int? {
        if basicSet.contains(c) { return 1 }
        if extensionSet.contains(c) { return 2 }
        return nil
    }
}

public enum SMSText {
    public static let gsm7Single = 160
    public static let gsm7Part = 153
    public static let ucs2Single = 70
    public static let ucs2Part = 67

    public static func isGSM7(_ text: String) -> Bool {
        text.allSatisfy { GSM7.septets($0) != nil }
    }

    /// Measures the text as the gateway will send it: GSM-7 when every character
    /// maps, else UCS-2 for the whole message. Parts never split an escape
    /// sequence or a surrogate pair, so a long text can cost one part more than
    /// plain division says.
    public static func measure(_ text: String) -> SMSLength {
        var septetCosts: [Int] = []
        septetCosts.reserveCapacity(text.count)
        var gsm = true
        for c in text {
            guard let n = GSM7.septets(c) else { gsm = false; break }
            septetCosts.append(n)
        }
        if gsm {
            let units = septetCosts.reduce(0, +)
            let segments = units <= gsm7Single ? 1 : pack(septetCosts, into: gsm7Part)
            return SMSLength(encoding: .gsm7, units: units, segments: segments)
        }
        let costs = text.unicodeScalars.map { $0.value > 0xFFFF ? 2 : 1 }
        let units = costs.reduce(0, +)
        let segments = units <= ucs2Single ? 1 : pack(costs, into: ucs2Part)
        return SMSLength(encoding: .ucs2, units: units, segments: segments)
    }

    /// Greedy packing of indivisible costs into parts of the given capacity.
    static func pack(_ costs: [Int], into capacity: Int) -> Int {
        var parts = 1
        var used = 0
        for cost in costs {
            if used + cost > capacity {
                parts += 1
                used = 0
            }
            used += cost
        }
        return parts
    }
}
