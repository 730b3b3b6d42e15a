import AduanConfig
import AduanDaemon
import AduanStore
import ArgumentParser
import Foundation

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ingest inbound files once (replay, tests), then spool the replies.",
        discussion: """
            Files are read in the named inbound source's format. Files inside that source's spool are archived \
            or rejected as the daemon would; files elsewhere (a replay from the archive) are left where they are.
            """)

    @OptionGroup var options: ConfigOption

    @Option(help: "The [[inbound]] source whose format and archive apply (default: the first).")
    var source: String?

    @Argument(help: "Inbound files.")
    var files: [String]

    func run() throws {
        let config = try options.load()
        guard let inbound = source.map({ name in config.inbound.first { $0.name == name } }) ?? config.inbound.first else {
            throw CLIError("no inbound source named \(source ?? "")")
        }
        let logger = Logging.make(config: config)
        let store = try Store(path: config.service.database)
        let clock = Clocks.fromEnvironment()
        let reception = Reception(store: store, rules: DeskRules(config), clock: clock)
        var failed = 0
        for file in files {
            let path = URL(fileURLWithPath: file).standardizedFileURL.path
            let inSpool = (path as NSString).deletingLastPathComponent == inbound.path
            let processor = InboundProcessor(source: inbound, reception: reception, logger: logger, movesFiles: inSpool)
            switch processor.process(path: path) {
            case .recorded(let outcomes):
                for outcome in outcomes {
                    switch outcome {
                    case .recorded(let intent, let ticket, _, _): print("\(file)\t\(intent)\t\(ticket ?? "-")")
                    case .alreadyRecorded: print("\(file)\talready recorded")
                    case .held(let sequence, let total): print("\(file)\tpart \(sequence) of \(total) held")
                    }
                }
            case .rejected(let reason):
                print("\(file)\trejected: \(reason)")
            case .skipped:
                print("\(file)\tskipped (gone)")
            case .failed(let why):
                failed += 1
                print("\(file)\tfailed: \(why)")
            }
        }
        if let spool = config.outbound.first {
            try Spooler(store: store, spool: spool, clock: clock).flush()
        }
        if failed > 0 { throw ExitCode(1) }
    }
}
