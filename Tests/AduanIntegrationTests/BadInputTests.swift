import Foundation
import Testing

/// The bad inputs of PRODUCT.md §8 that reach the smstools adapter. For each,
/// the daemon goes on: the next good message is acknowledged, and the bad one
/// is either recorded (its raw bytes kept) or moved to `rejected/`: never lost.
@Suite(.serialized)
struct BadInputTests {
    enum Expect { case recorded, rejected(String) }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var testDescription: String { name }
    }

    static let oneMegabyte = smstoolsFile(body: Array(repeating: UInt8(ascii: "a"), count: 1_048_576))

    static func input(_ name: String) -> (bytes: [UInt8], expect: Expect) {
        switch name {
        case "invalid UTF-8": (smstoolsFile(body: [0x42, 0x41, 0x4E, 0x4A, 0x41, 0x52, 0x20, 0xC3, 0x28, 0xFF, 0x20, 0x6A, 0x61, 0x6C, 0x61, 0x6E]), .recorded)
        case "UTF-16 of odd length": (smstoolsFile(alphabet: "UCS2", body: [0x00, 0x4B, 0x00, 0x41, 0x00, 0x55, 0x00, 0x52, 0x00, 0x20, 0x00, 0x61, 0x00]), .recorded)
        case "NUL bytes": (smstoolsFile(body: Array("KAUR lampu\u{0}\u{0} mati".utf8)), .recorded)
        case "a 1 MB file": (oneMegabyte, .rejected("larger than any SMS"))
        case "no From:": (Array("Sent: 26-11-22 14:00:00\nAlphabet: UTF-8\n\nBANJAR jalan rusak".utf8), .rejected("no From: header"))
        case "headers only": (Array("From: 6281234567890\nAlphabet: UTF-8\n".utf8), .rejected("headers only"))
        case "path characters in the sender": (smstoolsFile(from: "../../etc/passwd", body: Array("BANJAR jalan".utf8)), .recorded)
        default: ([], .rejected("?"))
        }
    }

    @Test(arguments: ["invalid UTF-8", "UTF-16 of odd length", "NUL bytes", "a 1 MB file", "no From:", "headers only",
                      "path characters in the sender"])
    func badInputDoesNotStopTheDaemon(_ name: String) throws {
        let box = try Sandbox()
        try box.startServe()
        let (bytes, expect) = Self.input(name)
        try box.dropInbound("GSM1.bad001", bytes)
        try box.waitFor("bad file handled") { box.files(box.incoming).isEmpty }
        switch expect {
        case .recorded:
            #expect(box.files(box.rejected).isEmpty)
            #expect(try box.sqlite("SELECT COUNT(*) FROM inbound_messages WHERE source_ref = 'GSM1.bad001'") == "1")
            // The original bytes are kept whatever the decoding made of them.
            #expect(try box.sqlite("SELECT length(raw) FROM inbound_messages WHERE source_ref = 'GSM1.bad001'") == String(bytes.count))
        case .rejected(let reason):
            #expect(box.files(box.rejected) == ["GSM1.bad001"])
            // The rejection is recorded just after the file is set aside.
            try box.waitFor("the rejection recorded") {
                box.logLines().contains { $0.contains("event=rejected") && $0.contains("GSM1.bad001") }
            }
            #expect(try box.sqlite("SELECT reason FROM rejections").contains(reason))
        }
        // The daemon goes on with the next message.
        try box.run(["inject", "--from", "6281211112222", "BANJAR lampu jalan mati"])
        try box.waitFor("next message acknowledged") { box.acks().contains { $0.to == "6281211112222" } }
        #expect(box.serve?.isRunning == true)
        try box.stopServe()
    }

    @Test func symlinkInTheSpoolIsNeverFollowed() throws {
        let box = try Sandbox()
        let secret = box.root + "/secret.txt"
        try Data(smstoolsFile(body: Array("BANJAR rahasia".utf8))).write(to: URL(fileURLWithPath: secret))
        try box.startServe()
        try FileManager.default.createSymbolicLink(atPath: box.incoming + "/GSM1.link01", withDestinationPath: secret)
        // A symlink makes no close-write event; a rename into the spool does.
        try box.run(["inject", "--from", "6281211112222", "BANJAR lampu jalan mati"])
        try box.waitFor("next message acknowledged") { box.acks().count == 1 }
        kill(box.serve?.processIdentifier ?? 0, SIGHUP)  // a reload rescans the spool
        try box.waitFor("link moved aside") { box.files(box.rejected).contains("GSM1.link01") }
        var st = stat()
        #expect(lstat(box.rejected + "/GSM1.link01", &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK)
        #expect(try box.sqlite("SELECT COUNT(*) FROM inbound_messages WHERE text LIKE '%rahasia%'") == "0")
        #expect(FileManager.default.fileExists(atPath: secret))
        try box.stopServe()
    }

    @Test func unreadableFileIsSetAsideAndTheDaemonGoesOn() throws {
        // Root reads any mode, so the daemon runs as an unprivileged user here.
        guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return }
        let box = try Sandbox()
        chmod(box.root, 0o777)
        for dir in ["/config", "/var", "/var/spool", "/var/spool/incoming", "/var/spool/outgoing"] {
            try? FileManager.default.createDirectory(atPath: box.root + dir, withIntermediateDirectories: true)
            chmod(box.root + dir, 0o777)
        }
        chmod(box.config, 0o644)
        try box.startServeAs(user: "nobody")
        // Unreadable from its creation: the daemon reads a file as soon as it is closed.
        let fd = open(box.incoming + "/GSM1.secret", O_CREAT | O_WRONLY, 0)
        #expect(fd >= 0 && fchmod(fd, 0) == 0)
        let secret = smstoolsFile(body: Array("BANJAR jalan".utf8))
        _ = secret.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        try box.dropInbound("GSM1.good01", smstoolsFile(from: "6281211112222", body: Array("BANJAR lampu jalan mati".utf8)))
        try box.waitFor("next message acknowledged") { box.acks().contains { $0.to == "6281211112222" } }
        #expect(box.acks().count == 1)
        try box.waitFor("unreadable file set aside") { box.files(box.rejected).contains("GSM1.secret") }
        #expect(box.logLines().contains { $0.contains("event=rejected") && $0.contains("unreadable") })
        try box.stopServe()
    }
}

extension Sandbox {
    /// `aduan serve` as another user (setpriv), for permission faults.
    func startServeAs(user: String) throws {
        let wrapper = root + "/serve-as.sh"
        try """
            #!/bin/sh
            exec /usr/bin/setpriv --reuid=\(user) --regid=nogroup --clear-groups "\(Sandbox.binary)" "$@"
            """.write(toFile: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper, 0o755)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrapper)
        process.arguments = ["serve", "--config", config]
        _ = FileManager.default.createFile(atPath: serveLog, contents: nil)
        chmod(serveLog, 0o666)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: serveLog))
        process.standardError = log
        process.standardOutput = log
        try process.run()
        serve = process
        try waitFor("serve ready") { self.logLines().contains { $0.contains("event=ready") } || !process.isRunning }
        guard process.isRunning else { throw SandboxError("aduan serve exited: \(logLines().suffix(5).joined(separator: "\n"))") }
    }
}
