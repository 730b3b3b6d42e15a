import AduanCore
import Testing

@Test("numbers in free text are blanked, nothing else changes", arguments: [
    ("hubungi 081234567890\nsejak 22-11-2026, Rp 1.500.000", 9, "hubungi [nomor]\nsejak 22-11-2026, Rp 1.500.000"),
    ("WA +62 812-3456-7890,  RT 03", 9, "WA [nomor],  RT 03"),
    ("kantor 0511 123456", 9, "kantor [nomor]"),
    ("sejak 22-11-2026", 9, "sejak 22-11-2026"),
    ("sejak 22-11-2026", 6, "sejak [nomor]"),
    ("", 9, ""),
] as [(String, Int, String)])
func blankingNumbers(_ text: String, _ minimum: Int, _ expected: String) {
    #expect(ComplaintSummary.blankingNumbers(text, minimumDigits: minimum) == expected)
}
