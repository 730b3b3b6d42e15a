import Foundation

/// Where reading stopped: which file (device+inode) and the byte offset after the last complete line,
/// plus the number of that line. Stored by the daemon in the same transaction as the messages it covers.
public struct LogCheckpoint: Sendable, Equatable, Codable {
    public var device: UInt64
    public var inode: UInt64
    public var offset: Int64
    public var line: Int64

    public init(device: UInt64, inode: UInt64, offset: Int64, line: Int64) {
        self.device = device
        self.inode = inode
        self.offset = offset
        self.line = line
    }
}
