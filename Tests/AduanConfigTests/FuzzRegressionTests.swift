import AduanConfig
import Testing

/// Inputs the fuzzer (Fuzz/run, target FuzzConfig) found that crashed the
/// loader, byte for byte as it found them; each is also in Fuzz/Corpus/FuzzConfig/.
/// Every one must come back as an issue with a line, never abort the process.
@Suite struct ConfigFuzzRegressionTests {
    /// `[[` and a carriage return with no line feed after it: the header
    /// pre-check skipped the `\r` as a blank, found the end of the text and let
    /// toml++ assert in parse_key (`is_bare_key_character(*cp) || …`).
    /// Fuzz/Corpus/FuzzConfig/crash-header-cr.
    @Test(arguments: [
        [0x5B, 0x5B, 0x0D] as [UInt8],  // the fuzzer's input
        Array("[\r".utf8), Array("[ \r".utf8), Array("[[\rx]]\n".utf8), Array("[\rrouters]".utf8),
    ])
    func headerWithCarriageReturnIsAnIssue(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(Fixture.issues(text).map(\.message)
            == ["TOML syntax: a table header needs a name after its brackets, saw the end of the line"])
        #expect(Fixture.issues(text).first?.line == 1)
    }
}
