import AduanConfig
import AduanCore
import Foundation

/// The shipped configuration's routes (config/aduan.toml), or the file named
/// by `ADUAN_FUZZ_CONFIG`, built into routers as the daemon builds them
/// (AduanDaemon's DeskRules), once for each unknown-keyword policy.
let routers: [Router] = {
    let path = ProcessInfo.processInfo.environment["ADUAN_FUZZ_CONFIG"]
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../config/aduan.toml").standardized.path
    let config: Config
    do {
        config = try ConfigLoader.load(path: path)
    } catch {
        fatalError("FuzzRouter needs the shipped config: \(error)")
    }
    let vocabulary = config.urgent.words + config.agencies.flatMap(\.words)
    return [UnknownKeywordPolicy.triage, .help].map {
        Router(routes: config.routes, triage: config.triage, onUnknown: $0, vocabulary: vocabulary)
    }
}()

/// The text of one citizen's SMS, decoded as the gateways decode it (invalid
/// UTF-8 becomes U+FFFD): routing must give an answer for any text, the same
/// answer every time, and never an empty complaint.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { UnsafeBufferPointer(start: $0, count: size) } ?? UnsafeBufferPointer(start: nil, count: 0)
    let text = String(decoding: bytes, as: UTF8.self)
    for router in routers {
        let intent = router.route(text)
        switch intent {
        case .complaint(_, _, let body):
            precondition(!body.isEmpty, "a complaint with an empty body")
        default:
            break
        }
        precondition(router.route(text) == intent, "routing is not deterministic")
    }
    return 0
}
