import AduanConfig
import AduanCore
import AduanDaemon
import AduanStore
import ArgumentParser
import Foundation
import GRDB

struct Measure: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure a generated database: size, STATUS database time, remind and list --overdue, query plans.",
        discussion: """
            remind and complaints list are the real aduan binary, run as child processes with a copy of the \
            configuration whose database is the one measured: their wall time includes starting the process, \
            loading the config, opening the store and printing. The real (not dry) remind runs on a backup copy \
            of the database, so measuring changes nothing and can be repeated.
            """)

    @Option(help: "The database to measure.") var database: String
    @Option(help: "The configuration the database was generated with.") var config = "config/aduan.toml"
    @Option(help: "The instant to measure at (ISO 8601): the generator's --end.") var now = AduanScale.defaultEnd
    @Option(help: "The aduan binary (default: the one beside this tool).") var aduan: String?
    @Option(help: "STATUS replies to time.") var samples = 1000
    @Option(help: "Runs of each read-only command; the median is reported.") var runs = 3
    @Option(help: "Seed for picking the STATUS tickets.") var seed: UInt64 = 7

    func run() throws {
        let at = try AduanScale.instant(now)
        guard FileManager.default.fileExists(atPath: database) else { throw ScaleError("no database at \(database)") }
        let binary = aduan ?? ((CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/aduan")
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ScaleError("no aduan binary at \(binary); build it or pass --aduan")
        }
        var configuration = try ConfigLoader.load(path: config)
        let source = try String(contentsOfFile: config, encoding: .utf8)

        report("db_bytes", fileSize(database))
        report("wal_bytes", fileSize(database + "-wal"))
        let migrationsBefore = try Self.appliedMigrations(database)
        let opened = monotonic()
        let store = try Store(path: database)
        let migrated = try Self.appliedMigrations(database).filter { !migrationsBefore.contains($0) }
        if !migrated.isEmpty {
            // An older database met newer code: the store migrated it on open.
            report("migrated", migrated.joined(separator: ","))
            report("migration_ms", milliseconds(monotonic() - opened))
            report("db_bytes_after_migration", fileSize(database))
        }
        configuration.service.database = store.path
        let rules = DeskRules(configuration)

        try counts(store, at: at)
        try status(store, rules: rules, at: at)
        try plans(store, rules: rules, at: at)
        try commands(binary: binary, configSource: source, store: store, at: at)
    }

    static func appliedMigrations(_ path: String) throws -> [String] {
        let queue = try DatabaseQueue(path: path, configuration: { var c = Configuration(); c.readonly = true; return c }())
        return try queue.read { db in
            guard try db.tableExists("grdb_migrations") else { return [] }
            return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        }
    }

    func counts(_ store: Store, at: Date) throws {
        try store.pool.read { db in
            for table in ["complaints", "events", "inbound_messages", "outbox", "reminders_sent", "opt_outs"] {
                report("rows.\(table)", try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0)
            }
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM complaints GROUP BY status ORDER BY status") {
                report("status.\(row["status"] as String)", row["n"] as Int)
            }
            report("overdue", try Complaints.list(db, ComplaintFilter(overdueAt: at)).count)
        }
    }

    func status(_ store: Store, rules: DeskRules, at: Date) throws {
        let probe = StatusProbe(store: store, rules: rules, now: at)
        let figures = try probe.measure(try probe.samples(count: samples, seed: seed))
        report("status_samples", figures.lookups.count)
        report("status_unexpected", figures.unexpected)
        for (name, values) in [("status_lookup_ms", figures.lookups), ("status_receive_ms", figures.receive)] {
            report("\(name).p50", milliseconds(values.percentile(0.5)))
            report("\(name).p99", milliseconds(values.percentile(0.99)))
            report("\(name).max", milliseconds(values.max() ?? .nan))
        }
    }

    func plans(_ store: Store, rules: DeskRules, at: Date) throws {
        let example = try store.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT ticket, sender FROM complaints ORDER BY id DESC LIMIT 1")
        }
        guard let example, let ticket = Ticket(example["ticket"] as String) else { return }
        let queries = HotQueries(rules: rules, now: at, ticket: ticket, sender: example["sender"])
        var whole = 0
        for plan in try store.pool.read({ db in try queries.plans(db) }) {
            report("plan.\(plan.name)", plan.details.joined(separator: " | "))
            report("query_ms.\(plan.name)", String(format: "%.3f", plan.milliseconds))
            if !plan.wholeTableReads.isEmpty {
                whole += 1
                report("plan.\(plan.name).reads_whole_table", plan.wholeTableReads.joined(separator: " | "))
            }
        }
        report("plans_reading_whole_table", whole)
    }

    /// The real CLI, as cron and operators run it.
    func commands(binary: String, configSource: String, store: Store, at: Date) throws {
        let root = NSTemporaryDirectory() + "aduan-scale-" + String(getpid())
        defer { try? FileManager.default.removeItem(atPath: root) }
        for directory in ["config", "var/spool/incoming", "var/spool/outgoing", "var/spool/archive", "var/spool/rejected"] {
            try FileManager.default.createDirectory(atPath: root + "/" + directory, withIntermediateDirectories: true)
        }
        let measured = root + "/config/measured.toml"
        try Self.config(configSource, database: store.path).write(toFile: measured, atomically: true, encoding: .utf8)
        let iso = now
        var environment = ProcessInfo.processInfo.environment
        environment["ADUAN_NOW"] = iso
        environment["ADUAN_CONFIG"] = nil

        func timed(_ name: String, _ arguments: [String], config: String, stdout: String = "/dev/null") throws {
            var results: [ChildProcess.Result] = []
            for _ in 0..<max(1, runs) {
                let result = try ChildProcess(executable: binary, arguments: arguments + ["--config", config],
                                              environment: environment, stdout: stdout, stderr: root + "/\(name).err").run()
                guard result.status == 0 else {
                    let reason = (try? String(contentsOfFile: root + "/\(name).err", encoding: .utf8)) ?? ""
                    throw ScaleError("aduan \(arguments.joined(separator: " ")) exited \(result.status): \(reason)")
                }
                results.append(result)
            }
            let median = results.sorted { $0.seconds < $1.seconds }[results.count / 2]
            report("\(name)_ms", milliseconds(median.seconds))
            report("\(name)_ms.all", results.map { milliseconds($0.seconds) }.joined(separator: ","))
            report("\(name)_cpu_ms", milliseconds(median.userSeconds + median.systemSeconds))
            report(results.allSatisfy(\.peakIsExact) ? "\(name)_peak_rss_kib" : "\(name)_peak_rss_kib_at_most",
                   results.map(\.peakKiB).max() ?? 0)
        }

        try timed("remind_dry_run", ["remind", "--dry-run", "--now", iso], config: measured,
                      stdout: root + "/remind-dry-run.out")
        report("remind_dry_run_sms", Self.lastCount(root + "/remind-dry-run.out"))
        try timed("list_overdue", ["complaints", "list", "--overdue"], config: measured)
        try timed("list_overdue_json", ["complaints", "list", "--overdue", "--json"], config: measured)

        // The real run changes the database: it gets a copy of its own.
        let copy = root + "/var/remind.db"
        let copied = monotonic()
        try store.pool.backup(to: try DatabaseQueue(path: copy))
        report("backup_ms", milliseconds(monotonic() - copied))
        let remindConfig = root + "/config/remind.toml"
        try Self.config(configSource, database: copy).write(toFile: remindConfig, atomically: true, encoding: .utf8)
        try remind(binary: binary, root: root, environment: environment, config: remindConfig, iso: iso)
    }

    /// The real `aduan remind`, once, on the copy.
    private func remind(binary: String, root: String, environment: [String: String], config: String, iso: String) throws {
        let result = try ChildProcess(executable: binary, arguments: ["remind", "--now", iso, "--config", config],
                                      environment: environment, stdout: root + "/remind.out",
                                      stderr: root + "/remind.err").run()
        guard result.status == 0 else {
            let reason = (try? String(contentsOfFile: root + "/remind.err", encoding: .utf8)) ?? ""
            throw ScaleError("aduan remind exited \(result.status): \(reason)")
        }
        report("remind_ms", milliseconds(result.seconds))
        report("remind_cpu_ms", milliseconds(result.userSeconds + result.systemSeconds))
        report(result.peakIsExact ? "remind_peak_rss_kib" : "remind_peak_rss_kib_at_most", result.peakKiB)
        report("remind_sms", Self.lastCount(root + "/remind.out"))
        let spooled = (try? FileManager.default.contentsOfDirectory(atPath: root + "/var/spool/outgoing"))?.count ?? 0
        report("remind_spooled_files", spooled)
    }

    /// The shipped configuration with its database line pointing elsewhere;
    /// its relative spool paths then land in the measuring directory.
    static func config(_ source: String, database: String) -> String {
        source.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.trimmingCharacters(in: .whitespaces).hasPrefix("database =") ? "database = \"\(database)\"" : String(line)
        }.joined(separator: "\n")
    }

    /// The number the command's last line starts with ("12 SMS queued").
    static func lastCount(_ path: String) -> Int {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let last = text.split(separator: "\n").last.map(String.init) ?? ""
        return Int(last.prefix { $0.isNumber }) ?? -1
    }
}
