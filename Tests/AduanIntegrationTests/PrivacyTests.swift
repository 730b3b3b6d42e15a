import Foundation
import Testing

/// The citizen's number is personal data (PRODUCT.md §8): a whole busy day
/// through `aduan serve` and the CLI, then every place a number could leak
/// is searched for every citizen's number. A number counts as leaked when its
/// last 8 digits appear in a row, whatever prefix (0812…, +62812…, 62812…).
@Suite(.serialized)
struct PrivacyTests {
    struct Citizen {
        /// As the network or the gateway writes it.
        var raw: String
        /// As aduan stores it: international digits.
        var stored: String
        var last8: String { String(stored.suffix(8)) }
    }

    static func citizen(_ raw: String) -> Citizen {
        var digits = raw.filter(\.isNumber)
        if digits.hasPrefix("0") { digits = "62" + digits.dropFirst() }
        return Citizen(raw: raw, stored: digits)
    }

    static let c01 = citizen("081234567890")
    static let c02 = citizen("+6285712345678")
    static let c03 = citizen("6281398765432")
    static let c04 = citizen("085245671234")
    static let c05 = citizen("+6287811223344")
    /// Writes their own number into the complaint.
    static let c06 = citizen("6282155667788")
    /// Writes their own number into the complaint and into an INFO.
    static let c07 = citizen("081377889900")
    /// Floods: more complaints in an hour than the budget allows.
    static let c08 = citizen("6289512340987")
    /// Sends STOP.
    static let c09 = citizen("+6281122334455")
    /// Asks about other people's tickets.
    static let c10 = citizen("6285299887766")
    /// Through the second modem, a gammu-smsd inbox, whose file names carry the number.
    static let c11 = citizen("+6281955443322")
    static let c12 = citizen("+6285811992288")
    /// Sends the same complaint twice.
    static let c13 = citizen("6287766554433")
    /// Asks for help.
    static let c14 = citizen("085600112233")
    static let citizens = [c01, c02, c03, c04, c05, c06, c07, c08, c09, c10, c11, c12, c13, c14]

    /// The shipped config with a second modem: a gammu-smsd files-backend inbox.
    static func config() throws -> String {
        let shipped = try String(contentsOfFile: Sandbox.repoRoot + "/config/aduan.toml", encoding: .utf8)
        let anchor = #"rejected = "../var/spool/rejected"   # files that cannot be parsed; required for smstools and gammu"#
        #expect(shipped.contains(anchor), "the shipped config changed; update this test's anchor")
        return shipped.replacingOccurrences(of: anchor, with: anchor + """


            [[inbound]]
            name = "modem2"
            kind = "gammu"
            format = "standard"
            path = "../var/spool/gammu-inbox"
            archive = "../var/spool/archive"
            rejected = "../var/spool/rejected"
            """)
    }

    /// Every citizen whose number (last 8 digits) is in `text`.
    static func leaks(in text: String) -> [String] {
        citizens.filter { text.contains($0.last8) }.map(\.stored)
    }

    @Test func aBusyDayLeaksNoCitizensNumber() throws {
        let box = try Sandbox(configText: try Self.config())
        // Everything under var/ is aduan's own doing: it creates the
        // directories itself, as on a fresh install.
        try FileManager.default.removeItem(atPath: box.root + "/var")
        let gammuInbox = box.root + "/var/spool/gammu-inbox"
        var stderrs: [(command: String, stderr: String)] = []
        @discardableResult
        func cli(_ args: [String], expectFailure: Bool = false) throws -> Sandbox.Output {
            let out = try box.run(args)
            stderrs.append((args.joined(separator: " "), out.stderr))
            if expectFailure {
                #expect(out.status != 0, "\(args) succeeded")
            } else {
                #expect(out.status == 0, "\(args): \(out.stderr)")
            }
            return out
        }
        var sentSecond = 0
        /// A message through the first modem, as smsd writes it (`aduan inject`).
        func sms(_ c: Citizen, _ text: String, sent: String? = nil) throws {
            sentSecond += 1
            let at = sent ?? String(format: "26-11-23 08:%02d:%02d", sentSecond / 60, sentSecond % 60)
            try cli(["inject", "--from", c.raw, "--sent", at, text])
        }
        /// A message through the second modem, as gammu-smsd writes it
        /// (standard format: the name carries time and sender, the file the text).
        func gammu(_ c: Citizen, _ text: String) throws {
            sentSecond += 1
            let name = String(format: "IN20261123_08%02d%02d_00_%@_00.txt", sentSecond / 60, sentSecond % 60, c.raw)
            let fd = open(gammuInbox + "/" + name, O_CREAT | O_WRONLY | O_EXCL, 0o640)
            #expect(fd >= 0, "cannot create \(name)")
            _ = Array(text.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        func count(_ sql: String) throws -> Int { Int(try box.sqlite(sql)) ?? -1 }
        /// Waits until the daemon has taken every file and recorded `messages` in all.
        func processed(_ messages: Int, rejected: Int = 0) throws {
            try box.waitFor("\(messages) messages recorded") {
                guard box.files(box.incoming).isEmpty, box.files(gammuInbox).isEmpty else { return false }
                return try count("SELECT COUNT(*) FROM inbound_messages") == messages
                    && count("SELECT COUNT(*) FROM rejections") == rejected
                    && count("SELECT COUNT(*) FROM outbox WHERE state = 'pending'") == 0
            }
        }

        try box.startServe()

        // Morning: complaints from both modems, a carrier's promotion, a
        // service number, and a file the gateway botched.
        try sms(Self.c01, "BANJAR jalan rusak di desa Sungai Tabuk")
        try sms(Self.c02, "MASBUPSIAGA sampah menumpuk di pasar")
        try sms(Self.c03, "KAUR ktp belum jadi sudah 3 bulan")
        try sms(Self.c04, "DUMAS jembatan putus di Poleang")
        try sms(Self.c05, "LAPAKADUAN lampu jalan mati")
        try sms(Self.c06, "BANJAR drainase mampet depan rumah, hubungi saya di 082155667788")
        try sms(Self.c07, "KAUR jalan berlubang di desa Tanjung, sms balik ke 6281377889900")
        try sms(Self.c09, "KAUR pungli di kantor desa")
        try sms(Self.c13, "MASBUPSIAGA tps penuh dan bau")
        try cli(["inject", "--from", "TELKOMSEL", "Selamat! Anda dapat bonus kuota 2GB"])
        try cli(["inject", "--from", "3636", "Sisa pulsa Anda Rp 5000"])
        try gammu(Self.c11, "BANJAR jalan berlubang dekat sekolah")
        try gammu(Self.c12, "halo pak air PDAM mati 3 hari")
        let botched = open(box.incoming + "/GSM1.botch1", O_CREAT | O_WRONLY | O_EXCL, 0o640)
        _ = Array("Sent: 26-11-23 08:30:00\nAlphabet: UTF-8\n\nBANJAR jalan".utf8).withUnsafeBytes { write(botched, $0.baseAddress, $0.count) }
        close(botched)
        try processed(13, rejected: 1)

        var ticket: [String: String] = [:]
        for c in try box.complaints() {
            if let sender = c["sender"] as? String, let t = c["ticket"] as? String, ticket[sender] == nil { ticket[sender] = t }
        }
        let t01 = try #require(ticket[Self.c01.stored]), t02 = try #require(ticket[Self.c02.stored])
        let t04 = try #require(ticket[Self.c04.stored]), t05 = try #require(ticket[Self.c05.stored])
        let t06 = try #require(ticket[Self.c06.stored]), t07 = try #require(ticket[Self.c07.stored])

        // Midday: duplicates, a re-delivery, status questions from owners and
        // strangers, INFO, help, STOP, and a flood.
        try sms(Self.c13, "MASBUPSIAGA tps penuh dan bau")
        try gammu(Self.c12, "halo pak air PDAM mati 3 hari")
        try sms(Self.c01, "BANJAR jalan rusak di desa Sungai Tabuk", sent: "26-11-23 08:00:01")  // the gateway again
        try sms(Self.c01, "cek \(t01.lowercased().replacingOccurrences(of: "-", with: ""))")
        try sms(Self.c10, "STATUS \(t01)")
        try sms(Self.c10, "CEK")
        try sms(Self.c10, "INFO \(t01) saya juga lihat jalannya rusak")
        try sms(Self.c07, "INFO \(t07) rumah saya di RT 05, telp 6281377889900")
        try sms(Self.c14, "INFO")
        try sms(Self.c14, "BANTUAN")
        try sms(Self.c09, "STOP")
        for i in 1...7 { try sms(Self.c08, "LAPAKADUAN jalan rusak di gang \(i)") }
        try processed(13 + 2 + 8 + 7, rejected: 1)

        // Afternoon: the desk works the complaints; two mistakes on the way.
        try cli(["complaints", "forward", t01, "--agency", "dpupr", "--note", "cek lokasi", "--as", "rina"])
        try cli(["complaints", "forward", t06, "--agency", "dpupr", "--as", "rina"])
        try cli(["complaints", "progress", t01, "--as", "rina"])
        try cli(["complaints", "resolve", t02, "--answer", "Sampah sudah diangkut DLH", "--as", "budi"])
        try cli(["complaints", "reject", t05, "--reason", "Bukan kewenangan kabupaten", "--as", "budi"])
        try cli(["complaints", "note", t04, "tunggu survei lokasi", "--as", "budi"])
        try cli(["complaints", "forward", t04, "--agency", "dinsos"], expectFailure: true)
        try cli(["complaints", "resolve", t05, "--answer", "sudah"], expectFailure: true)
        try cli(["complaints", "show", "BJR-9999"], expectFailure: true)
        try sms(Self.c02, "PUAS \(t02)")
        try processed(13 + 2 + 8 + 7 + 1, rejected: 1)

        // Weeks later cron runs the reminders: desk alerts, agency reminders,
        // escalations, the citizens' updates and surveys.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "Asia/Jakarta"))
        let later = try #require(calendar.date(byAdding: .day, value: 20, to: Date()))
        let day = calendar.dateComponents([.year, .month, .day], from: later)
        let at = String(format: "%04d-%02d-%02d 10:00", day.year ?? 0, day.month ?? 0, day.day ?? 0)
        try cli(["remind", "--dry-run", "--now", at])
        try cli(["remind", "--now", at])
        try cli(["remind", "--json", "--now", at])

        // The desk's reports.
        let export = try cli(["complaints", "export"])
        let contactsFile = box.root + "/contacts.csv"
        try cli(["complaints", "export", "--with-contacts", "--output", contactsFile])
        try cli(["stats"])
        try cli(["stats", "--json"])
        try cli(["outbox"])
        let outbox = try cli(["outbox", "--json"])
        try cli(["complaints", "list"])
        try cli(["complaints", "list", "--json", "--overdue"])
        try cli(["complaints", "show", t07])
        try box.waitFor("every SMS spooled") { (try count("SELECT COUNT(*) FROM outbox WHERE state = 'pending'")) == 0 }
        #expect(try box.stopServe() == 0)

        // 1. The daemon's log and every command's stderr.
        let log = box.logLines()
        #expect(log.filter { $0.contains("event=ingested") }.count >= 30, "the day did not go through the daemon")
        for c in Self.citizens where c.stored != Self.c10.stored && c.stored != Self.c14.stored {
            // Each citizen does appear in the log, masked: the search below looks where numbers would be.
            let masked = String(c.stored.prefix(5)) + String(repeating: "*", count: c.stored.count - 9) + String(c.stored.suffix(4))
            #expect(log.contains { $0.contains("sender=\(masked)") }, "\(masked) never logged")
        }
        for line in log {
            #expect(Self.leaks(in: line).isEmpty, "a citizen's number in the daemon's log: \(line)")
        }
        for (command, stderr) in stderrs {
            #expect(Self.leaks(in: stderr).isEmpty, "a citizen's number in the stderr of aduan \(command): \(stderr)")
        }
        #expect(stderrs.contains { $0.command.hasPrefix("complaints forward \(t04)") && $0.stderr.contains("unknown agency") })

        // 2. Nothing aduan wrote under var/ is open to other users.
        var checked = 0
        let root = box.root + "/var"
        var paths = [root]
        while let path = paths.popLast() {
            var st = stat()
            #expect(lstat(path, &st) == 0, "\(path)")
            #expect(st.st_mode & 0o007 == 0, "\(path) is mode \(String(st.st_mode & 0o7777, radix: 8))")
            checked += 1
            if (st.st_mode & S_IFMT) == S_IFDIR {
                paths += ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).map { path + "/" + $0 }
            }
        }
        for expected in ["/var/aduan.db", "/var/spool/archive", "/var/spool/rejected/GSM1.botch1", "/var/spool/outgoing"] {
            #expect(FileManager.default.fileExists(atPath: box.root + expected), "\(expected) missing: the walk proved nothing")
        }
        #expect(checked > 60, "only \(checked) paths under var/")
        #expect(!box.files(box.archive).filter { $0.hasPrefix("IN2026") }.isEmpty, "the gammu modem's files were not archived")
        var st = stat()
        #expect(stat(contactsFile, &st) == 0 && st.st_mode & 0o007 == 0, "the export with contacts is open to others")

        // 3. The default export names no citizen, not even one who wrote their number into the complaint.
        #expect(export.stdout.contains(t06) && export.stdout.contains(t07))
        #expect(Self.leaks(in: export.stdout).isEmpty, "numbers in complaints export: \(Self.leaks(in: export.stdout))")
        // …while the export with contacts does carry them, so the search above can find one.
        let contacts = try String(contentsOfFile: contactsFile, encoding: .utf8)
        #expect(Self.leaks(in: contacts).count >= 10)

        // 4. The officials' SMS: ticket and summary, never the citizen's number.
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(outbox.stdout.utf8)) as? [[String: Any]])
        let citizenNumbers = Set(Self.citizens.map(\.stored))
        let official = rows.filter {
            ["reminder", "escalation"].contains($0["kind"] as? String ?? "") && !citizenNumbers.contains($0["to"] as? String ?? "")
        }
        func sent(to number: String, about ticket: String) -> Bool {
            official.contains { $0["to"] as? String == number && ($0["text"] as? String ?? "").contains(ticket) }
        }
        #expect(sent(to: "6281100000001", about: t07), "no desk alert about \(t07)")
        #expect(sent(to: "6281200000001", about: t06), "no agency reminder about \(t06)")
        #expect(sent(to: "6281300000001", about: t06) && sent(to: "6281300000001", about: t07), "no escalation about \(t06), \(t07)")
        for row in official {
            let text = row["text"] as? String ?? ""
            #expect(Self.leaks(in: text).isEmpty, "a citizen's number in an SMS to \(row["to"] ?? "?"): \(text)")
        }
        // The same SMS as the gateway reads them.
        let officialFiles = box.acks().filter { !citizenNumbers.contains($0.to) }
        #expect(officialFiles.count == official.count)
        for file in officialFiles {
            #expect(Self.leaks(in: file.text).isEmpty, "a citizen's number in spool file \(file.file): \(file.text)")
        }
    }
}
