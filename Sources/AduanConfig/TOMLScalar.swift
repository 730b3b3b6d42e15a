/// TOML's bare (unquoted) values: booleans, numbers, dates and times.
///
/// The toml++ inside TOMLKit 0.6.0 trusts its own first guess at a value's
/// type and asserts on malformed ones (`2026-01-01t:0`), which aborts the
/// process in a debug build and is undefined in a release one. Checking every
/// bare value against TOML 1.0's grammar first means toml++ only ever sees
/// well-formed ones; as a bonus, the commonest mistake, unquoted text
/// (`timezone = Asia/Jakarta`), gets a message that says what to do.
enum TOMLScalar {
    static func isValid(_ text: String) -> Bool {
        let s = Array(text.utf8)
        return isBool(s) || isInteger(s) || isFloat(s) || isDateTime(s)
    }

    static func isBool(_ s: [UInt8]) -> Bool {
        s == Array("true".utf8) || s == Array("false".utf8)
    }

    static func isInteger(_ s: [UInt8]) -> Bool {
        if s.count > 2, s[0] == UInt8(ascii: "0") {
            let body = Array(s[2...])
            switch s[1] {
            case UInt8(ascii: "x"): return digits(body, isHex)
            case UInt8(ascii: "o"): return digits(body) { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }
            case UInt8(ascii: "b"): return digits(body) { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "1") }
            default: break
            }
        }
        return isDecimal(unsigned(s))
    }

    static func isFloat(_ s: [UInt8]) -> Bool {
        let body = unsigned(s)
        if body == Array("inf".utf8) || body == Array("nan".utf8) { return true }
        let exponentAt = body.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let mantissa = Array(body[..<(exponentAt ?? body.endIndex)])
        var fractionOK = true, hasFraction = false
        var whole = mantissa
        if let dot = mantissa.firstIndex(of: UInt8(ascii: ".")) {
            hasFraction = true
            whole = Array(mantissa[..<dot])
            fractionOK = digits(Array(mantissa[(dot + 1)...]), isDigit)
        }
        guard isDecimal(whole), fractionOK else { return false }
        if let e = exponentAt {
            var exponent = Array(body[(e + 1)...])
            if let sign = exponent.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                exponent.removeFirst()
            }
            return digits(exponent, isDigit)
        }
        return hasFraction
    }

    /// Offset date-time, local date-time, local date or local time.
    static func isDateTime(_ s: [UInt8]) -> Bool {
        if isTime(s[...]) { return true }
        guard s.count >= 10, isDate(s[..<10]) else { return false }
        if s.count == 10 { return true }
        let separator = s[10]
        guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == UInt8(ascii: " ") else {
            return false
        }
        var rest = s[11...]
        if let last = rest.last, last == UInt8(ascii: "Z") || last == UInt8(ascii: "z") {
            rest = rest.dropLast()
        } else if rest.count > 6 {
            let offset = rest.suffix(6)
            let sign = offset[offset.startIndex]
            if (sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-")) && pattern(offset.dropFirst(), "dd:dd") {
                rest = rest.dropLast(6)
            }
        }
        return isTime(rest)
    }

    static func isDate(_ s: ArraySlice<UInt8>) -> Bool {
        pattern(s, "dddd-dd-dd")
    }

    /// `hh:mm:ss` with optional fraction.
    static func isTime(_ s: ArraySlice<UInt8>) -> Bool {
        guard s.count >= 8, pattern(s.prefix(8), "dd:dd:dd") else { return false }
        let fraction = s.dropFirst(8)
        if fraction.isEmpty { return true }
        return fraction.first == UInt8(ascii: ".") && fraction.count > 1 && fraction.dropFirst().allSatisfy(isDigit)
    }

    /// `d` matches a digit, anything else itself.
    static func pattern(_ s: ArraySlice<UInt8>, _ shape: String) -> Bool {
        let shape = Array(shape.utf8)
        guard s.count == shape.count else { return false }
        return zip(s, shape).allSatisfy { c, p in p == UInt8(ascii: "d") ? isDigit(c) : c == p }
    }

    static func unsigned(_ s: [UInt8]) -> [UInt8] {
        if let first = s.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") { return Array(s.dropFirst()) }
        return s
    }

    /// No leading zeros, underscores only between digits.
    static func isDecimal(_ s: [UInt8]) -> Bool {
        guard digits(s, isDigit) else { return false }
        return s.count == 1 || s[0] != UInt8(ascii: "0")
    }

    /// One or more digits, `_` allowed only between two of them.
    static func digits(_ s: [UInt8], _ isDigit: (UInt8) -> Bool) -> Bool {
        guard let first = s.first, let last = s.last, isDigit(first), isDigit(last) else { return false }
        var previousUnderscore = false
        for c in s {
            if c == UInt8(ascii: "_") {
                if previousUnderscore { return false }
                previousUnderscore = true
            } else if isDigit(c) {
                previousUnderscore = false
            } else {
                return false
            }
        }
        return true
    }

    static func isDigit(_ c: UInt8) -> Bool {
        c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")
    }

    static func isHex(_ c: UInt8) -> Bool {
        isDigit(c) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "F"))
    }
}
