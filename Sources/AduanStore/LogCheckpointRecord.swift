import AduanCore
import Foundation
import GRDB

/// Where each tailed log was read up to, saved in the transaction that
/// records the lines before it.
public enum LogCheckpoints {
    public static func load(_ db: Database, source: String) throws -> LogCheckpoint? {
        try Row.fetchOne(db, cachedSQL: "SELECT device, inode, offset, line FROM log_checkpoints WHERE source = ?", arguments: [source])
            .map { LogCheckpoint(device: UInt64(bitPattern: $0["device"]), inode: UInt64(bitPattern: $0["inode"]),
                                    offset: $0["offset"], line: $0["line"]) }
    }

    public static func save(_ db: Database, source: String, _ c: LogCheckpoint, at now: Date) throws {
        try db.execute(cachedSQL: """
            INSERT INTO log_checkpoints (source, device, inode, offset, line, updated_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (source) DO UPDATE SET device = excluded.device, inode = excluded.inode,
                offset = excluded.offset, line = excluded.line, updated_at = excluded.updated_at
            """, arguments: [source, Int64(bitPattern: c.device), Int64(bitPattern: c.inode), c.offset, c.line, Millis.from(now)])
    }
}
