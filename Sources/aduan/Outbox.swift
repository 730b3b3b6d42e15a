import AduanConfig
import AduanDaemon
import AduanGateways
import AduanStore
import ArgumentParser
import Foundation

struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "What was sent or is waiting, oldest first.")

    @OptionGroup var options: ConfigOption
    @Flag(help: "Keep printing as SMS are queued and spooled (Ctrl-C to stop).") var follow = false
    @Option(help: "Only the last N rows.") var last: Int?
    @Flag(help: "Machine-readable output (§9): an array, or one object per line with --follow.") var json = false

    func run() async throws {
        let context = try CLIContext(options)
        let all = try await context.store.pool.read { db in try Outbox.list(db) }
        let rows = last.map { Array(all.suffix(max(0, $0))) } ?? all
        if json && !follow {
            print(JSON.array(rows.map { row(context, $0) }).render())
            return
        }
        if !follow {
            for r in rows { print(line(context, r)) }
            return
        }
        var seen: [Int64: OutboxState] = [:]
        func emit(_ records: [OutboxRecord]) {
            for r in records where seen[r.id] != r.state {
                seen[r.id] = r.state
                print(json ? row(context, r).render(pretty: false) : line(context, r))
            }
            fflush(nil)
        }
        emit(rows)
        // Wake when the spool changes; the periodic look catches rows queued
        // but not yet spooled (another process's commit makes no file event).
        let spools = context.rules.config.outbound.map(\.path).filter { FileManager.default.fileExists(atPath: $0) }
        let watcher = try? DirectoryWatcher(directories: spools)
        let (ticks, continuation) = AsyncStream<Void>.makeStream()
        if let watcher {
            Task { for await _ in watcher.events { continuation.yield() } }
        }
        Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(2))
                continuation.yield()
            }
        }
        for await _ in ticks {
            let minID = seen.filter { $0.value != .spooled }.keys.min() ?? (seen.keys.max() ?? 0)
            let fresh = try await context.store.pool.read { db in try Outbox.list(db, afterID: max(0, minID - 1)) }
            emit(fresh)
        }
    }

    func row(_ context: CLIContext, _ r: OutboxRecord) -> JSON {
        let cal = context.rules.calendar
        return .object([
            ("id", .number(r.id)),
            ("to", .string(r.recipient)),
            ("kind", .string(r.kind)),
            ("text", .string(r.text)),
            ("state", .string(r.state.rawValue)),
            ("ticket", .optional(r.ticket)),
            ("created_at", .string(cal.iso8601(r.createdAt))),
            ("spooled_at", .optional(r.spooledAt.map(cal.iso8601))),
            ("file", .optional(r.file)),
        ])
    }

    func line(_ context: CLIContext, _ r: OutboxRecord) -> String {
        let cal = context.rules.calendar
        return "\(r.id)\t\(cal.display(r.createdAt))\t\(r.state.rawValue)\t\(r.kind)\t\(r.recipient)\t\(r.ticket ?? "-")\t\(r.text)"
    }
}
