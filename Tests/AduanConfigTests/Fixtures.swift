import AduanConfig
import Foundation

/// Small configs built from parts, so each test shows only what it is about.
enum Fixture {
    static let file = "/etc/aduan/aduan.toml"

    static let banjar = """
        [[routes]]
        keyword = "BANJAR"
        aliases = ["BJR"]
        region = "Kabupaten Banjar"
        prefix = "BJR"
        first_response = "3wd"
        resolution = "14d"
        """

    static let inbound = """
        [[inbound]]
        name = "modem1"
        kind = "smstools"
        path = "../var/spool/incoming"
        rejected = "../var/spool/rejected"
        """

    static let outbound = """
        [[outbound]]
        kind = "smstools"
        path = "../var/spool/outgoing"
        """

    /// A minimal valid config. `head` replaces the shortcode and database lines,
    /// `service` is added inside [service], the other parts replace their
    /// sections, and `extra` is appended at the end.
    static func make(
        head: String = "shortcode = \"1708\"\ndatabase = \"../var/aduan.db\"", service: String = "",
        inbound: String = inbound, outbound: String = outbound, routes: String = banjar, extra: String = ""
    ) -> String {
        """
        [service]
        \(head)
        \(service)

        \(inbound)

        \(outbound)

        \(routes)

        \(extra)
        """
    }

    /// A route; `note` becomes a comment on its keyword line, for tests to find it.
    static func route(_ keyword: String, prefix: String, aliases: [String] = [], region: String = "Kabupaten Uji",
                      note: String = "") -> String
    {
        let list = aliases.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
            [[routes]]
            keyword = "\(keyword)"\(note.isEmpty ? "" : " # " + note)
            aliases = [\(list)]
            region = "\(region)"
            prefix = "\(prefix)"
            first_response = "3wd"
            resolution = "14d"
            """
    }

    /// The issues of a config that must fail; empty when it loaded.
    static func issues(_ text: String, file: String = file) -> [ConfigIssue] {
        do {
            _ = try ConfigLoader.parse(text: text, file: file)
            return []
        } catch {
            return error.issues
        }
    }

    /// 1-based line of the first line containing `marker`.
    static func line(of marker: String, in text: String) -> Int? {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains(marker) }
            .map { $0 + 1 }
    }

    /// The repository's `config/aduan.toml`, found from this source file.
    static var shippedConfig: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("config/aduan.toml").path
    }
}
