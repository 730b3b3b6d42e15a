import AduanGateways

/// One smstools3 incoming file, as the spool reader hands it over.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    switch SmstoolsInbound.parse(bytes) {
    case .success(let sms):
        // What the pipeline reads next: every field must be usable text.
        precondition(!sms.sender.isEmpty, "accepted a message without a sender")
        if let part = sms.part {
            precondition(part.sequence >= 1 && part.sequence <= part.total, "part out of range: \(part)")
        }
        _ = sms.text.utf8.count
    case .failure(let rejection):
        precondition(!rejection.reason.isEmpty, "rejection without a reason")
    }
    return 0
}
