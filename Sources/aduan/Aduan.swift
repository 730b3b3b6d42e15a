import AduanConfig
import ArgumentParser
import CLinuxExtras
import Foundation

@main
struct Aduan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aduan",
        abstract: "SMS complaint desk: gateway spool in, tickets and replies out.",
        subcommands: [
            CheckConfig.self, Serve.self, Ingest.self, Inject.self, ComplaintsCommand.self, OutboxCommand.self, Remind.self, StatsCommand.self,
        ]
    )

    // On the main actor, so that the line below runs before anything reaches
    // the global executor.
    @MainActor
    static func main() async {
        // No CPU while idle (§10): tasks off the queues libdispatch monitors
        // every second.
        aduan_run_tasks_on_overcommit_queue()
        // Peak RSS under 50 MB while ingesting (§10): glibc gives each thread
        // that allocates an arena of its own, up to eight per core, and the
        // pipeline's threads (read, record, spool, place, archive) held nine,
        // 20 MB between them: 52 MB for a 20,000-message burst. Two arenas
        // kept it at 44-45 MB, but the threads then met on the arenas' locks
        // (17,000 futex calls in a burst); three halve those for 46-47 MB.
        // Four measured 48-49.5 MB, too close to the bound.
        aduan_limit_malloc_arenas(3)
        // Before any database is opened: fewer mutexes on every SQLite call.
        _ = aduan_configure_sqlite()
        // Complaints and reporters' numbers: nothing aduan creates is world-readable (§8).
        umask(0o027)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// `--config`, else `$ADUAN_CONFIG`, else `config/aduan.toml` (§7).
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "The configuration file (default: $ADUAN_CONFIG, else config/aduan.toml).")
    var config: String?

    var path: String {
        config ?? ProcessInfo.processInfo.environment["ADUAN_CONFIG"] ?? "config/aduan.toml"
    }

    func load() throws -> Config {
        do {
            return try ConfigLoader.load(path: path)
        } catch {
            throw CLIError("\(error)")
        }
    }
}

/// A one-line reason on stderr and a non-zero exit, without a usage dump.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension CLIError: LocalizedError {
    var errorDescription: String? { description }
}
