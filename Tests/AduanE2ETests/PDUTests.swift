import Foundation
import Testing

/// The PDU builder against published PDUs, before any daemon sees its output.
@Suite struct PDUBuilderTests {
    /// The textbook SMS-DELIVER ("hellohello", from +27381000015's SMSC, sender
    /// type 0xC8, 1999-03-29 15:16:59 +02:00), as printed in the classic PDU
    /// format write-ups (dreamfabric, subnets.ru).
    @Test func hellohelloDeliver() throws {
        let pdu = try PDU.deliver(
            smsc: "+27381000015", sender: "27838890001", senderType: 0xC8,
            sent: SCTS(year: 99, month: 3, day: 29, hour: 15, minute: 16, second: 59, zoneQuarters: 8),
            coding: .gsm7, text: "hellohello")
        #expect(PDU.hex(pdu) == "07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37")
    }

    /// Septet packing without a header: "How are you?" packs to
    /// C8F71D14969741F977FD07 (the same example; `smsd -E` agrees).
    @Test func packsSeptets() throws {
        let ud = try PDU.userData("How are you?", coding: .gsm7)
        #expect(PDU.hex(ud) == "0C" + "C8F71D14969741F977FD07")
    }

    /// Fill bits after a UDH: a 10-octet header (UDHL 0A, a reply-address
    /// element) takes 88 bits, so 3 fill bits bring the text to septet 13;
    /// UDL counts 13 + 12 = 25 septets. Published in alt.cellular.gsm
    /// ("190A22080B912143658709F180B2CBE17919242FC3D979" for "Please reply").
    @Test func fillBitsAfterAHeader() throws {
        let ud = try PDU.userData("Please reply", coding: .gsm7,
                                  udh: [0x22, 0x08, 0x0B, 0x91, 0x21, 0x43, 0x65, 0x87, 0x09, 0xF1])
        #expect(PDU.hex(ud) == "190A22080B912143658709F180B2CBE17919242FC3D979")
    }

    /// The concatenation header (6 octets with its UDHL) needs one fill bit:
    /// the first septet starts at bit 49, so "A" (0x41) becomes 0x82.
    @Test func concatenationHeaderHasOneFillBit() throws {
        let ud = try PDU.userData("A", coding: .gsm7, udh: SMSParts.concatenationUDH(reference: 0xA7, total: 2, sequence: 1))
        #expect(PDU.hex(ud) == "08" + "050003A70201" + "82")
        #expect(PDU.hex(try PDU.userData("AB", coding: .gsm7, udh: SMSParts.concatenationUDH(reference: 1, total: 2, sequence: 2)))
                == "09" + "050003010202" + "8242")
    }

    /// Extension characters are the escape 0x1B and a second septet.
    @Test func extensionTable() throws {
        #expect(try GSMAlphabet.septets("€{}[]~^|\\") ==
                [0x1B, 0x65, 0x1B, 0x28, 0x1B, 0x29, 0x1B, 0x3C, 0x1B, 0x3E, 0x1B, 0x3D, 0x1B, 0x14, 0x1B, 0x40, 0x1B, 0x2F])
        #expect(try GSMAlphabet.septets("@£$¥Ç_ΔΞ§¿à") == [0x00, 0x01, 0x02, 0x03, 0x09, 0x11, 0x10, 0x1A, 0x5F, 0x60, 0x7F])
        // "€" alone: septets 1B 65 → bits 1100101 0011011 → 9B 32.
        #expect(PDU.hex(try PDU.userData("€", coding: .gsm7)) == "02" + "9B32")
        #expect(throws: PDUError.self) { try GSMAlphabet.septets("✓") }
    }

    /// UCS-2 is UTF-16BE, an emoji a surrogate pair; UDL counts octets.
    @Test func ucs2SurrogatePairs() throws {
        let ud = try PDU.userData("a🙁", coding: .ucs2)
        #expect(PDU.hex(ud) == "06" + "0061D83DDE41")
        let pdu = try PDU.deliver(smsc: "+6281100000", sender: "+6285711112222",
                                  sent: SCTS(year: 26, month: 11, day: 22, hour: 14, minute: 0, second: 0),
                                  coding: .ucs2, text: "a🙁", udh: SMSParts.concatenationUDH(reference: 7, total: 2, sequence: 2))
        // SCA 06 91 2618010000; 0x44 = DELIVER with UDHI; sender 0D 91 …; DCS 08; WIB = +28 quarters = 0x82.
        #expect(PDU.hex(pdu) == "0691" + "2618010000" + "44" + "0D91" + "265817112122F2" + "00" + "08"
                + "62112241000082" + "0C" + "050003070202" + "0061D83DDE41")
    }

    @Test func smscAndAddressSemiOctets() {
        #expect(PDU.hex(PDU.smscAddress("+6281100000")) == "069126180100" + "00")
        #expect(PDU.hex(PDU.address("+6281234567890")) == "0D91" + "261832547698F0")
    }

    @Test func timestampSemiOctetsAndZoneSign() {
        let wib = SCTS(year: 26, month: 11, day: 22, hour: 14, minute: 5, second: 9)
        #expect(PDU.hex(wib.octets) == "62112241509082")
        var west = wib
        west.zoneQuarters = -12      // -03:00: 12 quarters, sign bit 3 of the last octet
        #expect(PDU.hex(west.octets).hasSuffix("29"))
        #expect(wib.smstools == "26-11-22 14:05:09")
        #expect(wib.gammu == "20261122T140509")
    }

    /// The samples split where they are meant to: an escape sequence and a
    /// surrogate pair are never cut, and each multipart sample is two parts.
    @Test func samplesSplitAtTheBoundaries() throws {
        #expect(Sample.gsm7.parts.count == 1)
        #expect(Sample.ucs2.parts.count == 1)
        #expect(!GSMAlphabet.canEncode(Sample.ucs2.text))

        let gsm = Sample.gsm7TwoParts.parts
        #expect(gsm.count == 2)
        #expect(try GSMAlphabet.septets(gsm[0]).count == 152)
        #expect(gsm[1].hasPrefix("€"))
        #expect(gsm.joined() == Sample.gsm7TwoParts.text)

        let ucs = Sample.ucs2TwoParts.parts
        #expect(ucs.count == 2)
        #expect(ucs[0].utf16.count == 66)
        #expect(ucs[1].hasPrefix("🤢"))
        #expect(ucs[1].utf16.count <= 67)
        #expect(ucs.joined() == Sample.ucs2TwoParts.text)

        for sample in Sample.all {
            #expect(sample.text == sample.text.precomposedStringWithCanonicalMapping, "\(sample.name) is not NFC")
            #expect(!sample.text.contains("  "), "\(sample.name) has a double space")
            for hex in try sample.pdus() {
                #expect(hex.count % 2 == 0 && hex.allSatisfy(\.isHexDigit))
            }
        }
    }
}
