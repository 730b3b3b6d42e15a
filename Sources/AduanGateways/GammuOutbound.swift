import Foundation
// Temporary stub; replaced by the gammu adapter.
public enum GammuOutbound {
    public enum Encoding: String, Sendable, CaseIterable { case utf8 = "utf-8", utf16 = "utf-16" }
    public static func fileName(id: Int64, kind: String, number: String, createdAt: Date) -> String { "OUTC_\(id)" }
    public static func render(_ text: String, encoding: Encoding) -> [UInt8] { Array(text.utf8) }
}
