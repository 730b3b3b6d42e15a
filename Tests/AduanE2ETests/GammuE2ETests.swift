import Foundation
import Testing

extension GatewayRoundTrips {
    /// SMS → real gammu-smsd (dummy phone, files backend) → `aduan serve` → ack → gammu-smsd.
    ///
    /// The dummy driver keeps the phone on disk: an SMS-backup file renamed into
    /// `sms/1/<n>` is an SMS waiting on the SIM. gammu-smsd reads it, links the
    /// parts of a concatenated message, writes one `detail` inbox file per
    /// message (aduan's `[[inbound]]`), and sends what aduan puts in its outbox
    /// (aduan's `[[outbound]]`), renaming each sent file into `sent/`.
    @Suite(.serialized, .enabled(if: Gateways.gammuSmsd != nil || Gateways.inCI, Comment(rawValue: Gateways.gammuMissing)))
    struct GammuE2ETests {
        @Test("gammu-smsd detail inbox, utf-8 outbox", arguments: Sample.all)
        func roundTrip(_ sample: Sample) throws {
            try GammuRun().roundTrip([sample])
        }

        /// All samples at once: gammu-smsd reads them in one pass and sends
        /// one outbox file per loop.
        @Test("gammu-smsd, all samples at once")
        func burst() throws {
            try GammuRun().roundTrip(Sample.all)
        }
    }
}

struct GammuRun {
    func roundTrip(_ samples: [Sample]) throws {
        let gammuSmsd = try Gateways.require(Gateways.gammuSmsd, "gammu-smsd")
        let work = try WorkDir()
        defer { work.remove() }

        let base = try work.dir("gammu")
        let phone = try work.dir("gammu/phone"), staging = try work.dir("gammu/staging")
        let inbox = try work.dir("gammu/inbox"), outbox = try work.dir("gammu/outbox")
        let sent = try work.dir("gammu/sent"), error = try work.dir("gammu/error")
        let archive = try work.dir("aduan/archive"), rejected = try work.dir("aduan/rejected")
        let gammuLog = base + "/smsd.log"

        let smsdrc = base + "/smsdrc"
        try """
            [gammu]
            model = dummy
            connection = none
            device = \(phone)/

            [smsd]
            service = files
            logfile = \(gammuLog)
            debuglevel = 1
            InboxPath = \(inbox)/
            OutboxPath = \(outbox)/
            SentSMSPath = \(sent)/
            ErrorSMSPath = \(error)/
            InboxFormat = detail
            TransmitFormat = auto
            ReceiveFrequency = 1
            CommTimeout = 1
            LoopSleep = 1
            CheckSecurity = 0
            StatusFrequency = 0

            """.write(toFile: smsdrc, atomically: true, encoding: .utf8)

        let config = work.root + "/aduan/aduan.toml"
        try E2EConfig.text(
            database: work.root + "/aduan/aduan.db",
            inbound: """
                name = "phone1"
                kind = "gammu"
                format = "detail"
                path = "\(inbox)"
                archive = "\(archive)"
                rejected = "\(rejected)"
                """,
            outbound: """
                name = "phone1"
                kind = "gammu"
                encoding = "utf-8"
                path = "\(outbox)"
                """
        ).write(toFile: config, atomically: true, encoding: .utf8)

        let aduan = Aduan(config: config, directory: work.root)
        let serveLog = work.root + "/aduan/serve.log"
        let serve = try aduan.serve(log: serveLog)
        defer { serve.stop() }

        // A UTF-8 locale: gammu-smsd decodes outbox files with mbtowc and
        // writes its log in the locale's charset.
        var environment = ProcessInfo.processInfo.environment
        for key in ["LC_ALL", "LC_CTYPE", "LC_MESSAGES", "LANGUAGE"] { environment[key] = nil }
        environment["LANG"] = "C.UTF-8"
        let smsd = try Child("gammu-smsd", executable: gammuSmsd, arguments: ["--config", smsdrc, "--pid", base + "/smsd.pid"],
                             environment: environment, log: base + "/smsd.out")
        defer { smsd.stop() }

        func diagnostics() -> String {
            """
            --- gammu-smsd log (\(gammuLog)):
            \(Files.tail(gammuLog, lines: 20))
            --- gammu-smsd stdout/stderr:
            \(Files.tail(base + "/smsd.out", lines: 5))
            --- aduan serve log:
            \(Files.tail(serveLog, lines: 15))
            --- phone sms/1: \(Files.list(phone + "/sms/1")) inbox: \(Files.list(inbox)) archive: \(Files.list(archive)) rejected: \(Files.list(rejected))
            --- outbox: \(Files.list(outbox)) sent: \(Files.list(sent)) error: \(Files.list(error))
            """
        }

        // The dummy phone's folders exist once gammu-smsd has connected.
        let simInbox = phone + "/sms/1"
        try waitFor("gammu-smsd to open the dummy phone", timeout: 20, diagnostics: diagnostics) {
            guard smsd.isRunning else { throw E2EError("gammu-smsd exited \(smsd.exitStatus ?? -1)\n\(diagnostics())") }
            return Files.exists(simInbox) && Files.text(gammuLog).contains("Starting phone communication")
        }

        // Inject every part as an SMS on the SIM, at locations 1, 2, …
        var location = 0
        for sample in samples {
            let parts = sample.parts
            for (i, part) in parts.enumerated() {
                let udh = parts.count == 1 ? nil : [0x05] + SMSParts.concatenationUDH(reference: sample.reference, total: parts.count, sequence: i + 1)
                location += 1
                try Files.place(GammuBackup.deliver(sample, text: part, udh: udh), at: simInbox + "/\(location)", staging: staging)
            }
        }
        let injected = Date()
        try waitFor("gammu-smsd to read the SMS from the phone", timeout: 20, diagnostics: diagnostics) {
            Files.list(simInbox).isEmpty
        }

        let ackFiles = try awaitComplaintsAndAcks(samples, aduan: aduan, rejected: rejected, diagnostics: diagnostics)
        let received = Date()

        for sample in samples {
            guard let ackFile = ackFiles[sample.ticket] else { continue }
            try waitFor("gammu-smsd to send \(ackFile) into sent/", timeout: 20, diagnostics: diagnostics) {
                Files.exists(sent + "/" + ackFile) && !Files.exists(outbox + "/" + ackFile)
            }
            // OUT<prio><YYYYMMDD>_<HHMMSS>_<serial>_<number>_<tag>.txt: gammu takes the
            // number from the name; "+62…" makes it international (without the "+",
            // gammu sends the digits with the type of number "unknown").
            let fields = ackFile.split(separator: "_", omittingEmptySubsequences: false)
            #expect(ackFile.hasPrefix("OUT") && ackFile.hasSuffix(".txt") && fields.count >= 5, "ack file name \(ackFile)")
            if fields.count >= 5 {
                #expect(fields[3] == "+" + sample.digits, "the number in \(ackFile)")
            }
            // The whole file is the text: UTF-8, no BOM, no trailing newline.
            let bytes = try #require(Files.bytes(sent + "/" + ackFile))
            let content = String(decoding: bytes, as: UTF8.self)
            #expect(bytes == Array(sample.ack.utf8), "ack bytes of \(ackFile): \(firstDifference(content, sample.ack))")
            // gammu-smsd's own reading of the file, and the number it sent to.
            let log = Files.text(gammuLog)
            let read = log.contains("to \"+\(sample.digits)\" with text \"\(sample.ack)\"")
            #expect(read, "gammu-smsd did not log the ack text as sent; its log:\n\(Files.tail(gammuLog, lines: 8))")
            let transmitted = log.contains("Transmitted \(ackFile) ") && log.contains("to +\(sample.digits),")
            #expect(transmitted, "gammu-smsd's log of the send:\n\(Files.tail(gammuLog, lines: 8))")
        }
        let acksSent = Date()

        try expectNothingElse(samples, aduan: aduan, rejected: rejected)
        #expect(Files.list(error).isEmpty, "gammu error/: \(Files.list(error))")

        print("gammu-smsd \(samples.map(\.name).joined(separator: ", ")): injected → complaints "
              + String(format: "%.2f s, complaints → acks in sent/ %.2f s", received.timeIntervalSince(injected), acksSent.timeIntervalSince(received)))
    }
}

/// A Gammu SMS-backup file: what the dummy driver keeps in `sms/<folder>/<n>`.
enum GammuBackup {
    static func deliver(_ sample: Sample, text: String, udh: [UInt8]?) -> String {
        let hex = text.utf16.map { String(format: "%04X", $0) }.joined()
        var lines = [
            "[SMSBackup000]",
            "SMSC = \"+6281100000\"",
            "Sent = \(sample.sent.gammu)",
            "PDU = Deliver",
            "State = UnRead",
            "Number = \"\(sample.sender)\"",
            "Text00 = \(hex)",
            "Coding = \(sample.coding == .gsm7 ? "Default" : "Unicode")",
            "Folder = 1",
            "Length = \(text.utf16.count)",
            "Class = -1",
        ]
        if let udh { lines.append("UDH = " + PDU.hex(udh)) }
        return lines.joined(separator: "\n") + "\n"
    }
}
