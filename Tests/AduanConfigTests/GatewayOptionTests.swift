import AduanConfig
import Testing

/// The gammu-only options and the multipart timeout.
@Suite struct GatewayOptionTests {
    static let gammuIn = """
        [[inbound]]
        name = "phone1"
        kind = "gammu"
        path = "../var/gammu/inbox"
        rejected = "../var/gammu/rejected"
        format = "unicode"
        """
    static let gammuOut = """
        [[outbound]]
        kind = "gammu"
        path = "../var/gammu/outbox"
        encoding = "utf-16"
        """

    @Test func gammuOptionsAreRead() throws {
        let config = try ConfigLoader.parse(text: Fixture.make(service: #"multipart_timeout = "5m""#, inbound: Self.gammuIn, outbound: Self.gammuOut), file: Fixture.file)
        #expect(config.inbound.first?.format == .unicode)
        #expect(config.outbound.first?.encoding == .utf16)
        #expect(config.service.multipartTimeout == .minutes(5))
    }

    @Test func defaults() throws {
        let config = try ConfigLoader.parse(text: Fixture.make(), file: Fixture.file)
        #expect(config.inbound.first?.format == .detail)
        #expect(config.outbound.first?.encoding == .utf8)
        #expect(config.service.multipartTimeout == .minutes(10))
    }

    static let cases: [ErrorCase] = [
        ErrorCase("format on a smstools spool", Fixture.make(inbound: Fixture.inbound + "\nformat = \"detail\" # here"),
                  "inbound[0].format applies to gammu only, not to smstools; remove it", at: "# here"),
        ErrorCase("unknown gammu format", Fixture.make(inbound: gammuIn.replacingOccurrences(of: "\"unicode\"", with: "\"utf8\" # here")),
                  #"inbound[0].format: "utf8" must be one of "detail", "unicode", "standard""#, at: "# here"),
        ErrorCase("unknown gammu encoding", Fixture.make(outbound: gammuOut.replacingOccurrences(of: "\"utf-16\"", with: "\"latin1\" # here")),
                  #"outbound[0].encoding: "latin1" must be one of "utf-8", "utf-16""#, at: "# here"),
        ErrorCase("multipart timeout in working days", Fixture.make(service: #"multipart_timeout = "1wd" # here"#),
                  #"service.multipart_timeout: parts wait in minutes or hours, not working days; write it like "10m""#, at: "# here"),
    ]

    @Test(arguments: cases)
    func refused(_ c: ErrorCase) { c.check() }
}
