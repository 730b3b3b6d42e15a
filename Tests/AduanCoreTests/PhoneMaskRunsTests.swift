import AduanCore
import Testing

@Test("long digit runs in free text are masked, short ones kept (§8)", arguments: [
    ("IN20261122_135900_00_+6281234567890_00.txt", "IN20261122_135900_00_+62812****7890_00.txt"),
    ("IN20261122_135900_00_081234567890_00.txt", "IN20261122_135900_00_08123***7890_00.txt"),
    ("open /var/spool/gammu/inbox/x_6281234567890_y: EACCES", "open /var/spool/gammu/inbox/x_62812****7890_y: EACCES"),
    ("GSM1.x8Kd2a", "GSM1.x8Kd2a"),
    ("1048577 bytes, larger than any SMS", "1048577 bytes, larger than any SMS"),
    ("20261122 135900 12345678", "20261122 135900 12345678"),
    ("123456789", "123**6789"),
    ("", ""),
] as [(String, String)])
func maskRuns(_ text: String, _ expected: String) {
    #expect(PhoneMask.maskRuns(text) == expected)
}
