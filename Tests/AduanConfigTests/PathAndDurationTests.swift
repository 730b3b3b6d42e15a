import AduanConfig
import AduanCore
import Foundation
import Testing

@Suite struct PathTests {
    @Test func relativePathsResolveAgainstTheConfigsDirectory() throws {
        let toml = Fixture.make(
            head: "shortcode = \"1708\"\ndatabase = \"./data/../db/aduan.db\"",
            inbound: """
                [[inbound]]
                name = "modem1"
                kind = "smstools"
                path = "../var//spool/incoming/"
                archive = "/srv/archive/./2026"
                rejected = "rejected"
                """)
        let config = try ConfigLoader.parse(text: toml, file: "/etc/aduan/conf/aduan.toml")
        #expect(config.file == "/etc/aduan/conf/aduan.toml")
        #expect(config.service.database == "/etc/aduan/conf/db/aduan.db")
        #expect(config.inbound.first?.path == "/etc/aduan/var/spool/incoming")
        #expect(config.inbound.first?.archive == "/srv/archive/2026")
        #expect(config.inbound.first?.rejected == "/etc/aduan/conf/rejected")
        #expect(config.outbound.first?.path == "/etc/aduan/var/spool/outgoing")
    }

    @Test func theFilePathItselfIsNormalised() throws {
        let config = try ConfigLoader.parse(text: Fixture.make(), file: "/etc/aduan/conf/../aduan.toml")
        #expect(config.file == "/etc/aduan/aduan.toml")
        #expect(config.service.database == "/etc/var/aduan.db")
    }

    @Test func dotDotNeverClimbsAboveRoot() throws {
        let toml = Fixture.make(head: "shortcode = \"1708\"\ndatabase = \"../../../../aduan.db\"")
        let config = try ConfigLoader.parse(text: toml, file: "/etc/aduan.toml")
        #expect(config.service.database == "/aduan.db")
    }

    @Test func jsonlRejectsGoBesideTheLog() throws {
        let toml = Fixture.make(inbound: "[[inbound]]\nname = \"agg\"\nkind = \"jsonl\"\npath = \"/var/log/sms/in.jsonl\"")
        let config = try ConfigLoader.parse(text: toml, file: Fixture.file)
        #expect(config.inbound.first?.rejected == "/var/log/sms/rejected")
        #expect(config.inbound.first?.archive == nil)
    }

    @Test func loadReadsAFileFromDisk() throws {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("aduan-config-\(UUID().uuidString)").appendingPathComponent("conf")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let file = dir.appendingPathComponent("aduan.toml")
        try Data(Fixture.make().utf8).write(to: file)
        let config = try ConfigLoader.load(path: file.path)
        #expect(config.service.database == dir.deletingLastPathComponent().path + "/var/aduan.db")
    }

    @Test func defaultsFillWhatTheFileLeavesOut() throws {
        let config = try ConfigLoader.parse(text: Fixture.make(), file: Fixture.file)
        #expect(config.service.countryCode == "62")
        #expect(config.service.timezone == "Asia/Jakarta")
        #expect(config.service.onUnknownKeyword == .triage)
        #expect(config.service.dedupeWindow == .hours(24))
        #expect(config.service.quietHours == QuietWindow(startMinute: 21 * 60, endMinute: 7 * 60))
        #expect(config.service.logLevel == "info")
        #expect(config.limits.complaintsPerHour == 5)
        #expect(config.limits.repliesPerDay == 20)
        #expect(config.triage.prefix == "UMUM")
        #expect(config.triage.region == "Umum")
        #expect(config.urgent.firstResponse == .hours(4))
        #expect(config.reminders.deskAfter == .workingDays(1))
        #expect(config.outbound.first?.name == "smstools")
        #expect(config.routes.first?.program == "Kabupaten Banjar")
        #expect(config.routes.first?.autoForward == false)
        #expect(config.templates[.ack].source == TemplateKind.ack.defaultText)
        #expect(config.statusWord(.resolved) == "SELESAI")
    }

    @Test func holidaysMayBeTOMLDates() throws {
        let toml = Fixture.make(service: #"holidays = [2026-12-25, "2024-02-29"]"#)
        let config = try ConfigLoader.parse(text: toml, file: Fixture.file)
        #expect(config.service.holidays == ["2026-12-25", "2024-02-29"])
    }
}

@Suite struct DurationTests {
    static let valid: [(String, TimeSpan)] = [
        ("30m", .minutes(30)), ("24h", .hours(24)), ("3d", .days(3)), ("5wd", .workingDays(5)),
        ("3WD", .workingDays(3)), (" 2h ", .hours(2)), ("1d", .days(1)),
    ]
    static let invalid = ["2 days", "1w", "", "h", "-3d", "1.5h", "3dd", "wd", "1234567h"]

    @Test(arguments: valid) func parses(_ text: String, _ span: TimeSpan) throws {
        let toml = Fixture.make(routes: Fixture.banjar.replacingOccurrences(of: #""14d""#, with: "\"\(text)\""))
        let config = try ConfigLoader.parse(text: toml, file: Fixture.file)
        #expect(config.routes.first?.resolution == span)
    }

    @Test(arguments: invalid) func refuses(_ text: String) {
        let toml = Fixture.make(routes: Fixture.banjar.replacingOccurrences(of: #""14d""#, with: "\"\(text)\""))
        let issues = Fixture.issues(toml)
        #expect(issues.map(\.message) == [
            "routes[0].resolution: \"\(text)\" is not a duration; use \"30m\", \"24h\", \"3d\" or \"5wd\"",
        ])
        #expect(issues.first?.line == Fixture.line(of: "resolution", in: toml))
    }
}
