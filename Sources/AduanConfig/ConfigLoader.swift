import AduanCore
import Foundation
import TOMLKit

/// Reads and validates `aduan.toml` (§9) into a `Config`.
///
/// Everything wrong with the file is reported at once, each issue with its
/// line; only a TOML syntax error stops early, since nothing after it can be
/// trusted. The daemon keeps its old config when a reload fails (§8), so a
/// refused file costs nothing but the message.
public enum ConfigLoader {
    /// Loads the file at `path` (relative paths resolve against the working directory).
    public static func load(path: String) throws(ConfigError) -> Config {
        let file = ConfigPaths.resolve(path, against: FileManager.default.currentDirectoryPath)
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory)
            let reason = !exists ? "no config file here; pass --config or set ADUAN_CONFIG"
                : isDirectory.boolValue ? "this is a directory; name the config file itself"
                : "cannot read the config file (check its permissions)"
            throw ConfigError(file: file, message: reason)
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ConfigError(file: file, message: "the config is not UTF-8 text; save it as UTF-8")
        }
        return try parse(text: text, file: file)
    }

    /// Validates `text` as if read from `file`, an absolute path: relative
    /// paths inside resolve against its directory.
    public static func parse(text: String, file: String) throws(ConfigError) -> Config {
        let file = ConfigPaths.resolve(file, against: FileManager.default.currentDirectoryPath)
        if text.utf8.contains(0) {
            // TOMLKit hands the text to C++ as a C string, which would silently end at the NUL.
            let line = text.prefix { $0 != "\0" }.filter { $0 == "\n" }.count + 1
            throw ConfigError(file: file, line: line, message: "the config contains a NUL byte")
        }
        let lines = SourceLines(text)
        if let trap = lines.parserTraps.first {
            throw ConfigError(file: file, line: trap.line, message: "TOML syntax: \(trap.message)")
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, line: error.source.begin.line, message: "TOML syntax: \(error.description)")
        } catch {
            throw ConfigError(file: file, message: "TOML syntax: \(error)")
        }
        var builder = ConfigBuilder(file: file, lines: lines)
        let config = builder.build(root)
        let issues = builder.log.sorted
        guard issues.isEmpty, let config else {
            throw ConfigError(issues: issues.isEmpty
                ? [ConfigIssue(file: file, line: nil, message: "the config could not be read")] : issues)
        }
        return config
    }
}

/// Reads one parsed document, section by section, into the log's issues and a
/// config. Sections read with whatever they could, so that checks across
/// sections (collisions, template sizes) still run when one key is wrong.
struct ConfigBuilder {
    var log: IssueLog
    let file: String
    /// The config's own directory: relative paths start here.
    let directory: String

    init(file: String, lines: SourceLines) {
        self.file = file
        self.log = IssueLog(file: file, lines: lines)
        self.directory = ConfigPaths.directory(of: file)
    }

    static let sections = [
        "service", "limits", "inbound", "outbound", "triage", "routes", "urgent",
        "agencies", "reminders", "templates", "status_words",
    ]

    /// The config, or nil when it has issues (they are in `log`).
    mutating func build(_ root: TOMLTable) -> Config? {
        rejectUnknownSections(root)
        let service = readService(root)
        let limits = readLimits(TableReader.section("limits", in: root, &log))
        let inbound = readInbound(root)
        let outbound = readOutbound(root)
        checkSpoolOverlap(inbound: inbound, outbound: outbound)
        let triage = readTriage(TableReader.section("triage", in: root, &log))
        let drafts = readRoutes(TableReader.arrayOfTables("routes", in: root, &log))
        checkCollisions(drafts, triage: triage)
        let urgent = readUrgent(TableReader.section("urgent", in: root, &log))
        let agencies = readAgencies(TableReader.arrayOfTables("agencies", in: root, &log))
        let reminders = readReminders(TableReader.section("reminders", in: root, &log))
        let templates = readTemplates(TableReader.section("templates", in: root, &log))
        let statusWords = readStatusWords(TableReader.section("status_words", in: root, &log))

        let config = Config(
            file: file, service: service, limits: limits, inbound: inbound.map(\.source),
            outbound: outbound.map(\.spool), triage: triage.route, routes: drafts.compactMap(\.route),
            urgent: urgent, agencies: agencies, reminders: reminders, templates: Templates(templates),
            statusWords: statusWords)
        checkSingleSegmentTemplates(config, configured: templates, drafts: drafts)
        return log.issues.isEmpty ? config : nil
    }

    static let arraySections: Set<String> = ["inbound", "outbound", "routes", "agencies"]

    mutating func rejectUnknownSections(_ root: TOMLTable) {
        func header(_ name: String, array: Bool) -> String { array ? "[[\(name)]]" : "[\(name)]" }
        for key in root.keys where !Self.sections.contains(key) {
            let isArray = root[key]?.array?.first?.table != nil
            let isTable = isArray || root[key]?.table != nil
            var message = isTable
                ? "unknown section \(header(key, array: isArray))"
                : "unknown key '\(key)' outside any section"
            if let guess = Suggestion.closest(to: key, in: Self.sections) {
                message += "; did you mean \(header(guess, array: Self.arraySections.contains(guess)))?"
            } else if !isTable, let home = Self.sectionKeys.first(where: { $0.keys.contains(key) }) {
                // A key above every header is a common slip: TOML files read top-down.
                message += "; it belongs under \(home.title)"
            }
            log.add(message, at: key)
        }
    }

    func resolved(_ text: String) -> String {
        ConfigPaths.resolve(text, against: directory)
    }
}
