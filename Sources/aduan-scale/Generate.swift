import AduanConfig
import AduanCore
import AduanDaemon
import AduanStore
import ArgumentParser
import Foundation
import GRDB

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a database holding a year of complaints, with their history, messages and reminders.",
        discussion: """
            The database is created by the real store (its migrations, constraints and triggers) and filled in \
            one transaction per 20,000 complaints, with PRAGMA synchronous=OFF on the generating connection only: \
            a crash during generation loses the file, which is then generated again. The result is the same for \
            the same seed, count, end and configuration.
            """)

    @Option(help: "How many complaints.") var complaints: Int
    @Option(help: "The database to create (must not exist).") var database: String
    @Option(help: "The configuration whose routes, agencies, deadlines and templates to use.")
    var config = "config/aduan.toml"
    @Option(help: "Seed of the generator.") var seed: UInt64 = 1
    @Option(help: "The end of the year (ISO 8601); complaints arrive in the 365 days before it.")
    var end = AduanScale.defaultEnd
    @Flag(help: "Run PRAGMA integrity_check and foreign_key_check afterwards.") var verify = false

    func validate() throws {
        guard complaints > 0 else { throw ValidationError("--complaints must be at least 1") }
    }

    func run() throws {
        let endDate = try AduanScale.instant(end)
        guard !FileManager.default.fileExists(atPath: database) else {
            throw ScaleError("\(database) exists; generate into a new file")
        }
        let configuration = try ConfigLoader.load(path: config)
        let started = monotonic()
        let store = try Store(path: database)
        let summary = try Self.generate(into: store, rules: DeskRules(configuration), complaints: complaints, seed: seed,
                                        end: endDate) { done in
            FileHandle.standardError.write(Data("generated \(done) complaints\n".utf8))
        }
        let seconds = monotonic() - started
        report("complaints", summary.complaints)
        for status in ComplaintStatus.allCases { report("status.\(status.rawValue)", summary.byStatus[status] ?? 0) }
        report("overdue", summary.overdue)
        report("events", summary.events)
        report("inbound_messages", summary.inbound)
        report("outbox", summary.outbox)
        report("reminders_sent", summary.reminders)
        report("opt_outs", summary.optOuts)
        report("rerouted_texts", summary.rerouted)
        report("generate_seconds", String(format: "%.1f", seconds))
        report("db_bytes", fileSize(database))
        if verify {
            let checked = monotonic()
            let problems = try Self.verify(store)
            report("integrity", problems.isEmpty ? "ok" : problems.joined(separator: "; "))
            report("verify_seconds", String(format: "%.1f", monotonic() - checked))
            if !problems.isEmpty { throw ExitCode(1) }
        }
    }

    /// Fills an empty store with a year of complaints ending at `end`: the
    /// simulation on one thread, the writer on the connection's own.
    static func generate(into store: Store, rules: DeskRules, complaints: Int, seed: UInt64, end: Date,
                         progress: @escaping @Sendable (Int) -> Void = { _ in }) throws -> YearSimulation.Summary {
        try store.pool.writeWithoutTransaction { db in
            let existing = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM complaints") ?? 0
            guard existing == 0 else { throw ScaleError("\(store.path) already holds \(existing) complaints") }
            // Generation only: nobody is waiting for these rows to be durable.
            // The daemon's connections keep synchronous=FULL.
            try db.execute(sql: "PRAGMA synchronous = OFF")
            // 1 GiB of page cache: the indexes on random keys (message identities,
            // phone numbers) of a million complaints stay in memory as they grow.
            try db.execute(sql: "PRAGMA cache_size = -1048576")
            defer { try? db.execute(sql: "PRAGMA synchronous = FULL") }
            let writer = try BulkWriter(db)
            let channel = RowChannel()
            let year = YearRun()
            let settings = YearSimulation.Settings(complaints: complaints, seed: seed, end: end)
            DispatchQueue.global().async {
                let simulation = YearSimulation(settings: settings, rules: rules, channel: channel)
                do {
                    try simulation.run(progress: progress)
                    year.summary = simulation.summary
                    channel.finish()
                } catch {
                    channel.finish(failure: error)
                }
                year.done.signal()
            }
            do {
                try writer.drain(channel)
            } catch {
                channel.cancel()
                year.done.wait()
                throw error
            }
            year.done.wait()
            if let failure = channel.failure { throw failure }
            // Leave one file behind, as a quiet daemon's database would be.
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            return year.summary
        }
    }

    /// The simulation thread's result; `done` orders its write before the read.
    private final class YearRun: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        var summary = YearSimulation.Summary()
    }

    /// What `PRAGMA integrity_check` and `foreign_key_check` find; empty when all is well.
    static func verify(_ store: Store) throws -> [String] {
        try store.pool.read { db in
            var problems = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
            problems += try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").map { row in
                "foreign key: \(row[0] as String? ?? "?") row \(row[1] as Int64? ?? 0) -> \(row[2] as String? ?? "?")"
            }
            return problems
        }
    }
}
