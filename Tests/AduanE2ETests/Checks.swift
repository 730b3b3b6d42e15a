import Foundation
import Testing

// What every round trip checks on aduan's side, whatever the gateway.

/// Waits for each sample's complaint, checks its text, and waits for its
/// acknowledgement to be spooled; returns the ack's file name by ticket.
func awaitComplaintsAndAcks(_ samples: [Sample], aduan: Aduan, rejected: String,
                            diagnostics: () -> String) throws -> [String: String] {
    var ackFiles: [String: String] = [:]
    for sample in samples {
        // The complaint, under its ticket, with the text exactly as sent.
        var complaint: [String: Any] = [:]
        try waitFor("complaint \(sample.ticket)", timeout: 20, poll: 200_000, diagnostics: diagnostics) {
            // A rejected file will not turn into a complaint: fail now, with aduan's reason.
            if !Files.list(rejected).isEmpty { throw E2EError("aduan rejected \(Files.list(rejected))\n\(diagnostics())") }
            guard let c = try aduan.complaints().first(where: { $0["ticket"] as? String == sample.ticket }) else { return false }
            complaint = c
            return true
        }
        try checkComplaint(complaint, of: sample, aduan: aduan)

        // The acknowledgement, in aduan's outbox and spooled.
        try waitFor("the ack spooled for \(sample.ticket)", timeout: 20, poll: 100_000, diagnostics: diagnostics) {
            guard let row = try aduan.outbox().first(where: { $0["ticket"] as? String == sample.ticket && $0["kind"] as? String == "ack" }),
                  let file = row["file"] as? String else { return false }
            #expect(row["to"] as? String == sample.digits, "the ack's recipient")
            let text = row["text"] as? String ?? ""
            #expect(text == sample.ack, "the ack's text, \(firstDifference(text, sample.ack))")
            ackFiles[sample.ticket] = file
            return true
        }
    }
    return ackFiles
}

/// One complaint and one ack per sample, and no file rejected: a second
/// complaint would mean a part was filed on its own.
func expectNothingElse(_ samples: [Sample], aduan: Aduan, rejected: String) throws {
    let tickets = try aduan.complaints().compactMap { $0["ticket"] as? String }.sorted()
    #expect(tickets == samples.map(\.ticket).sorted(), "complaints")
    let outbox = try aduan.outbox()
    #expect(outbox.count == samples.count, "outbox: \(outbox.map { "\($0["kind"] ?? "?") \($0["text"] ?? "?")" })")
    #expect(Files.list(rejected).isEmpty, "aduan rejected: \(Files.list(rejected))")
}

/// What the complaint and its inbound message must say, character for character.
func checkComplaint(_ complaint: [String: Any], of sample: Sample, aduan: Aduan) throws {
    let stored = try #require(complaint["text"] as? String)
    #expect(stored == sample.body, "complaint text, \(firstDifference(stored, sample.body))")
    #expect(complaint["sender"] as? String == sample.digits)
    #expect(complaint["route"] as? String == sample.keyword)
    #expect(complaint["region"] as? String == sample.region)

    // The inbound message as aduan decoded it: the whole text, keyword included.
    let show = try aduan.show(sample.ticket)
    let messages = try #require(show["messages"] as? [[String: Any]])
    let inbound = messages.filter { $0["direction"] as? String == "in" }.compactMap { $0["text"] as? String }
    #expect(inbound.count == 1, "inbound messages of \(sample.ticket): \(inbound)")
    if let text = inbound.first {
        #expect(text == sample.text, "inbound text, \(firstDifference(text, sample.text))")
    }
}

/// Where two texts part, by Unicode scalar, for a failure message that shows
/// the one character aduan got wrong.
func firstDifference(_ got: String, _ expected: String) -> String {
    let a = Array(got.unicodeScalars), b = Array(expected.unicodeScalars)
    var i = 0
    while i < a.count, i < b.count, a[i] == b[i] { i += 1 }
    if i == a.count, i == b.count { return "identical" }
    func show(_ s: [Unicode.Scalar]) -> String {
        i < s.count ? "U+\(String(s[i].value, radix: 16, uppercase: true)) '\(s[i])'" : "end of text"
    }
    return "first difference at scalar \(i): got \(show(a)), expected \(show(b)); got \(a.count) scalars, expected \(b.count)"
}
