import AduanConfig
import AduanCore

/// Where the text is said to come from: only used to resolve relative paths,
/// which the loader never opens.
let file = "/etc/aduan/aduan.toml"

/// `aduan.toml` as `aduan check-config`, `serve` and SIGHUP read it. The loader
/// must refuse a bad file with a reason, never abort the process: on SIGHUP the
/// running daemon keeps its old config (§8), which it cannot if the parser traps.
///
/// The input bytes are decoded as UTF-8 (invalid bytes become U+FFFD), as
/// `ConfigLoader.parse` takes text; `load` refuses non-UTF-8 files before that.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { UnsafeBufferPointer(start: $0, count: size) } ?? UnsafeBufferPointer(start: nil, count: 0)
    let text = String(decoding: bytes, as: UTF8.self)
    do {
        let config = try ConfigLoader.parse(text: text, file: file)
        // A config the loader accepts must give a router that works.
        let router = Router(routes: config.routes, triage: config.triage,
                            onUnknown: config.service.onUnknownKeyword,
                            vocabulary: config.urgent.words + config.agencies.flatMap(\.words))
        for route in config.routes.prefix(4) {
            _ = router.route("\(route.keyword) jalan rusak")
        }
        _ = router.route("STATUS BJR-0001")
    } catch {
        precondition(!error.issues.isEmpty, "refused without an issue")
        for issue in error.issues {
            precondition(!issue.message.isEmpty, "an issue without a message")
            if let line = issue.line {
                precondition(line >= 1, "an issue at line \(line)")
            }
        }
    }
    return 0
}
