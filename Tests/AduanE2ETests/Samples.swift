import Testing

/// One citizen's SMS as the tests inject it, and what aduan must make of it.
///
/// Each sample has its own sender and route, so its ticket (`<prefix>-0001`)
/// and its acknowledgement are known in advance. The texts are already in
/// NFC with single spaces, so the complaint's stored text (after the keyword)
/// must equal `body` character for character.
struct Sample: Sendable, CustomTestStringConvertible {
    let name: String
    let sender: String          // as the network delivers it: +62…
    let keyword: String
    let body: String
    let coding: SMSCoding
    let ticket: String
    let region: String
    let sent: SCTS
    /// The concatenation reference of a multipart sample.
    let reference: UInt8

    var text: String { keyword + " " + body }
    var digits: String { String(sender.dropFirst()) }
    var parts: [String] { SMSParts.split(text, coding: coding) }
    var ack: String { E2EConfig.ack(ticket: ticket, region: region) }
    var testDescription: String { name }

    /// The SMS-DELIVER PDUs, one per part, as smstools reads them, stamped
    /// `sent` (the sample's own time unless given).
    func pdus(smsc: String = "+6281100000", sent: SCTS? = nil) throws -> [String] {
        let parts = self.parts
        let sent = sent ?? self.sent
        return try parts.enumerated().map { i, part in
            let udh = parts.count == 1 ? [] : SMSParts.concatenationUDH(reference: reference, total: parts.count, sequence: i + 1)
            return PDU.hex(try PDU.deliver(smsc: smsc, sender: sender, sent: sent, coding: coding, text: part, udh: udh))
        }
    }

    /// GSM-7, single part: every character of the default alphabet that the
    /// gateways carry unchanged, and the extension table ({ } [ ] ~ ^ | \ €,
    /// two septets each). Not `¤`: smsd turns GSM 0x24 into `€` (it goes
    /// through ISO-8859-15, where 0xA4 is the euro sign), which is smsd's doing.
    static let gsm7 = Sample(
        name: "GSM-7 with the extension table",
        sender: "+6281234567890", keyword: "BANJAR",
        body: #"jalan rusak @ km 5: lubang {besar} [1,5 m] ~10^2 €, a|b\c ÄÖÑÜ§¿äöñüà éèùìòÇØøÅåÆæßÉ ¡£$¥ _ΔΦΓΛΩΠΨΣΘΞ #%&'()*+-./<=>?!";"#,
        coding: .gsm7, ticket: "BJR-0001", region: "Kabupaten Banjar",
        sent: SCTS(year: 26, month: 11, day: 22, hour: 9, minute: 0, second: 1), reference: 0)

    /// UCS-2, single part: emoji as surrogate pairs (one with a skin-tone
    /// modifier), curly quotes, a dash, a check mark, CJK, Latin accents.
    static let ucs2 = Sample(
        name: "UCS-2 with emoji",
        sender: "+6285711112222", keyword: "KAUR",
        body: "puskesmas tutup 🙁 señor café — “buka” lagi? 👍🏽 ✓ 日本",
        coding: .ucs2, ticket: "KUR-0001", region: "Kabupaten Kaur",
        sent: SCTS(year: 26, month: 11, day: 22, hour: 9, minute: 0, second: 2), reference: 0)

    /// GSM-7 in two parts. The first part is 152 septets, so the `€` (escape
    /// plus code) does not fit and opens the second part; part 2 has a fill bit
    /// after its UDH like part 1.
    static let gsm7TwoParts = Sample(
        name: "GSM-7 in two parts",
        sender: "+6281311113333", keyword: "DUMAS",
        body: "pungutan liar di kantor desa Lantari Jaya: warga diminta bayar Rp 50.000 untuk surat pengantar KTP, padahal gratis. Kata kades itu {uang rokok} € per lembar. Sudah terjadi sejak Mei 2026 di balai desa, bukti kuitansi ada pada kami. Mohon ditindak, terima kasih.",
        coding: .gsm7, ticket: "BMB-0001", region: "Kabupaten Bombana",
        sent: SCTS(year: 26, month: 11, day: 22, hour: 9, minute: 0, second: 3), reference: 0xA7)

    /// UCS-2 in two parts. The first part is 66 UTF-16 units, so the emoji
    /// (a surrogate pair) opens the second part.
    static let ucs2TwoParts = Sample(
        name: "UCS-2 in two parts",
        sender: "+6287744445555", keyword: "LAPAKADUAN",
        body: "sampah menumpuk di Pasar Wage 🐀 2 minggu, bau sekali! 🤢 Truk DLH tidak datang; warga “marah” mau bakar sendiri 🔥 señor",
        coding: .ucs2, ticket: "BYM-0001", region: "Kabupaten Banyumas",
        sent: SCTS(year: 26, month: 11, day: 22, hour: 9, minute: 0, second: 4), reference: 0x3C)

    static let all = [gsm7, ucs2, gsm7TwoParts, ucs2TwoParts]
}
