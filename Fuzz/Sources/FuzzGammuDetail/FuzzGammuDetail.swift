import AduanGateways

/// The file name every input is parsed under unless it brings its own.
let defaultName = "IN20261122_135900_00_+6281234567890_00.txt"

/// One gammu-smsd inbox file in `InboxFormat = detail` (an SMS-backup INI file).
///
/// An input whose first line starts with `IN` is taken as `name` + `\n` + the
/// file, so the fuzzer reaches the file-name split too; every other input (the
/// seed files start with `[SMSBackup000]`) is the file itself, named `defaultName`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    var name = defaultName
    var file = bytes[...]
    if bytes.starts(with: [UInt8(ascii: "I"), UInt8(ascii: "N")]),
       let newline = bytes.prefix(256).firstIndex(of: UInt8(ascii: "\n"))
    {
        name = String(decoding: bytes[..<newline], as: UTF8.self)
        file = bytes[(newline + 1)...]
    }
    switch GammuInbound.parse(Array(file), name: name, format: .detail) {
    case .success(let messages):
        precondition(!messages.isEmpty, "accepted a file with no message")
        for sms in messages {
            precondition(!sms.sender.isEmpty, "accepted a message without a sender")
            if let part = sms.part {
                precondition(part.sequence >= 1 && part.sequence <= part.total, "part out of range: \(part)")
            }
            _ = sms.text.utf8.count
        }
    case .failure(let rejection):
        precondition(!rejection.reason.isEmpty, "rejection without a reason")
    }
    return 0
}
