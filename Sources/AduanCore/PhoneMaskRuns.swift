extension PhoneMask {
    /// The shortest run of digits masked in free text: every phone number
    /// aduan deals with is longer (international digits, 11–15), while dates
    /// (`20261122`), times, counts and sizes are shorter.
    public static let maskedRunLength = 9

    /// Masks every run of `maskedRunLength` or more ASCII digits in `text`
    /// as ``mask(_:)`` does, leaving everything else as it is. For values that
    /// may carry a number their caller did not think of: a gammu inbox file is
    /// named after its sender (`IN20261122_135900_00_+6281234567890_00.txt`
    /// becomes `IN20261122_135900_00_+62812****7890_00.txt`).
    public static func maskRuns(_ text: String) -> String {
        // Most values (every log value passes here) hold no such run.
        var run = 0
        var found = false
        for byte in text.utf8 {
            run = byte >= 0x30 && byte <= 0x39 ? run + 1 : 0
            if run >= maskedRunLength {
                found = true
                break
            }
        }
        guard found else { return text }
        let scalars = Array(text.unicodeScalars)
        func isDigit(_ s: Unicode.Scalar) -> Bool { s.isASCII && ("0"..."9").contains(s) }
        guard scalars.lazy.filter(isDigit).count >= maskedRunLength else { return text }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            guard isDigit(scalars[i]) else {
                out.append(scalars[i])
                i += 1
                continue
            }
            var end = i
            while end < scalars.count, isDigit(scalars[end]) { end += 1 }
            let run = String(String.UnicodeScalarView(scalars[i..<end]))
            out.append(contentsOf: (end - i >= maskedRunLength ? mask(run) : run).unicodeScalars)
            i = end
        }
        return String(out)
    }
}
