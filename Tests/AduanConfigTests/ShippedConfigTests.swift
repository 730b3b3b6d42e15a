import AduanConfig
import AduanCore
import Foundation
import Testing

@Suite struct ShippedConfigTests {
    @Test func loadsWithoutIssues() throws {
        let config = try ConfigLoader.load(path: Fixture.shippedConfig)
        #expect(config.service.shortcode == "1708")
        #expect(config.service.timezone == "Asia/Jakarta")
        #expect(config.routes.map(\.keyword) == ["BANJAR", "MASBUPSIAGA", "DUMAS", "LAPAKADUAN", "KAUR"])
        #expect(config.routes.map(\.prefix) == ["BJR", "PML", "BMB", "BYM", "KUR"])
        #expect(config.triage.prefix == "UMUM")
        #expect(config.agencies.map(\.id) == ["dpupr", "disdukcapil", "dinkes", "dlh"])
        let pemalang = try #require(config.routes.first { $0.keyword == "MASBUPSIAGA" })
        #expect(pemalang.aliases == ["MAS BUP SIAGA"])
        #expect(pemalang.firstResponse == .hours(24))
        #expect(pemalang.resolution == .hours(48))
        #expect(config.routes.first { $0.keyword == "LAPAKADUAN" }?.firstResponse == .workingDays(1))
    }

    @Test func keepsAllStateUnderVar() throws {
        let config = try ConfigLoader.load(path: Fixture.shippedConfig)
        let configDir = URL(fileURLWithPath: Fixture.shippedConfig).deletingLastPathComponent()
        let repo = configDir.deletingLastPathComponent().standardizedFileURL.path
        #expect(config.service.database == repo + "/var/aduan.db")
        #expect(config.inbound.first?.path == repo + "/var/spool/incoming")
        #expect(config.inbound.first?.archive == repo + "/var/spool/archive")
        #expect(config.inbound.first?.rejected == repo + "/var/spool/rejected")
        #expect(config.outbound.first?.path == repo + "/var/spool/outgoing")
        #expect(config.outbound.first?.kind == .smstools)
    }

    @Test func everyAckFitsOneGSM7SMS() throws {
        let config = try ConfigLoader.load(path: Fixture.shippedConfig)
        let ack = try #require(ConfigReport.longestRenderings(config).first { $0.kind == .ack })
        #expect(ack.length.encoding == .gsm7)
        #expect(ack.length.segments == 1)
    }

    @Test func loadReportsAMissingFile() {
        #expect {
            _ = try ConfigLoader.load(path: "/nonexistent/aduan.toml")
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.description.hasPrefix("/nonexistent/aduan.toml: no config file here")
        }
    }
}

@Suite struct RobustnessTests {
    /// Damaged copies of the shipped file (lines dropped, characters swapped):
    /// each must load or be refused with issues, never trap.
    @Test func damagedConfigsAreRefusedNotFatal() throws {
        let original = try String(contentsOfFile: Fixture.shippedConfig, encoding: .utf8)
        let lines = original.split(separator: "\n", omittingEmptySubsequences: false)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(state % UInt64(bound))
        }
        let junk: [Character] = ["\"", "[", "]", "=", "{", "}", ",", "'", "#", "1", "x", " ", "’"]
        for _ in 0..<300 {
            var damaged = lines
            for _ in 0..<3 {
                let i = next(damaged.count)
                if next(2) == 0 {
                    damaged.remove(at: i)
                } else if !damaged[i].isEmpty {
                    var line = Array(damaged[i])
                    line[next(line.count)] = junk[next(junk.count)]
                    damaged[i] = Substring(String(line))
                }
            }
            do {
                _ = try ConfigLoader.parse(text: damaged.joined(separator: "\n"), file: Fixture.file)
            } catch {
                #expect(!error.issues.isEmpty)
                #expect(error.issues.allSatisfy { !$0.message.isEmpty })
            }
        }
    }

    /// Random sequences of TOML's tokens: the ones toml++ in TOMLKit 0.6.0
    /// asserts on (nameless headers, `}` in a list, malformed bare values)
    /// must come back as issues. 300,000 of these ran clean while writing this.
    @Test func tokenSoupIsRefusedNotFatal() {
        var state: UInt64 = 0x0FED_CBA9_8765_4321
        let tokens = ["[", "]", "[[", "]]", "{", "}", "a", "b.c", "\"s\"", "'l'", " = ", "1", ", ", "\n", "#c\n",
                      "\"\"\"", "'''", "true", "2026-01-01", " ", "x = ", "[routes]", "\n[[routes]]\n", "\\", "1.5",
                      "07:00:00", "1979-05-27T07:32:00Z", "+inf", "0x1F", "\r\n", "é", "\"\\u0041\"", "-", "_",
                      "\"\\x\"", "=", "[a.b]", "{a=1}", "\t", "[[a.b]]", "t", ":"]
        for n in 0..<3000 {
            var text = ""
            for _ in 0..<(2 + n % 30) {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                text += tokens[Int(state % UInt64(tokens.count))]
            }
            _ = try? ConfigLoader.parse(text: text, file: Fixture.file)
        }
    }
}
