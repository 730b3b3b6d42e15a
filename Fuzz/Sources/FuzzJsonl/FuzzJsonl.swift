import AduanGateways

/// One line of a shortcode/aggregator log (`kind = "jsonl"`). The log reader
/// cuts at `\n`, but the parser is handed whatever the fuzzer makes, newlines
/// included: it must reject what is not one object, never trap on it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    switch JsonlLine.parse(bytes) {
    case .success(let sms):
        precondition(!sms.sender.isEmpty, "accepted a line with an empty \"from\"")
        precondition(sms.externalID.map { !$0.isEmpty } ?? true, "an empty id was kept")
        if let part = sms.part {
            precondition(part.sequence >= 1 && part.sequence <= part.total, "part out of range: \(part)")
        }
        _ = sms.text.utf8.count
    case .failure(let rejection):
        precondition(!rejection.reason.isEmpty, "rejection without a reason")
    }
    return 0
}
