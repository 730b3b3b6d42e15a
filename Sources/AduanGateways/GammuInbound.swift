// Temporary stub; replaced by the gammu adapter.
public enum GammuInbound {
    public enum Format: String, Sendable, CaseIterable { case detail, unicode, standard }
    public static func parse(_ bytes: [UInt8], name: String, format: Format) -> Result<[InboundSMS], InboundRejection> {
        .failure(InboundRejection("gammu: not yet"))
    }
}
