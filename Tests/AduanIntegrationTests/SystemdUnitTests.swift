import Foundation
import Testing

private let systemdAnalyze = "/usr/bin/systemd-analyze"

/// The shipped units' sandboxing, as systemd itself scores it
/// (`systemd-analyze security`, 0 = fully locked down, 10 = fully exposed).
/// aduan needs files, inotify and one datagram to systemd; a hardening line
/// lost in an edit shows here. Skipped where systemd-analyze is not installed.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: systemdAnalyze),
                "systemd-analyze is not installed: the units' exposure is not checked"))
struct SystemdUnitTests {

    @Test(arguments: ["aduan.service", "aduan-remind.service"])
    func unitExposureStaysLow(_ unit: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: systemdAnalyze)
        process.arguments = ["security", "--offline=yes", "--no-pager", Sandbox.repoRoot + "/systemd/" + unit]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let line = try #require(text.split(separator: "\n").first { $0.contains("Overall exposure level for \(unit):") },
                                "no exposure in: \(text.suffix(500))")
        let score = try #require(line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }, "\(line)")
        // 0.6 when written; "OK" starts at 4.9, "MEDIUM" at 5.9.
        #expect(score <= 1.0, "\(line)")
        for kept in ["PrivateNetwork=", "RestrictAddressFamilies=~AF_(INET|INET6)", "NoNewPrivileges=", "ProtectSystem=",
                     "SystemCallFilter=~@privileged", "CapabilityBoundingSet=~CAP_SYS_ADMIN"] {
            #expect(text.split(separator: "\n").contains { $0.hasPrefix("✓ \(kept)") }, "\(unit): \(kept) not in force")
        }
    }
}
