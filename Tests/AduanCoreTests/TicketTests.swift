import AduanCore
import Testing

@Test("ticket input forms (§3.5)", arguments: [
    ("BJR-0042", "BJR-0042"), ("bjr42", "BJR-0042"), ("BJR 0042", "BJR-0042"), ("Bjr-42", "BJR-0042"),
    ("#BJR.0042", "BJR-0042"), ("bjr_42", "BJR-0042"), ("BJR/42", "BJR-0042"), ("umum-7", "UMUM-0007"),
    ("PML-12345", "PML-12345"), ("  bjr 42  ", "BJR-0042"), ("BJR- 42", "BJR-0042"),
])
func ticketForms(_ input: String, _ expected: String) {
    #expect(Ticket.parse(Substring(input))?.ticket.description == expected)
}

@Test("not tickets", arguments: ["B42", "ABCDEF1", "BJR", "BJR-0", "BJR -  42", "bjr-42abc", "42", "", "BJR-1234567890"])
func notTickets(_ input: String) {
    #expect(Ticket.parse(Substring(input)) == nil)
}

@Test func ticketKeepsTheTextAfterIt() {
    let parsed = Ticket.parse("BJR-0042 jalan sudah ditambal")
    #expect(parsed?.ticket == Ticket(prefix: "BJR", number: 42))
    #expect(parsed?.rest == "jalan sudah ditambal")
}

@Test func ticketFormatPadsToFourDigits() {
    #expect(Ticket(prefix: "bjr", number: 7).description == "BJR-0007")
    #expect(Ticket(prefix: "PML", number: 12345).description == "PML-12345")
}
