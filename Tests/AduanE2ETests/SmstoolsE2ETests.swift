import Foundation
import Testing

extension GatewayRoundTrips {
    /// SMS → real smstools3 `smsd` → `aduan serve` → ack → smsd.
    ///
    /// smsd runs with `modem_disabled = yes` and reads SMS-DELIVER PDUs from a
    /// `pdu_from_file` directory (one hex line per file, `mode = new`), exactly
    /// as it would read them from a modem with AT+CMGL. The layout is the README's
    /// production one: smsd's eventhandler is the repository's
    /// `systemd/aduan-smsd-handoff`, which moves each received file into aduan's
    /// own inbound directory; aduan's outbound spool is smsd's `outgoing/`.
    /// aduan does not watch smsd's `incoming/` itself: smsd's start-up check
    /// writes `test.*` and a `smsd_script.*` it then runs into that directory
    /// (aduan rejected them and smsd refused to start), and each received file
    /// starts as an empty mkstemp file that smsd unlinks and re-creates
    /// (aduan rejected it as empty, racing smsd's write). Sending is
    /// simulated by smsd with a 4–13 s sleep, so the test asserts that smsd has
    /// *taken* the acknowledgement from `outgoing/` (into `checked/`, then `sent/`)
    /// with the right `To:` and text, not that it was sent.
    @Suite(.serialized, .enabled(if: Gateways.smsd != nil || Gateways.inCI, Comment(rawValue: Gateways.smsdMissing)))
    struct SmstoolsE2ETests {
        @Test("smstools internal_combine = yes", arguments: Sample.all)
        func internalCombine(_ sample: Sample) throws {
            try SmstoolsRun(internalCombine: true).roundTrip([sample])
        }

        /// smsd writes each part as its own file (`UDH-DATA: 05 00 03 …`);
        /// aduan reassembles them (`[service] multipart_timeout`).
        @Test("smstools internal_combine = no", arguments: Sample.all)
        func separateParts(_ sample: Sample) throws {
            try SmstoolsRun(internalCombine: false).roundTrip([sample])
        }

        /// All samples at once, parts of the two multipart messages mixed in
        /// one directory: aduan keeps the sets apart by sender and reference.
        @Test("smstools internal_combine = no, all samples at once")
        func burst() throws {
            try SmstoolsRun(internalCombine: false).roundTrip(Sample.all)
        }
    }
}

struct SmstoolsRun {
    let internalCombine: Bool

    func roundTrip(_ samples: [Sample]) throws {
        let smsdPath = try Gateways.require(Gateways.smsd, "smstools3 smsd")
        let work = try WorkDir()
        defer { work.remove() }

        let spool = try work.dir("smsd")
        let incoming = try work.dir("smsd/incoming"), outgoing = try work.dir("smsd/outgoing")
        let checked = try work.dir("smsd/checked"), sent = try work.dir("smsd/sent"), failed = try work.dir("smsd/failed")
        let pduDir = try work.dir("smsd/pdu")
        let pduStaging = try work.dir("smsd/pdustaging")
        let inbound = try work.dir("aduan/incoming")
        let archive = try work.dir("aduan/archive"), rejected = try work.dir("aduan/rejected")
        let handoff = Aduan.repoRoot + "/systemd/aduan-smsd-handoff"
        try #require(FileManager.default.isExecutableFile(atPath: handoff), "\(handoff) is not executable")
        // The quirk of smstools 3.1.21 (extras.c, getpdufile): a directory path
        // with a "." is silently never read.
        try #require(!pduDir.contains("."), "pdu_from_file directory \(pduDir) contains a dot; smsd would never read it")
        let modem = work.root + "/smsd/modem"
        _ = FileManager.default.createFile(atPath: modem, contents: Data())   // `device` must be a writable file
        let smsdLog = work.root + "/smsd/smsd.log"

        let smsdConf = work.root + "/smsd/smsd.conf"
        try """
            # smstools3 without a modem: PDUs come from files, sending is simulated.
            devices = GSM1
            logfile = \(smsdLog)
            loglevel = 7
            infofile = \(spool)/smsd.working
            pidfile = \(spool)/smsd.pid
            outgoing = \(outgoing)
            checked = \(checked)
            incoming = \(incoming)
            sent = \(sent)
            failed = \(failed)
            incoming_utf8 = yes
            decode_unicode_text = no
            internal_combine = \(internalCombine ? "yes" : "no")
            delaytime = 1
            delaytime_mainprocess = 1
            eventhandler = \(handoff)

            [GSM1]
            device = \(modem)
            modem_disabled = yes
            pdu_from_file = \(pduDir)/
            mode = new
            incoming = yes

            """.write(toFile: smsdConf, atomically: true, encoding: .utf8)

        let config = work.root + "/aduan/aduan.toml"
        try E2EConfig.text(
            database: work.root + "/aduan/aduan.db",
            inbound: """
                name = "GSM1"
                kind = "smstools"
                path = "\(inbound)"
                archive = "\(archive)"
                rejected = "\(rejected)"
                """,
            outbound: """
                name = "GSM1"
                kind = "smstools"
                path = "\(outgoing)"
                """
        ).write(toFile: config, atomically: true, encoding: .utf8)

        let aduan = Aduan(config: config, directory: work.root)
        let serveLog = work.root + "/aduan/serve.log"
        let serve = try aduan.serve(log: serveLog)
        defer { serve.stop() }
        // -t: smsd stays in the foreground as our child; it still forks the modem process.
        // The handoff script moves received files to $ADUAN_INBOX.
        var environment = ProcessInfo.processInfo.environment
        environment["ADUAN_INBOX"] = inbound
        let smsd = try Child("smsd", executable: smsdPath, arguments: ["-t", "-c" + smsdConf],
                             environment: environment, log: spool + "/smsd.out")
        defer { smsd.stop() }

        func diagnostics() -> String {
            """
            --- smsd log (\(smsdLog)):
            \(Files.tail(smsdLog, lines: 25))
            --- aduan serve log:
            \(Files.tail(serveLog, lines: 15))
            --- smsd incoming: \(Files.list(incoming)) aduan incoming: \(Files.list(inbound)) archive: \(Files.list(archive)) rejected: \(Files.list(rejected))
            --- outgoing: \(Files.list(outgoing)) checked: \(Files.list(checked)) sent: \(Files.list(sent)) failed: \(Files.list(failed))
            """
        }

        // Inject: each PDU is written beside the directory and renamed in.
        // Stamped now: with internal_combine smsd purges parts sent more
        // than `ic_purge_hours` (24) ago instead of joining them.
        var pduCount = 0
        let now = SCTS.at(Date())
        for sample in samples {
            for (i, hex) in try sample.pdus(sent: now).enumerated() {
                try Files.place(hex + "\n", at: pduDir + "/\(sample.keyword.lowercased())part\(i + 1)", staging: pduStaging)
                pduCount += 1
            }
        }
        let injected = Date()

        // smsd takes the PDU files (deleting them) and writes incoming/ files.
        try waitFor("smsd to read the PDU files", timeout: 20, diagnostics: diagnostics) {
            Files.list(pduDir).isEmpty
        }

        let ackFiles = try awaitComplaintsAndAcks(samples, aduan: aduan, rejected: rejected, diagnostics: diagnostics)
        let received = Date()
        // The path under test was taken: one incoming file per part without
        // internal_combine, one per message with it.
        let written = Files.text(smsdLog).components(separatedBy: "Wrote an incoming message file").count - 1
        #expect(written == (internalCombine ? samples.count : pduCount), "smsd wrote \(written) incoming files for \(pduCount) PDUs")

        // Each acknowledgement leaves outgoing/ for checked/ (then sent/, after the simulated send).
        for sample in samples {
            guard let ackFile = ackFiles[sample.ticket] else { continue }
            var taken = ""
            // smsd logs the move after making it: wait for both.
            let moved = "Moved file \(outgoing)/\(ackFile) to \(checked)"
            try waitFor("smsd to take \(ackFile) from outgoing/", timeout: 20, diagnostics: diagnostics) {
                guard !Files.exists(outgoing + "/" + ackFile), Files.text(smsdLog).contains(moved) else { return false }
                for dir in [checked, sent] {
                    let text = Files.text(dir + "/" + ackFile)
                    if !text.isEmpty { taken = text; return true }
                }
                return false
            }
            let ack = try #require(SmstoolsFile(taken), "not an smstools file: \(taken)")
            #expect(ack.headers["To"] == sample.digits, "To: of \(ackFile)")
            #expect(ack.headers["Alphabet"] == "UTF-8")
            #expect(ack.body == sample.ack, "the ack text as smsd read it, \(firstDifference(ack.body, sample.ack))")
        }
        let acksTaken = Date()

        // Nothing else: one complaint and one ack per sample, nothing rejected or failed.
        try expectNothingElse(samples, aduan: aduan, rejected: rejected)
        #expect(Files.list(failed).isEmpty, "smsd failed/: \(Files.list(failed))")

        print("smstools internal_combine=\(internalCombine ? "yes" : "no") \(samples.map(\.name).joined(separator: ", ")): injected → complaints "
              + String(format: "%.2f s, complaints → acks taken %.2f s", received.timeIntervalSince(injected), acksTaken.timeIntervalSince(received)))
    }
}

/// An smstools message file: `Header: value` lines, an empty line, the body.
struct SmstoolsFile {
    var headers: [String: String] = [:]
    var body: String

    init?(_ content: String) {
        guard let split = content.range(of: "\n\n") else { return nil }
        for line in content[..<split.lowerBound].split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        body = String(content[split.upperBound...])
    }
}
