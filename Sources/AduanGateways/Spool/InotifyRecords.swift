import Glibc

/// Reads the records of a non-blocking inotify descriptor. `inotify_event`'s
/// flexible `name[]` member does not import into Swift, so the 16-byte header
/// (wd, mask, cookie, len) and the NUL-padded name are read by hand.
public enum InotifyRecords {
    /// Calls `handle` with every record available now, until the descriptor
    /// would block or `endOfRead`, called after the records of each read,
    /// returns false.
    public static func drain(_ fd: Int32, into buffer: inout [UInt8], endOfRead: () -> Bool = { true },
                      _ handle: (_ wd: Int32, _ mask: UInt32, _ name: ArraySlice<UInt8>) -> Void) {
        var goOn = true
        while goOn {
            defer { goOn = endOfRead() }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return  // EAGAIN: drained
            }
            if count == 0 { return }
            let header = 16
            var offset = 0
            while offset + header <= count {
                let (wd, mask, nameLength) = buffer.withUnsafeBytes { raw in
                    (raw.loadUnaligned(fromByteOffset: offset, as: Int32.self),
                     raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                     Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
                }
                let nameStart = offset + header
                offset = nameStart + nameLength
                guard offset <= count else { break }  // never happens: the kernel writes whole events
                handle(wd, mask, buffer[nameStart..<offset].prefix { $0 != 0 })
            }
        }
    }
}
