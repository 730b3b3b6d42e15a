/// smstools3 outgoing message files, as aduan writes them to `outgoing/`.
public enum SmstoolsOutbound {
    /// `Alphabet: UTF-8` lets smsd send GSM-7 when every character maps and
    /// UCS-2 otherwise, instead of dropping what ISO cannot hold.
    public static func render(to number: String, text: String) -> [UInt8] {
        // smsd wants international digits without "+"; anything else in the
        // number would end up in the PDU address.
        let digits = String(number.unicodeScalars.filter { ("0"..."9").contains($0) })
        return Array("To: \(digits)\nAlphabet: UTF-8\n\n".utf8) + Array(text.utf8)
    }

    /// The inverse of `render`, also for files smsd moved to `sent/` with its own headers added.
    public static func parse(_ bytes: [UInt8]) -> (to: String, text: String)? {
        guard case .success(let file) = SmstoolsFile.split(bytes),
              let to = file.header("To"), !to.isEmpty,
              case .success(let body) = SmstoolsFile.decodeBody(file.body, alphabet: file.header("Alphabet")),
              !body.damaged
        else { return nil }
        return (to, body.text)
    }
}
