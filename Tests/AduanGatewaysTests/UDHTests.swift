import Testing
import AduanGateways

struct UDHCase: Sendable, CustomTestStringConvertible {
    var name: String
    var hex: String
    var part: ConcatenationPart?
    var testDescription: String { name }

    var bytes: [UInt8] { hex.split(separator: " ").compactMap { UInt8($0, radix: 16) } }
}

@Suite struct UDHTests {
    static let cases: [UDHCase] = [
        UDHCase(name: "8-bit reference", hex: "05 00 03 A7 02 01", part: .init(reference: 0xA7, total: 2, sequence: 1)),
        UDHCase(name: "8-bit, last part", hex: "05 00 03 00 FF FF", part: .init(reference: 0, total: 255, sequence: 255)),
        UDHCase(name: "16-bit reference", hex: "06 08 04 12 34 03 02", part: .init(reference: 0x1234, total: 3, sequence: 2)),
        UDHCase(
            name: "port addressing first, then 8-bit concatenation",
            hex: "0B 05 04 0B 84 23 F0 00 03 A7 03 03", part: .init(reference: 0xA7, total: 3, sequence: 3)),
        UDHCase(
            name: "national language shift first, then 16-bit concatenation",
            hex: "09 25 01 0D 08 04 FF FE 02 02", part: .init(reference: 0xFFFE, total: 2, sequence: 2)),
        UDHCase(
            name: "payload bytes that look like IE 00 are not read as one",
            hex: "08 24 01 00 00 03 A7 02 01", part: .init(reference: 0xA7, total: 2, sequence: 1)),
        UDHCase(name: "no concatenation element", hex: "03 24 01 0D", part: nil),
        UDHCase(name: "empty UDH", hex: "00", part: nil),
        UDHCase(name: "no bytes", hex: "", part: nil),
        UDHCase(name: "total 0", hex: "05 00 03 A7 00 00", part: nil),
        UDHCase(name: "sequence 0", hex: "05 00 03 A7 02 00", part: nil),
        UDHCase(name: "sequence beyond total", hex: "05 00 03 A7 02 03", part: nil),
        UDHCase(name: "16-bit, sequence beyond total", hex: "06 08 04 00 01 02 05", part: nil),
        UDHCase(name: "declared length longer than the bytes", hex: "05 00 03 A7 02", part: nil),
        UDHCase(name: "element runs past the declared length", hex: "04 00 03 A7 02 01", part: nil),
        UDHCase(name: "IE 00 with the wrong length", hex: "06 00 04 A7 02 01 00", part: nil),
        UDHCase(name: "element header cut in half", hex: "06 24 01 0D 00 03 A7", part: nil),
    ]

    @Test(arguments: cases)
    func concatenation(_ c: UDHCase) {
        #expect(UDH.concatenation(c.bytes) == c.part)
    }
}
