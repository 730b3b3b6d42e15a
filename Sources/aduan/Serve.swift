import AduanConfig
import AduanDaemon
import AduanStore
import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the daemon in the foreground (systemd Type=notify; SIGHUP reloads, SIGTERM drains).")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        // Trapped first, and kept until the end: the service group registers
        // its own handlers in a task that races the daemon's start, and a
        // SIGTERM in between (systemd stopping a daemon that has just
        // started) took the default action and killed it mid-start. One that
        // comes before the group runs still stops it gracefully.
        let stopSignals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        let config = try options.load()
        let logger = Logging.make(config: config)
        let store: Store
        do {
            // Shorter than the CLI's wait: the daemon's loop must not stall
            // past the systemd watchdog (WatchdogSec=30s, a ping every 15 s)
            // on a lock held by another process; past this it keeps the file
            // in the spool and tries again with back-off.
            store = try Store(path: config.service.database, busyTimeout: .seconds(5))
        } catch {
            logger.critical("start_failed", metadata: ["error": "\(error)"])
            throw CLIError("\(error)")
        }
        let daemon: Daemon
        do {
            daemon = try Daemon(configPath: config.file, config: config, store: store, clock: Clocks.fromEnvironment(), logger: logger)
        } catch {
            logger.critical("start_failed", metadata: ["error": "\(error)"])
            throw CLIError("\(error)")
        }
        let group = ServiceGroup(configuration: .init(
            services: [daemon],
            gracefulShutdownSignals: [],
            logger: Logger(label: "aduan.lifecycle", factory: { _ in SwiftLogNoOpLogHandler() })))
        let stopping = Task {
            for await _ in stopSignals { await group.triggerGracefulShutdown() }
        }
        defer { stopping.cancel() }
        do {
            try await group.run()
        } catch {
            logger.critical("stopped_with_error", metadata: ["error": "\(error)"])
            throw CLIError("\(error)")
        }
    }
}

enum Logging {
    static func make(config: Config?) -> Logger {
        let level: Logger.Level = config?.service.logLevel == "debug" ? .debug : .info
        return Logger(label: "aduan", factory: { label in LogfmtHandler(label: label, level: level) })
    }
}
