import AduanConfig
import ArgumentParser
import Foundation

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration; show routes and every template's encoding and SMS count.")

    @OptionGroup var options: ConfigOption

    func run() throws {
        let config: Config
        do {
            config = try ConfigLoader.load(path: options.path)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
        print(ConfigReport.render(config), terminator: "")
        print("configuration OK: \(config.file)")
    }
}
